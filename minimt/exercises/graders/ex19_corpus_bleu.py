"""Exercise 19: corpus BLEU by hand, graded against sacreBLEU itself.

The reference is ``sacrebleu.metrics.BLEU(tokenize="none", smooth_method="none", force=True)``:
"none" tokenisation means sacreBLEU splits on whitespace only (what the stub asks for), and
"none" smoothing means an order with zero matches makes BLEU 0 (the stub says so). With these
settings sacreBLEU and the plain formula agree to ~1e-13; we allow 1e-6.
"""
from __future__ import annotations

import math
import random
from collections import Counter

from ..grading import call, fail

HINTS = [
    "For one sentence and one n: Counter(tuple(words[i:i+n]) for i in range(len(words)-n+1)) for the hypothesis "
    "and for the reference; matches = sum(min(count, ref_counts[g]) for g, count in hyp_counts.items()).",
    "Add matches and totals over ALL sentences first (four numbers each), and the lengths c and r too; divide only "
    "at the end. Averaging sentence scores is a different (and worse) metric.",
    "BP = exp(1 - r/c) when c < r, else 1. BLEU = 100 * BP * exp(sum(log(m/t)) / 4); if any m is 0, return 0.0.",
]


def reference(hypotheses: list[str], references: list[str]) -> float:
    from sacrebleu.metrics import BLEU
    bleu = BLEU(tokenize="none", smooth_method="none", force=True)  # whitespace split, no smoothing
    return bleu.corpus_score(list(hypotheses), [list(references)]).score


def _stats(hyps, refs, clip=True):
    m, t, c, r = [0] * 4, [0] * 4, 0, 0
    for hyp, ref in zip(hyps, refs):
        h, rf = hyp.split(), ref.split()
        c, r = c + len(h), r + len(rf)
        for n in range(1, 5):
            hc = Counter(tuple(h[i:i + n]) for i in range(len(h) - n + 1))
            rc = Counter(tuple(rf[i:i + n]) for i in range(len(rf) - n + 1))
            m[n - 1] += sum(min(k, rc[g]) if clip else (k if rc[g] else 0) for g, k in hc.items())
            t[n - 1] += sum(hc.values())
    return m, t, c, r


def _bleu(hyps, refs, *, clip=True, bp="right", mean="geometric", divide_by="hyp"):
    """The formula with one piece switched, to name a student's mistake."""
    m, t, c, r = _stats(hyps, refs, clip)
    if divide_by == "ref":
        t = _stats(refs, refs)[1]
    if min(m) == 0 or min(t) == 0:
        return 0.0
    p = [a / b for a, b in zip(m, t)]
    mean_p = math.exp(sum(map(math.log, p)) / 4) if mean == "geometric" else sum(p) / 4
    if bp == "none" or c == 0:
        penalty = 1.0 if bp == "none" else 0.0
    elif bp == "right":
        penalty = 1.0 if c >= r else math.exp(1 - r / c)
    else:  # the ratio upside down
        penalty = 1.0 if c >= r else math.exp(1 - c / r)
    return 100 * penalty * mean_p


_VARIANTS = {
    "you did not clip the n-gram counts: a hypothesis n-gram matches at most as many times as the reference "
    "has it (\"il il fait beau\" against \"il fait très beau\" earns ONE \"il\"), otherwise \"le le le le\" scores "
    "a perfect 1-gram precision": lambda h, r: _bleu(h, r, clip=False),
    "no brevity penalty: precision alone rewards short output (one sure word scores p_1 = 1) — multiply by "
    "BP = exp(1 - r/c) when the hypotheses have fewer words c than the references r":
        lambda h, r: _bleu(h, r, bp="none"),
    "the brevity penalty is upside down: it is exp(1 - r/c) with r the reference length and c the hypothesis "
    "length, which is < 1 exactly when c < r": lambda h, r: _bleu(h, r, bp="flipped"),
    "you took the arithmetic mean of p_1..p_4: BLEU uses the geometric mean exp((log p_1 + … + log p_4) / 4)":
        lambda h, r: _bleu(h, r, mean="arithmetic"),
    "you divided the matches by the REFERENCE's n-gram count (that is a recall): precision divides by the "
    "hypothesis's n-grams": lambda h, r: _bleu(h, r, divide_by="ref"),
    "you averaged sentence-level BLEU scores: corpus BLEU adds the match and n-gram counts of all sentences first, "
    "then divides once": lambda h, r: sum(_bleu([a], [b]) for a, b in zip(h, r)) / len(h),
}

