"""The optimiser and the learning-rate schedule (lesson 07).

AdamW with betas (0.9, 0.98) — the Transformer paper's β2, which forgets old squared
gradients faster than the usual 0.999 and so reacts quicker in a short run — and a small
weight decay on the weight *matrices* only. Biases and LayerNorm gains are vectors: decaying
them towards 0 pulls a LayerNorm's gain towards "erase the signal", so they are left alone.

The learning rate rises linearly for ``warmup`` steps (Adam's early moment estimates are
noisy; big steps then can wreck a fresh model), then decays as 1/sqrt(step):

    lr(step) = peak * min(step / warmup, sqrt(warmup / step))        (step counted from 1)

Both branches equal ``peak`` at step == warmup. The decay never reaches 0, so training can
be stopped (or resumed) at any time.

When the budget is known in advance (``--steps N``, or ``--minutes M`` measured on the clock),
a run does better by spending it all: warmup, then the peak rate held, then a linear decay to 0
that ends exactly when the budget does (warmup-stable-decay; work on budgeted training finds it
beats inverse-sqrt and step schedules at a fixed budget). ``progress`` is the fraction of the
budget spent, in [0, 1]:

    lr = peak * min(step / warmup, 1, (1 - progress) / decay_fraction)
"""
from __future__ import annotations

import math

import torch


def inverse_sqrt_factor(step: int, warmup: int) -> float:
    """Multiplier of the peak lr for optimiser step ``step`` (0-based, as LambdaLR counts)."""
    s = step + 1
    if warmup <= 0:
        return 1.0 / math.sqrt(s)
    return min(s / warmup, math.sqrt(warmup / s))


def make_optimizer(model: torch.nn.Module, *, lr: float, weight_decay: float = 0.01,
                   betas=(0.9, 0.98), eps: float = 1e-9) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices (dim >= 2) only; biases and norms get none."""
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [{"params": decay, "weight_decay": weight_decay},
              {"params": no_decay, "weight_decay": 0.0}]
    try:  # one fused kernel for all parameters (torch >= 2.4 on CPU): ~4x less optimiser time
        return torch.optim.AdamW(groups, lr=lr, betas=betas, eps=eps, fused=True)
    except (RuntimeError, TypeError, ValueError):  # older torch, or a device without the kernel
        return torch.optim.AdamW(groups, lr=lr, betas=betas, eps=eps)


def budget_factor(step: int, warmup: int, progress: float, decay_fraction: float) -> float:
    """Multiplier of the peak lr for step ``step`` (0-based) when ``progress`` of the budget is spent."""
    s = step + 1
    rise = s / warmup if warmup > 0 else 1.0
    fall = max(0.0, 1.0 - progress) / decay_fraction if decay_fraction > 0 else 1.0
    return min(rise, 1.0, fall)


def make_scheduler(optimizer: torch.optim.Optimizer, *, warmup: int, total_steps: int | None = None,
                   progress=None, decay_fraction: float = 0.2) -> torch.optim.lr_scheduler.LambdaLR:
    """The learning-rate schedule; call ``scheduler.step()`` after each optimiser step.

    Without a budget: linear warmup then inverse-sqrt decay. With ``total_steps``: warmup, hold,
    then decay to 0 at the last step. With ``progress`` (a function returning the fraction of a
    time budget spent, 0..1): the same, measured on the clock."""
    if total_steps is not None:
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: budget_factor(step, warmup, step / total_steps, decay_fraction))
    if progress is not None:
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: budget_factor(step, warmup, progress(), decay_fraction))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: inverse_sqrt_factor(step, warmup))
