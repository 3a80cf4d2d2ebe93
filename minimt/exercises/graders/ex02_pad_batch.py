"""Exercise 2: right-pad id rows into input_ids and attention_mask (against make_batch)."""
from __future__ import annotations

import copy
import random

import torch

from minimt.batch import make_batch

from .. import cases
from ..grading import call, expect_equal, expect_tensor, fail
from ..language import say

HINTS = [
    say(en="Start from a (B, S) tensor full of pad_id (torch.full) and a (B, S) tensor of zeros, then copy "
           "each row into the left part: input_ids[b, :len(row)] = ..., attention_mask[b, :len(row)] = 1.",
        zh="先建一个填满 pad_id 的 (B, S) 张量（torch.full）和一个全 0 的 (B, S) 张量，再把每一行复制到"
           "左边：input_ids[b, :len(row)] = ...，attention_mask[b, :len(row)] = 1。"),
    say(en="S is the length of the LONGEST row — or max_length when it is given.",
        zh="S 是最长那一行的长度 —— 给了 max_length 时就用 max_length。"),
    say(en="Both tensors are torch.long (int64): attention_mask holds 1 for a real token and 0 for padding.",
        zh="两个张量都是 torch.long（int64）：注意力掩码（attention_mask）里 1 表示真实词元，0 表示填充（padding）。"),
]


def _expected(seqs, pad_id, max_length):
    # make_batch appends EOS itself, so give it the rows without their final EOS
    b = make_batch([s[:-1] for s in seqs], [[4]] * len(seqs), pad_id=pad_id, bos_id=cases.BOS,
                   eos_id=cases.EOS, max_length=max_length)
    return b.input_ids, b.attention_mask


def grade(pad_batch) -> int:
    rng = random.Random(2)
    n = 0
    for case in range(60):
        B = cases.batch_size(rng)
        seqs = [r + [cases.EOS] for r in cases.rows(rng, B, lo=1, hi=8)]  # rows end with EOS already
        pad_id = 99 if case % 4 == 3 else 0  # 99: a pad id that is not 0 catches torch.zeros
        longest = max(len(s) for s in seqs)
        max_length = longest + rng.randint(1, 3) if case % 3 == 2 else None
        context = f"pad_batch({seqs}, pad_id={pad_id}" + (f", max_length={max_length})" if max_length else ")")
        given = copy.deepcopy(seqs)
        kwargs = {"pad_id": pad_id} if max_length is None else {"pad_id": pad_id, "max_length": max_length}
        out = call(pad_batch, given, context=context, **kwargs)
        if given != seqs:
            fail(say(en="pad_batch changed the lists it was given: build new tensors, leave the input alone",
                     zh="pad_batch 改动了传给它的列表：请新建张量，不要改动输入"), context)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            fail(say(en="should return a tuple (input_ids, attention_mask)",
                     zh="应返回一个元组 (input_ids, attention_mask)"), context)
        want_ids, want_mask = _expected(seqs, pad_id, max_length)
        S = want_ids.size(1)
        why_shape = (say(en=f"pad every row to max_length={max_length}",
                         zh=f"每一行都要填充到 max_length={max_length}") if max_length
                     else say(en=f"pad every row to the longest one ({longest} tokens)",
                              zh=f"每一行都要填充到最长那一行的长度（{longest} 个词元）"))
        ids = expect_tensor("input_ids", out[0], shape=(B, S), dtype=torch.long, context=context,
                            why_shape=why_shape, why_dtype=say(en="token ids are integers (torch.long)",
                                                               zh="词元 ID 是整数（torch.long）"))
        mask = expect_tensor("attention_mask", out[1], shape=(B, S), dtype=torch.long, context=context,
                             why_shape=say(en="one 1/0 per position of input_ids",
                                           zh="input_ids 的每个位置对应一个 1 或 0"),
                             why_dtype=say(en="Hugging Face's attention_mask holds integers, 1 = real token, 0 = pad "
                                              "(minimt turns it into a bool mask later, in lesson 04)",
                                           zh="Hugging Face 的 attention_mask 存的是整数，1 = 真实词元，0 = 填充"
                                              "（minimt 在第 04 课才把它变成布尔掩码）"))
        lens = [len(s) for s in seqs]
        left = torch.stack([torch.cat([want_ids[b, lens[b]:], want_ids[b, :lens[b]]]) for b in range(B)])
        if torch.equal(ids, left):
            fail(say(en="the rows are padded on the left: minimt pads on the right (real tokens first, then pad_id)",
                     zh="这些行填充在了左边：minimt 在右边填充（先放真实词元，再放 pad_id）"), context)
        expect_equal("input_ids", ids, want_ids, lambda i: (
            say(en=f"position {i[1]} of row {i[0]} is padding: fill it with pad_id ({pad_id})",
                zh=f"第 {i[0]} 行的位置 {i[1]} 是填充：请填入 pad_id（{pad_id}）") if i[1] >= lens[i[0]]
            else say(en=f"position {i[1]} of row {i[0]} holds its token {i[1]} — copy each row into the left part",
                     zh=f"第 {i[0]} 行的位置 {i[1]} 放的是它的第 {i[1]} 个词元 —— 请把每一行复制到左边")),
            context)
        if torch.equal(mask, 1 - want_mask):
            fail(say(en="attention_mask is flipped: 1 must mark real tokens and 0 padding (the Hugging Face convention)",
                     zh="attention_mask 反了：1 必须标记真实词元，0 标记填充（Hugging Face 的约定）"), context)
        expect_equal("attention_mask", mask, want_mask, lambda i: (
            say(en="0 marks padding", zh="0 标记填充") if want_mask[i] == 0
            else say(en="1 marks a real token (EOS is a real token too)", zh="1 标记真实词元（EOS 也是真实词元）")),
            context)
        n += 1
    return n + _pad_id_as_a_real_token(pad_batch)


def _pad_id_as_a_real_token(pad_batch) -> int:
    """Lesson 03 builds attention_mask from the row LENGTHS, not from `input_ids != pad_id`: here a
    real token inside a row has the pad id's value (id 0 could be a real word; pad_id=7 could be
    "chat"), so only the lengths say which positions are padding."""
    rng = random.Random(22)
    for pad_id in (0, 7, 7, 99):
        B = cases.batch_size(rng)
        seqs = [r + [cases.EOS] for r in cases.rows(rng, B, lo=2, hi=8)]
        for s in seqs:
            s[rng.randrange(len(s) - 1)] = pad_id  # a real token (never the final EOS) equal to pad_id
        context = f"pad_batch({seqs}, pad_id={pad_id})"
        out = call(pad_batch, copy.deepcopy(seqs), context=context, pad_id=pad_id)
        want_ids, want_mask = _expected(seqs, pad_id, None)
        mask = out[1] if isinstance(out, (tuple, list)) and len(out) == 2 else None
        if not isinstance(mask, torch.Tensor) or mask.shape != want_mask.shape or not torch.equal(
                mask.long(), want_mask):
            fail(say(en="attention_mask marks a real token as padding: the mask comes from the lengths; "
                        f"a real token may have the pad id's value ({pad_id} here)",
                     zh="attention_mask 把一个真实词元标成了填充：掩码要由每行的长度得到；"
                        f"真实词元的 ID 也可能恰好等于填充 ID（这里是 {pad_id}）"), context)
        expect_equal("input_ids", out[0], want_ids,
                     lambda i: say(en="copy each row, then pad_id up to the longest",
                                   zh="先照抄每一行，再用 pad_id 补到最长的那一行"), context)
    return 4
