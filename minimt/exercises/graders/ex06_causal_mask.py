"""Exercise 6: (1,1,T,T) bool lower triangle with the diagonal (against minimt.attention.causal_mask)."""
from __future__ import annotations

import torch

from minimt.attention import causal_mask as reference

from ..grading import call, expect_equal, expect_tensor, fail

HINTS = [
    "Row t (query) may see columns s <= t (keys): that is the LOWER triangle, diagonal included — torch.tril.",
    "torch.ones(T, T, dtype=torch.bool).tril() is (T, T); add two axes of size 1 in front: [None, None].",
]


def grade(causal_mask) -> int:
    n = 0
    for T in [4, 1, 2, 3, 5, 6, 7, 9, 12]:
        context = f"causal_mask({T})"
        got = call(causal_mask, T, context=context)
        want = reference(T)
        if isinstance(got, torch.Tensor) and tuple(got.shape) == (T, T):
            fail(f"the mask has shape (T, T) = {(T, T)}: give it axes of size 1 for the batch and the heads, "
                 f"(1, 1, T, T) = {(1, 1, T, T)}, so it broadcasts against scores (B, H, T, T)", context)
        got = expect_tensor("mask", got, shape=(1, 1, T, T), dtype=torch.bool, context=context,
                            why_shape="1 for the batch, 1 for the heads, then queries × keys",
                            why_dtype="attention masks in minimt are bool, True = may attend")
        if T > 1 and torch.equal(got, ~want):
            fail("the mask is flipped: True must mean 'may attend' (the past and the present), False the future. "
                 "(nn.Transformer's tgt_mask means the opposite: True = ignore)", context)

        def why(i):
            t, s = i[2], i[3]
            if s > t:
                return (f"query {t} must not see key {s}, a later position — in training that later token "
                        "is the answer it must predict")
            if s == t:
                return (f"query {t} must see itself (the diagonal is True): it reads the token it was given; "
                        "without the diagonal, query 0 has no key at all")
            return f"query {t} may see the earlier key {s}"

        expect_equal("mask", got, want, why, context)
        n += 1
    return n
