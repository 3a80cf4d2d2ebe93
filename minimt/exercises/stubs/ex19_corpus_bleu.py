"""Exercise 19 — corpus BLEU by hand: clipped n-gram precision, brevity penalty (lesson 09).

Check your answer with:   minimt exercises check 19      (add --hint for a hint)
"""
import math
from collections import Counter


def corpus_bleu(hypotheses, references):
    """BLEU of a whole test set, in 0..100 — the number sacreBLEU prints.

    ``hypotheses[i]`` is the model's translation of sentence i, ``references[i]`` its one
    reference; both are already normalised text, and a "word" is what ``text.split()`` gives
    (no further tokenisation). For n = 1, 2, 3, 4:

        p_n = sum over sentences of CLIPPED matches / sum over sentences of hypothesis n-grams

    where an n-gram of the hypothesis matches at most as many times as it occurs in that
    sentence's reference ("il il il" against "il fait beau" earns one "il", not three).
    Counts are added over the whole corpus first; only then are they divided.

        c = total hypothesis words, r = total reference words
        BP = 1 if c >= r else exp(1 - r / c)       (0 if c == 0)
        BLEU = 100 * BP * exp((log p_1 + log p_2 + log p_3 + log p_4) / 4)

    If some p_n is 0 (no 4-gram of the whole corpus matches, say), the geometric mean is 0:
    return 0.0. (That is sacreBLEU with smooth_method="none"; its default "exp" smoothing,
    which minimt's reported BLEU uses, replaces such a 0 by a small number instead.)

    Worked example:
        corpus_bleu(["le chat dort sur le tapis", "il il fait beau"],
                    ["le chat dort sur le tapis rouge", "il fait très beau"])  ≈ 68.97
    1-grams: 6 of 6, then "il il fait beau" has 2 × "il" but the reference only 1: 1+1+1 = 3
    of 4 → p_1 = 9/10. p_2 = (5+1)/(5+3) = 6/8, p_3 = (4+0)/(4+2) = 4/6, p_4 = (3+0)/(3+1) = 3/4.
    c = 10 < r = 11 → BP = exp(1 - 11/10) = 0.905. BLEU = 100 × 0.905 × (0.9·0.75·0.667·0.75)^¼.
    """
    raise NotImplementedError
