"""Exercise 6: (1,1,T,T) bool lower triangle with the diagonal (against minimt.attention.causal_mask)."""
from __future__ import annotations

import torch

from minimt.attention import causal_mask as reference

from ..grading import call, expect_equal, expect_tensor, fail
from ..language import say

HINTS = [
    say(en="Row t (query) may see columns s <= t (keys): that is the LOWER triangle, diagonal included — torch.tril.",
        zh="第 t 行（查询）可以看到 s <= t 的列（键）：这是包含对角线的下三角 —— torch.tril。"),
    say(en="torch.ones(T, T, dtype=torch.bool).tril() is (T, T); add two axes of size 1 in front: [None, None].",
        zh="torch.ones(T, T, dtype=torch.bool).tril() 的形状是 (T, T)；在前面加两个大小为 1 的轴：[None, None]。"),
]


def grade(causal_mask) -> int:
    n = 0
    for T in [4, 1, 2, 3, 5, 6, 7, 9, 12]:
        context = f"causal_mask({T})"
        got = call(causal_mask, T, context=context)
        want = reference(T)
        if isinstance(got, torch.Tensor) and tuple(got.shape) == (T, T):
            fail(say(en=f"the mask has shape (T, T) = {(T, T)}: give it axes of size 1 for the batch and the heads, "
                        f"(1, 1, T, T) = {(1, 1, T, T)}, so it broadcasts against scores (B, H, T, T)",
                     zh=f"掩码的形状是 (T, T) = {(T, T)}：给批次和注意力头各加一个大小为 1 的轴，"
                        f"(1, 1, T, T) = {(1, 1, T, T)}，这样才能和分数 (B, H, T, T) 广播"), context)
        got = expect_tensor("mask", got, shape=(1, 1, T, T), dtype=torch.bool, context=context,
                            why_shape=say(en="1 for the batch, 1 for the heads, then queries × keys",
                                          zh="批次取 1、注意力头取 1，然后是 查询 × 键"),
                            why_dtype=say(en="attention masks in minimt are bool, True = may attend",
                                          zh="minimt 的注意力掩码是布尔型，True = 可以关注"))
        if T > 1 and torch.equal(got, ~want):
            fail(say(en="the mask is flipped: True must mean 'may attend' (the past and the present), False the future. "
                        "(nn.Transformer's tgt_mask means the opposite: True = ignore)",
                     zh="掩码反了：True 必须表示“可以关注”（过去和现在），False 表示未来。"
                        "（nn.Transformer 的 tgt_mask 恰好相反：True = 忽略）"), context)

        def why(i):
            t, s = i[2], i[3]
            if s > t:
                return say(en=f"query {t} must not see key {s}, a later position — in training that later token "
                              "is the answer it must predict",
                           zh=f"查询 {t} 不能看到键 {s}，那是更靠后的位置 —— 训练时那个靠后的词元正是它要预测的答案")
            if s == t:
                return say(en=f"query {t} must see itself (the diagonal is True): it reads the token it was given; "
                              "without the diagonal, query 0 has no key at all",
                           zh=f"查询 {t} 必须能看到自己（对角线为 True）：它读的是交给它的那个词元；"
                              "没有对角线，查询 0 就一个键也没有了")
            return say(en=f"query {t} may see the earlier key {s}", zh=f"查询 {t} 可以看到更早的键 {s}")

        expect_equal("mask", got, want, why, context)
        n += 1
    return n
