"""Exercise 12: exact-match accuracy, with the space normalisation French typography needs.

The reference normalises with minimt.evaluate.normalize (NFKC + collapsed whitespace, what BLEU/chrF
see); on these cases that is exactly the rule the stub states (no-break spaces → space, collapse).
"""
from __future__ import annotations

import random

from minimt.evaluate import normalize as normalise

from ..grading import CheckFailed, NotDone, StudentError, because, call, fail
from ..language import say

HINTS = [
    say(en="Normalise both sides the same way: replace '\\u00a0' and '\\u202f' by ' ', then ' '.join(text.split()) "
           "collapses runs of spaces and strips both ends.",
        zh="两边用同样的方式规范化：把 '\\u00a0' 和 '\\u202f' 换成 ' '，然后 ' '.join(text.split()) "
           "会把连续的空格合并成一个，并去掉两端的空白。"),
    say(en="Count the pairs whose normalised texts are equal, divide by the number of pairs: a fraction in [0, 1].",
        zh="数一数规范化后文本相同的句对，再除以句对总数：得到 [0, 1] 之间的一个比例。"),
    say(en="Check first: if len(hypotheses) != len(references) or there are none, raise ValueError — zip() would "
           "silently drop the extra sentences.",
        zh="先检查：如果 len(hypotheses) != len(references)，或者一个句子都没有，就抛出 ValueError —— "
           "zip() 会悄悄丢掉多出来的句子。"),
]

NBSP, NNBSP = "\u00a0", "\u202f"
_RAISED_VALUE_ERROR = ("raised ValueError", "抛出了 ValueError")  # how call() reports it, en and zh


def reference(hypotheses: list[str], references: list[str]) -> float:
    if len(hypotheses) != len(references) or not references:
        raise ValueError(say(en="need as many hypotheses as references, at least one",
                             zh="译文和参考译文的个数必须相同，且至少有一个"))
    return sum(normalise(h) == normalise(r) for h, r in zip(hypotheses, references)) / len(references)


SENTENCES = ["Comment ça va ?", "Je suis fatigué.", "Où est la gare ?", "Il fait beau !", "J'aime Paris.",
             "Nous avons faim.", "C'est l'heure : on part ?", "Elle lit un livre."]


def _respell(rng: random.Random, s: str) -> str:
    """The same text with French typographic spaces or extra spaces: must still match."""
    s = s.replace(" ?", rng.choice([NNBSP + "?", NBSP + "?", "  ?"])).replace(" !", NNBSP + "!")
    s = s.replace(" :", NBSP + ":")
    return rng.choice(["", " "]) + s + rng.choice(["", " ", "\n"])


def _differ(rng: random.Random, s: str) -> str:
    """A different translation: case, punctuation or a word changes."""
    return rng.choice([s.lower(), s.rstrip(".?!").rstrip(), s.replace("est", "es"), s + " Merci."])


def _variants() -> dict:
    """What typical wrong answers compute, to name the mistake (in the language in use)."""
    return {
        say(en="you compared the raw strings: 'va\\u202f?' (French narrow no-break space) and 'va ?' are the same "
               "translation — normalise spaces first",
            zh="你比较的是原始字符串：'va\\u202f?'（法语的窄不换行空格）和 'va ?' 是同一个译文 —— "
               "要先规范化空格"): lambda h, r: sum(a == b for a, b in zip(h, r)) / len(r),
        say(en="you ignored case: 'paris' and 'Paris' differ — exact match compares the text as written, after "
               "normalising only the spaces",
            zh="你忽略了大小写：'paris' 和 'Paris' 不同 —— 精确匹配比较的是写出来的文本，只规范化空格"):
            lambda h, r: sum(normalise(a).lower() == normalise(b).lower() for a, b in zip(h, r)) / len(r),
        say(en="you only stripped the ends: a no-break space inside the sentence ('va\\u00a0?') is still a space — "
               "replace '\\u00a0' and '\\u202f' by ' '",
            zh="你只去掉了两端的空白：句子中间的不换行空格（'va\\u00a0?'）也是空格 —— "
               "要把 '\\u00a0' 和 '\\u202f' 换成 ' '"):
            lambda h, r: sum(a.strip() == b.strip() for a, b in zip(h, r)) / len(r),
    }


def grade(exact_match) -> int:
    rng = random.Random(12)
    n = 0
    for case in range(40):
        N = rng.randint(2, 7)
        refs = [rng.choice(SENTENCES) for _ in range(N)]
        hyps = [rng.choice([r, _respell(rng, r), _differ(rng, r)]) for r in refs]
        context = f"exact_match({hyps!r}, {refs!r})"
        got = call(exact_match, list(hyps), list(refs), context=context)
        want = reference(hyps, refs)
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            kind = type(got).__name__
            fail(say(en=f"should return a float, got {kind}", zh=f"应返回一个浮点数，实际得到 {kind}"), context)
        if abs(got - want) > 1e-9:
            if abs(got - 100 * want) < 1e-9 and want > 0:
                fail(say(en=f"returned {got} but should be {want}: return a fraction in [0, 1], not a percentage",
                         zh=f"返回了 {got}，应为 {want}：要返回 [0, 1] 之间的比例，不是百分数"), context)
            is_not = say(en=f"returned {got:.4g} but should be {want:.4g}", zh=f"返回了 {got:.4g}，应为 {want:.4g}")
            for why, variant in _variants().items():
                if abs(got - variant(hyps, refs)) < 1e-9:
                    fail(because(is_not, why), context)
            matches = round(want * N)
            fail(say(en=f"{is_not} ({matches} of {N} match after normalising spaces)",
                     zh=f"{is_not}（规范化空格后，{N} 句里有 {matches} 句匹配）"), context)
        n += 1
    for hyps, refs, what in ([["a", "b"], ["a"], say(en="2 hypotheses and 1 reference", zh="2 个译文、1 个参考译文")],
                             [[], [], say(en="no sentences at all", zh="一个句子都没有")]):
        context = f"exact_match({hyps!r}, {refs!r})"
        try:
            got = call(exact_match, hyps, refs, context=context)
        except StudentError as e:
            if any(said in str(e) for said in _RAISED_VALUE_ERROR):
                n += 1
                continue
            raise
        except (CheckFailed, NotDone):
            raise
        fail(say(en=f"returned {got!r} for {what}: raise ValueError — a score over mismatched lists would be silently "
                    "wrong (zip() drops the extra sentences)",
                 zh=f"对“{what}”返回了 {got!r}：应抛出 ValueError —— 在长度不一致的列表上算出的分数会悄悄出错"
                    "（zip() 会丢掉多出来的句子）"), context)
    return n
