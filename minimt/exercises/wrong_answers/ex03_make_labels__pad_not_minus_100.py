# expect: but should be -100: padded label positions must be ignored by the loss
import torch


def make_labels(targets, *, eos_id, max_length=None):
    rows = [t + [eos_id] for t in targets]
    T = max_length or max(len(r) for r in rows)
    labels = torch.zeros(len(rows), T, dtype=torch.long)  # pads with 0, the pad id
    for b, r in enumerate(rows):
        labels[b, : len(r)] = torch.tensor(r)
    return labels
