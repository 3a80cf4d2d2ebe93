# expect: the mask comes from the lengths; a real token may have the pad id's value
import torch


def pad_batch(sequences, *, pad_id, max_length=None):
    S = max_length or max(len(s) for s in sequences)
    ids = torch.full((len(sequences), S), pad_id, dtype=torch.long)
    for b, s in enumerate(sequences):
        ids[b, : len(s)] = torch.tensor(s)
    return ids, (ids != pad_id).long()  # the habit: "not the pad id" means real — true only if no word has that id
