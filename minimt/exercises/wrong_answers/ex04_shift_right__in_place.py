# expect: shift_right changed labels in place
import torch


def shift_right(labels, *, bos_id, pad_id):
    labels[labels == -100] = pad_id
    bos = torch.full((labels.size(0), 1), bos_id, dtype=labels.dtype)
    return torch.cat([bos, labels[:, :-1]], dim=1)
