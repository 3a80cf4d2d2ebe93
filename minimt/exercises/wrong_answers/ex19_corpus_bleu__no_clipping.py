# expect: you did not clip the n-gram counts
import math
from collections import Counter


def corpus_bleu(hypotheses, references):
    matches, totals, c, r = [0] * 4, [0] * 4, 0, 0
    for hyp, ref in zip(hypotheses, references):
        h, rf = hyp.split(), ref.split()
        c, r = c + len(h), r + len(rf)
        for n in range(1, 5):
            hyp_ngrams = [tuple(h[i:i + n]) for i in range(len(h) - n + 1)]
            ref_ngrams = set(tuple(rf[i:i + n]) for i in range(len(rf) - n + 1))
            matches[n - 1] += sum(g in ref_ngrams for g in hyp_ngrams)  # "le le le le": 4 of 4
            totals[n - 1] += len(hyp_ngrams)
    if min(matches) == 0:
        return 0.0
    bp = 1.0 if c >= r else math.exp(1 - r / c)
    return 100 * bp * math.exp(sum(math.log(m / t) for m, t in zip(matches, totals)) / 4)
