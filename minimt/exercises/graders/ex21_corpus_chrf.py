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

from ..grading import because, call, fail
from ..language import in_language, say
from .ex19_corpus_bleu import FIXED, WORDS, _edit

HINTS = [
    say(en="chars = ''.join(text.split()); Counter(chars[i:i+n] for i in range(len(chars)-n+1)) gives the character "
           "n-grams; matches = sum(min(k, ref_counts[g]) for g, k in hyp_counts.items()).",
        zh="chars = ''.join(text.split())；Counter(chars[i:i+n] for i in range(len(chars)-n+1)) 给出字符 n 元语法；"
           "匹配数 matches = sum(min(k, ref_counts[g]) for g, k in hyp_counts.items())。"),
    say(en="Sum matches, hypothesis n-grams and reference n-grams over all sentences (6 numbers each). Then P_n and "
           "R_n per order, then AVERAGE them over the orders, and only then combine P and R.",
        zh="把所有句子的匹配数、候选译文的 n 元语法数、参考译文的 n 元语法数分别加起来（各 6 个数）。"
           "然后每一阶算 P_n 和 R_n，再对各阶取平均，最后才把 P 和 R 合起来。"),
    say(en="F-beta with beta = 2: 100 * 5 * P * R / (4 * P + R). Recall (how much of the reference you produced) "
           "counts more than precision.",
        zh="beta = 2 的 F-beta：100 * 5 * P * R / (4 * P + R)。召回率（参考译文里有多少被你译出来了）"
           "比精确率更重要。"),
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


# Typical mistakes, named in both languages (shown with in_language at grading time).
_VARIANTS = {
    say(en="you kept the spaces: sacreBLEU's chrF removes them first (''.join(text.split())), so 'le chat' is "
           "'lechat' and its 2-grams are le ec ch ha at, with no ' c' or 'e '",
        zh="你保留了空格：sacreBLEU 的 chrF 先去掉空格（''.join(text.split())），所以 `le chat` 变成 `lechat`，"
           "它的 2 元语法是 `le ec ch ha at`，没有 `' c'` 或 `'e '`"): lambda h, r: _chrf(h, r, keep_spaces=True),
    say(en="that is F1 (beta = 1): chrF uses beta = 2, so recall counts twice as much — "
           "100 * 5 * P * R / (4 * P + R)",
        zh="这是 F1（beta = 1）：chrF 用 beta = 2，召回率的分量是精确率的两倍 —— "
           "100 * 5 * P * R / (4 * P + R)"): lambda h, r: _chrf(h, r, beta=1),
    say(en="precision and recall are swapped in the F-score: with beta = 2 it is 5·P·R / (4·P + R), the 4 "
           "multiplies P",
        zh="F 值里精确率和召回率放反了：beta = 2 时是 5·P·R / (4·P + R)，4 乘的是 P"):
        lambda h, r: _chrf(h, r, beta=0.5),
    say(en="you did not clip the n-gram counts: a hypothesis n-gram matches at most as often as the reference has it",
        zh="你没有截断 n 元语法的计数：候选译文里的一个 n 元语法，最多只能按参考译文里出现的次数算匹配"):
        lambda h, r: _chrf(h, r, clip=False),
    say(en="you averaged the six F-scores: chrF averages precision and recall over the orders FIRST, then takes one "
           "F-score of the two averages",
        zh="你对六个 F 值取了平均：chrF 先对各阶的精确率和召回率分别取平均，再用这两个平均值算一个 F 值"):
        lambda h, r: _chrf(h, r, average="f"),
    say(en="you pooled the counts of all orders into one precision and one recall: compute P_n and R_n per order, "
           "then average them",
        zh="你把各阶的计数合在一起，只算了一个精确率和一个召回率：要每一阶分别算 P_n 和 R_n，再取平均"):
        lambda h, r: _chrf(h, r, average="corpus"),
    say(en="you averaged sentence-level chrF scores: corpus chrF adds the counts of all sentences first",
        zh="你对句子级 chrF 分数取了平均：语料级 chrF 先把所有句子的计数加起来"):
        lambda h, r: sum(_chrf([a], [b]) for a, b in zip(h, r)) / len(h),
}


WORKED = (["le chat"], ["les chats"])  # the stub's worked example


def _cases():
    rng = random.Random(21)
    yield WORKED
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
            kind = type(got).__name__
            fail(say(en=f"should return a float (the score, 0..100), got {kind}",
                     zh=f"应返回一个 float（分数，0..100），得到的是 {kind}"), context)
        if not math.isfinite(got):
            fail(say(en=f"returned {got}: if P + R is 0, chrF is 0.0", zh=f"返回了 {got}：P + R 为 0 时，chrF 就是 0.0"),
                 context)
        if abs(got - want) <= 1e-6:
            n += 1
            continue
        returned = say(en=f"returned {got:.6g} but should be {want:.6g}", zh=f"返回了 {got:.6g}，应为 {want:.6g}")
        if want > 0 and abs(100 * got - want) <= 1e-6:
            fail(because(returned, say(en="report chrF in 0..100 like sacreBLEU (times 100)",
                                       zh="像 sacreBLEU 一样，chrF 用 0..100 表示（乘以 100）")), context)
        for why, variant in _VARIANTS.items():
            if abs(got - variant(hyps, refs)) <= 1e-6:
                fail(because(returned, in_language(why)), context)
        fail(because(returned, say(en="spaces removed, character n-grams n = 1..6, clipped matches summed over the "
                                      "corpus, P and R averaged over the orders, then F with beta = 2",
                                   zh="去掉空格，字符 n 元语法 n = 1..6，截断后的匹配数在整个语料上求和，"
                                      "P 和 R 对各阶取平均，最后算 beta = 2 的 F 值")), context)
    return n
