"""minimt's speed benchmark: one run, one machine, ratios against torch.nn.Transformer.

    python bench/bench.py [--quick] [--threads 2] [--batches 30] [--experiments]
                          [--quality 10,30] [--write-docs] [--json results.json]

Measures, on Tatoeba EN-FR (../shared/data/tatoeba-eng-fra, or $MINIMT_TATOEBA):
  1. padding fraction of the training batches with and without length bucketing;
  2. training tokens/s of minimt vs an nn.Transformer model of the same size (bench/baseline.py),
     the same batches, variants taking turns block by block, fp32 and bf16 autocast, explicit
     masks vs fused SDPA, torch.compile; ``--experiments`` adds the speed-ups under study;
  3. greedy decoding sentences/s with and without the KV cache (outputs must be identical);
  4. ``--quality M[,M...]``: test BLEU/chrF after M minutes of `minimt train` and of the
     baseline with the same recipe (slow: 2 x M minutes each, plus decoding).
``--write-docs`` writes docs/benchmarks.md (atomically) with the machine, command and figures.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

import torch

import common  # noqa: F401  (puts the repo on sys.path)
from common import ROOT, load_corpus, machine, random_batches
from throughput import Variant, run_variants


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def padding_section(corpus) -> dict:
    from minimt.batch import bucket_batches, padding_fraction
    lengths = corpus.lengths
    out = {}
    for name, batches in (("bucketed (minimt train)", bucket_batches(lengths, 4096, seed=0)),
                          ("random order, same budget", random_batches(lengths, 4096, seed=0))):
        shapes = {(len(b), max(lengths[i][0] for i in b), max(lengths[i][1] for i in b)) for b in batches}
        tgt_real = sum(lengths[i][1] + 1 for b in batches for i in b)
        tgt_all = sum(len(b) * (max(lengths[i][1] for i in b) + 1) for b in batches)
        out[name] = {"batches": len(batches), "padding": padding_fraction(batches, lengths),
                     "target_padding": 1 - tgt_real / tgt_all, "distinct_shapes": len(shapes),
                     "pairs_per_batch": len(lengths) / len(batches)}
    return out


def same_model_check(corpus) -> dict:
    """The baseline IS minimt's architecture: equal parameter count, and equal logits (eval mode,
    real positions) once minimt's weights are copied into it."""
    from baseline import TorchTransformer, copy_from_minimt
    from common import train_batches
    from minimt.model import ModelConfig, Transformer
    torch.manual_seed(0)
    config = ModelConfig(vocab_size=corpus.tokenizer.vocab_size)
    ours, theirs = Transformer(config).eval(), TorchTransformer(config).eval()
    n_ours, n_theirs = (sum(p.numel() for p in m.parameters()) for m in (ours, theirs))
    copy_from_minimt(theirs, ours)
    b = train_batches(corpus, 1, seed=5)[0]
    with torch.no_grad():
        args = (b.input_ids, b.attention_mask, b.decoder_input_ids, b.decoder_attention_mask)
        diff = (ours(*args) - theirs(*args))[b.decoder_attention_mask.bool()].abs().max().item()
    assert n_ours == n_theirs, f"parameter counts differ: minimt {n_ours:,}, nn.Transformer {n_theirs:,}"
    assert diff < 1e-3, f"same weights, different logits: max |diff| {diff:.2e}"
    return {"parameters": n_ours, "max_logit_diff": diff}


def profile_section(corpus, steps: int, log) -> dict:
    """Self CPU time by kind of op, bf16 training steps on real batches (after 3 warm-up)."""
    from baseline import TorchTransformer
    from common import make_optimizer, train_batches
    from minimt.model import ModelConfig, Transformer
    from profile_step import phase_times, profile_steps, summarise
    batches = train_batches(corpus, steps + 3, seed=4)
    out = {}
    for name, cls in (("minimt SDPA bf16", Transformer), ("nn.Transformer bf16", TorchTransformer)):
        torch.manual_seed(0)
        model = cls(ModelConfig(vocab_size=corpus.tokenizer.vocab_size))
        opt = make_optimizer(model)
        phases = phase_times(model, opt, batches, bf16=True)
        prof, seconds = profile_steps(model, opt, batches, bf16=True)
        ops, groups = summarise(prof, top=12)
        total = sum(phases.values())
        out[name] = {"groups": groups, "ops": ops, "seconds": seconds,
                     "phases": {k: v / total for k, v in phases.items()}}
        log(f"profile {name}: " + ", ".join(f"{g} {p:.0f}%" for g, _, p in groups[:6]))
    return out