WORDS = ["le", "chat", "chien", "dort", "mange", "sur", "la", "table", "tapis", "il", "fait", "beau", "très",
         "un", "petit", "rouge", "et", "?", ".", "je", "suis", "là"]


def _edit(rng: random.Random, words: list[str]) -> list[str]:
    """The reference with a mistake or two a model makes: a dropped, stuttered, changed or extra word."""
    w = list(words)
    for _ in range(rng.randint(0, 2)):
        op = rng.choice(["drop", "stutter", "stutter", "swap", "change", "truncate", "extra"])
        if op == "drop" and len(w) > 1:
            del w[rng.randrange(len(w))]
        elif op == "stutter" and w:
            i = rng.randrange(len(w))
            w.insert(i, w[i])
        elif op == "swap" and len(w) > 1:
            i = rng.randrange(len(w) - 1)
            w[i], w[i + 1] = w[i + 1], w[i]
        elif op == "change" and w:
            w[rng.randrange(len(w))] = rng.choice(WORDS)
        elif op == "truncate" and len(w) > 3:
            w = w[: rng.randint(2, len(w) - 1)]
        elif op == "extra":
            w.insert(rng.randint(0, len(w)), rng.choice(WORDS))
    return w


FIXED = [  # the stub's worked example; a stutter with nothing else wrong; a short, sure hypothesis
    (["le chat dort sur le tapis", "il il fait beau"], ["le chat dort sur le tapis rouge", "il fait très beau"]),
    (["le le chat dort sur la table", "je suis là"], ["le chat dort sur la table", "je suis là"]),
    (["le chat dort", "il fait très beau"], ["le petit chat dort sur le tapis", "il fait très beau"]),
    (["le le le le", "il fait beau et je suis là"], ["le chat est sur le tapis", "il fait beau et je suis là"]),
]


def _cases():
    rng = random.Random(19)
    yield from FIXED
    for case in range(60):
        N = rng.randint(2, 6)
        refs = [[rng.choice(WORDS) for _ in range(rng.randint(3, 12))] for _ in range(N)]
        hyps = [_edit(rng, r) for r in refs]
        if case % 15 == 14:
            hyps[rng.randrange(N)] = []  # an empty output: it has no n-grams but its reference still counts
        yield [" ".join(h) for h in hyps], [" ".join(r) for r in refs]


def grade(corpus_bleu) -> int:
    n = 0
    for hyps, refs in _cases():
        context = f"corpus_bleu({hyps!r}, {refs!r})"
        got = call(corpus_bleu, list(hyps), list(refs), context=context)
        want = reference(hyps, refs)
        if isinstance(got, bool) or not isinstance(got, (int, float)) or isinstance(got, complex):
            fail(f"should return a float (the score, 0..100), got {type(got).__name__}", context)
        if not math.isfinite(got):
            fail(f"returned {got}: when some p_n is 0 the score is 0.0 — do not take log(0)", context)
        if abs(got - want) <= 1e-6:
            n += 1
            continue
        if want > 0 and abs(100 * got - want) <= 1e-6:
            fail(f"returned {got:.6g} but should be {want:.6g}: report BLEU in 0..100 like sacreBLEU (times 100)",
                 context)
        for why, variant in _VARIANTS.items():
            if abs(got - variant(hyps, refs)) <= 1e-6:
                fail(f"returned {got:.6g} but should be {want:.6g}: {why}", context)
        m, t, c, r = _stats(hyps, refs)
        if want == 0:
            fail(f"returned {got:.6g} but should be 0: the clipped matches per order are {m} of {t} n-grams — an "
                 "order with no match makes the geometric mean 0 (this exercise uses no smoothing)", context)
        fail(f"returned {got:.6g} but should be {want:.6g}: clipped matches per order {m} of {t} hypothesis "
             f"n-grams, c = {c} hypothesis words, r = {r} reference words", context)
    return n
