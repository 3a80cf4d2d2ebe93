# expect: that is the causal mask alone
import torch


def decoder_self_mask(decoder_attention_mask):
    T = decoder_attention_mask.size(1)
    return torch.ones(T, T, dtype=torch.bool).tril()[None, None]
