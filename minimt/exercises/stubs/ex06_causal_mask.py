"""Exercise 6 — the causal mask (lesson 04).

Check your answer with:   minimt exercises check 6      (add --hint for a hint)
"""
import torch


def causal_mask(T, device=None):
    """(1, 1, T, T) bool mask: query position t may attend to key positions 0..t.

    Row = query, column = key. True = may attend. The decoder reads its input left to right:
    position t sees itself and the past, never the future (in training, the future holds the
    very token it must predict).

    Worked example, causal_mask(4)[0, 0]:

        [[True,  False, False, False],
         [True,  True,  False, False],
         [True,  True,  True,  False],
         [True,  True,  True,  True ]]

    ``device``: where to create the tensor (None = the default device).
    """
    raise NotImplementedError
