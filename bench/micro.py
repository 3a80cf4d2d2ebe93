"""Micro-benchmarks behind the proposals in docs/benchmarks.md: the loss over the 8k vocabulary.

    python bench/micro.py [--threads 1] [--rows 2200] [--repeat 20]

One (rows, 8000) logits tensor as a 4,096-token batch makes it, forward + backward of the
label-smoothed cross-entropy, variants taking turns:
  - "fp32 copy"   : logits (bf16 under autocast) → .float() → F.cross_entropy   (minimt train today)
  - "bf16"        : F.cross_entropy straight on the bf16 logits
  - "fp32 model"  : logits already fp32 (projection outside autocast), no copy
  - "compiled"    : the fp32-copy loss under torch.compile (fuses log-softmax, nll and smoothing)
"""
from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F


def loss_fp32_copy(logits, labels):
    return F.cross_entropy(logits.float(), labels, ignore_index=-100, label_smoothing=0.1, reduction="sum")


def loss_direct(logits, labels):
    return F.cross_entropy(logits, labels, ignore_index=-100, label_smoothing=0.1, reduction="sum")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rows", type=int, default=2200)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--no-compile", action="store_true")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    V, D = 8000, 256
    h = torch.randn(args.rows, D)
    E = (torch.randn(V, D) * D ** -0.5).requires_grad_()
    labels = torch.randint(4, V, (args.rows,))
    labels[::37] = -100

    def run(kind):
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=kind != "fp32 model"):
            logits = F.linear(h, E)  # (N, V): bf16 under autocast
        loss = (compiled if kind == "compiled" else loss_direct if kind in ("bf16", "fp32 model")
                else loss_fp32_copy)(logits, labels)
        loss.backward()
        E.grad = None
        return time.perf_counter() - t0, loss.item()

    compiled = None if args.no_compile else torch.compile(loss_fp32_copy, dynamic=True)
    kinds = ["fp32 copy", "bf16", "fp32 model"] + ([] if compiled is None else ["compiled"])
    seconds = dict.fromkeys(kinds, 0.0)
    values = {}
    for k in kinds:  # warm-up (compilation)
        run(k)
    for r in range(args.repeat):
        for k in kinds[r % len(kinds):] + kinds[:r % len(kinds)]:
            dt, values[k] = run(k)
            seconds[k] += dt
    ref = seconds["fp32 copy"]
    print(f"projection (N={args.rows}, D={D}) → (N, V={V}) + label-smoothed CE, fwd+bwd, "
          f"{args.threads} thread(s), mean of {args.repeat}")
    for k in kinds:
        print(f"  {k:<11} {1e3 * seconds[k] / args.repeat:7.1f} ms   speed-up {ref / seconds[k]:4.2f}x   "
              f"loss/token {values[k] / (labels != -100).sum().item():.5f}")


if __name__ == "__main__":
    main()
