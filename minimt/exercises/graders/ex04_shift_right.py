"""Exercise 4: decoder_input_ids = [BOS] + labels[:, :-1], -100 → pad (against minimt.batch.shift_right)."""
from __future__ import annotations

import random

import torch

from minimt.batch import IGNORE_INDEX, shift_right as reference

from .. import cases
from ..grading import call, expect_equal, expect_tensor, fail, idx

HINTS = [
    "Make a new (B, T) tensor; column 0 is BOS; columns 1.. are labels[:, :-1] (the last label falls off).",
    "-100 is not a token id (an embedding lookup of -100 fails): turn every -100 into pad_id.",
    "Work on a new tensor (torch.full_like / .clone()): the labels must stay as they are for the loss.",
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
            fail(f"shift_right changed labels in place: labels{idx(i)} was {labels[i].item()} and is now "
                 f"{given[i].item()} — work on a copy (.clone()); the loss still needs the -100s", context)
        want = reference(labels, bos_id=bos, pad_id=pad)
        got = expect_tensor("decoder_input_ids", got, shape=tuple(labels.shape), dtype=torch.long,
                            context=context, why_shape="same shape as labels: one input per predicted position",
                            why_dtype="token ids are integers (torch.long)")

        def why(i):
            b, t = i
            if t == 0:
                return "every row of decoder_input_ids starts with BOS"
            if got[i] == IGNORE_INDEX:
                return "-100 is not a token id (the embedding would fail on it): turn it back into pad_id"
            if labels[b, t - 1] == IGNORE_INDEX:
                return f"labels[{b}, {t - 1}] is -100 (padding), so this input is pad_id"
            return f"position {t} reads the previous label, labels[{b}, {t - 1}] (shift RIGHT by one)"

        expect_equal("decoder_input_ids", got, want, why, context)
        n += 1
    return n
