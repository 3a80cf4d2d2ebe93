# expect: raw log-probability
import torch


@torch.no_grad()
def beam_search(model, input_ids, attention_mask, *, bos_id, eos_id, beam_size, alpha, max_len):
    k = beam_size
    memory = model.encode(input_ids, attention_mask)
    beams, finished = [([], 0.0)], []
    for step in range(1, max_len + 1):
        n = len(beams)
        prefixes = torch.tensor([[bos_id] + t for t, _ in beams])
        log_probs = model.decode(prefixes, memory.expand(n, -1, -1), attention_mask.expand(n, -1))[:, -1].log_softmax(-1)
        V = log_probs.size(-1)
        cand = torch.tensor([s for _, s in beams])[:, None] + log_probs
        top_scores, top_index = cand.flatten().topk(min(2 * k, n * V))
        new_beams = []
        for rank, (s, i) in enumerate(zip(top_scores.tolist(), top_index.tolist())):
            beam, token = divmod(i, V)
            if token == eos_id:
                if rank < k and len(finished) < k:
                    finished.append((beams[beam][0], s))  # raw log-prob: no length penalty
                continue
            if len(new_beams) < k:
                new_beams.append((beams[beam][0] + [token], s))
        if len(finished) >= k:
            break
        beams = new_beams
    else:
        finished += beams
    return max(finished, key=lambda h: h[1])
