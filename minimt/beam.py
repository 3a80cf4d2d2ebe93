"""Beam search (lesson 08): keep the k best prefixes instead of only the best one.

Greedy decoding commits to the single most likely token at every step; a token that looks
best now can lead to a worse sentence. Beam search keeps ``beam_size`` (k) partial
translations ("beams") per sentence and, at every step, extends each by every token and keeps
the k best of the k × V candidates.

Scores. A hypothesis y scores ``log p(y | x) = Σ_t log p(y_t | y_<t, x)``, a sum of negative
numbers, so every extra token lowers it: raw scores favour short outputs. Finished hypotheses
are compared with the GNMT length penalty (Wu et al. 2016):

    score(y) = log p(y | x) / lp(y),    lp(y) = ((5 + |y|) / 6) ** alpha

where |y| counts the generated tokens INCLUDING the final EOS (BOS is not generated).
alpha = 0 gives raw log-probabilities; larger alpha favours longer translations.

How one step works (the fairseq recipe), for each sentence:
  1. candidates = the 2k best (beam, token) pairs by raw score; 2k so that, even if k of them
     are EOS, k non-EOS candidates remain to continue;
  2. an EOS candidate among the first k moves to the sentence's FINISHED list (scored with the
     length penalty) and is never extended again — each finished hypothesis ends in exactly
     one EOS;
  3. the k best non-EOS candidates become the new beams;
  4. a sentence is done when it has k finished hypotheses (or at ``max_len``, where its live
     beams are returned as they are, without EOS, like greedy's rows that never ended).
     Each sentence has its own limit, from its own length (``decode.row_max_lens``), so a
     sentence gets the same result alone and in a batch.
With k = 1 this is exactly greedy decoding: the one beam's best token is taken; if that is
EOS, the sentence is done.

Batching: B sentences × k beams are B*k decoder rows. The encoder runs once per sentence;
its output and the source mask are repeated k times (``repeat_interleave``: rows s0,s0,…,
s1,s1,… — the same order as the beams) and, each step, the encoder states, the source mask
and the decoder's key/value cache are ALL reordered with the same ``origin`` index (which old
row each new beam continues). Reordering only some of them silently mixes sentences.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from .decode import check_decoding_args, row_max_lens


def length_penalty(length: int, alpha: float) -> float:
    """GNMT's lp = ((5 + length) / 6) ** alpha; length counts generated tokens incl. EOS."""
    return ((5.0 + length) / 6.0) ** alpha


@dataclass
class Hypothesis:
    tokens: list[int]   # generated ids (no BOS); ends with EOS iff finished
    log_prob: float     # Σ log p of those tokens (raw)
    score: float        # log_prob / length_penalty(len(tokens), alpha)
    finished: bool


@torch.no_grad()
def beam_search_hypotheses(model, input_ids: Tensor, attention_mask: Tensor, *, bos_id: int, eos_id: int,
                           beam_size: int = 4, alpha: float = 0.6, max_len: int | None = None
                           ) -> list[list[Hypothesis]]:
    """Per sentence, every hypothesis beam search kept (best first), EOS included when finished."""
    check_decoding_args(model, beam_size=beam_size, alpha=alpha, max_len=max_len)
    # The same per-sentence limits as greedy_decode (generated tokens, EOS included).
    limits = row_max_lens(model, attention_mask, max_len)
    was_training = model.training
    model.eval()  # dropout off: decoding must be deterministic
    try:
        return _search(model, input_ids, attention_mask, bos_id, eos_id, beam_size, alpha, limits)
    finally:
        model.train(was_training)


