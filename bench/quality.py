"""Quality at a time budget: `minimt train` vs the nn.Transformer baseline, same data and minutes.

minimt is trained by its own command line (a subprocess, exactly what a user runs):

    minimt train --data train.tsv --valid valid.tsv --test test.tsv --minutes M --threads 2 --bf16|--no-bf16 --out DIR

(with its validation at each quarter of the budget: the clock stops while it evaluates, so both
models get M minutes of training; the baseline loop below does not evaluate.) The
baseline is trained by `train_baseline` here with the same recipe: the same 8k tokenizer,
`bucket_batches` of 4,096 tokens (epoch-shuffled, seed + epoch), the size, dropout, peak learning
rate and warmup of minimt train's --data recipe (minimt/recipe/defaults.py DATA), AdamW (betas
0.9/0.98, wd 0.01), then minimt train's budget schedule (hold, then decay to 0 over the last
20% of the minutes, by the clock), label smoothing 0.1, clip 1.0 — and both in bf16 autocast where
the CPU has native bf16, in float32 where it has not (as `minimt train` decides by default:
minimt.runtime.device.default_bf16; ``--no-bf16`` forces float32, e.g. for the simulated floor).
Both are then scored the same way: greedy decoding of test.tsv's English sentences in fp32,
sacreBLEU BLEU/chrF through minimt.evaluate (several French lines of one English sentence are
its references — as `minimt evaluate` does), and also one reference per line (as `minimt
train`'s final report does). Decoding time is outside the budget for both.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import torch

from common import DATA, ROOT, load_corpus, to_batch, train_step


def _scores(hyp_of: dict, test_pairs) -> dict:
    from minimt.evaluate import corpus_scores, group_references
    sources, refs = group_references(test_pairs)
    multi = corpus_scores([hyp_of[s] for s in sources], refs)
    single = corpus_scores([hyp_of[en] for en, _ in test_pairs], [fr for _, fr in test_pairs])
    return {"bleu": round(multi["bleu"], 2), "chrf": round(multi["chrf"], 2),
            "bleu_1ref": round(single["bleu"], 2), "chrf_1ref": round(single["chrf"], 2),
            "signature": multi["bleu_signature"], "test_sentences": len(sources)}


def use_bf16(bf16: bool | None) -> bool:
    """``bf16`` as given, or (None) what `minimt train` picks: bf16 only where the CPU has it natively."""
    from minimt.runtime.device import default_bf16
    return default_bf16(torch.device("cpu")) if bf16 is None else bf16


def run_minimt(minutes: float, threads: int, out_dir: Path, *, seed: int = 0, log=print,
               bf16: bool | None = None) -> dict:
    from minimt.checkpoint import load_checkpoint
    from minimt.evaluate import translate_all
    bf16 = use_bf16(bf16)
    cmd = [sys.executable, "-m", "minimt", "train", "--data", str(DATA / "train.tsv"),
           "--valid", str(DATA / "valid.tsv"), "--test", str(DATA / "test.tsv"),
           "--minutes", f"{minutes:g}", "--threads", str(threads),
           "--bf16" if bf16 else "--no-bf16", "--seed", str(seed),
           "--out", str(out_dir)]
    log("  $ " + " ".join(cmd[1:]))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    # ru_maxrss of finished children (KiB on Linux): the largest of them, i.e. minimt train's peak RSS
    peak_rss_mb = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    if proc.returncode != 0:
        raise SystemExit(f"bench: minimt train failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    wall = time.perf_counter() - t0
    records = [json.loads(l) for l in (out_dir / "metrics.jsonl").read_text().splitlines() if l.strip()]
    steps = max(r.get("step", 0) for r in records)
    tps = [r["tokens_per_s"] for r in records if "tokens_per_s" in r]
    model, tok, _ = load_checkpoint(out_dir, name="latest")  # the last step's weights: what the baseline has
    test_pairs = load_corpus("test", tokenizer=tok).pairs
    sources = list(dict.fromkeys(en for en, _ in test_pairs))
    hyps = translate_all(model, tok, sources, progress=False)
    result = {"precision": "bf16" if bf16 else "fp32", "checkpoint": str(out_dir), "peak_rss_mb": peak_rss_mb,
              "steps": steps,
              "tokens_per_s": round(sum(tps) / len(tps)) if tps else None,
              "wall_s": round(wall), **_scores(dict(zip(sources, hyps)), test_pairs)}
    best, _, meta = load_checkpoint(out_dir, name="best")  # what `minimt translate` uses: maybe the decay's average
    if meta.get("averaged_steps") or meta["step"] != steps:
        best_hyps = translate_all(best, tok, sources, progress=False)
        result["best_pt"] = {"step": meta["step"], "averaged_steps": meta.get("averaged_steps"),
                             **_scores(dict(zip(sources, best_hyps)), test_pairs)}
    return result


def train_baseline(minutes: float, threads: int, *, seed: int = 0, log=print, bf16: bool | None = None):
    """The nn.Transformer model trained for ``minutes`` with minimt train's recipe."""
    from minimt.batch import bucket_batches
    from minimt.model import ModelConfig
    from minimt.schedule import make_scheduler
    from baseline import TorchTransformer
    from minimt.recipe.defaults import DATA  # minimt train --data's recipe: the same for both models
    from minimt.schedule import make_optimizer as minimt_optimizer
    torch.set_num_threads(threads)
    bf16 = use_bf16(bf16)
    corpus = load_corpus("train")
    torch.manual_seed(seed)
    model = TorchTransformer(ModelConfig(vocab_size=corpus.tokenizer.vocab_size, d_model=DATA["d_model"],
                                         n_heads=DATA["heads"], n_encoder_layers=DATA["layers"],
                                         n_decoder_layers=DATA["layers"], d_ff=DATA["d_ff"],
                                         dropout=DATA.get("dropout", ModelConfig.dropout)))
    opt = minimt_optimizer(model, lr=DATA["lr"])  # AdamW (0.9, 0.98), wd 0.01 on matrices
    step, epoch, tokens, busy = 0, 0, 0, 0.0
    start = time.perf_counter()
    # minimt train's budget schedule: warmup, hold, then decay to 0 over the last 20% of the clock
    sched = make_scheduler(opt, warmup=DATA["warmup"], decay_fraction=0.2,
                           progress=lambda: min(1.0, (time.perf_counter() - start) / (minutes * 60)))
    while True:
        for b in bucket_batches(corpus.lengths, 4096, shuffle=True, seed=seed + epoch):
            if time.perf_counter() - start >= minutes * 60:
                log(f"  baseline: {step} steps, {tokens / busy:,.0f} target tokens/s")
                return model, corpus.tokenizer, {"precision": "bf16" if bf16 else "fp32", "steps": step,
                                                 "tokens_per_s": round(tokens / busy)}
            batch = to_batch(corpus, b)
            t0 = time.perf_counter()
            train_step(model, opt, batch, bf16=bf16)
            sched.step()
            busy += time.perf_counter() - t0
            step, tokens = step + 1, tokens + batch.n_tokens
        epoch += 1


