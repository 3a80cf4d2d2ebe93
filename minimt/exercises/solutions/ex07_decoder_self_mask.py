"""Exercise 7 — reference solution."""
import torch


def decoder_self_mask(decoder_attention_mask):
    T = decoder_attention_mask.size(1)
    causal = torch.ones(T, T, dtype=torch.bool, device=decoder_attention_mask.device).tril()[None, None]  # (1,1,T,T)
    keys_real = decoder_attention_mask.bool()[:, None, None, :]                                       # (B,1,1,T)
    return causal & keys_real  # broadcast → (B,1,T,T): the past AND a real token
