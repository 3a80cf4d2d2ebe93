# expect: you called F.cross_entropy
import torch.nn.functional as F


def masked_cross_entropy(logits, labels):
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=-100)
