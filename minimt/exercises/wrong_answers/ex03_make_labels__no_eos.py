# expect: so the model learns to stop
import torch


def make_labels(targets, *, eos_id, max_length=None):
    T = max_length or max(len(t) for t in targets) + 1
    labels = torch.full((len(targets), T), -100, dtype=torch.long)
    for b, t in enumerate(targets):
        labels[b, : len(t)] = torch.tensor(t)
    return labels
