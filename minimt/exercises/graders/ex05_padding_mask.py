"""Exercise 5: (B,S) 1/0 attention_mask → (B,1,1,S) bool, True = may attend (against minimt.attention)."""
from __future__ import annotations

import random

import torch

from minimt.attention import padding_mask as reference

from .. import cases
from ..grading import call, expect_equal, expect_tensor, fail
from ..language import say

HINTS = [
    say(en="attention_mask.bool() turns 1/0 into True/False: True = real token = may attend.",
        zh="attention_mask.bool() 把 1/0 变成 True/False：True = 真实词元 = 可以被关注。"),
    say(en="The scores it will mask have shape (B, H, T, S): put S last and a 1 for the heads and the queries, "
           "e.g. mask[:, None, None, :]. A 1 broadcasts: every head and every query gets the same row.",
        zh="它要遮住的注意力分数形状是 (B, H, T, S)：把 S 放在最后，注意力头（head）和查询（query）两个轴取 1，"
           "例如 mask[:, None, None, :]。大小为 1 的轴会广播：每个头、每个查询拿到的都是同一行。"),
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
            fail(say(en="padding_mask changed attention_mask in place: return a new tensor",
                     zh="padding_mask 原地改动了 attention_mask：请返回一个新张量"), context)
        want = reference(am)
        B, S = am.shape
        if isinstance(got, torch.Tensor) and tuple(got.shape) == (B, S):
            fail(say(en=f"the mask has shape (B, S) = {(B, S)}: it must broadcast against the scores (B, H, T, S), "
                        f"so give it a head axis and a query axis of size 1: (B, 1, 1, S) = {(B, 1, 1, S)}",
                     zh=f"掩码的形状是 (B, S) = {(B, S)}：它要能和分数 (B, H, T, S) 广播，所以要加上大小为 1 的"
                        f"注意力头轴和查询轴：(B, 1, 1, S) = {(B, 1, 1, S)}"), context)
        if isinstance(got, torch.Tensor) and tuple(got.shape) == (B, 1, S, 1):
            fail(say(en=f"the mask has shape (B, 1, S, 1): that hides query ROWS; padding is hidden as KEYS, the last "
                        f"axis of the scores (B, H, T, S): (B, 1, 1, S) = {(B, 1, 1, S)}",
                     zh=f"掩码的形状是 (B, 1, S, 1)：这遮住的是查询的“行”；填充要作为键（key）被遮住，也就是分数 "
                        f"(B, H, T, S) 的最后一个轴：(B, 1, 1, S) = {(B, 1, 1, S)}"), context)
        got = expect_tensor("mask", got, shape=(B, 1, 1, S), dtype=torch.bool, context=context,
                            why_shape=say(en="batch, then 1 for the heads, 1 for the queries, and the keys last",
                                          zh="先是批次（batch），然后注意力头取 1、查询取 1，键放在最后"),
                            why_dtype=say(en="attention masks in minimt are bool, True = may attend "
                                             "(an int mask is used as numbers, not as a mask)",
                                          zh="minimt 的注意力掩码是布尔型，True = 可以关注（整数掩码会被当成数值，"
                                             "而不是掩码）"))
        if torch.equal(got, ~want):
            fail(say(en="the mask is flipped: True must mean 'may attend' (a real token), False padding. "
                        "(nn.MultiheadAttention's key_padding_mask means the opposite: True = ignore)",
                     zh="掩码反了：True 必须表示“可以关注”（真实词元），False 表示填充。"
                        "（nn.MultiheadAttention 的 key_padding_mask 恰好相反：True = 忽略）"), context)
        expect_equal("mask", got, want, lambda i: (
            say(en=f"key {i[3]} of row {i[0]} is a real token: True = may attend",
                zh=f"第 {i[0]} 行的键 {i[3]} 是真实词元：True = 可以关注") if want[i] else
            say(en=f"key {i[3]} of row {i[0]} is padding: no query may attend to it (False)",
                zh=f"第 {i[0]} 行的键 {i[3]} 是填充：任何查询都不能关注它（False）")), context)
        n += 1
    return n
