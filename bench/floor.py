"""Simulate the floor machine (2 cores, AVX2, float32) on a wider x86 CPU — and check it bites.

    python bench/floor.py            # matmul GFLOP/s and minimt training tokens/s, native vs floor

The floor is set by environment variables that must be in place before torch starts, so each
measurement runs in a child process: ``ATEN_CPU_CAPABILITY=avx2`` (ATen's own kernels),
``ONEDNN_MAX_CPU_ISA=AVX2`` (oneDNN: bf16 matmuls, convolutions) and
``MKL_ENABLE_INSTRUCTIONS=AVX2`` (MKL, which runs PyTorch's fp32 matmuls on x86 — without it
the "floor" still multiplies with AVX-512), 2 threads, float32 (no bf16).

Measured on this project's AMD EPYC (Zen 4: AVX-512 executed as two 256-bit halves), the
floor's fp32 matmuls were only ~1.1x slower and training ~1.0x: on such a CPU fp32 speed is
already the floor's, and what the wide units buy is native bf16. On an Intel CPU with two
512-bit FMA units the gap is larger. If the floor's matmuls are not slower at all, the
simulation did not take and its timings mean nothing — except on a real AVX2-only CPU, where
there is nothing wider to switch off: on a Zen 3 (2026-12-04) both were 1.02–1.03x, and the default
`minimt train` there printed exactly the figures the simulation on the Zen 4 had printed (the same
model: docs/benchmarks.md, thirteenth session).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

FLOOR_ENV = {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"}

CHILD = r'''
import json, time, torch
torch.set_num_threads(2)
out = {"capability": torch.backends.cpu.get_cpu_capability()}
a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
for _ in range(3): a @ b
t0 = time.perf_counter(); n = 30
for _ in range(n): a @ b
out["matmul_gflops"] = round(2 * 1024**3 * n / (time.perf_counter() - t0) / 1e9, 1)
from minimt.model import ModelConfig, Transformer
from minimt.batch import make_batch
from minimt.runtime.fast import enable_fast_kernels
from minimt.schedule import make_optimizer, make_scheduler
from minimt.train import train_step
import contextlib, random
torch.manual_seed(0); rnd = random.Random(0)
model = enable_fast_kernels(Transformer(ModelConfig(vocab_size=4000)))
opt = make_optimizer(model, lr=1e-3); sch = make_scheduler(opt, warmup=10)
batches = [make_batch([[rnd.randrange(4, 4000) for _ in range(rnd.randrange(6, 14))] for _ in range(160)],
                      [[rnd.randrange(4, 4000) for _ in range(rnd.randrange(6, 14))] for _ in range(160)],
                      pad_id=0, bos_id=2, eos_id=3) for _ in range(8)]
fp32 = contextlib.nullcontext
for b in batches[:2]: train_step(model, b, opt, sch, label_smoothing=0.1, clip=1.0, autocast=fp32)
t0 = time.perf_counter()
for b in batches[2:]: train_step(model, b, opt, sch, label_smoothing=0.1, clip=1.0, autocast=fp32)
out["train_tokens_per_s"] = round(sum(b.n_tokens for b in batches[2:]) / (time.perf_counter() - t0))
print(json.dumps(out))
'''


def measure(extra_env: dict) -> dict:
    env = {**os.environ, **extra_env, "OMP_NUM_THREADS": "2"}
    proc = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    native, floor = measure({}), measure(FLOOR_ENV)
    print(f"machine: {platform.processor() or platform.machine()}; torch CPU capability native "
          f"{native['capability']}, floor {floor['capability']}")
    print(f"fp32 matmul 1024x1024, 2 threads: native {native['matmul_gflops']} GFLOP/s, "
          f"floor {floor['matmul_gflops']} GFLOP/s ({native['matmul_gflops'] / floor['matmul_gflops']:.2f}x slower)")
    print(f"minimt fp32 training, default model, 2 threads: native {native['train_tokens_per_s']:,} target tokens/s, "
          f"floor {floor['train_tokens_per_s']:,} ({native['train_tokens_per_s'] / floor['train_tokens_per_s']:.2f}x slower)")
    if floor["capability"] != "AVX2" or floor["matmul_gflops"] >= native["matmul_gflops"] and native["capability"] != "AVX2":
        print("WARNING: the floor simulation did not slow anything down: its timings mean nothing here")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
