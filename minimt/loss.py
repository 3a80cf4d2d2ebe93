"""The loss: cross-entropy over the real target tokens only (lesson 06).

The model gives, for every decoder position t of every sentence b, a score (a logit) for
each of the V pieces of the vocabulary: ``logits`` (B, T, V). ``labels`` (B, T) holds the
piece that should come next, or -100 where the row is padding.

    loss = sum over real positions of  -log softmax(logits[b, t])[labels[b, t]]
           ---------------------------------------------------------------
                          number of real positions

-100 is PyTorch's ``ignore_index``: those positions contribute nothing to the sum and are
not counted in the denominator, so padding a batch to a longer length never changes the
loss, and their logits get exactly zero gradient. We average over *tokens* (not sentences):
a 12-token sentence weighs 12 times a 1-token one — the convention of fairseq, Marian and
Hugging Face. (Averaging per sentence first would weigh short sentences more.)

`cross_entropy_by_hand` writes the formula out; `cross_entropy_loss` is what training uses.
Tests prove the two equal.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .batch import IGNORE_INDEX  # -100, PyTorch's default ignore_index too


def flatten(logits: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, T, V), (B, T) → (B*T, V), (B*T,): one row per position, as F.cross_entropy wants.

    F.cross_entropy wants classes in dimension 1: (N, C) or (B, C, T). Our logits are
    (B, T, V) — passing them as they are would read T as the class dimension, and when
    T == V it would not even raise. Flattening removes the doubt.
    """
    return logits.reshape(-1, logits.size(-1)), labels.reshape(-1)


def cross_entropy_loss(logits: torch.Tensor, labels: torch.Tensor, label_smoothing: float = 0.0) -> torch.Tensor:
    """Mean cross-entropy over the positions whose label is not -100.

    logits (B, T, V) and labels (B, T). Returns a scalar. With label smoothing ε the target
    is (1-ε) on the right piece and ε/V spread over all pieces, still only at real positions.

    If *no* label is real (a batch of empty targets), F.cross_entropy would return 0/0 = NaN;
    we return an exact 0 that still has a graph (so ``.backward()`` works and gives zero
    gradients). The training loop also skips the optimiser step for such a batch, because
    AdamW's weight decay and momentum would move the weights even with zero gradients.
    """
    flat_logits, flat_labels = flatten(logits, labels)  # (B*T, V), (B*T,)
    if not (flat_labels != IGNORE_INDEX).any():
        return logits.sum() * 0.0  # zero, connected to the graph, no NaN
    return F.cross_entropy(flat_logits, flat_labels, ignore_index=IGNORE_INDEX,
                           label_smoothing=label_smoothing)


def cross_entropy_by_hand(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The same number as `cross_entropy_loss` (no smoothing), written out step by step."""
    log_probs = torch.log_softmax(logits.float(), dim=-1)      # (B, T, V) log P(piece | context)
    real = labels != IGNORE_INDEX                               # (B, T) True where a real token is
    safe_labels = labels.masked_fill(~real, 0)                  # -100 is not a valid index: use 0
    picked = log_probs.gather(-1, safe_labels.unsqueeze(-1))    # (B, T, 1) log P(correct piece)
    nll = -picked.squeeze(-1)                                   # (B, T) per-token loss
    nll = nll * real                                            # zero out the ignored positions
    n_real = real.sum().clamp(min=1)                            # count only real tokens (never 0)
    return nll.sum() / n_real


def per_token_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """(B, T) loss of every position, 0 where the label is -100 (for pictures and lessons)."""
    flat_logits, flat_labels = flatten(logits.float(), labels)
    out = F.cross_entropy(flat_logits, flat_labels, ignore_index=IGNORE_INDEX, reduction="none")  # (B*T,)
    return out.view(labels.shape)


def summed_loss(logits: torch.Tensor, labels: torch.Tensor, label_smoothing: float = 0.0) -> tuple[torch.Tensor, int]:
    """(sum of per-token losses, number of real tokens) — for gradient accumulation.

    Accumulating micro-batches must divide by the *total* token count once:
    (x1 + x2) / (n1 + n2), not (x1/n1 + x2/n2) / 2, which weighs tokens of the smaller
    micro-batch more.
    """
    flat_logits, flat_labels = flatten(logits, labels)  # (B*T, V), (B*T,)
    n = int((flat_labels != IGNORE_INDEX).sum())
    if n == 0:
        return logits.sum() * 0.0, 0
    per_token = F.cross_entropy(flat_logits, flat_labels, ignore_index=IGNORE_INDEX,
                                label_smoothing=label_smoothing, reduction="none")  # (B*T,), 0 at -100
    # Sum in float32: bf16 logits (autocast) make the log-softmax ~2x faster on CPU, but a bf16
    # sum of thousands of per-token losses would be off by ~0.3%; summed in fp32 it is ~1e-5.
    low_precision = per_token.dtype in (torch.bfloat16, torch.float16)
    return per_token.sum(dtype=torch.float32 if low_precision else None), n
