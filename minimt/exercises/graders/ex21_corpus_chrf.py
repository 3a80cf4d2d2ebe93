"""Exercise 21: corpus chrF by hand, graded against sacreBLEU's default CHRF().

sacreBLEU's defaults: character 6-grams, no word n-grams (chrF, not chrF++), beta = 2,
spaces removed, no eps smoothing (orders with no n-gram are left out of the averages).
Every reference here has at least 6 non-space characters, so sacreBLEU's one subtlety
(a hypothesis n-gram does not count when its reference has none of that order) never applies
and the stub's plain recipe agrees with it to ~1e-13; we allow 1e-6.
"""
from __future__ import annotations

import math
import random
from collections import Counter

from ..grading import call, fail
from .ex19_corpus_bleu import FIXED, WORDS, _edit

HINTS = [
    "chars = ''.join(text.split()); Counter(chars[i:i+n] for i in range(len(chars)-n+1)) gives the character "
    "n-grams; matches = sum(min(k, ref_counts[g]) for g, k in hyp_counts.items()).",
    "Sum matches, hypothesis n-grams and reference n-grams over all sentences (6 numbers each). Then P_n and R_n "
    "per order, then AVERAGE them over the orders, and only then combine P and R.",
    "F-beta with beta = 2: 100 * 5 * P * R / (4 * P + R). Recall (how much of the reference you produced) counts "
    "more than precision.",
]


def reference(hypotheses: list[str], references: list[str]) -> float:
    from sacrebleu.metrics import CHRF
    return CHRF().corpus_score(list(hypotheses), [list(references)]).score  # chrF2, 6 char orders, no spaces


def _chrf(hyps, refs, *, keep_spaces=False, beta=2, clip=True, average="pr"):
    """The recipe with one piece switched, to name a student's mistake."""
    m, h, r = [0] * 6, [0] * 6, [0] * 6
    for hyp, ref in zip(hyps, refs):
        a, b = (hyp, ref) if keep_spaces else ("".join(hyp.split()), "".join(ref.split()))
        for n in range(1, 7):
            hc = Counter(a[i:i + n] for i in range(len(a) - n + 1))
            rc = Counter(b[i:i + n] for i in range(len(b) - n + 1))
            m[n - 1] += sum(min(k, rc[g]) if clip else (k if rc[g] else 0) for g, k in hc.items())
            h[n - 1] += sum(hc.values())
            r[n - 1] += sum(rc.values())
    orders = [i for i in range(6) if h[i] and r[i]]
    if not orders:
        return 0.0

    def f(p, rec):
        return 100 * (1 + beta**2) * p * rec / (beta**2 * p + rec) if p + rec else 0.0

    if average == "f":  # F per order, then the mean of the F_n
        return sum(f(m[i] / h[i], m[i] / r[i]) for i in orders) / len(orders)
    if average == "corpus":  # one P and one R from all orders' counts pooled
        return f(sum(m) / sum(h), sum(m) / sum(r))
    return f(sum(m[i] / h[i] for i in orders) / len(orders), sum(m[i] / r[i] for i in orders) / len(orders))


_VARIANTS = {
    "you kept the spaces: sacreBLEU's chrF removes them first (''.join(text.split())), so 'le chat' is 'lechat' "
    "and its 2-grams are le ec ch ha at, with no ' c' or 'e '": lambda h, r: _chrf(h, r, keep_spaces=True),
    "that is F1 (beta = 1): chrF uses beta = 2, so recall counts twice as much — "
    "100 * 5 * P * R / (4 * P + R)": lambda h, r: _chrf(h, r, beta=1),
    "precision and recall are swapped in the F-score: with beta = 2 it is 5·P·R / (4·P + R), the 4 multiplies P":
        lambda h, r: _chrf(h, r, beta=0.5),
    "you did not clip the n-gram counts: a hypothesis n-gram matches at most as often as the reference has it":
        lambda h, r: _chrf(h, r, clip=False),
    "you averaged the six F-scores: chrF averages precision and recall over the orders FIRST, then takes one "
    "F-score of the two averages": lambda h, r: _chrf(h, r, average="f"),
    "you pooled the counts of all orders into one precision and one recall: compute P_n and R_n per order, "
    "then average them": lambda h, r: _chrf(h, r, average="corpus"),
    "you averaged sentence-level chrF scores: corpus chrF adds the counts of all sentences first":
        lambda h, r: sum(_chrf([a], [b]) for a, b in zip(h, r)) / len(h),
}


def _cases():
    rng = random.Random(21)
    yield ["le chat"], ["les chats"]  # the stub's worked example
    yield from FIXED
    for case in range(50):
        N = rng.randint(2, 5)
        refs = []
        while len(refs) < N:
            ref = [rng.choice(WORDS) for _ in range(rng.randint(2, 10))]
            if len("".join(ref)) >= 6:  # every order has a reference n-gram (see the module docstring)
                refs.append(ref)
        hyps = [_edit(rng, r) for r in refs]
        if case % 10 == 9:  # morphology: chrF's point is partial credit for "chats" vs "chat"
            hyps = [[w + rng.choice(["s", "e", "es"]) if len(w) > 2 and rng.random() < 0.5 else w for w in h]
                    for h in hyps]
        yield [" ".join(h) for h in hyps], [" ".join(r) for r in refs]


def grade(corpus_chrf) -> int:
    n = 0
    for hyps, refs in _cases():
        context = f"corpus_chrf({hyps!r}, {refs!r})"
        got = call(corpus_chrf, list(hyps), list(refs), context=context)
        want = reference(hyps, refs)
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            fail(f"should return a float (the score, 0..100), got {type(got).__name__}", context)
        if not math.isfinite(got):
            fail(f"returned {got}: if P + R is 0, chrF is 0.0", context)
        if abs(got - want) <= 1e-6:
            n += 1
            continue
        if want > 0 and abs(100 * got - want) <= 1e-6:
            fail(f"returned {got:.6g} but should be {want:.6g}: report chrF in 0..100 like sacreBLEU (times 100)",
                 context)
        for why, variant in _VARIANTS.items():
            if abs(got - variant(hyps, refs)) <= 1e-6:
                fail(f"returned {got:.6g} but should be {want:.6g}: {why}", context)
        fail(f"returned {got:.6g} but should be {want:.6g}: spaces removed, character n-grams n = 1..6, clipped "
             "matches summed over the corpus, P and R averaged over the orders, then F with beta = 2", context)
    return n
