"""Exercise 13: GNMT length penalty, pick the best finished hypothesis (against minimt.beam.length_penalty)."""
from __future__ import annotations

import random

from minimt.beam import length_penalty

from ..grading import because, call, fail, rows_of
from ..language import say

HINTS = [
    say(en="lp = ((5 + len(tokens)) / 6) ** alpha, and score = log_prob / lp. len counts every generated token, EOS too.",
        zh="lp = ((5 + len(tokens)) / 6) ** alpha，score = log_prob / lp。len 数的是每一个生成的词元，EOS 也算。"),
    say(en="log-probabilities are negative; dividing by lp > 1 brings long hypotheses closer to 0. The best hypothesis "
           "has the HIGHEST score (max, not min). On a tie, keep the first one.",
        zh="对数概率是负数；除以 lp > 1 会让长的候选更接近 0。最好的候选分数最高（用 max，不是 min）。"
           "分数相同时，保留第一个。"),
]

EOS = 3


def reference(hypotheses, alpha):
    scored = [(list(t), lp / length_penalty(len(t), alpha)) for t, lp in hypotheses]
    return max(scored, key=lambda h: h[1])  # max() keeps the first of equal scores


def _variants(hyps, alpha):
    def pick(score):  # (tokens, the score that answer would report)
        return max(((list(t), score(t, lp)) for t, lp in hyps), key=lambda h: h[1])

    return {
        say(en="you compared raw log-probabilities: divide each by ((5 + len) / 6) ** alpha, or short hypotheses "
               "always win",
            zh="你比较的是原始的对数概率：要把每个都除以 ((5 + len) / 6) ** alpha，否则短的候选总会赢"):
            pick(lambda t, lp: lp),
        say(en="you multiplied by the penalty: the score is log_prob / lp (log-probabilities are negative; dividing by "
               "lp > 1 is what favours longer hypotheses)",
            zh="你乘上了惩罚项：分数是 log_prob / lp（对数概率是负数；正是除以 lp > 1 才让更长的候选占优）"):
            pick(lambda t, lp: lp * length_penalty(len(t), alpha)),
        say(en="the length counts every generated token, EOS included: len(tokens), not len(tokens) - 1",
            zh="长度要数每一个生成的词元，包括 EOS：是 len(tokens)，不是 len(tokens) - 1"):
            pick(lambda t, lp: lp / length_penalty(len(t) - 1, alpha)),
        say(en="you picked the LOWEST score: the best hypothesis has the highest (closest to 0) score",
            zh="你选了分数最低的：最好的候选分数最高（最接近 0）"):
            min(((list(t), lp / length_penalty(len(t), alpha)) for t, lp in hyps), key=lambda h: h[1]),
    }


def _close(a, b) -> bool:
    return isinstance(a, (int, float)) and abs(a - b) <= 1e-6


def _cases(rng: random.Random):
    # The stub's worked example (+ a third, longer one): alpha = 0 picks the short one, alpha = 1 the middle one
    worked = [([7, EOS], -2.0), ([7, 8, 9, 4, EOS], -2.6), ([7, 8, 9, 4, 5, 6, 7, 8, EOS], -5.0)]
    yield worked, 0.0
    yield worked, 1.0
    for _ in range(60):
        hyps = []
        for _ in range(rng.randint(2, 5)):
            n = rng.randint(1, 10)
            hyps.append(([rng.randrange(4, 50) for _ in range(n - 1)] + [EOS], -rng.uniform(0.2, 1.2) * n))
        yield hyps, rng.choice([0.0, 0.6, 1.0, 1.5, 2.0])


def grade(best_hypothesis) -> int:
    rng = random.Random(13)
    n = 0
    for hyps, alpha in _cases(rng):
        context = f"best_hypothesis({hyps}, alpha={alpha})"
        out = call(best_hypothesis, [(list(t), lp) for t, lp in hyps], alpha=alpha, context=context)
        if not isinstance(out, (tuple, list)) or len(out) != 2 or rows_of([out[0]]) is None:
            fail(say(en="should return a tuple (tokens, score)", zh="应返回一个元组 (tokens, score)"), context)
        tokens, score = rows_of([out[0]])[0], out[1]
        want_tokens, want_score = reference(hyps, alpha)
        if tokens != want_tokens:
            variants = _variants(hyps, alpha)
            same_score = [why for why, (t, s) in variants.items() if t == tokens and _close(score, s)]
            same_tokens = [why for why, (t, s) in variants.items() if t == tokens]
            picked = say(en=f"picked {tokens} but the best is {want_tokens} (score {want_score:.4g})",
                         zh=f"选了 {tokens}，但最好的是 {want_tokens}（分数 {want_score:.4g}）")
            for why in same_score + same_tokens:  # a variant that matches the reported score too is surest
                fail(because(picked, why), context)
            fail(picked, context)
        if not isinstance(score, (int, float)) or abs(score - want_score) > 1e-6:
            n_tokens = len(tokens)
            fail(say(en=f"the score of {tokens} is {score!r} but should be {want_score:.6g} = log_prob / "
                        f"((5 + {n_tokens}) / 6) ** {alpha}",
                     zh=f"{tokens} 的分数是 {score!r}，应为 {want_score:.6g} = log_prob / "
                        f"((5 + {n_tokens}) / 6) ** {alpha}"), context)
        n += 1
    return n
