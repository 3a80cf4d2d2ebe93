# expect: memory_key_padding_mask is missing
import torch


def torch_masks(attention_mask, decoder_attention_mask):
    T = decoder_attention_mask.size(1)
    return {
        "src_key_padding_mask": ~attention_mask.bool(),
        "tgt_mask": torch.ones(T, T, dtype=torch.bool).triu(diagonal=1),
        "tgt_key_padding_mask": ~decoder_attention_mask.bool(),
    }
