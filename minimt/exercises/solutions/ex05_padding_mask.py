"""Exercise 5 — reference solution."""
import torch


def padding_mask(attention_mask):
    # 1 → True (real token, may attend), 0 → False (padding). Keys go last; the two 1s
    # broadcast over heads H and queries T: (B, S) → (B, 1, 1, S)
    return attention_mask.bool()[:, None, None, :]
