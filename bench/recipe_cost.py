"""What a recipe costs on the floor machine: training tokens/s and decoding sentences/s per model size.

    python bench/recipe_cost.py                      # the default and the sizes swept for issue 12
    python bench/recipe_cost.py --threads 1          # on a shared machine: ratios stay meaningful
    python bench/recipe_cost.py --baseline "d128 L3 ff512"   # + nn.Transformer of that size (training only)
    python bench/recipe_cost.py --only "d128 L3 ff512" "d128 L3 ff512 compiled" --baseline "d128 L3 ff512"

Each size trains its own model on the SAME real batches of the embedded corpus (as `minimt
train` cuts them: bucket_batches of 4,096 tokens), float32, in a child process with the floor's
environment (bench/floor.py: ATEN_CPU_CAPABILITY=avx2, ONEDNN_MAX_CPU_ISA=AVX2,
MKL_ENABLE_INSTRUCTIONS=AVX2). The sizes take turns batch by batch, so a burst of load from
another process hits all of them alike; the ratio to the first size (the reference) is the number
to trust on a noisy machine. Then each greedily translates the same 64 validation sentences.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from floor import FLOOR_ENV

SIZES = {  # name: ModelConfig overrides (vocab 4000: the shipped tokenizer)
    "d256 L3 ff1024 (old default)": {},
    "d192 L3 ff768": {"d_model": 192, "d_ff": 768},
    "d192 L2 ff768": {"d_model": 192, "d_ff": 768, "n_encoder_layers": 2, "n_decoder_layers": 2},
    "d128 L3 ff512": {"d_model": 128, "d_ff": 512},
    "d128 L3 ff512 compiled": {"d_model": 128, "d_ff": 512, "compile": True},  # torch.compile(dynamic=True)
}

CHILD = r'''
import contextlib, json, sys, time, torch
args = json.loads(sys.argv[1]); torch.set_num_threads(args["threads"])
from minimt.runtime.memory import keep_freed_memory, limit_kernel_cache
keep_freed_memory(); limit_kernel_cache()  # as minimt train does: no page faults on every big tensor
from minimt.batch import bucket_batches, make_batch
from minimt.data import embedded_path, load_pairs
from minimt.model import ModelConfig, Transformer
from minimt.runtime.fast import choose_attention, enable_fast_kernels
from minimt.schedule import make_optimizer, make_scheduler
from minimt.tokenizer import Tokenizer
from minimt.train import train_step
from minimt.translate import translate
tok = Tokenizer.default()
pairs = load_pairs(embedded_path("train"))
ids = [(tok.encode(en), tok.encode(fr)) for en, fr in pairs]
order = bucket_batches([(len(s), len(t)) for s, t in ids], 4096, shuffle=True, seed=0)[: args["batches"] + 2]
batches = [make_batch([ids[i][0] for i in b], [ids[i][1] for i in b], pad_id=0, bos_id=2, eos_id=3) for b in order]
fp32, cpu = contextlib.nullcontext, torch.device("cpu")
runs = {}
for name, over in args["sizes"].items():
    torch.manual_seed(0)
    c = ModelConfig(vocab_size=tok.vocab_size, **{k: v for k, v in over.items() if k not in ("baseline", "compile")})
    if over.get("baseline"):
        sys.path.insert(0, args["bench"]); from baseline import TorchTransformer
        m, kernel = TorchTransformer(c), "torch"
    else:
        m = Transformer(c)
        kernel, _ = choose_attention(m, batches[:2], device=cpu, bf16=False, autocast=fp32)
        m = enable_fast_kernels(m, attention=kernel)
    o = make_optimizer(m, lr=1e-3); s = make_scheduler(o, warmup=10)
    step_model = m
    if over.get("compile"):  # the same module, its forward (and backward) compiled; decoding uses m
        step_model = torch.compile(m, dynamic=True); kernel += "+compile"
    runs[name] = {"model": m, "step_model": step_model, "opt": o, "sch": s, "seconds": 0.0, "tokens": 0,
                  "warmup_s": 0.0, "kernel": kernel,
                  "params": sum(p.numel() for p in m.parameters())}
for k, b in enumerate(batches):
    names = list(runs)[k % len(runs):] + list(runs)[: k % len(runs)]  # rotate who goes first
    for name in names:
        r = runs[name]
        t0 = time.perf_counter()
        train_step(r["step_model"], b, r["opt"], r["sch"], label_smoothing=0.1, clip=1.0, autocast=fp32)
        if k >= 2:  # the first two batches warm up allocator and kernels (and compile)
            r["seconds"] += time.perf_counter() - t0
            r["tokens"] += int((b.labels != -100).sum())
        else:
            r["warmup_s"] += time.perf_counter() - t0
sentences = [en for en, _ in load_pairs(embedded_path("valid"))[:64]]
out = {"capability": torch.backends.cpu.get_cpu_capability()}
for name, r in runs.items():
    r["model"].eval(); t0 = time.perf_counter()
    if r["kernel"] != "torch":  # the baseline has no minimt decoder: training speed only
        translate(r["model"], tok, sentences, max_len=40)
    out[name] = {"train_tokens_per_s": round(r["tokens"] / r["seconds"]), "kernel": r["kernel"],
                 "params_m": round(r["params"] / 1e6, 2), "warmup_s": round(r["warmup_s"], 1),
                 "decode_sentences_per_s": round(len(sentences) / (time.perf_counter() - t0), 1)}
print(json.dumps(out))
'''


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batches", type=int, default=12, help="timed batches per size (default 12)")
    p.add_argument("--baseline", metavar="SIZE", choices=list(SIZES), help="also nn.Transformer of this size")
    p.add_argument("--only", metavar="SIZE", nargs="+", choices=list(SIZES),
                   help="time only these sizes (and --baseline); the first is the reference")
    a = p.parse_args()
    sizes = {n: SIZES[n] for n in a.only} if a.only else dict(SIZES)
    if a.baseline:
        sizes[f"nn.Transformer {a.baseline}"] = {**SIZES[a.baseline], "baseline": True}
    env = {**os.environ, **FLOOR_ENV, "OMP_NUM_THREADS": str(a.threads)}
    arg = json.dumps({"threads": a.threads, "batches": a.batches, "sizes": sizes,
                      "bench": os.path.dirname(os.path.abspath(__file__))})
    proc = subprocess.run([sys.executable, "-c", CHILD, arg], env=env, capture_output=True, text=True)
    if proc.returncode:
        print(proc.stderr[-2000:], file=sys.stderr)
        return 1
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"floor simulation: torch CPU capability {out.pop('capability')}, fp32, {a.threads} thread(s), "
          f"{a.batches} timed batches each, taking turns")
    ref = out[next(iter(sizes))]
    print(f"{'size':30} {'params':>7} {'attention':>16} {'warm-up s':>9} {'train tok/s':>12} {'x ref':>6} "
          f"{'decode sent/s':>14} {'x ref':>6}")
    for name in sizes:
        r = out[name]
        print(f"{name:30} {r['params_m']:6.2f}M {r['kernel']:>16} {r['warmup_s']:9} {r['train_tokens_per_s']:12,} "
              f"{r['train_tokens_per_s'] / ref['train_tokens_per_s']:6.2f} "
              + (f"{r['decode_sentences_per_s']:14} {r['decode_sentences_per_s'] / ref['decode_sentences_per_s']:6.2f}"
                 if r["kernel"] != "torch" else f"{'—':>14}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
