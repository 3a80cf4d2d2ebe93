"""Exercise 12: exact-match accuracy, with the space normalisation French typography needs.

The reference normalises with minimt.evaluate.normalize (NFKC + collapsed whitespace, what BLEU/chrF
see); on these cases that is exactly the rule the stub states (no-break spaces → space, collapse).
"""
from __future__ import annotations

import random

from minimt.evaluate import normalize as normalise

from ..grading import CheckFailed, NotDone, StudentError, call, fail

HINTS = [
    "Normalise both sides the same way: replace '\\u00a0' and '\\u202f' by ' ', then ' '.join(text.split()) "
    "collapses runs of spaces and strips both ends.",
    "Count the pairs whose normalised texts are equal, divide by the number of pairs: a fraction in [0, 1].",
    "Check first: if len(hypotheses) != len(references) or there are none, raise ValueError — zip() would "
    "silently drop the extra sentences.",
]

NBSP, NNBSP = "\u00a0", "\u202f"


def reference(hypotheses: list[str], references: list[str]) -> float:
    if len(hypotheses) != len(references) or not references:
        raise ValueError("need as many hypotheses as references, at least one")
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


_VARIANTS = {
    "you compared the raw strings: 'va\\u202f?' (French narrow no-break space) and 'va ?' are the same "
    "translation — normalise spaces first": lambda h, r: sum(a == b for a, b in zip(h, r)) / len(r),
    "you ignored case: 'paris' and 'Paris' differ — exact match compares the text as written, after "
    "normalising only the spaces": lambda h, r: sum(normalise(a).lower() == normalise(b).lower()
                                                    for a, b in zip(h, r)) / len(r),
    "you only stripped the ends: a no-break space inside the sentence ('va\\u00a0?') is still a space — "
    "replace '\\u00a0' and '\\u202f' by ' '": lambda h, r: sum(a.strip() == b.strip() for a, b in zip(h, r)) / len(r),
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
            fail(f"should return a float, got {type(got).__name__}", context)
        if abs(got - want) > 1e-9:
            if abs(got - 100 * want) < 1e-9 and want > 0:
                fail(f"returned {got} but should be {want}: return a fraction in [0, 1], not a percentage", context)
            for why, variant in _VARIANTS.items():
                if abs(got - variant(hyps, refs)) < 1e-9:
                    fail(f"returned {got:.4g} but should be {want:.4g}: {why}", context)
            fail(f"returned {got:.4g} but should be {want:.4g} ({round(want * N)} of {N} match after normalising "
                 "spaces)", context)
        n += 1
    for hyps, refs, what in ([["a", "b"], ["a"], "2 hypotheses and 1 reference"], [[], [], "no sentences at all"]):
        context = f"exact_match({hyps!r}, {refs!r})"
        try:
            got = call(exact_match, hyps, refs, context=context)
        except StudentError as e:
            if "raised ValueError" in str(e):
                n += 1
                continue
            raise
        except (CheckFailed, NotDone):
            raise
        fail(f"returned {got!r} for {what}: raise ValueError — a score over mismatched lists would be silently "
             "wrong (zip() drops the extra sentences)", context)
    return n
