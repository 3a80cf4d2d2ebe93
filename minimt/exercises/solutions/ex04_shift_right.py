"""Exercise 4 — reference solution."""
import torch


def shift_right(labels, *, bos_id, pad_id):
    dec = torch.full_like(labels, pad_id)   # (B, T) a new tensor: labels stay untouched
    dec[:, 0] = bos_id                      # every row starts with BOS
    dec[:, 1:] = labels[:, :-1]             # then the labels, one step late
    dec[dec == -100] = pad_id               # -100 is not an id: the embedding must never see it
    return dec
