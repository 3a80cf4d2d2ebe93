"""Exercise 16 (fix it): a decoder mask that lets each position see the next token.

The grader first runs the proofs (proofs.py) on a small encoder–decoder that uses the student's
mask, then exercise 7's exact checks.
"""
from __future__ import annotations

import torch

from .. import proofs
from ..grading import call, fail
from . import ex07_decoder_self_mask

HINTS = [
    "Training loss near 0 and garbage translations: the decoder sees the token it must predict. Which keys "
    "may query t see? Print the mask for T = 4 and read row 0.",
    "tril(diagonal=k) keeps the diagonal and k diagonals ABOVE it. Query t may see keys 0..t: k = 0.",
]


def proof_report(decoder_self_mask, names=("causality", "no_label_leak", "padding_invariance")) -> str | None:
    """None if every proof passes with the student's mask, else the proof lines."""
    student = lambda dam: call(decoder_self_mask, dam.clone(), context="the proofs' batch")  # noqa: E731
    results = [proofs.prove(n, proofs.pipeline(decoder_self_mask=student)) for n in names]
    if all(r.passed for r in results):
        return None
    failed = ", ".join(r.name for r in results if not r.passed)
    return (f"proof {failed} FAILED on a small encoder–decoder using your decoder_self_mask:\n"
            + "\n".join("  " + r.line() for r in results))


def grade(decoder_self_mask) -> int:
    dam = torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1]])
    got = call(decoder_self_mask, dam.clone(), context=f"decoder_self_mask({dam.tolist()})")
    if not isinstance(got, torch.Tensor) or got.dtype != torch.bool or got.dim() != 4:
        fail("should return a 4-D bool tensor (B, 1, T, T), True = may attend", f"decoder_self_mask({dam.tolist()})")
    report = proof_report(decoder_self_mask)
    if report:
        fail(report)
    return 3 + ex07_decoder_self_mask.grade(decoder_self_mask)
