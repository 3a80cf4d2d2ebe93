"""Exercise 19 — reference solution."""
import math
from collections import Counter


def ngrams(words, n):
    """Counter of the n-grams (tuples of n words) of one sentence."""
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def corpus_bleu(hypotheses, references):
    matches, totals = [0] * 4, [0] * 4       # per order n = 1..4, summed over the corpus
    c = r = 0                                # hypothesis / reference length in words
    for hyp, ref in zip(hypotheses, references):
        h, rf = hyp.split(), ref.split()
        c, r = c + len(h), r + len(rf)
        for n in range(1, 5):
            hyp_counts, ref_counts = ngrams(h, n), ngrams(rf, n)
            # clipping: an n-gram matches at most as often as the reference has it
            matches[n - 1] += sum(min(k, ref_counts[g]) for g, k in hyp_counts.items())
            totals[n - 1] += sum(hyp_counts.values())
    if min(matches) == 0:                    # some order never matches: geometric mean is 0
        return 0.0
    log_mean = sum(math.log(m / t) for m, t in zip(matches, totals)) / 4
    bp = 1.0 if c >= r else math.exp(1 - r / c)   # short output is punished here, not in p_n
    return 100 * bp * math.exp(log_mean)
