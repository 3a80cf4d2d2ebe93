"""Exercise 9: cross-entropy with ignore_index written as a masked mean (against minimt.loss)."""
from __future__ import annotations

import contextlib
import random

import torch

from minimt.loss import cross_entropy_loss as reference

from .. import cases
from ..grading import CheckFailed, because, call, fail, idx
from ..language import say

HINTS = [
    say(en="log_probs = logits.log_softmax(dim=-1) (B,T,V); pick the log-probability of the right token with "
           "log_probs.gather(-1, labels.unsqueeze(-1)) — but first replace -100 by any valid id (0): -100 is not an index.",
        zh="log_probs = logits.log_softmax(dim=-1) (B,T,V)；用 log_probs.gather(-1, labels.unsqueeze(-1)) "
           "取出正确词元的对数概率 —— 但要先把 -100 换成任意一个合法 ID（0）：-100 不是索引。"),
    say(en="real = labels != -100. The loss is the sum of -log p over real positions ÷ the number of real positions "
           "(multiply by real, or index with it) — not ÷ B*T.",
        zh="real = labels != -100。损失是真实位置上 -log p 的和 ÷ 真实位置的个数（乘以 real，或用它做索引）"
           "—— 不是 ÷ B*T。"),
    say(en="When no label is real, return 0 instead of 0/0 = NaN: divide by real.sum().clamp(min=1).",
        zh="一个真实标签都没有时，返回 0，而不是 0/0 = NaN：除以 real.sum().clamp(min=1)。"),
]


@contextlib.contextmanager
def _no_builtin_loss():
    """During the student's call, F.cross_entropy / F.nll_loss refuse: the point is to write them."""
    names = ["cross_entropy_loss", "nll_loss", "nll_loss_nd", "nll_loss2d"]
    saved = {n: getattr(torch._C._nn, n) for n in names}

    def refuse(*args, **kwargs):
        raise CheckFailed(say(en="you called F.cross_entropy / F.nll_loss (or nn.CrossEntropyLoss): this exercise is "
                                 "to write what they do — log_softmax, pick the right token's log-probability, mask, mean",
                              zh="你调用了 F.cross_entropy / F.nll_loss（或 nn.CrossEntropyLoss）：这个练习就是要你"
                                 "亲手写出它们做的事 —— log_softmax、取正确词元的对数概率、掩码、求平均"))

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
    all_, n_real = labels.numel(), int(real.sum())
    return {
        say(en=f"you divided by all B*T = {all_} positions; divide by the number of real tokens "
               f"(labels != -100), here {n_real}",
            zh=f"你除以了全部 B*T = {all_} 个位置；应除以真实词元的个数（labels != -100），这里是 {n_real}"):
            (nll * real).sum() / labels.numel(),
        say(en="the ignored positions are counted (as if their label were 0): multiply the per-token loss by the "
               "mask (labels != -100) before summing",
            zh="被忽略的位置也算进去了（好像它们的标签是 0）：求和之前，先把每个词元的损失乘以掩码（labels != -100）"):
            nll.mean(),
        say(en=f"that is the SUM over real tokens: divide by their number ({n_real})",
            zh=f"这是真实词元上的总和：还要除以它们的个数（{n_real}）"): (nll * real).sum(),
        say(en="you averaged each sentence first, then the sentences: minimt averages over tokens, so a long sentence "
               "counts more than a short one",
            zh="你先对每个句子求平均，再对句子求平均：minimt 是对词元求平均，所以长句子比短句子分量更重"):
            per_sentence.mean(),
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
            fail(say(en="masked_cross_entropy changed labels in place: work on a copy",
                     zh="masked_cross_entropy 原地改动了 labels：请在副本上操作"), context)
        if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
            shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
            fail(say(en=f"should return a scalar tensor (0-dim, with a graph for backward), got {shape}",
                     zh=f"应返回一个标量张量（0 维，带有用于 backward 的计算图），实际得到 {shape}"), context)
        want = reference(logits.detach(), labels)
        if torch.isnan(loss):
            why = say(en="every label is -100, so there are 0 real tokens and 0/0 = NaN — return 0 "
                         "(divide by the count clamped to at least 1)",
                      zh="每个标签都是 -100，真实词元有 0 个，0/0 = NaN —— 应返回 0（除以至少为 1 的个数）"
                      ) if case % 10 == 9 else ""
            fail(because(say(en="the loss is NaN", zh="损失是 NaN"), why), context)
        if not torch.isclose(loss.detach(), want, rtol=1e-5, atol=1e-6):
            got_l, want_l = f"{loss.item():.5g}", f"{want.item():.5g}"
            is_not = say(en=f"the loss is {got_l} but should be {want_l}", zh=f"损失是 {got_l}，应为 {want_l}")
            for why, value in _variants(logits.detach(), labels).items():
                if torch.isclose(loss.detach(), value, rtol=1e-5, atol=1e-6):
                    fail(because(is_not, why), context)
            fail(because(is_not, say(en="mean of -log softmax(logits)[label] over the positions whose label is not -100",
                                     zh="在标签不是 -100 的位置上，对 -log softmax(logits)[label] 求平均")), context)
        if not loss.requires_grad:
            fail(say(en="the loss has no graph (requires_grad is False): compute it with tensor operations, "
                        "not .item() or numbers",
                     zh="损失没有计算图（requires_grad 为 False）：请用张量运算来算，不要用 .item() 或普通数字"), context)
        loss.backward()
        grad = logits.grad
        ignored = (labels == -100)[..., None].expand_as(grad)
        if grad is None or not torch.isfinite(grad).all():
            fail(say(en="the gradient of logits is missing or not finite", zh="logits 的梯度不存在，或不是有限值"),
                 context)
        if (grad[ignored] != 0).any():
            i = tuple(int(j) for j in ((grad != 0) & ignored).nonzero()[0])
            value = f"{grad[i].item():.3g}"
            fail(say(en=f"logits.grad{idx(i)} is {value}, but labels{idx(i[:2])} is -100: an ignored position "
                        "must get exactly zero gradient — mask the per-token loss, do not just pick label 0 there",
                     zh=f"logits.grad{idx(i)} 是 {value}，但 labels{idx(i[:2])} 是 -100：被忽略的位置的梯度必须"
                        "恰好为 0 —— 要对每个词元的损失做掩码，而不只是在那里取标签 0"), context)
        n += 1
    return n
