# expect: pad every row to the longest one
import torch


def pad_batch(sequences, *, pad_id, max_length=None):
    S = max_length or len(sequences[0])
    ids = torch.full((len(sequences), S), pad_id, dtype=torch.long)
    mask = torch.zeros(len(sequences), S, dtype=torch.long)
    for b, s in enumerate(sequences):
        s = s[:S]
        ids[b, : len(s)] = torch.tensor(s)
        mask[b, : len(s)] = 1
    return ids, mask
