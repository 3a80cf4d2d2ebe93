"""Exercise 7 — the decoder's self-attention mask: causal AND padding (lesson 04).

Check your answer with:   minimt exercises check 7      (add --hint for a hint)
"""
import torch


def decoder_self_mask(decoder_attention_mask):
    """(B, T) decoder_attention_mask of 1/0 → (B, 1, T, T) bool mask, True = may attend.

    Query t of sentence b may attend to key s when s <= t (causal) AND key s of sentence b is a
    real token (padding). One mask, applied once.

    Worked example:

        decoder_attention_mask = [[1, 1, 1],
                                  [1, 1, 0]]
        decoder_self_mask(...)[1, 0] == [[True, False, False],
                                         [True, True,  False],
                                         [True, True,  False]]   # key 2 of sentence 1 is padding
        decoder_self_mask(...)[0, 0] is the plain causal triangle.

    Do not change ``decoder_attention_mask``.
    """
    raise NotImplementedError
