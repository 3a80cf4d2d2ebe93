# expect: attention_mask has dtype torch.bool but should be torch.int64
import torch


def pad_batch(sequences, *, pad_id, max_length=None):
    S = max_length or max(len(s) for s in sequences)
    ids = torch.full((len(sequences), S), pad_id, dtype=torch.long)
    for b, s in enumerate(sequences):
        ids[b, : len(s)] = torch.tensor(s)
    lengths = torch.tensor([len(s) for s in sequences])
    return ids, torch.arange(S)[None, :] < lengths[:, None]
