"""Exercise 7: (B,T) 1/0 → (B,1,T,T) bool = causal AND key padding (against minimt.attention)."""
from __future__ import annotations

import random

import torch

from minimt.attention import decoder_self_mask as reference

from .. import cases
from ..grading import call, expect_equal, expect_tensor, fail

HINTS = [
    "Two masks you know: causal (1,1,T,T) and padding (B,1,1,S=T). Broadcasting them together gives (B,1,T,T).",
    "A key may be attended only if it is in the past AND a real token: combine with & (and), not | (or).",
]


def grade(decoder_self_mask) -> int:
    rng = random.Random(7)
    n = 0
    for case in range(40):
        B = cases.batch_size(rng)
        dam = cases.random_attention_mask(rng, B, lo=1, hi=8)
        context = f"decoder_self_mask(decoder_attention_mask={dam.tolist()})"
        given = dam.clone()
        got = call(decoder_self_mask, given, context=context)
        if not torch.equal(given, dam):
            fail("decoder_self_mask changed decoder_attention_mask in place: return a new tensor", context)
        want = reference(dam)
        B, T = dam.shape
        if isinstance(got, torch.Tensor) and tuple(got.shape) == (1, 1, T, T):
            fail("the mask has shape (1, 1, T, T): that is the causal mask alone — combine it with the "
                 f"padding mask (B, 1, 1, T) to get (B, 1, T, T) = {(B, 1, T, T)}", context)
        got = expect_tensor("mask", got, shape=(B, 1, T, T), dtype=torch.bool, context=context,
                            why_shape="one (T, T) query × key mask per sentence, shared by the heads",
                            why_dtype="attention masks in minimt are bool, True = may attend")

        def why(i):
            b, t, s = i[0], i[2], i[3]
            if s > t:
                return f"query {t} must not see key {s}, a later position (the causal part)"
            if not dam[b, s]:
                return f"key {s} of row {b} is padding: no query may attend to it (the padding part)"
            if s == t:
                return (f"query {t} must see itself (the diagonal is True): it reads the token it was given; "
                        "without the diagonal, query 0 has no key at all")
            return f"key {s} of row {b} is a real, earlier token: query {t} may attend to it"

        expect_equal("mask", got, want, why, context)
        n += 1
    return n
