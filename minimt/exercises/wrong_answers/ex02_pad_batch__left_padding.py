# expect: padded on the left
import torch


def pad_batch(sequences, *, pad_id, max_length=None):
    S = max_length or max(len(s) for s in sequences)
    ids = torch.full((len(sequences), S), pad_id, dtype=torch.long)
    mask = torch.zeros(len(sequences), S, dtype=torch.long)
    for b, s in enumerate(sequences):
        ids[b, S - len(s):] = torch.tensor(s)
        mask[b, S - len(s):] = 1
    return ids, mask
