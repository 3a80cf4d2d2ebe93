# expect: proof loss_ignores_padding FAILED
"""Exercise 17 — FIX IT: the loss that learns padding (lesson 06).

Check your answer with:   minimt exercises check 17      (add --hint for a hint)
"""
import torch


def make_targets(targets, *, bos_id, eos_id, pad_id):
    """Target id lists (no specials) → (labels, decoder_input_ids), both (B, T) torch.long.

    labels = target + [EOS], padded; decoder_input_ids = [BOS] + labels[:-1], padded with pad_id.

    With these targets, training "works": the loss goes down fast. But a batch with more
    padding gets a LOWER loss than the same sentences in a tight batch, and the trained model
    happily predicts padding. Something is wrong with the padding. Find it and fix it (it may
    take a change in two places). ``minimt exercises check 17`` runs the loss proof with yours.
    """
    rows = [list(t) + [eos_id] for t in targets]
    T = max(len(r) for r in rows)
    labels = torch.full((len(rows), T), pad_id, dtype=torch.long)    # (B, T)
    for b, row in enumerate(rows):
        labels[b, : len(row)] = torch.tensor(row)
    decoder_input_ids = torch.full_like(labels, pad_id)               # (B, T)
    decoder_input_ids[:, 0] = bos_id
    decoder_input_ids[:, 1:] = labels[:, :-1]                         # shift right by one
    return labels, decoder_input_ids
