# expect: must see itself
import torch


def decoder_self_mask(decoder_attention_mask):
    B, T = decoder_attention_mask.shape
    keys_real = decoder_attention_mask.bool()[:, None, None, :]
    causal = torch.ones(T, T, dtype=torch.bool).tril(diagonal=-1)  # "fixed" one too far: no diagonal
    return causal[None, None] & keys_real
