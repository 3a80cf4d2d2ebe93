"""Exercise 8: scaled dot-product attention with a bool mask (against minimt.attention.attention)."""
from __future__ import annotations

import math
import random

import torch

from minimt.attention import attention as reference, causal_mask, decoder_self_mask, padding_mask

from .. import cases
from ..grading import call, expect_tensor, fail, first_difference, idx
from ..language import say

HINTS = [
    say(en="scores = q @ k.transpose(-2, -1) / sqrt(D): (B,H,T,D) @ (B,H,D,S) → (B,H,T,S), D = q.size(-1).",
        zh="scores = q @ k.transpose(-2, -1) / sqrt(D)：(B,H,T,D) @ (B,H,D,S) → (B,H,T,S)，D = q.size(-1)。"),
    say(en="Where the mask is False, put a very negative score BEFORE the softmax: "
           "scores.masked_fill(~mask, torch.finfo(scores.dtype).min). Softmax over the keys: dim=-1.",
        zh="在 softmax 之前，把掩码为 False 的位置填成一个非常负的分数："
           "scores.masked_fill(~mask, torch.finfo(scores.dtype).min)。softmax 在键这一维上做：dim=-1。"),
    say(en="A row with no allowed key would share its weight equally among masked keys (or give NaN with -inf): "
           "after the softmax, set weights to 0 wherever the mask is False — torch.where(mask, weights, 0.0).",
        zh="如果某一行没有任何允许的键，它的权重会平分给被遮住的键（用 -inf 时还会得到 NaN）："
           "softmax 之后，把掩码为 False 的位置的权重置 0 —— torch.where(mask, weights, 0.0)。"),
]


def _case(rng: random.Random, g: torch.Generator, case: int):
    B, H = rng.randint(2, 3), rng.randint(1, 3)
    D = rng.choice([3, 5, 7, 8])
    T = rng.randint(2, 6)
    kind = ["none", "padding", "causal", "decoder", "empty_row"][case % 5]
    S = T if kind in ("causal", "decoder") else rng.randint(2, 7)
    q, k, v = (torch.randn(B, H, n, D, generator=g) for n in (T, S, S))
    if kind == "none":
        mask = None
    elif kind == "causal":
        mask = causal_mask(T)
    elif kind == "decoder":
        mask = decoder_self_mask(cases.attention_mask_from(cases.lengths(rng, B, 1, T), T))
    else:  # padding; "empty_row" has a sentence that is all padding: its queries have no key at all
        lens = cases.lengths(rng, B, 1, S)
        if kind == "empty_row":
            lens[rng.randrange(B)] = 0
        mask = padding_mask(cases.attention_mask_from(lens, S))
    return q, k, v, mask, kind


