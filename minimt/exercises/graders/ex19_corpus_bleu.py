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

from ..grading import because, call, fail
from ..language import in_language, say

HINTS = [
    say(en="For one sentence and one n: Counter(tuple(words[i:i+n]) for i in range(len(words)-n+1)) for the "
           "hypothesis and for the reference; matches = sum(min(count, ref_counts[g]) for g, count in "
           "hyp_counts.items()).",
        zh="对一个句子、一个 n：候选译文和参考译文各算一次 Counter(tuple(words[i:i+n]) for i in "
           "range(len(words)-n+1))；匹配数 matches = sum(min(count, ref_counts[g]) for g, count in "
           "hyp_counts.items())。"),
    say(en="Add matches and totals over ALL sentences first (four numbers each), and the lengths c and r too; divide "
           "only at the end. Averaging sentence scores is a different (and worse) metric.",
        zh="先把所有句子的匹配数和总数加起来（各四个数），长度 c 和 r 也一样；最后才做除法。"
           "对各句的分数取平均是另一个（而且更差的）指标。"),
    say(en="BP = exp(1 - r/c) when c < r, else 1. BLEU = 100 * BP * exp(sum(log(m/t)) / 4); if any m is 0, return 0.0.",
        zh="c < r 时 BP = exp(1 - r/c)，否则为 1。BLEU = 100 * BP * exp(sum(log(m/t)) / 4)；只要有一个 m 为 0，"
           "就返回 0.0。"),
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


# Typical mistakes, named in both languages (shown with in_language at grading time).
_VARIANTS = {
    say(en="you did not clip the n-gram counts: a hypothesis n-gram matches at most as many times as the reference "
           "has it (\"il il fait beau\" against \"il fait très beau\" earns ONE \"il\"), otherwise \"le le le le\" "
           "scores a perfect 1-gram precision",
        zh="你没有截断 n 元语法的计数：候选译文里的一个 n 元语法，最多只能按参考译文里出现的次数算匹配"
           "（`il il fait beau` 对 `il fait très beau` 只得一个 `il`），否则 `le le le le` 的 1 元精确率"
           "就是满分"): lambda h, r: _bleu(h, r, clip=False),
    say(en="no brevity penalty: precision alone rewards short output (one sure word scores p_1 = 1) — multiply by "
           "BP = exp(1 - r/c) when the hypotheses have fewer words c than the references r",
        zh="没有简短惩罚：只看精确率会奖励短的输出（只输出一个有把握的词，p_1 = 1）—— 候选译文的词数 c "
           "少于参考译文的词数 r 时，要乘上 BP = exp(1 - r/c)"): lambda h, r: _bleu(h, r, bp="none"),
    say(en="the brevity penalty is upside down: it is exp(1 - r/c) with r the reference length and c the hypothesis "
           "length, which is < 1 exactly when c < r",
        zh="简短惩罚写反了：它是 exp(1 - r/c)，r 是参考译文的长度，c 是候选译文的长度；恰好在 c < r 时它 < 1"):
        lambda h, r: _bleu(h, r, bp="flipped"),
    say(en="you took the arithmetic mean of p_1..p_4: BLEU uses the geometric mean exp((log p_1 + … + log p_4) / 4)",
        zh="你对 p_1..p_4 取了算术平均：BLEU 用的是几何平均 exp((log p_1 + … + log p_4) / 4)"):
        lambda h, r: _bleu(h, r, mean="arithmetic"),
    say(en="you divided the matches by the REFERENCE's n-gram count (that is a recall): precision divides by the "
           "hypothesis's n-grams",
        zh="你把匹配数除以了参考译文的 n 元语法个数（那是召回率）：精确率要除以候选译文的 n 元语法个数"):
        lambda h, r: _bleu(h, r, divide_by="ref"),
    say(en="you averaged sentence-level BLEU scores: corpus BLEU adds the match and n-gram counts of all sentences "
           "first, then divides once",
        zh="你对句子级 BLEU 分数取了平均：语料级 BLEU 先把所有句子的匹配数和 n 元语法个数加起来，再做一次除法"):
        lambda h, r: sum(_bleu([a], [b]) for a, b in zip(h, r)) / len(h),
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
            kind = type(got).__name__
            fail(say(en=f"should return a float (the score, 0..100), got {kind}",
                     zh=f"应返回一个 float（分数，0..100），得到的是 {kind}"), context)
        if not math.isfinite(got):
            fail(say(en=f"returned {got}: when some p_n is 0 the score is 0.0 — do not take log(0)",
                     zh=f"返回了 {got}：有某个 p_n 为 0 时，分数就是 0.0 —— 不要去算 log(0)"), context)
        if abs(got - want) <= 1e-6:
            n += 1
            continue
        returned = say(en=f"returned {got:.6g} but should be {want:.6g}", zh=f"返回了 {got:.6g}，应为 {want:.6g}")
        if want > 0 and abs(100 * got - want) <= 1e-6:
            fail(because(returned, say(en="report BLEU in 0..100 like sacreBLEU (times 100)",
                                       zh="像 sacreBLEU 一样，BLEU 用 0..100 表示（乘以 100）")), context)
        for why, variant in _VARIANTS.items():
            if abs(got - variant(hyps, refs)) <= 1e-6:
                fail(because(returned, in_language(why)), context)
        m, t, c, r = _stats(hyps, refs)
        if want == 0:
            fail(say(en=f"returned {got:.6g} but should be 0: the clipped matches per order are {m} of {t} n-grams — "
                        "an order with no match makes the geometric mean 0 (this exercise uses no smoothing)",
                     zh=f"返回了 {got:.6g}，应为 0：各阶截断后的匹配数是 {m}，n 元语法总数是 {t} —— 只要有一阶"
                        "没有匹配，几何平均就是 0（这个练习不做平滑）"), context)
        fail(because(returned, say(en=f"clipped matches per order {m} of {t} hypothesis n-grams, c = {c} hypothesis "
                                      f"words, r = {r} reference words",
                                   zh=f"各阶截断后的匹配数 {m}，候选译文的 n 元语法总数 {t}，候选译文 c = {c} 个词，"
                                      f"参考译文 r = {r} 个词")), context)
    return n
