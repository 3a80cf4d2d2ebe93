"""Exercise 3: labels = tgt + [EOS], padded with -100 (against make_batch)."""
from __future__ import annotations

import copy
import random

import torch

from minimt.batch import IGNORE_INDEX, make_batch

from .. import cases
from ..grading import call, expect_equal, expect_tensor, fail
from ..language import say

HINTS = [
    say(en="Start from torch.full((B, T), -100) — every position is 'ignored' until you copy a real token in.",
        zh="从 torch.full((B, T), -100) 开始 —— 在你把真实词元复制进去之前，每个位置都是“忽略”。"),
    say(en="T is the longest target + 1 (for EOS), or max_length when it is given.",
        zh="T 是最长目标句的长度 + 1（留给 EOS），给了 max_length 时就用 max_length。"),
    say(en="Row b holds targets[b] + [eos_id] on the left; everything after it stays -100 — not pad_id: "
           "the pad id is a real row of the vocabulary, -100 is what F.cross_entropy skips.",
        zh="第 b 行左边放 targets[b] + [eos_id]；其后全部保持 -100 —— 不是 pad_id：填充词元的 ID 是词表"
           "（vocabulary）里真实的一行，而 -100 是 F.cross_entropy 会跳过的值。"),
]


def grade(make_labels) -> int:
    rng = random.Random(3)
    n = 0
    for case in range(60):
        B = cases.batch_size(rng)
        tgt = cases.rows(rng, B, lo=1, hi=8)
        eos = 9 if case % 4 == 3 else cases.EOS  # sometimes another EOS id: read it from the argument
        longest = max(len(t) for t in tgt) + 1
        max_length = longest + rng.randint(1, 3) if case % 3 == 2 else None
        context = f"make_labels({tgt}, eos_id={eos}" + (f", max_length={max_length})" if max_length else ")")
        given = copy.deepcopy(tgt)
        kwargs = {"eos_id": eos} if max_length is None else {"eos_id": eos, "max_length": max_length}
        got = call(make_labels, given, context=context, **kwargs)
        if given != tgt:
            fail(say(en="make_labels changed the lists it was given: build a new tensor, leave the input alone",
                     zh="make_labels 改动了传给它的列表：请新建张量，不要改动输入"), context)
        want = make_batch([[4]] * B, tgt, pad_id=cases.PAD, bos_id=cases.BOS, eos_id=eos,
                          max_length=max_length).labels
        why_shape = (say(en=f"pad every row to max_length={max_length}",
                         zh=f"每一行都要填充到 max_length={max_length}") if max_length else
                     say(en=f"the longest target has {longest - 1} tokens, plus EOS = {longest}",
                         zh=f"最长的目标句有 {longest - 1} 个词元，加上 EOS = {longest}"))
        got = expect_tensor("labels", got, shape=tuple(want.shape), dtype=torch.long, context=context,
                            why_shape=why_shape, why_dtype=say(en="F.cross_entropy wants class indices as torch.long",
                                                               zh="F.cross_entropy 要求类别索引是 torch.long"))
        lens = [len(t) + 1 for t in tgt]

        def why(i):
            b, t = i
            if want[i] == IGNORE_INDEX:
                return say(en="padded label positions must be ignored by the loss",
                           zh="填充位置的标签必须被损失（loss）忽略")
            if t == lens[b] - 1:
                return say(en=f"every row of labels ends with EOS ({eos}), so the model learns to stop",
                           zh=f"labels 的每一行都以 EOS（{eos}）结尾，模型才能学会停下来")
            return say(en=f"position {t} of row {b} is the target's token {t}",
                       zh=f"第 {b} 行的位置 {t} 是目标句的第 {t} 个词元")

        expect_equal("labels", got, want, why, context)
        n += 1
    return n + _real_token_with_id_0(make_labels)


def _real_token_with_id_0(make_labels) -> int:
    """-100 goes where a row has ENDED (its length), not where an id happens to be 0: padding with 0 and
    then `labels[labels == 0] = -100` also wipes out a real token whose id is 0."""
    rng = random.Random(33)
    for _ in range(4):
        B = cases.batch_size(rng)
        tgt = cases.rows(rng, B, lo=1, hi=8)
        for t in tgt:
            t[rng.randrange(len(t))] = 0  # a real target token whose id is 0 (the usual pad id)
        context = f"make_labels({tgt}, eos_id={cases.EOS})"
        got = call(make_labels, copy.deepcopy(tgt), context=context, eos_id=cases.EOS)
        want = make_batch([[4]] * B, tgt, pad_id=cases.PAD, bos_id=cases.BOS, eos_id=cases.EOS).labels
        got = expect_tensor("labels", got, shape=tuple(want.shape), dtype=torch.long, context=context)
        expect_equal("labels", got, want, lambda i: (
            say(en=f"position {i[1]} of row {i[0]} is a real token whose id is 0: -100 goes where the row has ended "
                   "(its length), not where an id is 0",
                zh=f"第 {i[0]} 行第 {i[1]} 个位置是一个 ID 为 0 的真实词元：-100 放在这一行结束之后（由长度决定），"
                   "而不是放在 ID 为 0 的地方") if want[i] == 0 else
            say(en="labels = target + [EOS], then -100", zh="labels = 目标句 + [EOS]，然后是 -100")), context)
    return 4
