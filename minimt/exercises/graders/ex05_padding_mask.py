"""Exercise 5: (B,S) 1/0 attention_mask → (B,1,1,S) bool, True = may attend (against minimt.attention)."""
from __future__ import annotations

import random

import torch

from minimt.attention import padding_mask as reference

from .. import cases
from ..grading import call, expect_equal, expect_tensor, fail

HINTS = [
    "attention_mask.bool() turns 1/0 into True/False: True = real token = may attend.",
    "The scores it will mask have shape (B, H, T, S): put S last and a 1 for the heads and the queries, "
    "e.g. mask[:, None, None, :]. A 1 broadcasts: every head and every query gets the same row.",
]


def grade(padding_mask) -> int:
    rng = random.Random(5)
    n = 0
    for case in range(40):
        B = cases.batch_size(rng)
        am = cases.random_attention_mask(rng, B, hi=9, allow_empty=case % 5 == 4)
        context = f"padding_mask(attention_mask={am.tolist()})"
        given = am.clone()
        got = call(padding_mask, given, context=context)
        if not torch.equal(given, am):
            fail("padding_mask changed attention_mask in place: return a new tensor", context)
        want = reference(am)
        B, S = am.shape
        if isinstance(got, torch.Tensor) and tuple(got.shape) == (B, S):
            fail(f"the mask has shape (B, S) = {(B, S)}: it must broadcast against the scores (B, H, T, S), "
                 f"so give it a head axis and a query axis of size 1: (B, 1, 1, S) = {(B, 1, 1, S)}", context)
        if isinstance(got, torch.Tensor) and tuple(got.shape) == (B, 1, S, 1):
            fail(f"the mask has shape (B, 1, S, 1): that hides query ROWS; padding is hidden as KEYS, the last "
                 f"axis of the scores (B, H, T, S): (B, 1, 1, S) = {(B, 1, 1, S)}", context)
        got = expect_tensor("mask", got, shape=(B, 1, 1, S), dtype=torch.bool, context=context,
                            why_shape="batch, then 1 for the heads, 1 for the queries, and the keys last",
                            why_dtype="attention masks in minimt are bool, True = may attend "
                                      "(an int mask is used as numbers, not as a mask)")
        if torch.equal(got, ~want):
            fail("the mask is flipped: True must mean 'may attend' (a real token), False padding. "
                 "(nn.MultiheadAttention's key_padding_mask means the opposite: True = ignore)", context)
        expect_equal("mask", got, want, lambda i: (
            f"key {i[3]} of row {i[0]} is a real token: True = may attend" if want[i] else
            f"key {i[3]} of row {i[0]} is padding: no query may attend to it (False)"), context)
        n += 1
    return n
