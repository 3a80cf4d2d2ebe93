# expect: the ignored positions are counted
import torch


def masked_cross_entropy(logits, labels):
    nll = -logits.log_softmax(-1).gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return nll.mean()
