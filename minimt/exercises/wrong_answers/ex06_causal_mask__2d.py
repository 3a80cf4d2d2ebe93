# expect: give it axes of size 1 for the batch and the heads
import torch


def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()
