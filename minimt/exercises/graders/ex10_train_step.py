"""Exercise 10: one training step — forward, loss, backward, clip, step; skip a batch with no real token.

The reference step is written here (minimt's training loop does the same, with more around it):
the student's step and the reference step run side by side on copies of one tiny Transformer.
"""
from __future__ import annotations

import copy
import random

import torch

from minimt.batch import IGNORE_INDEX, make_batch
from minimt.loss import cross_entropy_loss
from minimt.model import ModelConfig, Transformer

from .. import cases
from ..grading import call, fail

HINTS = [
    "logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask); "
    "loss = cross_entropy_loss(logits, batch.labels) (from minimt.loss, or F.cross_entropy over (B*T, V) with "
    "ignore_index=-100).",
    "Order: optimizer.zero_grad() → loss.backward() → torch.nn.utils.clip_grad_norm_(model.parameters(), "
    "max_grad_norm) → optimizer.step(). Return loss.item().",
    "If (batch.labels != -100) has no True, return None before doing anything: momentum and weight decay "
    "would move the weights even with zero gradients.",
]

V = 23


def reference_step(model, batch, optimizer, *, max_grad_norm=1.0, clip=True):
    if batch.n_tokens == 0:
        return None
    logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask)
    loss = cross_entropy_loss(logits, batch.labels)
    optimizer.zero_grad()
    loss.backward()
    if clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
    optimizer.step()
    return loss.item()


def _setup(seed: int):
    torch.manual_seed(seed)
    model = Transformer(ModelConfig(vocab_size=V, d_model=16, n_heads=2, n_encoder_layers=1, n_decoder_layers=1,
                                    d_ff=24, dropout=0.0, max_positions=32))
    # SGD with momentum and weight decay: a skipped step must leave it untouched, and clipping shows
    opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9, weight_decay=0.1)
    return model, opt


def _batch(rng: random.Random, empty: bool = False):
    B = cases.batch_size(rng)
    b = make_batch(cases.rows(rng, B, vocab=V), cases.rows(rng, B, vocab=V), pad_id=cases.PAD, bos_id=cases.BOS,
                   eos_id=cases.EOS)
    if empty:
        b.labels = torch.full_like(b.labels, IGNORE_INDEX)
    return b


def _max_diff(m1, m2) -> tuple[float, str]:
    worst, name = 0.0, ""
    for (n, p), q in zip(m1.named_parameters(), m2.parameters()):
        d = (p.detach() - q.detach()).abs().max().item()
        if d > worst:
            worst, name = d, n
    return worst, name


def _params(model):
    return [p.detach().clone() for p in model.parameters()]


def grade(train_step) -> int:
    rng = random.Random(10)
    n = 0
    for case in range(6):
        model, opt = _setup(case)
        ref_model, ref_opt = copy.deepcopy((model, opt))  # one deepcopy keeps the optimizer → model link
        for step in range(3):
            empty = step == 2
            batch = _batch(rng, empty)
            context = (f"train_step(model, batch, optimizer, max_grad_norm=0.05), step {step + 1} of a fresh "
                       f"model; batch labels={batch.labels.tolist()}")
            before_model, before_opt = copy.deepcopy((model, opt))
            got = call(train_step, model, batch, opt, max_grad_norm=0.05, context=context)
            want = reference_step(ref_model, batch, ref_opt, max_grad_norm=0.05)
            if empty:
                if got is not None:
                    fail(f"returned {got!r} for a batch whose labels are all -100: return None — there is nothing "
                         "to learn, and no step may be taken", context)
                if _max_diff(model, before_model)[0] != 0:
                    fail("on a batch whose labels are all -100, the parameters changed: skip the step (return None) "
                         "when no label is real — momentum and weight decay move the weights even with a zero "
                         "gradient", context)
                n += 1
                continue
            if isinstance(got, torch.Tensor):
                fail("returned a tensor: return loss.item(), a Python float (a tensor keeps the whole graph "
                     "alive, and logging thousands of them fills the memory)", context)
            if not isinstance(got, (float, int)):
                fail(f"should return the loss as a float, got {type(got).__name__}", context)
            if abs(got - want) > 1e-4 * max(1.0, abs(want)):
                fail(f"returned loss {got:.5g} but the loss of this batch (before the update) is {want:.5g}: "
                     "cross-entropy over the real label tokens (ignore_index=-100)", context)
            diff, name = _max_diff(model, ref_model)
            if diff > 1e-5:
                if _max_diff(model, before_model)[0] == 0:
                    fail("no parameter changed: call optimizer.step() after loss.backward()", context)
                no_clip_model, no_clip_opt = before_model, before_opt
                reference_step(no_clip_model, batch, no_clip_opt, clip=False)
                if _max_diff(model, no_clip_model)[0] <= 1e-5:
                    fail("the parameters moved as if the gradients were not clipped: call "
                         "torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm) after backward() "
                         "and before step()", context)
                if step == 1:
                    fail(f"the first step was right but after the second, {name} is off by {diff:.3g}: the gradients "
                         "of step 1 were still there — call optimizer.zero_grad() before backward()", context)
                fail(f"after one step, {name} is off by {diff:.3g}: the order is forward → loss → zero_grad → "
                     "backward → clip → step", context)
            n += 1
    return n
