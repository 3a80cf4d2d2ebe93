"""Exercise 7: (B,T) 1/0 → (B,1,T,T) bool = causal AND key padding (against minimt.attention)."""
from __future__ import annotations

import random

import torch

from minimt.attention import decoder_self_mask as reference

from .. import cases
from ..grading import call, expect_equal, expect_tensor, fail
from ..language import say

HINTS = [
    say(en="Two masks you know: causal (1,1,T,T) and padding (B,1,1,S=T). Broadcasting them together gives (B,1,T,T).",
        zh="两个你已经会的掩码：因果掩码（causal mask）(1,1,T,T) 和填充掩码（padding mask）(B,1,1,S=T)。"
           "把它们一起广播，就得到 (B,1,T,T)。"),
    say(en="A key may be attended only if it is in the past AND a real token: combine with & (and), not | (or).",
        zh="一个键只有既在过去、又是真实词元时才能被关注：用 &（与）组合，不是 |（或）。"),
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
            fail(say(en="decoder_self_mask changed decoder_attention_mask in place: return a new tensor",
                     zh="decoder_self_mask 原地改动了 decoder_attention_mask：请返回一个新张量"), context)
        want = reference(dam)
        B, T = dam.shape
        if isinstance(got, torch.Tensor) and tuple(got.shape) == (1, 1, T, T):
            fail(say(en="the mask has shape (1, 1, T, T): that is the causal mask alone — combine it with the "
                        f"padding mask (B, 1, 1, T) to get (B, 1, T, T) = {(B, 1, T, T)}",
                     zh="掩码的形状是 (1, 1, T, T)：这只是因果掩码 —— 把它和填充掩码 (B, 1, 1, T) 组合，"
                        f"得到 (B, 1, T, T) = {(B, 1, T, T)}"), context)
        got = expect_tensor("mask", got, shape=(B, 1, T, T), dtype=torch.bool, context=context,
                            why_shape=say(en="one (T, T) query × key mask per sentence, shared by the heads",
                                          zh="每个句子一个 (T, T) 的 查询 × 键 掩码，所有注意力头共用"),
                            why_dtype=say(en="attention masks in minimt are bool, True = may attend",
                                          zh="minimt 的注意力掩码是布尔型，True = 可以关注"))

        def why(i):
            b, t, s = i[0], i[2], i[3]
            if s > t:
                return say(en=f"query {t} must not see key {s}, a later position (the causal part)",
                           zh=f"查询 {t} 不能看到键 {s}，那是更靠后的位置（因果部分）")
            if not dam[b, s]:
                return say(en=f"key {s} of row {b} is padding: no query may attend to it (the padding part)",
                           zh=f"第 {b} 行的键 {s} 是填充：任何查询都不能关注它（填充部分）")
            if s == t:
                return say(en=f"query {t} must see itself (the diagonal is True): it reads the token it was given; "
                              "without the diagonal, query 0 has no key at all",
                           zh=f"查询 {t} 必须能看到自己（对角线为 True）：它读的是交给它的那个词元；"
                              "没有对角线，查询 0 就一个键也没有了")
            return say(en=f"key {s} of row {b} is a real, earlier token: query {t} may attend to it",
                       zh=f"第 {b} 行的键 {s} 是更早的真实词元：查询 {t} 可以关注它")

        expect_equal("mask", got, want, why, context)
        n += 1
    return n
