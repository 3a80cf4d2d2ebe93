"""Greedy decoding sentences/s with and without minimt's KV cache (same outputs, asserted).

Tatoeba's test.tsv is sorted from the shortest sentence to the longest, so "the first n
sentences" would be the n shortest. ``evenly_spaced`` takes n sentences spread over the whole
file instead (all of them when n >= its size), so the figure is that of a typical test set.
"""
from __future__ import annotations

import time

import torch


def evenly_spaced(n_total: int, n: int) -> list[int]:
    """n indices spread evenly over range(n_total) (all of them when n <= 0 or n >= n_total)."""
    if n <= 0 or n >= n_total:
        return list(range(n_total))
    return [round(k * (n_total - 1) / (n - 1)) for k in range(n)] if n > 1 else [0]


def source_batches(sources: list[list[int]], batch_size: int, *, pad_id: int):
    """Sources (ids + EOS) sorted by length, padded into (B,S) batches: [(ids, mask, positions)]."""
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    out = []
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        S = max(len(sources[i]) for i in chunk)
        ids = torch.full((len(chunk), S), pad_id, dtype=torch.long)
        mask = torch.zeros(len(chunk), S, dtype=torch.long)
        for r, i in enumerate(chunk):
            ids[r, :len(sources[i])], mask[r, :len(sources[i])] = torch.tensor(sources[i]), 1
        out.append((ids, mask, chunk))
    return out


BANDS = ((1, 5), (6, 10), (11, 20), (21, 10**9))  # output lengths (tokens, EOS excluded)


def decode_speed(model, corpus, *, n: int = 0, batch_size: int = 50, bands=BANDS, log=print) -> dict:
    """Alternates cached / uncached decoding batch by batch; fp32 (no autocast).

    Also times each output-length band of ``bands`` on its own (sentences re-batched by their
    output length), to show how the speed-up grows with the number of decoding steps."""
    from minimt.decode import greedy_decode
    tok = corpus.tokenizer
    picked = evenly_spaced(len(corpus.ids), n)
    sources = [corpus.ids[i][0] + [tok.eos_id] for i in picked]
    names = ["cache", "no cache"]
    model.eval()

    def timed(batches):
        seconds = dict.fromkeys(names, 0.0)
        outputs = {k: [None] * sum(len(rows) for *_, rows in batches) for k in names}
        for k, (ids, mask, rows) in enumerate(batches):
            for name in names[k % 2:] + names[:k % 2]:  # take turns going first
                t0 = time.perf_counter()
                out = greedy_decode(model, ids, mask, bos_id=tok.bos_id, eos_id=tok.eos_id,
                                    use_cache=name == "cache")
                seconds[name] += time.perf_counter() - t0
                for r, o in zip(rows, out):
                    outputs[name][r] = o
        return seconds, outputs

    seconds, outputs = timed(source_batches(sources, batch_size, pad_id=tok.pad_id))
    done = outputs["cache"]
    same = sum(a == b for a, b in zip(outputs["cache"], outputs["no cache"]))
    assert same == len(done), (
        f"greedy_decode with and without the KV cache disagree on {len(done) - same} sentence(s)")
    result = {"sentences": len(done), "of": len(corpus.ids), "batch_size": batch_size,
              "mean_output_tokens": sum(map(len, done)) / len(done), "identical_outputs": same,
              "sent_per_s": {k: len(done) / s for k, s in seconds.items()}}
    result["cache_speedup"] = result["sent_per_s"]["cache"] / result["sent_per_s"]["no cache"]
    log(f"  decode: {result['sent_per_s']}; identical outputs {same}/{len(done)}")
    result["bands"] = []
    for lo, hi in bands:
        members = [i for i, o in enumerate(done) if lo <= len(o) <= hi]
        if not members:
            continue
        sub = [sources[i] for i in members]
        band_seconds, _ = timed(source_batches(sub, batch_size, pad_id=tok.pad_id))
        band = {"band": f"{lo}-{hi}" if hi < 10**9 else f"{lo}+", "sentences": len(members),
                "mean_output_tokens": sum(len(done[i]) for i in members) / len(members),
                "speedup": band_seconds["no cache"] / band_seconds["cache"]}
        result["bands"].append(band)
        log(f"  output {band['band']} tokens: {len(members)} sentences, cache speed-up {band['speedup']:.2f}x")
    return result


def main(argv=None) -> int:
    """python bench/decode_bench.py --checkpoint DIR [--batch-sizes 50,64,128]: speed-up per batch size."""
    import argparse
    import common  # noqa: F401  (puts the repo on sys.path)
    from common import load_corpus
    from minimt.checkpoint import load_checkpoint
    from minimt.runtime.memory import keep_freed_memory
    p = argparse.ArgumentParser(description="greedy decoding with vs without the KV cache, per batch size")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--batch-sizes", default="50,64,128")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sentences", type=int, default=0, help="spread evenly over test.tsv (0: all)")
    args = p.parse_args(argv)
    keep_freed_memory()  # as bench.py (both decoders alike)
    torch.set_num_threads(args.threads)
    model, tok, _ = load_checkpoint(args.checkpoint, name="latest")
    test = load_corpus("test", tokenizer=tok)
    for bs in (int(b) for b in args.batch_sizes.split(",")):  # one overall figure per batch size
        r = decode_speed(model, test, n=args.sentences, batch_size=bs, bands=(), log=lambda *a: None)
        sps = {k: round(v) for k, v in r["sent_per_s"].items()}
        print(f"batch {bs}: {sps} sentences/s, cache speed-up {r['cache_speedup']:.2f}x, "
              f"identical {r['identical_outputs']}/{r['sentences']}", flush=True)
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main())
