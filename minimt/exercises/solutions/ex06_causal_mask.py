"""Exercise 6 — reference solution."""
import torch


def causal_mask(T, device=None):
    # lower triangle WITH the diagonal: query t sees keys 0..t. (T, T) → (1, 1, T, T)
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()[None, None]
