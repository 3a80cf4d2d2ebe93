"""Exercise 9 — reference solution."""
import torch


def masked_cross_entropy(logits, labels):
    log_probs = logits.log_softmax(dim=-1)                       # (B,T,V) log P(token | context)
    real = labels != -100                                        # (B,T) True at real tokens
    safe = labels.masked_fill(~real, 0)                          # -100 is not an index: use 0 there...
    nll = -log_probs.gather(-1, safe.unsqueeze(-1)).squeeze(-1)  # (B,T) -log P(right token)
    nll = nll * real                                             # ...and drop those positions here
    return nll.sum() / real.sum().clamp(min=1)                   # mean over real tokens; 0 if none
