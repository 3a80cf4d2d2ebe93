"""Exercise 20: d loss / d logits by hand, graded against autograd on minimt.loss.

The reference is ``cross_entropy_loss(logits, labels).backward()``; the student's gradient must
match ``logits.grad`` to 1e-6 on seeded random batches (float32 and float64), including
a batch where every label is -100 (the gradient is all zeros, not NaN).
"""
from __future__ import annotations

import contextlib
import random

import torch

from minimt.loss import cross_entropy_loss

from .. import cases
from ..grading import CheckFailed, call, expect_tensor, fail, first_difference, idx

HINTS = [
    "probs = logits.softmax(-1) (B,T,V). one_hot: torch.zeros_like(probs).scatter_(-1, safe.unsqueeze(-1), 1.0) "
    "where safe = labels with -100 replaced by 0 (-100 is not an index).",
    "N = (labels != -100).sum(): the loss is a MEAN over real tokens, so every real position's gradient is "
    "divided by N — not by B*T.",
    "Multiply by (labels != -100).unsqueeze(-1) so the -100 rows are exactly 0, and divide by N clamped to at "
    "least 1 so an all -100 batch gives zeros, not NaN.",
]


@contextlib.contextmanager
def _no_autograd():
    """During the student's call, backward() and autograd.grad refuse: the point is to do it by hand."""
    saved = torch.autograd.backward, torch.autograd.grad

    def refuse(*args, **kwargs):
        raise CheckFailed("you called .backward() / torch.autograd.grad: this exercise is to write the gradient "
                          "by hand — (softmax - one_hot) / N at real positions, 0 at -100")

    torch.autograd.backward = torch.autograd.grad = refuse
    try:
        yield
    finally:
        torch.autograd.backward, torch.autograd.grad = saved


def reference(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    x = logits.detach().clone().requires_grad_(True)
    cross_entropy_loss(x, labels).backward()
    return x.grad


def _variants(logits, labels):
    """What typical wrong answers compute, to name the mistake."""
    real = labels != -100
    n = int(real.sum())
    p = logits.softmax(-1)
    one_hot = torch.nn.functional.one_hot(labels.clamp(min=0), logits.size(-1)).to(logits.dtype)
    diff = (p - one_hot) * real.unsqueeze(-1)
    per_row = real.sum(1, keepdim=True).clamp(min=1).unsqueeze(-1) * labels.size(0)
    return {
        f"you divided by all B*T = {labels.numel()} positions; the loss is the mean over the N = {n} real tokens "
        "(labels != -100), so divide by N": diff / labels.numel(),
        f"that is the gradient of the SUM of the token losses: the loss is their MEAN, divide by N = {n}": diff,
        "the sign is flipped: d loss / d logit = p - 1 at the right token (negative, so gradient descent RAISES "
        "that logit) and p at every other": -diff / max(n, 1),
        "you averaged each sentence first, then the sentences: minimt's loss averages over all real tokens, so "
        "every real position gets 1/N": diff / per_row,
        "you forgot the softmax: the gradient is softmax(logits) - one_hot, probabilities, not raw scores":
            (logits - one_hot) * real.unsqueeze(-1) / max(n, 1),
    }


def grade(logit_gradients) -> int:
    rng, g = random.Random(20), torch.Generator().manual_seed(20)
    n = 0
    for case in range(30):
        B, V = rng.randint(2, 4), rng.choice([5, 7, 11])
        tgt = cases.rows(rng, B, vocab=V, lo=1, hi=6)
        labels = cases.labels_from(tgt, max(len(t) for t in tgt) + 1 + case % 2)
        if case % 10 == 9:
            labels = torch.full_like(labels, -100)  # nothing to learn: every gradient is 0, not NaN
        dtype = torch.float64 if case % 3 == 2 else torch.float32
        logits = (torch.randn(*labels.shape, V, generator=g) * 2).to(dtype)
        context = f"logit_gradients(logits (B,T,V)={tuple(logits.shape)} {dtype}, labels={labels.tolist()})"
        given_logits, given_labels = logits.clone(), labels.clone()
        with _no_autograd():
            got = call(logit_gradients, given_logits, given_labels, context=context)
        if not torch.equal(given_labels, labels) or not torch.equal(given_logits, logits):
            fail("logit_gradients changed its inputs in place (labels or logits): work on new tensors", context)
        got = expect_tensor("the gradient", got, shape=tuple(logits.shape), dtype=dtype, context=context,
                            why_shape="one number per logit, like logits.grad",
                            why_dtype="keep the dtype of the logits, like logits.grad")
        got = got.detach()
        if not torch.isfinite(got).all():
            fail("the gradient has NaN or inf" + (": every label is -100, so N = 0 and x/0 is NaN — divide by N "
                                                  "clamped to at least 1 (the gradient is all zeros)"
                                                  if case % 10 == 9 else ""), context)
        ignored = labels == -100
        leaks = (got != 0).any(-1) & ignored  # (B,T) -100 positions with some nonzero gradient
        if leaks.any():
            b, t = (int(i) for i in leaks.nonzero()[0])
            fail(f"the gradient at position {idx((b, t))} is {[round(v, 4) for v in got[b, t].tolist()]}, but "
                 f"labels{idx((b, t))} is -100: that position is not in the loss, so its logits get EXACTLY zero "
                 "gradient — zero those rows (padding teaches nothing)", context)
        want = reference(logits, labels)
        if first_difference(got, want, atol=1e-6) is not None:
            for why, value in _variants(logits, labels).items():
                if first_difference(got, value, atol=1e-6) is None:
                    i = first_difference(got, want, atol=1e-6)
                    fail(f"the gradient{idx(i)} is {got[i].item():.4g} but should be {want[i].item():.4g}: {why}",
                         context)
            i = first_difference(got, want, atol=1e-6)
            b, t, v = i
            fail(f"the gradient{idx(i)} is {got[i].item():.4g} but should be {want[i].item():.4g}: at a real "
                 f"position it is (softmax(logits[{b}, {t}])[{v}] - (1 if {v} == labels[{b}, {t}] = "
                 f"{int(labels[b, t])} else 0)) / N, N = {int((~ignored).sum())} real tokens", context)
        n += 1
    return n
