# expect: changed the lists it was given
import torch


def make_labels(targets, *, eos_id, max_length=None):
    for t in targets:
        t.append(eos_id)
    T = max_length or max(len(t) for t in targets)
    labels = torch.full((len(targets), T), -100, dtype=torch.long)
    for b, t in enumerate(targets):
        labels[b, : len(t)] = torch.tensor(t)
    return labels
