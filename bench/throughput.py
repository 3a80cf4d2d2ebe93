"""Training tokens/s of several variants, measured fairly on a noisy, shared CPU.

Every variant trains its own model copy (same init) on the SAME batches in the same order.
The variants take turns: block k of batches is run by variant A, then B, then C, ... with the
order rotated every block, so a burst of load from another process hits all of them alike.
The first ``warmup`` batches of each variant are not timed (allocator, oneDNN kernel
selection, torch.compile compilation).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch

from common import Meter, make_optimizer, train_batches, train_step


@dataclass
class Variant:
    name: str
    kind: str = "minimt"          # "minimt" or "baseline" (nn.Transformer)
    bf16: bool = False
    fast: bool = True             # minimt: fused SDPA (True) or the explicit-mask attention()
    compile: bool = False         # torch.compile(dynamic=True)
    loss: str = "fp32"            # "fp32": logits.float() (as minimt/train.py), "bf16", "compiled"
    multiple_of: int = 1          # pad batch lengths to a multiple of this (fewer shapes)
    threads: int | None = None    # torch.set_num_threads for this variant's steps
    optimizer: str = "default"    # "default" (minimt's AdamW), "foreach" or "fused"
    meter: Meter = field(default_factory=Meter)
    warmup_seconds: float = 0.0
    error: str | None = None      # set when the variant could not run here (e.g. no compiler)


def build(v: Variant, vocab_size: int):
    from minimt.model import ModelConfig, Transformer
    from minimt.runtime.fast import enable_fast_kernels
    from baseline import TorchTransformer
    torch.manual_seed(0)
    config = ModelConfig(vocab_size=vocab_size)
    # minimt as `minimt train` runs it: the fast kernels swapped in (fast=False: the written-out attention())
    model = (enable_fast_kernels(Transformer(config), attention="auto" if v.fast else "explicit")
             if v.kind == "minimt" else TorchTransformer(config))
    opt = make_optimizer(model)
    if v.optimizer != "default":
        for g in opt.param_groups:
            g["foreach" if v.optimizer == "foreach" else "fused"] = True
    runnable = torch.compile(model, dynamic=True) if v.compile else model
    return runnable, opt


def run_variants(variants: list[Variant], corpus, *, n_batches: int, warmup: int = 3, block: int = 2,
                 seed: int = 1, log=print) -> dict:
    lists = {m: train_batches(corpus, warmup + n_batches, seed=seed, multiple_of=m)
             for m in {v.multiple_of for v in variants}}
    default_threads = torch.get_num_threads()
    state = {}
    for v in variants:
        state[v.name] = build(v, corpus.tokenizer.vocab_size)

    def run(v: Variant, indices, timed: bool):
        model, opt = state[v.name]
        torch.set_num_threads(v.threads or default_threads)
        for i in indices:
            b = lists[v.multiple_of][i]
            t0 = time.perf_counter()
            loss = train_step(model, opt, b, bf16=v.bf16, loss=v.loss)
            dt = time.perf_counter() - t0
            if timed:
                v.meter.add(dt, b)  # counts real tokens only: padding adds none
                v.meter.losses.append(loss)
            else:
                v.warmup_seconds += dt
        torch.set_num_threads(default_threads)

    variants = list(variants)  # the active ones; a failed variant keeps its .error for the caller
    for v in list(variants):  # warm-up (and compilation) — not timed
        try:
            run(v, range(warmup), timed=False)
        except Exception as e:  # noqa: BLE001 - report it, time the others
            v.error = f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"
            variants.remove(v)
            torch.set_num_threads(default_threads)
            log(f"  {v.name}: FAILED in warm-up, left out ({v.error})")
            continue
        log(f"  warm-up {v.name}: {v.warmup_seconds:.1f}s")
    blocks = [range(s, min(s + block, warmup + n_batches)) for s in range(warmup, warmup + n_batches, block)]
    for k, idx in enumerate(blocks):
        order = variants[k % len(variants):] + variants[:k % len(variants)]  # rotate who goes first
        for v in order:
            run(v, idx, timed=True)
        if (k + 1) % max(1, len(blocks) // 5) == 0:
            log(f"  {k + 1}/{len(blocks)} blocks: " + ", ".join(
                f"{v.name} {v.meter.tgt_per_s:,.0f}" for v in variants))
    return state  # name -> (model, optimizer), e.g. to decode with a trained model
