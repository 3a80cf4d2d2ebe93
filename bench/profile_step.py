"""Where does a training step's time go? torch.profiler on minimt (or the baseline).

    python bench/profile_step.py [--model minimt|baseline] [--fp32] [--fixed] [--steps 10] [--threads 2]

``--fixed`` profiles one fixed 256x16 batch (the issue's measurement); otherwise real bucketed
Tatoeba batches. Prints the ops by self CPU time, and the same time grouped by kind
(matmuls, dropout masks, dtype casts, softmax/log-softmax, layer norm, optimizer, …).
"""
from __future__ import annotations

import argparse
import time

import torch
from torch.profiler import ProfilerActivity, profile

import common  # noqa: F401  (puts the repo on sys.path)
from common import load_corpus, make_optimizer, to_batch, train_batches, train_step

GROUPS = [  # (group, substrings of aten op names), first match wins
    ("dropout masks (bernoulli_)", ("bernoulli",)),
    ("dtype casts (copy_/to)", ("aten::copy_", "aten::to", "aten::_to_copy")),
    ("matmuls", ("addmm", "aten::mm", "bmm", "matmul", "linear", "onednn", "mkldnn")),
    ("attention kernel (SDPA)", ("scaled_dot_product", "flash_attention")),
    ("softmax / log-softmax / loss", ("softmax", "nll_loss", "cross_entropy")),
    ("layer norm", ("layer_norm",)),
    ("optimizer (AdamW)", ("_foreach", "adam")),
    ("grad clipping (norms)", ("norm", "linalg")),
    ("elementwise (mul/add/where/fill)", ("mul", "add", "where", "fill", "div", "relu", "threshold",
                                          "masked", "sub", "neg", "exp", "sqrt", "lerp", "clamp")),
    ("embedding", ("embedding",)),
]


def group_of(name: str) -> str:
    for group, keys in GROUPS:
        if any(k in name for k in keys):
            return group
    return "other"


def profile_steps(model, opt, batches, *, bf16: bool, fast: bool = True, warmup: int = 3, shapes: bool = False):
    if hasattr(model, "encoder_layers"):  # minimt: as `minimt train` runs it (fast=False: written-out attention)
        from minimt.runtime.fast import enable_fast_kernels
        enable_fast_kernels(model, attention="auto" if fast else "explicit")
    for b in batches[:warmup]:
        train_step(model, opt, b, bf16=bf16)
    t0 = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU], record_shapes=shapes) as prof:
        for b in batches[warmup:]:
            train_step(model, opt, b, bf16=bf16)
    seconds = time.perf_counter() - t0
    return prof, seconds


def phase_times(model, opt, batches, *, bf16: bool, warmup: int = 3) -> dict:
    """Seconds per phase of the training step (forward, loss, backward, clip, optimizer), no profiler."""
    from common import LABEL_SMOOTHING, autocast
    from minimt.loss import summed_loss
    phases = dict.fromkeys(["forward", "loss (fp32 logits)", "backward", "clip", "optimizer"], 0.0)
    for k, b in enumerate(batches):
        model.train()
        t = [time.perf_counter()]
        with autocast(bf16):
            logits = model(b.input_ids, b.attention_mask, b.decoder_input_ids, b.decoder_attention_mask)
        t.append(time.perf_counter())
        loss_sum, n = summed_loss(logits.float(), b.labels, LABEL_SMOOTHING)
        loss = loss_sum / max(n, 1)
        t.append(time.perf_counter())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        t.append(time.perf_counter())
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        t.append(time.perf_counter())
        opt.step()
        t.append(time.perf_counter())
        if k >= warmup:
            for name, a, z in zip(phases, t, t[1:]):
                phases[name] += z - a
    return phases


def summarise(prof, top: int = 25) -> tuple[list, list]:
    """[(op, self ms, %)] top ops and [(group, ms, %)] — self CPU time (no double counting)."""
    events = [e for e in prof.key_averages() if e.self_cpu_time_total > 0]
    total = sum(e.self_cpu_time_total for e in events)
    ops = sorted(((e.key, e.self_cpu_time_total / 1e3, 100 * e.self_cpu_time_total / total, e.count)
                  for e in events), key=lambda r: -r[1])[:top]
    groups: dict[str, float] = {}
    for e in events:
        groups[group_of(e.key)] = groups.get(group_of(e.key), 0.0) + e.self_cpu_time_total
    grouped = sorted(((g, t / 1e3, 100 * t / total) for g, t in groups.items()), key=lambda r: -r[1])
    return ops, grouped


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=["minimt", "baseline"], default="minimt")
    p.add_argument("--fp32", action="store_true", help="no bf16 autocast")
    p.add_argument("--explicit", action="store_true", help="minimt: explicit-mask attention (no SDPA)")
    p.add_argument("--fixed", action="store_true", help="one fixed 256x16 batch instead of real batches")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--shapes", action="store_true", help="also list the top ops by input shapes")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    from minimt.runtime.memory import keep_freed_memory, limit_kernel_cache
    limit_kernel_cache()  # the process settings `minimt train` and bench.py use
    keep_freed_memory()
    corpus = load_corpus("train")
    if args.fixed:  # 256 pairs whose both sides have 15 pieces: a (256, 16) batch with EOS
        idx = [i for i, (s, t) in enumerate(corpus.lengths) if s == 15 and t == 15][:256]
        batches = [to_batch(corpus, idx)] * (args.steps + 3)
    else:
        batches = train_batches(corpus, args.steps + 3, seed=1)
    from minimt.model import ModelConfig, Transformer
    from baseline import TorchTransformer
    torch.manual_seed(0)
    config = ModelConfig(vocab_size=corpus.tokenizer.vocab_size)
    model = (Transformer if args.model == "minimt" else TorchTransformer)(config)
    opt = make_optimizer(model)
    phases = phase_times(model, opt, batches, bf16=not args.fp32)
    total = sum(phases.values())
    print("phases: " + ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in phases.items()))
    prof, seconds = profile_steps(model, opt, batches, bf16=not args.fp32, fast=not args.explicit,
                                  shapes=args.shapes)
    tgt = sum(int(b.decoder_attention_mask.sum()) for b in batches[3:])
    print(f"{args.model} {'fp32' if args.fp32 else 'bf16'}{' explicit' if args.explicit else ''} "
          f"{'fixed 256x16' if args.fixed else 'real batches'}: {args.steps} steps, "
          f"{tgt / seconds:,.0f} target tokens/s (under the profiler)")
    ops, grouped = summarise(prof)
    print(f"\n{'group':<36}{'self ms':>10}{'%':>7}")
    for g, ms, pct in grouped:
        print(f"{g:<36}{ms:>10.0f}{pct:>7.1f}")
    print(f"\n{'op':<52}{'self ms':>10}{'%':>7}{'calls':>8}")
    for op, ms, pct, n in ops:
        print(f"{op[:51]:<52}{ms:>10.0f}{pct:>7.1f}{n:>8}")
    if args.shapes:
        print(prof.key_averages(group_by_input_shape=True).table(sort_by="self_cpu_time_total", row_limit=40,
                                                                max_name_column_width=40))


if __name__ == "__main__":
    main()
