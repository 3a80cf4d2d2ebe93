"""Exercise 17 — reference solution.

The bug: labels were padded with pad_id, a real vocabulary entry. The loss (ignore_index=-100)
counted every padded position as "predict <pad>": an easy target, so more padding meant a
lower loss, and the model learned to predict padding. Labels are padded with -100; the decoder
input, built from them, turns -100 back into pad_id (an embedding cannot look up -100).
"""
import torch


def make_targets(targets, *, bos_id, eos_id, pad_id):
    rows = [list(t) + [eos_id] for t in targets]
    T = max(len(r) for r in rows)
    labels = torch.full((len(rows), T), -100, dtype=torch.long)      # (B, T) -100 = ignored by the loss
    for b, row in enumerate(rows):
        labels[b, : len(row)] = torch.tensor(row)
    decoder_input_ids = torch.full_like(labels, pad_id)               # (B, T)
    decoder_input_ids[:, 0] = bos_id
    decoder_input_ids[:, 1:] = labels[:, :-1]
    decoder_input_ids[decoder_input_ids == -100] = pad_id             # -100 is not a token id
    return labels, decoder_input_ids
