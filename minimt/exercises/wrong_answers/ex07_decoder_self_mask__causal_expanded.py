# expect: is padding: no query may attend to it (the padding part)
import torch


def decoder_self_mask(decoder_attention_mask):
    B, T = decoder_attention_mask.shape
    return torch.ones(T, T, dtype=torch.bool).tril().expand(B, 1, T, T)
