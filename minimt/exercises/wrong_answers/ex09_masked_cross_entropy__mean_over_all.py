# expect: you divided by all B*T
import torch


def masked_cross_entropy(logits, labels):
    real = labels != -100
    nll = -logits.log_softmax(-1).gather(-1, labels.masked_fill(~real, 0).unsqueeze(-1)).squeeze(-1)
    return (nll * real).mean()
