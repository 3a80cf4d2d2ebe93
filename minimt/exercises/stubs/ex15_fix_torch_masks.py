"""Exercise 15 — FIX IT: the masks for PyTorch's nn.Transformer (lesson 04).

Check your answer with:   minimt exercises check 15      (add --hint for a hint)
"""
import torch


def torch_masks(attention_mask, decoder_attention_mask):
    """Turn Hugging Face 1/0 masks into the keyword arguments of ``nn.Transformer.forward``.

    attention_mask (B, S) and decoder_attention_mask (B, T): 1 = real token, 0 = padding.
    Returns a dict with src_key_padding_mask (B, S), tgt_mask (T, T), tgt_key_padding_mask
    (B, T) and memory_key_padding_mask (B, S), used as ``model(src, tgt, **torch_masks(...))``.

    A student wrote this for a class project. The model trains, the loss goes down, but the
    translations change when the same sentence is translated inside a batch, and sometimes
    are NaN. This function has TWO bugs. Find them and fix them; do not rewrite what is right.
    ``minimt exercises check 15`` runs the padding-invariance and causality proofs on a small
    nn.Transformer with your masks.
    """
    T = decoder_attention_mask.size(1)
    return {
        "src_key_padding_mask": attention_mask.bool(),                  # (B, S)
        "tgt_mask": torch.ones(T, T, dtype=torch.bool).triu(diagonal=1),  # (T, T)
        "tgt_key_padding_mask": decoder_attention_mask.bool(),          # (B, T)
    }
