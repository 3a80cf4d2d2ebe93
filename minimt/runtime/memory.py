"""Memory settings for training on a CPU: reuse freed memory; cap oneDNN's cache of kernels.

1. ``keep_freed_memory``: keep freed memory for reuse instead of giving it back to the OS
   (Linux/glibc; elsewhere nothing).

Why a training step needs it: the loss works on (target tokens × vocabulary) tensors — about
2,200 × 8,000 values, 35 MB in bf16, 70 MB in fp32 — several times per step (logits,
log-probabilities, their gradients). glibc's malloc serves every block over 32 MB with a fresh
``mmap`` and unmaps it on ``free``, so each step the kernel hands out new zeroed pages and the
first write to each one page-faults. On this project's 2-core CPU that made a bf16 log-softmax
over such a tensor take 12 ms instead of 4, and F.cross_entropy forward + backward 68 ms instead
of 13. ``mallopt(M_MMAP_MAX, 0)`` serves all blocks from the heap, and a 1 GiB
``M_TRIM_THRESHOLD`` keeps freed heap memory for the next step. Measured (bench/bench.py, same
batches, same process): minimt +8% tokens/s, the nn.Transformer baseline +18% — the benchmark
gives both the same setting.

Set ``MINIMT_KEEP_FREED_MEMORY=0`` to leave malloc alone.

2. ``limit_kernel_cache``: oneDNN, which runs PyTorch's bf16 matmuls on CPU, builds a kernel
   ("primitive") for every new matrix shape and caches up to 1,024 of them. Bucketed batches
   have ~200 distinct (B, S, T) shapes per epoch, so the cache kept growing: peak RSS of
   `minimt train` on Tatoeba reached 3.3 GB in 3 minutes (4.2 GB with (1)). Capped at 64
   kernels, 160 training steps peaked at 2.1 GB instead of 3.0 GB, and ran no slower. It only
   takes effect before the first matmul of the process; an ONEDNN_PRIMITIVE_CACHE_CAPACITY
   already in the environment wins.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
M_MMAP_MAX = -4


def keep_freed_memory(trim_threshold: int = 1 << 30) -> bool:
    """Tune glibc malloc for big, short-lived tensors; True if it was done."""
    if os.environ.get("MINIMT_KEEP_FREED_MEMORY", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt  # absent from musl (Alpine): then nothing to tune
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, trim_threshold))


def limit_kernel_cache(capacity: int = 64) -> None:
    """Cap oneDNN's primitive cache (read when oneDNN first runs; the environment wins)."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(capacity))
