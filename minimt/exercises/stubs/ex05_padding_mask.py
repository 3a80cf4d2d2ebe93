"""Exercise 5 — the padding mask (lesson 04).

Check your answer with:   minimt exercises check 5      (add --hint for a hint)
"""
import torch


def padding_mask(attention_mask):
    """(B, S) attention_mask of 1/0 → (B, 1, 1, S) bool mask, True = may attend.

    Attention scores have shape (B, H, T, S): batch, heads, queries, keys. Padding must be
    hidden as a KEY (a column): no query may look at a pad. The mask's two 1s broadcast over
    the heads and the queries.

    Worked example:

        attention_mask = [[1, 1, 1, 1, 1],
                          [1, 1, 0, 0, 0]]
        padding_mask(attention_mask).shape == (2, 1, 1, 5)
        padding_mask(attention_mask)[:, 0, 0, :] == [[True, True, True,  True,  True],
                                                     [True, True, False, False, False]]

    Do not change ``attention_mask``. (nn.MultiheadAttention's key_padding_mask means the
    OPPOSITE, True = ignore: minimt's masks always say True = may attend.)
    """
    raise NotImplementedError
