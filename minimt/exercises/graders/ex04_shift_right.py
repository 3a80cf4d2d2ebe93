"""Exercise 4: decoder_input_ids = [BOS] + labels[:, :-1], -100 → pad (against minimt.batch.shift_right)."""
from __future__ import annotations

import random

import torch

from minimt.batch import IGNORE_INDEX, shift_right as reference

from .. import cases
from ..grading import call, expect_equal, expect_tensor, fail, idx
from ..language import say

HINTS = [
    say(en="Make a new (B, T) tensor; column 0 is BOS; columns 1.. are labels[:, :-1] (the last label falls off).",
        zh="新建一个 (B, T) 张量；第 0 列是 BOS；第 1 列起是 labels[:, :-1]（最后一个标签被挤出去）。"),
    say(en="-100 is not a token id (an embedding lookup of -100 fails): turn every -100 into pad_id.",
        zh="-100 不是词元 ID（用 -100 查嵌入（embedding）会出错）：把每个 -100 换回 pad_id。"),
    say(en="Work on a new tensor (torch.full_like / .clone()): the labels must stay as they are for the loss.",
        zh="在新张量上操作（torch.full_like / .clone()）：labels 要原样留给损失使用。"),
]


def grade(shift_right) -> int:
    rng = random.Random(4)
    n = 0
    for case in range(60):
        B = cases.batch_size(rng)
        tgt = cases.rows(rng, B, lo=1, hi=8)
        width = max(len(t) for t in tgt) + 1 + (rng.randint(1, 2) if case % 3 == 2 else 0)
        labels = cases.labels_from(tgt, width)
        bos, pad = (7, 5) if case % 4 == 3 else (cases.BOS, cases.PAD)  # other ids: read them from the arguments
        context = f"shift_right(labels={labels.tolist()}, bos_id={bos}, pad_id={pad})"
        given = labels.clone()
        got = call(shift_right, given, bos_id=bos, pad_id=pad, context=context)
        if not torch.equal(given, labels):
            i = tuple(int(j) for j in (given != labels).nonzero()[0])
            was, now = labels[i].item(), given[i].item()
            fail(say(en=f"shift_right changed labels in place: labels{idx(i)} was {was} and is now "
                        f"{now} — work on a copy (.clone()); the loss still needs the -100s",
                     zh=f"shift_right 原地改动了 labels：labels{idx(i)} 原来是 {was}，现在是 {now} "
                        "—— 请在副本（.clone()）上操作；损失还要用那些 -100"), context)
        want = reference(labels, bos_id=bos, pad_id=pad)
        got = expect_tensor("decoder_input_ids", got, shape=tuple(labels.shape), dtype=torch.long,
                            context=context,
                            why_shape=say(en="same shape as labels: one input per predicted position",
                                          zh="形状与 labels 相同：每个要预测的位置对应一个输入"),
                            why_dtype=say(en="token ids are integers (torch.long)", zh="词元 ID 是整数（torch.long）"))

        def why(i):
            b, t = i
            if t == 0:
                return say(en="every row of decoder_input_ids starts with BOS", zh="decoder_input_ids 的每一行都以 BOS 开头")
            if got[i] == IGNORE_INDEX:
                return say(en="-100 is not a token id (the embedding would fail on it): turn it back into pad_id",
                           zh="-100 不是词元 ID（嵌入层遇到它会出错）：把它换回 pad_id")
            if labels[b, t - 1] == IGNORE_INDEX:
                return say(en=f"labels[{b}, {t - 1}] is -100 (padding), so this input is pad_id",
                           zh=f"labels[{b}, {t - 1}] 是 -100（填充），所以这个输入是 pad_id")
            return say(en=f"position {t} reads the previous label, labels[{b}, {t - 1}] (shift RIGHT by one)",
                       zh=f"位置 {t} 读的是前一个标签 labels[{b}, {t - 1}]：右移（shift right）一位")

        expect_equal("decoder_input_ids", got, want, why, context)
        n += 1
    return n
