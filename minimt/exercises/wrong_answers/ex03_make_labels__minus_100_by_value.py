# expect: -100 goes where the row has ended (its length), not where an id is 0
import torch


def make_labels(targets, *, eos_id, max_length=None):
    rows = [list(t) + [eos_id] for t in targets]
    T = max_length or max(len(r) for r in rows)
    labels = torch.zeros((len(rows), T), dtype=torch.long)  # padded with 0 first...
    for b, row in enumerate(rows):
        labels[b, : len(row)] = torch.tensor(row)
    labels[labels == 0] = -100  # ...then "every 0 is padding": also a real token whose id is 0
    return labels