MAIN_VARIANTS = [
    Variant("nn.Transformer fp32", kind="baseline"),
    Variant("minimt explicit masks fp32", fast=False),
    Variant("minimt SDPA fp32"),
    Variant("nn.Transformer bf16", kind="baseline", bf16=True),
    Variant("minimt explicit masks bf16", fast=False, bf16=True),
    Variant("minimt SDPA bf16", bf16=True),
    Variant("minimt best: SDPA bf16 + compiled loss + fused AdamW", bf16=True, loss="compiled", optimizer="fused"),
]


def experiment_variants(threads: int) -> list[Variant]:
    return [
        Variant("SDPA bf16 (reference)", bf16=True),
        Variant("- loss on bf16 logits", bf16=True, loss="bf16"),
        Variant("- compiled fp32 loss", bf16=True, loss="compiled"),
        Variant("- AdamW fused", bf16=True, optimizer="fused"),
        Variant("- compiled loss + fused AdamW", bf16=True, loss="compiled", optimizer="fused"),
        Variant("- lengths padded to x8", bf16=True, multiple_of=8),
    ] + ([Variant(f"- {threads // 2} thread(s)", bf16=True, threads=threads // 2)] if threads > 1 else [])


def throughput_table(variants: list[Variant]) -> list[dict]:
    by_name = {v.name: v for v in variants}
    rows = []
    for v in variants:
        ref = by_name.get(f"nn.Transformer {'bf16' if v.bf16 else 'fp32'}")
        ref_bf16 = by_name.get("nn.Transformer bf16")
        first = variants[0]
        rows.append({"name": v.name, "steps": v.meter.steps, "seconds": round(v.meter.seconds, 1),
                     "tgt_per_s": round(v.meter.tgt_per_s), "total_per_s": round(v.meter.total_per_s),
                     "vs_baseline_same_precision": ref and round(v.meter.tgt_per_s / ref.meter.tgt_per_s, 2),
                     "vs_baseline_bf16": ref_bf16 and round(v.meter.tgt_per_s / ref_bf16.meter.tgt_per_s, 2),
                     "vs_first": round(v.meter.tgt_per_s / first.meter.tgt_per_s, 2),
                     "warmup_s": round(v.warmup_seconds, 1),
                     "last_loss": round(sum(v.meter.losses[-5:]) / len(v.meter.losses[-5:]), 3)})
    return rows


def print_rows(title: str, rows: list[dict], keys: list[str]) -> None:
    log(f"\n{title}")
    log(" | ".join(keys))
    for r in rows:
        log(" | ".join(str(r.get(k)) for k in keys))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="few batches, no compile: a smoke test")
    p.add_argument("--threads", type=int, default=2, help="torch threads (default 2, as a laptop)")
    p.add_argument("--batches", type=int, default=None, help="timed batches per variant (default 30; quick 4)")
    p.add_argument("--warmup", type=int, default=None, help="untimed batches per variant (default 4; quick 1)")
    p.add_argument("--block", type=int, default=2, help="batches a variant runs before the next takes over")
    p.add_argument("--no-compile", action="store_true", help="skip the torch.compile variant")
    p.add_argument("--experiments", action="store_true", help="also time the candidate speed-ups")
    p.add_argument("--profile", action="store_true",
                   help="also profile the bf16 training step of minimt and nn.Transformer (torch.profiler)")
    p.add_argument("--decode-sentences", type=int, default=0,
                   help="decode this many test sentences, spread evenly over test.tsv (default 0: all)")
    p.add_argument("--decode-batch", type=int, default=64,
                   help="sentences per decoding batch (default 64, as minimt translate/evaluate)")
    p.add_argument("--decode-checkpoint", default=None, metavar="DIR",
                   help="decode with this minimt checkpoint (default: the first --quality run's, "
                        "else the model trained by the throughput runs)")
    p.add_argument("--quality", default=None, metavar="M[,M]", help="minutes of training per quality run")
    p.add_argument("--work-dir", default=None, help="where quality runs write checkpoints (default: a temp dir)")
    p.add_argument("--write-docs", action="store_true", help="write docs/benchmarks.md")
    p.add_argument("--json", default=None, help="also write the raw results to this JSON file")
    p.add_argument("--note", default=None, help="a sentence for docs/benchmarks.md (e.g. why these threads)")
    p.add_argument("--default-malloc", action="store_true",
                   help="leave glibc malloc as it is (default: keep freed memory for reuse, as `minimt "
                        "train` does — for BOTH models, so the comparison stays fair; see minimt/runtime/memory.py)")
    p.add_argument("--device", default="cpu", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.default_malloc:
        os.environ["MINIMT_KEEP_FREED_MEMORY"] = "0"  # also read by the `minimt train` subprocesses
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "1024")  # oneDNN's own default
    from minimt.runtime.memory import keep_freed_memory, limit_kernel_cache
    if not args.default_malloc:
        limit_kernel_cache()  # as `minimt train` does; before the first matmul of this process
    malloc = ("freed memory kept for reuse and oneDNN's kernel cache capped at "
              f"{os.environ.get('ONEDNN_PRIMITIVE_CACHE_CAPACITY')} (minimt/runtime/memory.py), for both models"
              if keep_freed_memory() else "glibc and oneDNN defaults")
    if args.threads < 1:
        p.error(f"--threads {args.threads}: must be at least 1")
    minutes = []
    if args.quality:
        try:
            minutes = [float(m) for m in args.quality.split(",")]
        except ValueError:
            p.error(f"--quality {args.quality}: give minutes, e.g. 10 or 10,30")
        if any(not m > 0 for m in minutes):
            p.error(f"--quality {args.quality}: minutes must be positive")
    n_batches = args.batches or (4 if args.quick else 30)
    warmup = args.warmup if args.warmup is not None else (1 if args.quick else 4)
    torch.set_num_threads(args.threads)
    command = "python bench/bench.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    results = {"machine": {**machine(), "malloc": malloc}, "command": command,
               "date": time.strftime("%Y-%m-%d %H:%M"), "note": args.note}
    log(f"{results['machine']}")

    t0 = time.perf_counter()
    corpus = load_corpus("train")
    log(f"corpus: {len(corpus.ids):,} training pairs, vocab {corpus.tokenizer.vocab_size} "
        f"({time.perf_counter() - t0:.0f}s)")
    results["padding"] = padding_section(corpus)
    print_rows("padding", [{"name": k, **v} for k, v in results["padding"].items()],
               ["name", "padding", "target_padding", "distinct_shapes", "batches"])

    results["same_model"] = same_model_check(corpus)
    log(f"same model: {results['same_model']}")
    variants = [Variant(v.name, **{k: getattr(v, k) for k in ("kind", "bf16", "fast", "loss", "optimizer")})
                for v in MAIN_VARIANTS]
    no_compile = args.no_compile or args.quick
    if no_compile:  # best mode without compiling anything: the loss on bf16 logits instead
        for v in variants:
            if v.loss == "compiled":
                v.loss, v.name = "bf16", v.name.replace("compiled loss", "bf16 loss")
    else:
        variants.append(Variant("minimt SDPA bf16 + torch.compile(model)", bf16=True, compile=True))
    log(f"\ntraining throughput: {len(variants)} variants x {n_batches} timed batches (+{warmup} warm-up)")
    state = run_variants(variants, corpus, n_batches=n_batches, warmup=warmup, block=args.block, log=log)
    results["throughput"] = throughput_table([v for v in variants if v.error is None])
    results["failed"] = {v.name: v.error for v in variants if v.error}
    print_rows("training throughput (target tokens/s)", results["throughput"],
               ["name", "tgt_per_s", "total_per_s", "vs_baseline_same_precision", "vs_baseline_bf16"])

    if args.experiments:
        ex = [v for v in experiment_variants(args.threads) if not (no_compile and v.loss == "compiled")]
        log(f"\nexperiments: {len(ex)} variants x {n_batches} timed batches")
        run_variants(ex, corpus, n_batches=n_batches, warmup=warmup, block=args.block, seed=2, log=log)
        results["experiments"] = throughput_table(ex)
        print_rows("experiments (target tokens/s, vs the reference)", results["experiments"],
                   ["name", "tgt_per_s", "vs_first"])

    if args.profile:
        results["profile"] = profile_section(corpus, 6 if not args.quick else 2, log)

    if minutes:
        from quality import quality
        work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="minimt-bench-"))
        results["quality"] = [quality(m, args.threads, work, log=log) for m in minutes]

    from decode_bench import decode_speed
    test = load_corpus("test", tokenizer=corpus.tokenizer)
    checkpoint = args.decode_checkpoint or (results["quality"][0]["minimt"]["checkpoint"] if minutes else None)
    if checkpoint:
        from minimt.checkpoint import load_checkpoint
        model, tok, meta = load_checkpoint(checkpoint, name="latest")
        test = load_corpus("test", tokenizer=tok)
        trained = f"checkpoint {Path(checkpoint).name} ({meta.get('step', '?')} steps)"
    else:
        model, trained = state["minimt SDPA fp32"][0], f"the fp32 SDPA model above ({n_batches + warmup} steps)"
    log(f"\ngreedy decoding of {args.decode_sentences or 'all'} test sentences with {trained}")
    results["decode"] = decode_speed(model, test, n=args.decode_sentences, batch_size=args.decode_batch, log=log)
    results["decode"]["model"] = trained

    if args.json:
        from minimt.files import atomic_write_text
        atomic_write_text(args.json, json.dumps(results, indent=1))
    if args.write_docs:
        from report import write_docs
        path = write_docs(results, ROOT / "docs" / "benchmarks.md")
        log(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