def run_baseline(minutes: float, threads: int, *, seed: int = 0, log=print, bf16: bool | None = None) -> dict:
    from baseline import greedy_decode_baseline
    from minimt.batch import pad_source
    t0 = time.perf_counter()
    model, tok, info = train_baseline(minutes, threads, seed=seed, log=log, bf16=bf16)
    test = load_corpus("test", tokenizer=tok)
    sources = list(dict.fromkeys(en for en, _ in test.pairs))
    hyp_of = {}
    for start in range(0, len(sources), 64):  # sorted by length inside translate-like batches
        chunk = sorted(sources[start:start + 64], key=lambda s: len(tok.encode(s)))
        rows = [tok.encode(s) + [tok.eos_id] for s in chunk]
        ids, mask = pad_source(rows, pad_id=tok.pad_id)  # (B,S) each, minimt's one padding helper
        S = ids.size(1)
        max_len = min(model.config.max_positions, 2 * S + 10)  # = minimt.decode.default_max_len
        for s, out in zip(chunk, greedy_decode_baseline(model, ids, mask, bos_id=tok.bos_id,
                                                         eos_id=tok.eos_id, max_len=max_len)):
            hyp_of[s] = tok.decode(out)
    return {**info, "wall_s": round(time.perf_counter() - t0), **_scores(hyp_of, test.pairs)}


def quality(minutes: float, threads: int, work_dir: Path, *, log=print) -> dict:
    log(f"quality at {minutes:g} minutes, {threads} threads: minimt train ...")
    ours = run_minimt(minutes, threads, work_dir / f"minimt-{minutes:g}min", log=log)
    log(f"  minimt: {ours}")
    log(f"quality at {minutes:g} minutes: nn.Transformer baseline ...")
    base = run_baseline(minutes, threads, log=log)
    log(f"  baseline: {base}")
    return {"minutes": minutes, "threads": threads, "minimt": ours, "baseline": base}


def main(argv=None) -> int:
    """One side alone, e.g. the 30-minute baseline: python bench/quality.py --model baseline --minutes 30"""
    import argparse
    from minimt.files import atomic_write_text
    from minimt.runtime.memory import keep_freed_memory, limit_kernel_cache
    p = argparse.ArgumentParser(description="quality at a time budget, one model (see bench/bench.py --quality)")
    p.add_argument("--model", choices=["minimt", "baseline"], required=True)
    p.add_argument("--minutes", type=float, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--work-dir", default="runs/bench-quality", help="where minimt writes its checkpoint")
    p.add_argument("--json", default=None, help="write the result to this JSON file")
    p.add_argument("--no-bf16", dest="bf16", action="store_const", const=False, default=None,
                   help="float32 even where the CPU has native bf16 (default: bf16 where native)")
    args = p.parse_args(argv)
    limit_kernel_cache()  # the same process settings as `minimt train` (and bench.py) give both models
    keep_freed_memory()
    if args.model == "minimt":
        result = run_minimt(args.minutes, args.threads, Path(args.work_dir) / f"minimt-{args.minutes:g}min",
                            bf16=args.bf16)
    else:
        result = run_baseline(args.minutes, args.threads, bf16=args.bf16)
    result = {"model": args.model, "minutes": args.minutes, "threads": args.threads, **result}
    print(json.dumps(result))
    if args.json:
        atomic_write_text(args.json, json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
