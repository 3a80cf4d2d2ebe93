"""Exercise 20 — reference solution."""
import torch


def logit_gradients(logits, labels):
    B, T, V = logits.shape
    real = labels != -100                                          # (B,T) True at real tokens
    n_real = real.sum().clamp(min=1)                               # N; 1 if none (the rows are 0 anyway)
    probs = logits.softmax(dim=-1)                                 # (B,T,V) what the model predicts
    one_hot = torch.zeros_like(probs)                              # (B,T,V) what it should predict
    one_hot.scatter_(-1, labels.masked_fill(~real, 0).unsqueeze(-1), 1.0)  # -100 is not an index: 0 there
    grad = (probs - one_hot) / n_real                              # d mean / d logit at a real position
    return grad * real.unsqueeze(-1)                               # -100 rows: the loss never saw them
