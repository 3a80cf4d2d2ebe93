"""What a recipe costs: training tokens/s and greedy decoding tokens/s per model size.

    python bench/recipe_cost.py                      # the embedded sizes swept for issue 12, on the floor
    python bench/recipe_cost.py --threads 1          # on a shared machine: ratios stay meaningful
    python bench/recipe_cost.py --baseline "d128 L3 ff512"   # + nn.Transformer of that size (training only)
    python bench/recipe_cost.py --only "d128 L3 ff512" "d128 L3 ff512 compiled" --baseline "d128 L3 ff512"
    python bench/recipe_cost.py --data --bf16        # the --data sizes on Tatoeba batches, native bf16

Each size trains its own model on the SAME real batches, cut as `minimt train` cuts them
(bucket_batches of 4,096 tokens): by default the embedded corpus with the shipped 4k tokenizer,
in float32, in a child process with the floor's environment (bench/floor.py:
ATEN_CPU_CAPABILITY=avx2, ONEDNN_MAX_CPU_ISA=AVX2, MKL_ENABLE_INSTRUCTIONS=AVX2). With --data:
Tatoeba's train.tsv ($MINIMT_TATOEBA) with its 8k tokenizer (bench/common.py) and the sizes
considered for the --data recipe. With --bf16: this machine's own kernels (no floor environment)
under bf16 autocast, as `minimt train` runs where bf16 is native. The sizes take turns batch by
batch, so a burst of load from another process hits all of them alike; the ratio to the first
size (the reference) is the number to trust on a noisy machine. Then each decodes the same 64
validation sentences greedily for exactly 24 tokens each (EOS cannot stop a row): an untrained
model's outputs have random lengths, so "sentences/s" would time chance, not the model.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from floor import FLOOR_ENV

# name: {"config": ModelConfig overrides, "compile": torch.compile its forward, "baseline": nn.Transformer}
EMBEDDED_SIZES = {  # vocabulary 4000: the shipped tokenizer
    "d256 L3 ff1024 (old default)": {"config": {}},
    "d192 L3 ff768": {"config": {"d_model": 192, "d_ff": 768}},
    "d192 L2 ff768": {"config": {"d_model": 192, "d_ff": 768, "n_encoder_layers": 2, "n_decoder_layers": 2}},
    "d128 L3 ff512": {"config": {"d_model": 128, "d_ff": 512}},
    "d128 L3 ff512 compiled": {"config": {"d_model": 128, "d_ff": 512}, "compile": True},  # dynamic=True
}
DATA_SIZES = {  # vocabulary 8000: the --data tokenizer; dropout 0 as the --data recipe
    "d256 L3 ff1024 (old --data default)": {"config": {"dropout": 0.0}},
    "d192 L3 ff768 (the --data default)": {"config": {"d_model": 192, "d_ff": 768, "dropout": 0.0}},
    "d128 L3 ff512": {"config": {"d_model": 128, "d_ff": 512, "dropout": 0.0}},
    "d256 L2 ff1024": {"config": {"n_encoder_layers": 2, "n_decoder_layers": 2, "dropout": 0.0}},
    "d256 enc4 dec2": {"config": {"n_encoder_layers": 4, "n_decoder_layers": 2, "dropout": 0.0}},
    "d384 L3 ff1536 h6": {"config": {"d_model": 384, "d_ff": 1536, "n_heads": 6, "dropout": 0.0}},
}

CHILD = r'''
import contextlib, json, sys, time, torch
args = json.loads(sys.argv[1]); torch.set_num_threads(args["threads"])
from minimt.runtime.memory import keep_freed_memory, limit_kernel_cache
keep_freed_memory(); limit_kernel_cache()  # as minimt train does: no page faults on every big tensor
from minimt.batch import bucket_batches, make_batch, pad_source
from minimt.data import embedded_path, load_pairs
from minimt.model import ModelConfig, Transformer
from minimt.runtime.fast import choose_attention, enable_fast_kernels
from minimt.schedule import make_optimizer, make_scheduler
from minimt.tokenizer import Tokenizer
from minimt.train import train_step
from minimt.decode import greedy_decode
if args["data"]:  # Tatoeba, its 8k tokenizer, minimt train's batch order (bench/common.py)
    sys.path.insert(0, args["bench"]); import common
    corpus = common.load_corpus("train"); tok = corpus.tokenizer
    batches = common.train_batches(corpus, args["batches"] + 2, seed=1)
    sentences = [en for en, _ in load_pairs(common.DATA / "valid.tsv")[:64]]
else:
    tok = Tokenizer.default()
    pairs = load_pairs(embedded_path("train"))
    ids = [(tok.encode(en), tok.encode(fr)) for en, fr in pairs]
    order = bucket_batches([(len(s), len(t)) for s, t in ids], 4096, shuffle=True, seed=0)[: args["batches"] + 2]
    batches = [make_batch([ids[i][0] for i in b], [ids[i][1] for i in b], pad_id=0, bos_id=2, eos_id=3)
               for b in order]
    sentences = [en for en, _ in load_pairs(embedded_path("valid"))[:64]]
cpu, bf16 = torch.device("cpu"), args["bf16"]
precision = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if bf16 else contextlib.nullcontext
runs = {}
for name, over in args["sizes"].items():
    torch.manual_seed(0)
    c = ModelConfig(vocab_size=tok.vocab_size, **over["config"])
    if over.get("baseline"):
        sys.path.insert(0, args["bench"]); from baseline import TorchTransformer
        m, kernel = TorchTransformer(c), "torch"
    else:
        m = Transformer(c)
        kernel, _ = choose_attention(m, batches[:2], device=cpu, bf16=bf16, autocast=precision)
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
        train_step(r["step_model"], b, r["opt"], r["sch"], label_smoothing=0.1, clip=1.0, autocast=precision)
        if k >= 2:  # the first two batches warm up allocator and kernels (and compile)
            r["seconds"] += time.perf_counter() - t0
            r["tokens"] += int((b.labels != -100).sum())
        else:
            r["warmup_s"] += time.perf_counter() - t0
rows = [tok.encode(s) + [tok.eos_id] for s in sentences]  # one batch of the 64 sources
src, src_mask = pad_source(rows, pad_id=tok.pad_id)  # (B,S) each; attention_mask 1 = real, 0 = pad
DECODE_TOKENS = 24  # per sentence; eos_id=-1 is never produced, so every row runs all 24 steps
out = {"capability": torch.backends.cpu.get_cpu_capability()}
for name, r in runs.items():
    r["model"].eval(); t0 = time.perf_counter()
    if r["kernel"] != "torch":  # the baseline has no minimt decoder: training speed only
        with precision():  # as minimt train's reports translate
            made = greedy_decode(r["model"], src, src_mask, bos_id=tok.bos_id, eos_id=-1, max_len=DECODE_TOKENS)
        assert all(len(m) == DECODE_TOKENS for m in made)
    out[name] = {"train_tokens_per_s": round(r["tokens"] / r["seconds"]), "kernel": r["kernel"],
                 "params_m": round(r["params"] / 1e6, 2), "warmup_s": round(r["warmup_s"], 1),
                 "decode_tokens_per_s": round(len(rows) * DECODE_TOKENS / (time.perf_counter() - t0))}
print(json.dumps(out))
'''


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batches", type=int, default=12, help="timed batches per size (default 12)")
    p.add_argument("--data", action="store_true",
                   help="Tatoeba batches and the --data sizes (default: the embedded corpus and its sizes)")
    p.add_argument("--bf16", action="store_true",
                   help="this machine's kernels under bf16 autocast (default: fp32 on the simulated floor)")
    p.add_argument("--baseline", metavar="SIZE", help="also nn.Transformer of this size")
    p.add_argument("--only", metavar="SIZE", nargs="+",
                   help="time only these sizes (and --baseline); the first is the reference")
    a = p.parse_args()
    table = DATA_SIZES if a.data else EMBEDDED_SIZES
    for name in (a.only or []) + ([a.baseline] if a.baseline else []):
        if name not in table:
            p.error(f"unknown size {name!r}; sizes{' with --data' if a.data else ''}: "
                    + ", ".join(map(repr, table)))
    sizes = {n: table[n] for n in a.only} if a.only else dict(table)
    if a.baseline:
        sizes[f"nn.Transformer {a.baseline}"] = {**table[a.baseline], "baseline": True}
    env = {**os.environ, "OMP_NUM_THREADS": str(a.threads), **({} if a.bf16 else FLOOR_ENV)}
    arg = json.dumps({"threads": a.threads, "batches": a.batches, "sizes": sizes, "data": a.data,
                      "bf16": a.bf16, "bench": os.path.dirname(os.path.abspath(__file__))})
    proc = subprocess.run([sys.executable, "-c", CHILD, arg], env=env, capture_output=True, text=True)
    if proc.returncode:
        print(proc.stderr[-2000:], file=sys.stderr)
        return 1
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    where = "this machine's kernels, bf16 autocast" if a.bf16 else "floor simulation, fp32"
    print(f"{where}: torch CPU capability {out.pop('capability')}, {a.threads} thread(s), "
          f"{'Tatoeba' if a.data else 'embedded'} batches, {a.batches} timed batches each, taking turns")
    ref = out[next(iter(sizes))]
    print(f"{'size':36} {'params':>7} {'attention':>16} {'warm-up s':>9} {'train tok/s':>12} {'x ref':>6} "
          f"{'decode tok/s':>14} {'x ref':>6}")
    for name in sizes:
        r = out[name]
        print(f"{name:36} {r['params_m']:6.2f}M {r['kernel']:>16} {r['warmup_s']:9} {r['train_tokens_per_s']:12,} "
              f"{r['train_tokens_per_s'] / ref['train_tokens_per_s']:6.2f} "
              + (f"{r['decode_tokens_per_s']:14,} {r['decode_tokens_per_s'] / ref['decode_tokens_per_s']:6.2f}"
                 if r["kernel"] != "torch" else f"{'—':>14}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
