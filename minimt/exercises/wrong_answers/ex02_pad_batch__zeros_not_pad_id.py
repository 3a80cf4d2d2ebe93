# expect: is padding: fill it with pad_id (99)
import torch


def pad_batch(sequences, *, pad_id, max_length=None):
    S = max_length or max(len(s) for s in sequences)
    ids = torch.zeros(len(sequences), S, dtype=torch.long)
    mask = torch.zeros(len(sequences), S, dtype=torch.long)
    for b, s in enumerate(sequences):
        ids[b, : len(s)] = torch.tensor(s)
        mask[b, : len(s)] = 1
    return ids, mask
