"""Exercise 11 — reference solution."""
import torch


@torch.no_grad()  # no backward pass follows: don't build a graph
def greedy_decode(model, input_ids, attention_mask, *, bos_id, eos_id, max_len):
    B = input_ids.size(0)
    memory = model.encode(input_ids, attention_mask)              # (B, S, D), once
    tokens = torch.full((B, 1), bos_id, dtype=torch.long)         # (B, 1): every row starts with BOS
    finished = torch.zeros(B, dtype=torch.bool)                   # (B,) has this row produced EOS?
    out = [[] for _ in range(B)]
    for _ in range(max_len):
        logits = model.decode(tokens, memory, attention_mask)     # (B, t, V)
        next_ids = logits[:, -1].argmax(dim=-1)                   # (B,) best next token per row
        for b in range(B):
            if not finished[b] and next_ids[b] != eos_id:
                out[b].append(int(next_ids[b]))
        finished |= next_ids == eos_id
        if finished.all():
            break
        tokens = torch.cat([tokens, next_ids[:, None]], dim=1)    # (B, t+1)
    return out
