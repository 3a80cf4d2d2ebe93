# expect: starts with BOS
import torch


@torch.no_grad()
def greedy_decode(model, input_ids, attention_mask, *, bos_id, eos_id, max_len):
    B = input_ids.size(0)
    memory = model.encode(input_ids, attention_mask)
    tokens = torch.full((B, 1), bos_id, dtype=torch.long)
    finished = torch.zeros(B, dtype=torch.bool)
    out = [[bos_id] for _ in range(B)]
    for _ in range(max_len):
        next_ids = model.decode(tokens, memory, attention_mask)[:, -1].argmax(-1)
        for b in range(B):
            if not finished[b] and next_ids[b] != eos_id:
                out[b].append(int(next_ids[b]))
        finished |= next_ids == eos_id
        if finished.all():
            break
        tokens = torch.cat([tokens, next_ids[:, None]], dim=1)
    return out
