"""The training loop (lesson 07): batches in, better weights out.

One training step is five lines (see `train_step`; lesson 07 writes the same loop out):

    logits = model(batch)                         # forward  (B, T, V)
    loss = sum of token losses / real tokens      # -100 positions ignored (minimt/loss.py)
    loss.backward()                               # gradients of every weight
    clip_grad_norm_(params, 1.0)                  # one bad batch cannot blow the weights up
    optimizer.step(); scheduler.step()            # update, then move the learning rate

`train` repeats it over epochs of length-bucketed batches until a budget (steps or minutes)
is spent, and calls back to whoever runs it to log, to evaluate and to save. Which corpus,
which model, how evaluation scores and what is printed is the caller's business:
`minimt train` is minimt/recipe/run.py. This file also runs as ``python -m minimt.train``
(the form ``torchrun`` needs): the block at the bottom hands over to the command.

Several processes (torchrun): each trains on its share of every epoch's batches and DDP
averages the gradients; the loss is divided by the *global* number of real tokens, so the
update equals one process's on the whole global batch (minimt/runtime/distributed.py).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Callable

import torch

from .loss import summed_loss
from .runtime import distributed as dist
from .runtime.progress import Meter


def train_step(model, batch, optimizer, scheduler, *, label_smoothing: float, clip: float,
               autocast) -> float | None:
    """Forward, loss, backward, clip, update, schedule. Returns the loss (None if skipped)."""
    model.train()
    with autocast():
        logits = model(batch.input_ids, batch.attention_mask,
                       batch.decoder_input_ids, batch.decoder_attention_mask)  # (B, T, V)
    # Sum of the per-token losses and the number of real tokens (-100 positions count for
    # nothing). The mean is their ratio; with several processes the count is the global one.
    # (With --bf16 the logits stay bf16 here: log-softmax over the vocabulary is ~10% of a
    # step, and summed_loss adds the per-token losses up in fp32.)
    loss_sum, n_tokens = summed_loss(logits, batch.labels, label_smoothing)
    n_global = dist.global_token_count(n_tokens, logits.device)  # = n_tokens in a single process
    if n_global == 0:
        # Nothing to learn from. Not even a zero-gradient step: AdamW's momentum and weight
        # decay would still move the weights.
        return None
    loss = dist.scale_loss(loss_sum, n_global)  # = loss_sum / n_tokens: mean over real tokens
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    scheduler.step()
    return loss_sum.item() / max(n_tokens, 1)


@dataclass
class Place:
    """Where a run is: optimiser steps done, epoch, and the next batch within the epoch.
    A checkpoint stores it, so --resume continues with exactly the batch that came next."""
    step: int = 0
    epoch: int = 0
    position: int = 0


def train(model, optimizer, scheduler, epoch_batches: Callable[[int], list], place: Place, *,
          label_smoothing: float, clip: float, autocast, budget_spent: Callable[[int], bool],
          log_every: int, eval_due: Callable[[int], bool], on_log: Callable[[dict], None],
          on_eval: Callable[[Place], None], on_step: Callable[[int, float], None] | None = None,
          bar=None) -> Meter:
    """Train from ``place`` until ``budget_spent(step)``; ``place`` is updated as it goes.

    ``epoch_batches(e)`` gives epoch e's batches (on the device, in a seeded order).
    ``on_log(record)`` gets a metrics line every ``log_every`` steps (and the last, partial
    window); ``on_eval(place)`` is called after each step where ``eval_due(step)``; ``on_step(step, loss)``
    after every step (tests interrupt a run with it). Returns the meter (tokens, seconds).
    """
    meter, start = Meter(), time.perf_counter()
    batches = epoch_batches(place.epoch)
    lr = scheduler.get_last_lr()[0]
    while not budget_spent(place.step):
        batch = batches[place.position]
        lr = scheduler.get_last_lr()[0]  # the lr this step uses
        t0 = time.perf_counter()
        loss = train_step(model, batch, optimizer, scheduler, label_smoothing=label_smoothing,
                          clip=clip, autocast=autocast)
        place.position += 1
        if place.position == len(batches):  # next epoch: a new shuffled order (seed + epoch)
            place.epoch, place.position = place.epoch + 1, 0
            batches = epoch_batches(place.epoch)
        if loss is None:
            continue
        place.step += 1
        meter.add(loss, batch.n_tokens, time.perf_counter() - t0)
        if place.step % log_every == 0:
            on_log(meter.record(step=place.step, epoch=place.epoch, lr=lr, elapsed=time.perf_counter() - start))
        if bar is not None:
            bar.advance(place.step)
        if on_step is not None:
            on_step(place.step, loss)
        if eval_due(place.step):
            on_eval(place)
    if meter.steps:  # the last, partial logging window
        on_log(meter.record(step=place.step, epoch=place.epoch, lr=lr, elapsed=time.perf_counter() - start))
    return meter


if __name__ == "__main__":  # `python -m minimt.train` and `torchrun -m minimt.train`: the command's entry
    from .commands.train import main  # (the one import out of the teaching path: see __init__.py)
    sys.exit(main())
