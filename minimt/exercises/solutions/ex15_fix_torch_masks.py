"""Exercise 15 — reference solution.

Bug 1: nn.Transformer's bool masks mean True = IGNORE (minimt's mean True = may attend), so
the key padding masks must be True at the PADS: ~attention_mask.bool(), not attention_mask.bool().
Bug 2: memory_key_padding_mask was missing, so cross-attention read the source padding.
tgt_mask was right: for nn.Transformer the future (above the diagonal) is True = ignored.
"""
import torch


def torch_masks(attention_mask, decoder_attention_mask):
    T = decoder_attention_mask.size(1)
    src_pad = ~attention_mask.bool()                                      # (B, S) True = pad = ignore
    return {
        "src_key_padding_mask": src_pad,
        "tgt_mask": torch.ones(T, T, dtype=torch.bool).triu(diagonal=1),  # (T, T) True = future = ignore
        "tgt_key_padding_mask": ~decoder_attention_mask.bool(),           # (B, T) True = pad = ignore
        "memory_key_padding_mask": src_pad,                               # cross-attention: the same source pads
    }
