# expect: stops too early
import torch


@torch.no_grad()
def greedy_decode(model, input_ids, attention_mask, *, bos_id, eos_id, max_len):
    B = input_ids.size(0)
    memory = model.encode(input_ids, attention_mask)
    tokens = torch.full((B, 1), bos_id, dtype=torch.long)
    out = [[] for _ in range(B)]
    for _ in range(max_len):
        next_ids = model.decode(tokens, memory, attention_mask)[:, -1].argmax(-1)
        if (next_ids == eos_id).any():
            break
        for b in range(B):
            out[b].append(int(next_ids[b]))
        tokens = torch.cat([tokens, next_ids[:, None]], dim=1)
    return out
