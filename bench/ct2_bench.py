"""minimt's own KV-cached decoder vs CTranslate2 float32 and int8: sentences/s, BLEU, size on disk.

    python bench/ct2_bench.py --checkpoint runs/minimt [--data data/test.tsv] [--threads 1]
                              [--batch-size 32] [--n 0] [--out docs/ct2_bench.json]

Same sentences, same batch size, same threads for all three (torch.set_num_threads and the
engine's intra_threads). Each configuration translates the whole set once untimed (warm-up:
allocations, weight packing) and then once timed. minimt's decoding runs through
``greedy_decode`` / ``beam_search`` in float32 with the KV cache; the engine through
``minimt.serve.engine.translate_ids`` (the same length limits and length penalty).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from minimt.batch import make_batch  # noqa: E402
from minimt.beam import beam_search  # noqa: E402
from minimt.checkpoint import load_checkpoint  # noqa: E402
from minimt.data import embedded_path, load_pairs  # noqa: E402
from minimt.decode import greedy_decode  # noqa: E402
from minimt.evaluate import corpus_scores, group_references  # noqa: E402
from minimt.serve import export_ctranslate2  # noqa: E402
from minimt.serve.engine import load_engine, translate_ids  # noqa: E402


def minimt_decode(model, tok, sources, beam, batch_size):
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))  # as decode.translate does
    out = [None] * len(sources)
    for s in range(0, len(order), batch_size):
        chunk = order[s:s + batch_size]
        b = make_batch([sources[i] for i in chunk], [[tok.eos_id]] * len(chunk), pad_id=tok.pad_id,
                       bos_id=tok.bos_id, eos_id=tok.eos_id)
        if beam == 1:
            rows = greedy_decode(model, b.input_ids, b.attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id)
        else:
            rows = [h[0][0] for h in beam_search(model, b.input_ids, b.attention_mask, bos_id=tok.bos_id,
                                                 eos_id=tok.eos_id, beam_size=beam)]
        for i, r in zip(chunk, rows):
            out[i] = r
    return out


def timed(fn):
    fn()  # warm-up
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).iterdir() if f.is_file() and f.suffix in (".bin", ".pt")) / 1e6


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--data", default=str(embedded_path("test")))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--n", type=int, default=0, help="first N source sentences (0 = all)")
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    model, tok, meta = load_checkpoint(args.checkpoint)
    srcs, refs = group_references(load_pairs(args.data))
    if args.n:
        srcs, refs = srcs[:args.n], refs[:args.n]
    sources = [tok.encode(s) for s in srcs]
    work = Path(tempfile.mkdtemp(prefix="ct2_bench_"))
    dirs = {q: export_ctranslate2(args.checkpoint, work / q, quantization=q) for q in ("float32", "int8")}
    torch.save(model.state_dict(), work / "weights.pt")  # weights only: the checkpoint also holds Adam's state
    sizes = {"minimt checkpoint": Path(meta["path"]).stat().st_size / 1e6,
             "minimt weights": (work / "weights.pt").stat().st_size / 1e6,
             "ct2 float32": folder_mb(dirs["float32"]), "ct2 int8": folder_mb(dirs["int8"])}
    print(f"{len(srcs)} sentences from {args.data}; threads {args.threads}, batch {args.batch_size}; "
          f"{platform.processor() or platform.machine()}; torch {torch.__version__}")

    rows, outputs = [], {}
    for beam in (1, 4):
        runs = {"minimt": lambda: minimt_decode(model, tok, sources, beam, args.batch_size)}
        for q, d in dirs.items():
            translator, etok, P = load_engine(str(d), "cpu", args.threads)
            runs[f"ct2 {q}"] = (lambda t=translator, e=etok, p=P: [
                r[0][0] for r in translate_ids(t, e, sources, beam=beam, max_positions=p,
                                               batch_size=args.batch_size)])
        for name, fn in runs.items():
            ids, seconds = timed(fn)
            hyps = [tok.decode(x) for x in ids]
            outputs[(name, beam)] = ids
            bleu = corpus_scores(hyps, refs)["bleu"]
            same = sum(a == b for a, b in zip(ids, outputs[("minimt", beam)]))
            row = {"engine": name, "beam": beam, "sentences_per_s": len(srcs) / seconds, "seconds": seconds,
                   "bleu": bleu, "same_as_minimt": same, "n": len(srcs)}
            rows.append(row)
            print(f"beam {beam}  {name:12}  {row['sentences_per_s']:8.1f} sent/s  BLEU {bleu:5.2f}  "
                  f"same ids as minimt {same}/{len(srcs)}")
    base = {r["beam"]: r["sentences_per_s"] for r in rows if r["engine"] == "minimt"}
    for r in rows:
        r["speedup"] = r["sentences_per_s"] / base[r["beam"]]
    print("size on disk (MB): " + ", ".join(f"{k} {v:.1f}" for k, v in sizes.items()))
    print("| decoding | engine | sentences/s | × minimt | BLEU | same ids as minimt |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {'greedy' if r['beam'] == 1 else 'beam 4'} | {r['engine']} | {r['sentences_per_s']:.1f} | "
              f"{r['speedup']:.2f} | {r['bleu']:.1f} | {r['same_as_minimt']}/{r['n']} |")
    if args.out:
        Path(args.out).write_text(json.dumps({"rows": rows, "sizes_mb": sizes,
                                              "threads": args.threads, "batch_size": args.batch_size},
                                             indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