def _search(model, input_ids, attention_mask, bos_id, eos_id, k, alpha, limits) -> list[list[Hypothesis]]:
    B = input_ids.size(0)
    memory = model.encode(input_ids, attention_mask).repeat_interleave(k, dim=0)   # (B*k, S, D)
    src_mask = attention_mask.repeat_interleave(k, dim=0)                          # (B*k, S)
    cache = model.new_cache()
    tokens = input_ids.new_full((B * k, 1), bos_id)                                # (B*k, 1) next input
    prefixes: list[list[int]] = [[] for _ in range(B * k)]                         # generated so far
    # Only beam 0 is alive at the start (all k beams are the same BOS): -inf keeps the others out.
    scores = torch.full((B, k), float("-inf"), device=input_ids.device)            # (B, k) raw log p
    scores[:, 0] = 0.0
    finished: list[list[Hypothesis]] = [[] for _ in range(B)]
    done = [False] * B
    for step in range(1, max(limits, default=0) + 1):
        logits = model.decode(tokens, memory, src_mask, cache=cache)               # (B*k, 1, V)
        log_probs = logits[:, -1].float().log_softmax(dim=-1)                      # (B*k, V)
        V = log_probs.size(-1)
        cand = (scores.view(B * k, 1) + log_probs).view(B, k * V)                  # (B, k*V) raw
        top_scores, top_idx = cand.topk(min(2 * k, k * V), dim=1)                  # (B, 2k), best first
        # Python lists: the bookkeeping below is per sentence and reads every candidate.
        top_s, top_beam, top_token = top_scores.tolist(), (top_idx // V).tolist(), (top_idx % V).tolist()
        origin = torch.arange(B * k, device=input_ids.device)                      # default: stay put
        new_scores = torch.full_like(scores, float("-inf"))
        next_tokens = tokens.new_full((B * k,), eos_id)
        new_prefixes = [list(p) for p in prefixes]
        for b in range(B):
            if done[b]:
                continue
            n_alive = 0
            for rank, (s, beam, tok) in enumerate(zip(top_s[b], top_beam[b], top_token[b])):
                if s == float("-inf"):
                    break
                prefix = prefixes[b * k + beam]
                if tok == eos_id:
                    if rank < k and len(finished[b]) < k:  # fairseq: only an EOS among the k best counts
                        finished[b].append(Hypothesis(prefix + [eos_id], s, s / length_penalty(step, alpha), True))
                    continue
                if n_alive < k:
                    row = b * k + n_alive
                    origin[row] = b * k + beam
                    new_scores[b, n_alive] = s
                    next_tokens[row] = tok
                    new_prefixes[row] = prefix + [tok]
                    n_alive += 1
            done[b] = len(finished[b]) >= k
            if not done[b] and step >= limits[b]:  # out of length: live beams join, unfinished (no EOS)
                for j in range(k):
                    s = float(new_scores[b, j])
                    if s > float("-inf"):
                        p = new_prefixes[b * k + j]
                        finished[b].append(Hypothesis(p, s, s / length_penalty(len(p), alpha), False))
                done[b] = True
        if all(done):
            break
        # The SAME index reorders the cache, the encoder states and the source mask.
        cache.reorder(origin)
        memory, src_mask = memory.index_select(0, origin), src_mask.index_select(0, origin)
        tokens, scores, prefixes = next_tokens.view(B * k, 1), new_scores, new_prefixes
    for b in range(B):
        finished[b].sort(key=lambda h: h.score, reverse=True)  # stable: ties keep their finishing order
    return finished


def beam_search(model, input_ids: Tensor, attention_mask: Tensor, *, bos_id: int, eos_id: int,
                beam_size: int = 4, alpha: float = 0.6, max_len: int | None = None, n_best: int = 1
                ) -> list[list[tuple[list[int], float]]]:
    """Per sentence, the ``n_best`` best (ids without BOS/EOS, length-penalised score), best first.

    input_ids, attention_mask: (B, S) as built by ``make_batch`` (src + EOS, right-padded).
    """
    check_decoding_args(model, beam_size=beam_size, alpha=alpha, max_len=max_len, n_best=n_best)
    hyps = beam_search_hypotheses(model, input_ids, attention_mask, bos_id=bos_id, eos_id=eos_id,
                                  beam_size=beam_size, alpha=alpha, max_len=max_len)
    return [[(h.tokens[:-1] if h.finished else h.tokens, h.score) for h in row[:n_best]] for row in hyps]