def grade(attention) -> int:
    rng, g = random.Random(8), torch.Generator().manual_seed(8)
    n = 0
    for case in range(40):
        q, k, v, mask, kind = _case(rng, g, case)
        B, H, T, D = q.shape
        S = k.size(2)
        context = (f"attention(q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}, "
                   + ("mask=None)" if mask is None else f"mask {tuple(mask.shape)}, a {kind} mask)"))
        qg = q.clone().requires_grad_(True)
        out = call(attention, qg, k, v, mask, context=context)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            fail(say(en="should return a tuple (out, weights)", zh="应返回一个元组 (out, weights)"), context)
        want_out, want_w = reference(q, k, v, mask)
        w = expect_tensor("weights", out[1], shape=(B, H, T, S), dtype=torch.float32, context=context,
                          why_shape=say(en="one weight per (sentence, head, query, key)",
                                        zh="每个（句子, 注意力头, 查询, 键）对应一个权重"))
        o = expect_tensor("out", out[0], shape=(B, H, T, D), dtype=torch.float32, context=context,
                          why_shape=say(en="one D-vector per query: weights @ v",
                                        zh="每个查询对应一个 D 维向量：weights @ v"))
        allowed = torch.ones(B, H, T, S, dtype=torch.bool) if mask is None else mask.expand(B, H, T, S)
        no_key = ~allowed.any(-1)  # (B,H,T) rows with nothing to attend to
        wd = w.detach()
        if torch.isnan(wd).any() or torch.isnan(o.detach()).any():
            i = tuple(int(j) for j in torch.isnan(wd).any(-1).nonzero()[0]) if torch.isnan(wd).any() else None
            if i is not None and no_key[i]:
                fail(say(en=f"weights{idx(i)} is NaN: query {i[2]} of sentence {i[0]} has no allowed key (its sentence "
                            "is all padding); softmax over all -inf gives NaN — such a row must give zeros",
                         zh=f"weights{idx(i)} 是 NaN：第 {i[0]} 个句子的查询 {i[2]} 没有任何允许的键（这个句子全是"
                            "填充）；对全是 -inf 的一行做 softmax 会得到 NaN —— 这样的行必须给出全 0"), context)
            fail(say(en="out or weights contain NaN", zh="out 或 weights 里有 NaN"), context)
        leak = (wd.abs() > 1e-6) & ~allowed & ~no_key[..., None]
        if leak.any():
            i = tuple(int(j) for j in leak.nonzero()[0])
            flipped = bool((wd.abs() <= 1e-6)[allowed & ~no_key[..., None]].all())
            value = f"{wd[i].item():.3g}"
            why = say(en=" — the mask is used the wrong way round: True = may attend, so fill "
                         "the scores where the mask is False (~mask)",
                      zh=" —— 掩码用反了：True = 可以关注，所以要填的是掩码为 False（~mask）处的分数") if flipped else ""
            fail(say(en=f"weights{idx(i)} is {value} but key {i[3]} is masked (mask False): masked keys must "
                        f"get weight exactly 0{why}",
                     zh=f"weights{idx(i)} 是 {value}，但键 {i[3]} 被遮住了（掩码为 False）：被遮住的键的权重必须"
                        f"恰好为 0{why}"), context)
        if no_key.any():
            i = tuple(int(j) for j in no_key.nonzero()[0])
            if wd[i].abs().sum() > 1e-6:
                total = f"{wd[i].sum().item():.3g}"
                fail(say(en=f"weights{idx(i)} sums to {total}, but query {i[2]} of sentence {i[0]} has "
                            "no allowed key: a row with no allowed key must give zero weights (and a zero output)",
                         zh=f"weights{idx(i)} 的和是 {total}，但第 {i[0]} 个句子的查询 {i[2]} 没有任何允许的键："
                            "这样的行必须给出全 0 的权重（输出也是 0）"), context)
        sums = wd.sum(-1)
        bad = ((sums - 1).abs() > 1e-4) & ~no_key
        if bad.any():
            i = tuple(int(j) for j in bad.nonzero()[0])
            total = f"{sums[i].item():.3g}"
            fail(say(en=f"weights{idx(i)} sums to {total} over the keys but should sum to 1: "
                        "the softmax runs over the keys, the last dimension (dim=-1)",
                     zh=f"weights{idx(i)} 在键上的和是 {total}，应为 1：softmax 要在键这一维，即最后一维"
                        "（dim=-1）上做"), context)
        i = first_difference(wd, want_w, 1e-5)
        if i is not None:
            unscaled = reference(q * math.sqrt(D), k, v, mask)[1]
            if first_difference(wd, unscaled, 1e-5) is None:
                fail(say(en=f"the scores are not scaled: divide q @ k^T by sqrt(D) = sqrt({D}) before the softmax "
                            "(it keeps the softmax from saturating as D grows)",
                         zh=f"分数没有缩放：在 softmax 之前把 q @ k^T 除以 sqrt(D) = sqrt({D})"
                            "（D 变大时，这样 softmax 才不会饱和）"), context)
            got_w, want_wi = f"{wd[i].item():.4g}", f"{want_w[i].item():.4g}"
            fail(say(en=f"weights{idx(i)} is {got_w} but should be {want_wi}: "
                        "weights = softmax(q @ k^T / sqrt(D)) over the allowed keys",
                     zh=f"weights{idx(i)} 是 {got_w}，应为 {want_wi}：weights = 在允许的键上做 "
                        "softmax(q @ k^T / sqrt(D))"), context)
        i = first_difference(o.detach(), want_out, 1e-5)
        if i is not None:
            got_o, want_o = f"{o[i].item():.4g}", f"{want_out[i].item():.4g}"
            fail(say(en=f"out{idx(i)} is {got_o} but should be {want_o}: out = weights @ v",
                     zh=f"out{idx(i)} 是 {got_o}，应为 {want_o}：out = weights @ v"), context)
        if o.requires_grad:
            o.sum().backward()
            if qg.grad is not None and not torch.isfinite(qg.grad).all():
                fail(say(en="the gradient of q has NaN or inf: a row with no allowed key must be zeroed without "
                            "dividing by zero (torch.where(mask, weights, 0.0) after the softmax)",
                         zh="q 的梯度（gradient）里有 NaN 或 inf：没有允许的键的行要置 0，但不能除以 0"
                            "（softmax 之后用 torch.where(mask, weights, 0.0)）"), context)
        n += 1
    return n
