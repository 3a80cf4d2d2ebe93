"""Exercise 8: scaled dot-product attention with a bool mask (against minimt.attention.attention)."""
from __future__ import annotations

import math
import random

import torch

from minimt.attention import attention as reference, causal_mask, decoder_self_mask, padding_mask

from .. import cases
from ..grading import call, expect_tensor, fail, first_difference, idx

HINTS = [
    "scores = q @ k.transpose(-2, -1) / sqrt(D): (B,H,T,D) @ (B,H,D,S) → (B,H,T,S), D = q.size(-1).",
    "Where the mask is False, put a very negative score BEFORE the softmax: "
    "scores.masked_fill(~mask, torch.finfo(scores.dtype).min). Softmax over the keys: dim=-1.",
    "A row with no allowed key would share its weight equally among masked keys (or give NaN with -inf): "
    "after the softmax, set weights to 0 wherever the mask is False — torch.where(mask, weights, 0.0).",
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
            fail("should return a tuple (out, weights)", context)
        want_out, want_w = reference(q, k, v, mask)
        w = expect_tensor("weights", out[1], shape=(B, H, T, S), dtype=torch.float32, context=context,
                          why_shape="one weight per (sentence, head, query, key)")
        o = expect_tensor("out", out[0], shape=(B, H, T, D), dtype=torch.float32, context=context,
                          why_shape="one D-vector per query: weights @ v")
        allowed = torch.ones(B, H, T, S, dtype=torch.bool) if mask is None else mask.expand(B, H, T, S)
        no_key = ~allowed.any(-1)  # (B,H,T) rows with nothing to attend to
        wd = w.detach()
        if torch.isnan(wd).any() or torch.isnan(o.detach()).any():
            i = tuple(int(j) for j in torch.isnan(wd).any(-1).nonzero()[0]) if torch.isnan(wd).any() else None
            if i is not None and no_key[i]:
                fail(f"weights{idx(i)} is NaN: query {i[2]} of sentence {i[0]} has no allowed key (its sentence "
                     "is all padding); softmax over all -inf gives NaN — such a row must give zeros", context)
            fail("out or weights contain NaN", context)
        leak = (wd.abs() > 1e-6) & ~allowed & ~no_key[..., None]
        if leak.any():
            i = tuple(int(j) for j in leak.nonzero()[0])
            flipped = bool((wd.abs() <= 1e-6)[allowed & ~no_key[..., None]].all())
            fail(f"weights{idx(i)} is {wd[i].item():.3g} but key {i[3]} is masked (mask False): masked keys must "
                 "get weight exactly 0" + (" — the mask is used the wrong way round: True = may attend, so fill "
                                           "the scores where the mask is False (~mask)" if flipped else ""), context)
        if no_key.any():
            i = tuple(int(j) for j in no_key.nonzero()[0])
            if wd[i].abs().sum() > 1e-6:
                fail(f"weights{idx(i)} sums to {wd[i].sum().item():.3g}, but query {i[2]} of sentence {i[0]} has "
                     "no allowed key: a row with no allowed key must give zero weights (and a zero output)", context)
        sums = wd.sum(-1)
        bad = ((sums - 1).abs() > 1e-4) & ~no_key
        if bad.any():
            i = tuple(int(j) for j in bad.nonzero()[0])
            fail(f"weights{idx(i)} sums to {sums[i].item():.3g} over the keys but should sum to 1: "
                 "the softmax runs over the keys, the last dimension (dim=-1)", context)
        i = first_difference(wd, want_w, 1e-5)
        if i is not None:
            unscaled = reference(q * math.sqrt(D), k, v, mask)[1]
            if first_difference(wd, unscaled, 1e-5) is None:
                fail(f"the scores are not scaled: divide q @ k^T by sqrt(D) = sqrt({D}) before the softmax "
                     "(it keeps the softmax from saturating as D grows)", context)
            fail(f"weights{idx(i)} is {wd[i].item():.4g} but should be {want_w[i].item():.4g}: "
                 "weights = softmax(q @ k^T / sqrt(D)) over the allowed keys", context)
        i = first_difference(o.detach(), want_out, 1e-5)
        if i is not None:
            fail(f"out{idx(i)} is {o[i].item():.4g} but should be {want_out[i].item():.4g}: out = weights @ v",
                 context)
        if o.requires_grad:
            o.sum().backward()
            if qg.grad is not None and not torch.isfinite(qg.grad).all():
                fail("the gradient of q has NaN or inf: a row with no allowed key must be zeroed without "
                     "dividing by zero (torch.where(mask, weights, 0.0) after the softmax)", context)
        n += 1
    return n
