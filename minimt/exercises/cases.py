"""Seeded random test cases for the graders: batches of id rows with distinct lengths.

Every grader draws its cases from ``random.Random(seed)`` / ``torch.Generator`` with fixed
seeds, so a student who fails sees the same failing case every time they re-run.
Batches always have B >= 2 rows of *different* lengths (padding is invisible otherwise),
and the longest row is not always the first (code that pads to ``len(rows[0])`` fails).
"""
from __future__ import annotations

import random

import torch

PAD, UNK, BOS, EOS = 0, 1, 2, 3
N_SPECIAL = 4


def lengths(rng: random.Random, B: int, lo: int = 1, hi: int = 9) -> list[int]:
    """B lengths in [lo, hi], at least two of them different, the longest not always first."""
    while True:
        out = [rng.randint(lo, hi) for _ in range(B)]
        if len(set(out)) > 1:
            return out


def rows(rng: random.Random, B: int, vocab: int = 40, lo: int = 1, hi: int = 9) -> list[list[int]]:
    """B rows of ordinary (non-special) ids, distinct lengths."""
    return [[rng.randrange(N_SPECIAL, vocab) for _ in range(n)] for n in lengths(rng, B, lo, hi)]


def batch_size(rng: random.Random) -> int:
    return rng.randint(2, 5)


def attention_mask_from(lens: list[int], width: int | None = None) -> torch.Tensor:
    """(B, width) int64, 1 on the first lens[b] positions of row b (right padding)."""
    width = width or max(lens)
    return (torch.arange(width)[None, :] < torch.tensor(lens)[:, None]).long()


def random_attention_mask(rng: random.Random, B: int, lo: int = 1, hi: int = 8,
                          allow_empty: bool = False) -> torch.Tensor:
    """A right-padded (B, S) 1/0 mask with distinct row lengths; optionally one all-padding row."""
    lens = lengths(rng, B, lo, hi)
    if allow_empty:
        lens[rng.randrange(B)] = 0
        if len(set(lens)) == 1:
            lens[0] = hi
    return attention_mask_from(lens, max(max(lens), 1))


def labels_from(rows_: list[list[int]], width: int | None = None) -> torch.Tensor:
    """(B, T) labels = row + EOS, padded with -100 — the convention every exercise builds on."""
    width = width or max(len(r) + 1 for r in rows_)
    out = torch.full((len(rows_), width), -100, dtype=torch.long)
    for b, r in enumerate(rows_):
        out[b, : len(r) + 1] = torch.tensor(r + [EOS])
    return out


def ordinal(i: int) -> str:
    return {0: "first", 1: "second", 2: "third"}.get(i, f"{i + 1}th")
