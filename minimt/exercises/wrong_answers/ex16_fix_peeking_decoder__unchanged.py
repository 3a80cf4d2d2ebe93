# expect: proof causality, no_label_leak FAILED
"""Exercise 16 — FIX IT: the decoder that peeks (lesson 04).

Check your answer with:   minimt exercises check 16      (add --hint for a hint)
"""
import torch


def decoder_self_mask(decoder_attention_mask):
    """(B, T) 1/0 → (B, 1, T, T) bool, True = may attend: causal AND padding.

    With this mask, training looks wonderful: the loss falls to almost 0 within a few hundred
    steps, on any data. Then every translation is garbage. There is ONE bug. Find it and fix it.
    ``minimt exercises check 16`` runs the causality and label-leak proofs on a small
    encoder–decoder that uses your mask, and prints what they see.
    """
    B, T = decoder_attention_mask.shape
    keys_real = decoder_attention_mask.bool()[:, None, None, :]      # (B, 1, 1, T) True = real key
    # row = query, column = key: a query may attend to keys that are not in its future
    causal = torch.ones(T, T, dtype=torch.bool).tril(diagonal=1)     # (T, T)
    return causal[None, None] & keys_real                            # (B, 1, T, T)
