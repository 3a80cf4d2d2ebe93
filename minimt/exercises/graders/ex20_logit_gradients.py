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
from ..grading import CheckFailed, because, call, expect_tensor, fail, first_difference, idx
from ..language import say

HINTS = [
    say(en="probs = logits.softmax(-1) (B,T,V). one_hot: torch.zeros_like(probs).scatter_(-1, safe.unsqueeze(-1), "
           "1.0) where safe = labels with -100 replaced by 0 (-100 is not an index).",
        zh="probs = logits.softmax(-1) (B,T,V)。独热向量：torch.zeros_like(probs).scatter_(-1, safe.unsqueeze(-1), "
           "1.0)，其中 safe = 把 -100 换成 0 的 labels（-100 不能当下标）。"),
    say(en="N = (labels != -100).sum(): the loss is a MEAN over real tokens, so every real position's gradient is "
           "divided by N — not by B*T.",
        zh="N = (labels != -100).sum()：损失是对真实词元求平均，所以每个真实位置的梯度都要除以 N —— 不是除以 B*T。"),
    say(en="Multiply by (labels != -100).unsqueeze(-1) so the -100 rows are exactly 0, and divide by N clamped to at "
           "least 1 so an all -100 batch gives zeros, not NaN.",
        zh="乘以 (labels != -100).unsqueeze(-1)，让 -100 的那些行恰好为 0；再除以至少为 1 的 N（clamp），"
           "这样全是 -100 的批次得到的是 0，而不是 NaN。"),
]


@contextlib.contextmanager
def _no_autograd():
    """During the student's call, backward() and autograd.grad refuse: the point is to do it by hand."""
    saved = torch.autograd.backward, torch.autograd.grad

    def refuse(*args, **kwargs):
        raise CheckFailed(say(en="you called .backward() / torch.autograd.grad: this exercise is to write the "
                                 "gradient by hand — (softmax - one_hot) / N at real positions, 0 at -100",
                              zh="你调用了 .backward() / torch.autograd.grad：这个练习要你亲手写出梯度 —— "
                                 "真实位置上是 (softmax - one_hot) / N，-100 处为 0"))

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
    every = labels.numel()
    return {
        say(en=f"you divided by all B*T = {every} positions; the loss is the mean over the N = {n} real tokens "
               "(labels != -100), so divide by N",
            zh=f"你除以了全部 B*T = {every} 个位置；损失是对 N = {n} 个真实词元（labels != -100）求平均，"
               "所以要除以 N"): diff / every,
        say(en=f"that is the gradient of the SUM of the token losses: the loss is their MEAN, divide by N = {n}",
            zh=f"这是各词元损失之和的梯度：损失是它们的平均，要除以 N = {n}"): diff,
        say(en="the sign is flipped: d loss / d logit = p - 1 at the right token (negative, so gradient descent "
               "RAISES that logit) and p at every other",
            zh="符号反了：在正确的词元处 d loss / d logit = p - 1（是负数，所以梯度下降会把这个 logit 调高），"
               "其他位置是 p"): -diff / max(n, 1),
        say(en="you averaged each sentence first, then the sentences: minimt's loss averages over all real tokens, "
               "so every real position gets 1/N",
            zh="你先对每个句子求平均，再对句子求平均：minimt 的损失是对所有真实词元求平均，"
               "所以每个真实位置得到的是 1/N"): diff / per_row,
        say(en="you forgot the softmax: the gradient is softmax(logits) - one_hot, probabilities, not raw scores",
            zh="你忘了 softmax：梯度是 softmax(logits) - one_hot，用的是概率，不是原始分数"):
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
            fail(say(en="logit_gradients changed its inputs in place (labels or logits): work on new tensors",
                     zh="logit_gradients 原地修改了它的输入（labels 或 logits）：请在新的张量上计算"), context)
        got = expect_tensor(say(en="the gradient", zh="梯度"), got, shape=tuple(logits.shape), dtype=dtype,
                            context=context,
                            why_shape=say(en="one number per logit, like logits.grad",
                                          zh="每个 logit 一个数，和 logits.grad 一样"),
                            why_dtype=say(en="keep the dtype of the logits, like logits.grad",
                                          zh="保持 logits 的数据类型，和 logits.grad 一样"))
        got = got.detach()
        if not torch.isfinite(got).all():
            fail(because(say(en="the gradient has NaN or inf", zh="梯度里有 NaN 或 inf"),
                         say(en="every label is -100, so N = 0 and x/0 is NaN — divide by N clamped to at least 1 "
                                "(the gradient is all zeros)",
                             zh="所有标签都是 -100，所以 N = 0，x/0 就是 NaN —— 除以至少为 1 的 N"
                                "（梯度应该全为 0）") if case % 10 == 9 else ""), context)
        ignored = labels == -100
        leaks = (got != 0).any(-1) & ignored  # (B,T) -100 positions with some nonzero gradient
        if leaks.any():
            b, t = (int(i) for i in leaks.nonzero()[0])
            at, row = idx((b, t)), [round(v, 4) for v in got[b, t].tolist()]
            fail(say(en=f"the gradient at position {at} is {row}, but labels{at} is -100: that position is not in "
                        "the loss, so its logits get EXACTLY zero gradient — zero those rows (padding teaches nothing)",
                     zh=f"位置 {at} 的梯度是 {row}，但 labels{at} 是 -100：这个位置不在损失里，所以它的 logits "
                        "的梯度必须恰好为 0 —— 把这些行清零（填充什么也教不了模型）"), context)
        want = reference(logits, labels)
        if first_difference(got, want, atol=1e-6) is not None:
            i = first_difference(got, want, atol=1e-6)
            at, g, w = idx(i), got[i].item(), want[i].item()
            wrong = say(en=f"the gradient{at} is {g:.4g} but should be {w:.4g}", zh=f"梯度{at} 是 {g:.4g}，应为 {w:.4g}")
            for why, value in _variants(logits, labels).items():
                if first_difference(got, value, atol=1e-6) is None:
                    fail(because(wrong, why), context)
            b, t, v = i
            label, real = int(labels[b, t]), int((~ignored).sum())
            fail(because(wrong, say(en=f"at a real position it is (softmax(logits[{b}, {t}])[{v}] - (1 if {v} == "
                                       f"labels[{b}, {t}] = {label} else 0)) / N, N = {real} real tokens",
                                    zh=f"在真实位置上它是 (softmax(logits[{b}, {t}])[{v}] - (1 if {v} == "
                                       f"labels[{b}, {t}] = {label} else 0)) / N，N = {real} 个真实词元")), context)
        n += 1
    return n
