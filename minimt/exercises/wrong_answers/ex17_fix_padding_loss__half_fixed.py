# expect: -100 is not a token id
import torch


def make_targets(targets, *, bos_id, eos_id, pad_id):
    rows = [list(t) + [eos_id] for t in targets]
    T = max(len(r) for r in rows)
    labels = torch.full((len(rows), T), -100, dtype=torch.long)
    for b, row in enumerate(rows):
        labels[b, : len(row)] = torch.tensor(row)
    decoder_input_ids = torch.full_like(labels, pad_id)
    decoder_input_ids[:, 0] = bos_id
    decoder_input_ids[:, 1:] = labels[:, :-1]
    return labels, decoder_input_ids
