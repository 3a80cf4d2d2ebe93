"""Exercise 16 (fix it): a decoder mask that lets each position see the next token.

The grader first runs the proofs (proofs.py) on a small encoder–decoder that uses the student's
mask, then exercise 7's exact checks.
"""
from __future__ import annotations

import torch

from .. import proofs
from ..grading import call, fail
from ..language import say
from . import ex07_decoder_self_mask

HINTS = [
    say(en="Training loss near 0 and garbage translations: the decoder sees the token it must predict. Which keys "
           "may query t see? Print the mask for T = 4 and read row 0.",
        zh="训练损失接近 0，翻译却一团糟：解码器看到了它要预测的词元。查询 t 可以看到哪些键？"
           "打印 T = 4 时的掩码，读一读第 0 行。"),
    say(en="tril(diagonal=k) keeps the diagonal and k diagonals ABOVE it. Query t may see keys 0..t: k = 0.",
        zh="tril(diagonal=k) 保留对角线以及它上方的 k 条对角线。查询 t 可以看到键 0..t：k = 0。"),
]


def proof_report(decoder_self_mask, names=("causality", "no_label_leak", "padding_invariance")) -> str | None:
    """None if every proof passes with the student's mask, else the proof lines."""
    batch = say(en="the proofs' batch", zh="证明所用的批次")
    student = lambda dam: call(decoder_self_mask, dam.clone(), context=batch)  # noqa: E731
    results = [proofs.prove(n, proofs.pipeline(decoder_self_mask=student)) for n in names]
    if all(r.passed for r in results):
        return None
    failed = ", ".join(r.name for r in results if not r.passed)
    lines = "\n".join("  " + r.line() for r in results)
    return say(en=f"proof {failed} FAILED on a small encoder–decoder using your decoder_self_mask:\n{lines}",
               zh=f"在一个用你的 decoder_self_mask 的小型编码器–解码器上，证明 {failed} 没有通过：\n{lines}")


def grade(decoder_self_mask) -> int:
    dam = torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1]])
    got = call(decoder_self_mask, dam.clone(), context=f"decoder_self_mask({dam.tolist()})")
    if not isinstance(got, torch.Tensor) or got.dtype != torch.bool or got.dim() != 4:
        fail(say(en="should return a 4-D bool tensor (B, 1, T, T), True = may attend",
                 zh="应返回一个 4 维布尔张量 (B, 1, T, T)，True = 可以关注"), f"decoder_self_mask({dam.tolist()})")
    report = proof_report(decoder_self_mask)
    if report:
        fail(report)
    return 3 + ex07_decoder_self_mask.grade(decoder_self_mask)
