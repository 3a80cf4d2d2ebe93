# expect: goes on after its EOS
import torch


@torch.no_grad()
def greedy_decode(model, input_ids, attention_mask, *, bos_id, eos_id, max_len):
    B = input_ids.size(0)
    memory = model.encode(input_ids, attention_mask)
    tokens = torch.full((B, 1), bos_id, dtype=torch.long)
    for _ in range(max_len):
        next_ids = model.decode(tokens, memory, attention_mask)[:, -1].argmax(-1)
        tokens = torch.cat([tokens, next_ids[:, None]], dim=1)
        if (tokens == eos_id).any(dim=1).all():
            break
    return [[t for t in row[1:] if t != eos_id] for row in tokens.tolist()]
