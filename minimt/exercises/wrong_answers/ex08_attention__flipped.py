# expect: the mask is used the wrong way round
import math

import torch


def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))  # nn.MultiheadAttention habit: True = ignore
    weights = torch.nan_to_num(scores.softmax(dim=-1))
    return weights @ v, weights
