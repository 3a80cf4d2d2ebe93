"""Exercise 17 (fix it): targets whose labels are padded with the pad id instead of -100.

The grader runs the loss and label-leak proofs with the student's target builder, then checks
labels and decoder_input_ids exactly against make_batch.
"""
from __future__ import annotations

import random

import torch

from minimt.batch import IGNORE_INDEX, make_batch

from .. import cases, proofs
from ..grading import call, expect_equal, expect_tensor, fail

HINTS = [
    "The loss is F.cross_entropy(..., ignore_index=-100). Which label value does it skip — and which value do "
    "the padded positions of these labels hold?",
    "Pad the labels with -100. Then the decoder input, built from the labels, would contain -100, which is not a "
    "token id: turn those back into pad_id.",
]


def grade(make_targets) -> int:
    rng = random.Random(17)
    n = 0
    for case in range(30):
        B = cases.batch_size(rng)
        tgt = cases.rows(rng, B, lo=1, hi=8)
        bos, eos, pad = (7, 9, 5) if case % 4 == 3 else (cases.BOS, cases.EOS, cases.PAD)
        context = f"make_targets({tgt}, bos_id={bos}, eos_id={eos}, pad_id={pad})"
        out = call(make_targets, [list(t) for t in tgt], bos_id=bos, eos_id=eos, pad_id=pad, context=context)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            fail("should return a tuple (labels, decoder_input_ids)", context)
        want = make_batch([[4]] * B, tgt, pad_id=pad, bos_id=bos, eos_id=eos)
        shape = tuple(want.labels.shape)
        labels = expect_tensor("labels", out[0], shape=shape, dtype=torch.long, context=context)
        dec = expect_tensor("decoder_input_ids", out[1], shape=shape, dtype=torch.long, context=context)
        if (dec < 0).any():
            i = tuple(int(j) for j in (dec < 0).nonzero()[0])
            fail(f"decoder_input_ids[{i[0]}, {i[1]}] is {dec[i].item()}: -100 is not a token id (an embedding lookup "
                 f"fails on it) — the decoder input must turn -100 back into pad_id ({pad})", context)
        if case == 0:
            student = lambda ts, **kw: call(make_targets, ts, context="the proofs' batch", **kw)  # noqa: E731
            results = [proofs.prove(p, proofs.pipeline(make_targets=student))
                       for p in ("loss_ignores_padding", "no_label_leak")]
            if not all(r.passed for r in results):
                failed = ", ".join(r.name for r in results if not r.passed)
                fail(f"proof {failed} FAILED with your make_targets:\n" + "\n".join("  " + r.line() for r in results),
                     context)
            n += _real_token_with_the_pad_id(make_targets)  # before the exact checks: its message says why
        expect_equal("labels", labels, want.labels, lambda i: (
            "padded label positions must be ignored by the loss" if want.labels[i] == IGNORE_INDEX
            else "labels = target + [EOS]"), context)
        expect_equal("decoder_input_ids", dec, want.decoder_input_ids,
                     lambda i: "decoder_input_ids = [BOS] + labels[:-1], with -100 turned into pad_id", context)
        n += 1
    return n


def _real_token_with_the_pad_id(make_targets) -> int:
    """Lesson 03: padding is found from the row lengths. The quick fix `labels[labels == pad_id] = -100`
    also hides a real target token that has the pad id's value."""
    rng = random.Random(171)
    for bos, eos, pad in ((cases.BOS, cases.EOS, cases.PAD), (7, 9, 5), (cases.BOS, cases.EOS, 12)):
        B = cases.batch_size(rng)
        tgt = cases.rows(rng, B, lo=1, hi=8)
        for t in tgt:
            t[rng.randrange(len(t))] = pad  # a real token whose id equals pad_id
        context = f"make_targets({tgt}, bos_id={bos}, eos_id={eos}, pad_id={pad})"
        out = call(make_targets, [list(t) for t in tgt], bos_id=bos, eos_id=eos, pad_id=pad, context=context)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            fail("should return a tuple (labels, decoder_input_ids)", context)
        want = make_batch([[4]] * B, tgt, pad_id=pad, bos_id=bos, eos_id=eos)
        labels = expect_tensor("labels", out[0], shape=tuple(want.labels.shape), dtype=torch.long, context=context)
        expect_equal("labels", labels, want.labels, lambda i: (
            f"position {i[1]} of row {i[0]} is a real token whose id equals pad_id ({pad}): -100 goes where the "
            "row has ended (its length), not where an id equals pad_id" if want.labels[i] == pad
            else "labels = target + [EOS], padded with -100"), context)
    return 3
