"""Exercise 8 — scaled dot-product attention with a bool mask (lesson 04).

Check your answer with:   minimt exercises check 8      (add --hint for a hint)
"""
import math

import torch


def attention(q, k, v, mask=None):
    """Scaled dot-product attention. Returns ``(out, weights)``.

    q (B, H, T, D) queries; k and v (B, H, S, D) keys and values; ``mask`` None or a bool tensor
    that broadcasts to (B, H, T, S) with True = may attend (e.g. a padding mask (B,1,1,S), a
    causal mask (1,1,T,T) or a decoder mask (B,1,T,T)).

        scores  = q @ kᵀ / sqrt(D)                  (B, H, T, S)
        weights = softmax over the keys (last dim) of the scores, 0 where the mask is False
        out     = weights @ v                       (B, H, T, D)

    Rules: every masked key gets weight exactly 0; each query's weights sum to 1 over its
    allowed keys; a query with NO allowed key (its whole sentence is padding) gets all-zero
    weights and a zero output — never NaN, in the forward pass or in the gradients.

    Worked example: q = k = [[1, 0]], v = [[1, 2]] for one query and one key (D = 2):
    score = 1/sqrt(2), weight = 1.0, out = [[1, 2]]. With mask = [[False]]: weight 0, out [[0, 0]].
    """
    raise NotImplementedError
