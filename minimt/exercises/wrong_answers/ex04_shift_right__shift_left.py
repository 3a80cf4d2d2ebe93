# expect: shift RIGHT by one
import torch


def shift_right(labels, *, bos_id, pad_id):
    dec = torch.full_like(labels, pad_id)
    dec[:, :-1] = labels[:, 1:]
    dec[:, 0] = bos_id
    dec[dec == -100] = pad_id
    return dec
