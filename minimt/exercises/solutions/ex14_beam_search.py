"""Exercise 14 — reference solution (one sentence, no cache: every step re-reads the prefixes)."""
import torch


def length_penalty(n, alpha):
    return ((5 + n) / 6) ** alpha


@torch.no_grad()
def beam_search(model, input_ids, attention_mask, *, bos_id, eos_id, beam_size, alpha, max_len):
    k = beam_size
    memory = model.encode(input_ids, attention_mask)               # (1, S, D), once
    beams = [([], 0.0)]                                             # (tokens so far, raw log-prob)
    finished = []                                                   # (tokens, length-penalised score)
    for step in range(1, max_len + 1):
        n = len(beams)
        prefixes = torch.tensor([[bos_id] + tokens for tokens, _ in beams])           # (n, step)
        logits = model.decode(prefixes, memory.expand(n, -1, -1), attention_mask.expand(n, -1))
        log_probs = logits[:, -1].log_softmax(dim=-1)                                  # (n, V)
        V = log_probs.size(-1)
        cand = torch.tensor([s for _, s in beams])[:, None] + log_probs               # (n, V) raw scores
        top_scores, top_index = cand.flatten().topk(min(2 * k, n * V))                 # best first
        new_beams = []
        for rank, (s, i) in enumerate(zip(top_scores.tolist(), top_index.tolist())):
            beam, token = divmod(i, V)
            tokens = beams[beam][0]
            if token == eos_id:
                if rank < k and len(finished) < k:      # an EOS among the k best ends a hypothesis
                    finished.append((tokens, s / length_penalty(step, alpha)))  # step = len incl. EOS
                continue                                # a finished hypothesis is never extended
            if len(new_beams) < k:
                new_beams.append((tokens + [token], s))
        if len(finished) >= k:
            break
        beams = new_beams
    else:  # max_len reached: the live beams count too, unfinished
        finished += [(tokens, s / length_penalty(len(tokens), alpha)) for tokens, s in beams]
    return max(finished, key=lambda h: h[1])           # max() keeps the first of equal scores
