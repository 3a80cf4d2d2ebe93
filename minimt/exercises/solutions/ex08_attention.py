"""Exercise 8 — reference solution."""
import math

import torch


def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))  # (B,H,T,S): one score per query × key
    if mask is not None:
        # the most negative finite number, not -inf: a row that is all masked stays finite
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
    weights = scores.softmax(dim=-1)                          # over the keys: each row sums to 1
    if mask is not None:
        weights = torch.where(mask, weights, 0.0)             # masked keys exactly 0; all-masked rows → 0
    return weights @ v, weights                               # (B,H,T,D), (B,H,T,S)
