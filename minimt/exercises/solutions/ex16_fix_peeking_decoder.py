"""Exercise 16 — reference solution.

The bug: tril(diagonal=1) also keeps the first diagonal ABOVE the main one, so query t saw
key t+1 — in training, decoder input t+1 is label t, the very token position t must predict.
The loss collapses (the model copies), and at generation time there is nothing to copy.
"""
import torch


def decoder_self_mask(decoder_attention_mask):
    B, T = decoder_attention_mask.shape
    keys_real = decoder_attention_mask.bool()[:, None, None, :]      # (B, 1, 1, T)
    causal = torch.ones(T, T, dtype=torch.bool).tril()               # (T, T) keys 0..t, the diagonal included
    return causal[None, None] & keys_real                            # (B, 1, T, T)
