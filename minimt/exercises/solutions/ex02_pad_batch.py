"""Exercise 2 — reference solution."""
import torch


def pad_batch(sequences, *, pad_id, max_length=None):
    B = len(sequences)
    S = max_length if max_length is not None else max(len(s) for s in sequences)
    input_ids = torch.full((B, S), pad_id, dtype=torch.long)     # (B, S) all padding to start with
    attention_mask = torch.zeros((B, S), dtype=torch.long)        # (B, S) 0 = padding
    for b, seq in enumerate(sequences):
        input_ids[b, : len(seq)] = torch.tensor(seq, dtype=torch.long)  # real tokens on the left
        attention_mask[b, : len(seq)] = 1                               # 1 = real token
    return input_ids, attention_mask
