# expect: you called .backward()
import torch

from minimt.loss import cross_entropy_loss


def logit_gradients(logits, labels):
    x = logits.detach().clone().requires_grad_(True)
    cross_entropy_loss(x, labels).backward()
    return x.grad
