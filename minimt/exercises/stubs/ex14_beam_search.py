"""Exercise 14 — beam search with a length penalty, for one sentence (lesson 08).

Check your answer with:   minimt exercises check 14      (add --hint for a hint)
"""
import torch


def length_penalty(n, alpha):
    return ((5 + n) / 6) ** alpha  # exercise 13: n counts generated tokens, EOS included


def beam_search(model, input_ids, attention_mask, *, bos_id, eos_id, beam_size, alpha, max_len):
    """Translate ONE sentence (input_ids and attention_mask are (1, S)) with beam search.

    Return ``(tokens, score)``: the best hypothesis's generated ids WITHOUT BOS and EOS, and its
    length-penalised score  log p(tokens) / length_penalty(n, alpha)  (n counts EOS if it ended).

    ``model.encode(input_ids, attention_mask)`` → memory (1, S, D), once. To score n prefixes at
    once, ``model.decode(prefixes (n, t), memory.expand(n, -1, -1), attention_mask.expand(n, -1))``
    → logits (n, t, V); the next-token log-probabilities are ``logits[:, -1].log_softmax(-1)``.

    The recipe (fairseq's), with k = beam_size. Beams are (tokens, raw log-prob); start with
    one beam ([], 0.0). For step = 1, 2, ..., max_len:
      1. every candidate (beam, token) scores  beam's log-prob + log p(token | BOS + beam's tokens);
         take the 2k best candidates over all beams and tokens, best first (torch.topk);
      2. walking down that list (rank 0, 1, ...): a candidate whose token is EOS is FINISHED if
         its rank < k and fewer than k hypotheses are finished — its score is
         log-prob / length_penalty(step, alpha) — and is never extended (an EOS at rank >= k is
         dropped); the first k non-EOS candidates become the new beams;
      3. stop as soon as k hypotheses are finished.
    If max_len steps pass first, the live beams join the finished ones, unfinished (no EOS),
    scored log-prob / length_penalty(len(tokens), alpha). Return the highest score (the first
    one on a tie). With beam_size = 1 this is exactly greedy decoding.

    Worked example: k = 2 and after step 1 the beams are ([5], -0.1) and ([7], -0.9). Step 2:
    the candidates include (5→EOS: -0.3), (5→8: -0.5), (7→EOS: -1.0), (7→9: -1.2)... The best
    four, in order: 5+EOS (rank 0 → finished, score -0.3 / ((5+2)/6)**alpha), 5 8 (beam),
    7+EOS (rank 2 >= k → dropped), 7 9 (beam).
    """
    raise NotImplementedError
