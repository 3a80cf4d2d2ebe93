"""Exercise 9: cross-entropy with ignore_index written as a masked mean (against minimt.loss)."""
from __future__ import annotations

import contextlib
import random

import torch

from minimt.loss import cross_entropy_loss as reference

from .. import cases
from ..grading import CheckFailed, call, fail, idx

HINTS = [
    "log_probs = logits.log_softmax(dim=-1) (B,T,V); pick the log-probability of the right token with "
    "log_probs.gather(-1, labels.unsqueeze(-1)) — but first replace -100 by any valid id (0): -100 is not an index.",
    "real = labels != -100. The loss is the sum of -log p over real positions ÷ the number of real positions "
    "(multiply by real, or index with it) — not ÷ B*T.",
    "When no label is real, return 0 instead of 0/0 = NaN: divide by real.sum().clamp(min=1).",
]


@contextlib.contextmanager
def _no_builtin_loss():
    """During the student's call, F.cross_entropy / F.nll_loss refuse: the point is to write them."""
    names = ["cross_entropy_loss", "nll_loss", "nll_loss_nd", "nll_loss2d"]
    saved = {n: getattr(torch._C._nn, n) for n in names}

    def refuse(*args, **kwargs):
        raise CheckFailed("you called F.cross_entropy / F.nll_loss (or nn.CrossEntropyLoss): this exercise is "
                          "to write what they do — log_softmax, pick the right token's log-probability, mask, mean")

    for n in names:
        setattr(torch._C._nn, n, refuse)
    try:
        yield
    finally:
        for n, f in saved.items():
            setattr(torch._C._nn, n, f)


def _variants(logits, labels):
    """What typical wrong answers compute, to name the mistake."""
    real = labels != -100
    nll = -logits.log_softmax(-1).gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)  # (B,T)
    per_sentence = (nll * real).sum(1) / real.sum(1).clamp(min=1)
    return {
        f"you divided by all B*T = {labels.numel()} positions; divide by the number of real tokens "
        f"(labels != -100), here {int(real.sum())}": (nll * real).sum() / labels.numel(),
        "the ignored positions are counted (as if their label were 0): multiply the per-token loss by the "
        "mask (labels != -100) before summing": nll.mean(),
        f"that is the SUM over real tokens: divide by their number ({int(real.sum())})": (nll * real).sum(),
        "you averaged each sentence first, then the sentences: minimt averages over tokens, so a long sentence "
        "counts more than a short one": per_sentence.mean(),
    }


def grade(masked_cross_entropy) -> int:
    rng, g = random.Random(9), torch.Generator().manual_seed(9)
    n = 0
    for case in range(30):
        B, V = rng.randint(2, 4), rng.choice([11, 13, 17])
        tgt = cases.rows(rng, B, vocab=V, lo=1, hi=7)
        labels = cases.labels_from(tgt, max(len(t) for t in tgt) + 1 + case % 2)
        if case % 10 == 9:
            labels = torch.full_like(labels, -100)  # nothing to learn: the loss must be 0, not NaN
        T = labels.size(1)
        logits = (torch.randn(B, T, V, generator=g) * 2).requires_grad_(True)
        context = f"masked_cross_entropy(logits (B,T,V)={tuple(logits.shape)}, labels={labels.tolist()})"
        given = labels.clone()
        with _no_builtin_loss():
            loss = call(masked_cross_entropy, logits, given, context=context)
        if not torch.equal(given, labels):
            fail("masked_cross_entropy changed labels in place: work on a copy", context)
        if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
            shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
            fail(f"should return a scalar tensor (0-dim, with a graph for backward), got {shape}", context)
        want = reference(logits.detach(), labels)
        if torch.isnan(loss):
            fail("the loss is NaN" + (": every label is -100, so there are 0 real tokens and 0/0 = NaN — return 0 "
                                      "(divide by the count clamped to at least 1)" if case % 10 == 9 else ""),
                 context)
        if not torch.isclose(loss.detach(), want, rtol=1e-5, atol=1e-6):
            for why, value in _variants(logits.detach(), labels).items():
                if torch.isclose(loss.detach(), value, rtol=1e-5, atol=1e-6):
                    fail(f"the loss is {loss.item():.5g} but should be {want.item():.5g}: {why}", context)
            fail(f"the loss is {loss.item():.5g} but should be {want.item():.5g}: "
                 "mean of -log softmax(logits)[label] over the positions whose label is not -100", context)
        if not loss.requires_grad:
            fail("the loss has no graph (requires_grad is False): compute it with tensor operations, "
                 "not .item() or numbers", context)
        loss.backward()
        grad = logits.grad
        ignored = (labels == -100)[..., None].expand_as(grad)
        if grad is None or not torch.isfinite(grad).all():
            fail("the gradient of logits is missing or not finite", context)
        if (grad[ignored] != 0).any():
            i = tuple(int(j) for j in ((grad != 0) & ignored).nonzero()[0])
            fail(f"logits.grad{idx(i)} is {grad[i].item():.3g}, but labels{idx(i[:2])} is -100: an ignored position "
                 "must get exactly zero gradient — mask the per-token loss, do not just pick label 0 there", context)
        n += 1
    return n
