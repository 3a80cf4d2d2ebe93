# expect: a later position (the causal part)
import torch


def decoder_self_mask(decoder_attention_mask):
    T = decoder_attention_mask.size(1)
    causal = torch.ones(T, T, dtype=torch.bool).tril()[None, None]
    return causal | decoder_attention_mask.bool()[:, None, None, :]
