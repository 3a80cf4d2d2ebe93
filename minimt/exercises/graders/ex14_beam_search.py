"""Exercise 14: beam search with the GNMT length penalty, one sentence, on a scripted toy model
(against minimt.beam.beam_search, which follows the same fairseq recipe batched and cached)."""
from __future__ import annotations

import random

import torch

from minimt.beam import beam_search as reference, length_penalty
from minimt.decode import greedy_decode

from .. import cases, toys
from ..grading import call, fail, rows_of

HINTS = [
    "Keep two lists: beams = [(tokens, raw log-prob)] starting with [([], 0.0)], and finished = "
    "[(tokens, penalised score)]. Each step: one model.decode on all beams' prefixes [BOS] + tokens.",
    "cand = beam log-probs[:, None] + log_probs (n, V); cand.flatten().topk(min(2k, n*V)) gives scores and flat "
    "indices; beam, token = divmod(index, V).",
    "The score compares FINISHED hypotheses only: raw log-prob / ((5 + n) / 6) ** alpha with n = step (EOS "
    "included). Beams are still ranked by raw log-prob. Return max(finished, key=score).",
]


def _true_score(model, input_ids, attention_mask, tokens, eos, alpha, ended) -> float:
    """The length-penalised log-probability the model gives to ``tokens`` (+ EOS if ended)."""
    seq = tokens + [eos] if ended else tokens
    with torch.no_grad():
        memory = model.encode(input_ids, attention_mask)
        dec = torch.tensor([[cases.BOS] + seq[:-1]])
        log_probs = model.decode(dec, memory, attention_mask)[0].log_softmax(-1)  # (n, V)
    total = float(log_probs[torch.arange(len(seq)), torch.tensor(seq)].sum()) if seq else 0.0
    return total / length_penalty(len(seq), alpha)


def grade(beam_search) -> int:
    rng = random.Random(14)
    n = 0
    for case in range(40):
        V = rng.choice([9, 11])
        ids, am = toys.sources(rng, 2, V)
        ids, am = ids[1:], am[1:]  # one sentence, sometimes with padding after it
        k = [1, 2, 3, 4][case % 4]
        alpha = rng.choice([0.0, 0.6, 1.0, 2.0])
        max_len = rng.randint(2, 8)
        args = dict(bos_id=cases.BOS, eos_id=cases.EOS, beam_size=k, alpha=alpha, max_len=max_len)
        context = f"beam_search(model, input_ids={ids.tolist()}, attention_mask={am.tolist()}, " + \
                  ", ".join(f"{a}={v}" for a, v in args.items()) + ")"
        model = toys.ScriptedModel(V, seed=100 + case)
        out = call(beam_search, model, ids.clone(), am.clone(), context=context, **args)
        if not isinstance(out, (tuple, list)) or len(out) != 2 or rows_of([out[0]]) is None:
            fail("should return a tuple (tokens, score) for the one sentence", context)
        tokens, score = rows_of([out[0]])[0], out[1]
        want_tokens, want_score = reference(model, ids, am, n_best=1, **args)[0][0]
        if tokens[:1] == [cases.BOS]:
            fail(f"the tokens {tokens} start with BOS: return only the generated tokens", context)
        if tokens[-1:] == [cases.EOS]:
            fail(f"the tokens {tokens} end with EOS: return them without EOS (the score still counts it)", context)
        if not isinstance(score, (int, float)) or isinstance(score, bool):
            fail(f"the score should be a float, got {type(score).__name__}", context)
        if tokens != want_tokens:
            if tokens == reference(model, ids, am, n_best=1, **{**args, "alpha": 0.0})[0][0][0] and alpha > 0:
                fail(f"returned {tokens} but the best under the length penalty is {want_tokens} (score "
                     f"{want_score:.4g}): you chose by raw log-probability — compare finished hypotheses by "
                     f"log-prob / ((5 + n) / 6) ** alpha", context)
            greedy = greedy_decode(model, ids, am, bos_id=cases.BOS, eos_id=cases.EOS, max_len=max_len,
                                   use_cache=False)[0]
            if k > 1 and tokens == greedy:
                fail(f"returned greedy's {tokens}, but with beam_size={k} beam search finds {want_tokens} (score "
                     f"{want_score:.4g}): keep the k best beams at every step, not only the best one", context)
            fail(f"returned {tokens} (score {score:.4g}) but beam search gives {want_tokens} (score "
                 f"{want_score:.4g}): follow the recipe in the docstring step by step", context)
        if abs(score - want_score) > 1e-4:
            raw = [_true_score(model, ids, am, tokens, cases.EOS, 0.0, ended) for ended in (True, False)]
            if alpha > 0 and min(abs(score - r) for r in raw) < 1e-4:
                fail(f"the score of {tokens} is its raw log-probability ({score:.5g}): divide it by the length "
                     f"penalty ((5 + n) / 6) ** alpha, here giving {want_score:.5g} — and choose between finished "
                     "hypotheses by that penalised score", context)
            fail(f"the score of {tokens} is {score:.5g} but should be {want_score:.5g}: log p(generated tokens, EOS "
                 "included if it ended) / ((5 + n) / 6) ** alpha, n counting those tokens", context)
        n += 1
    return n
