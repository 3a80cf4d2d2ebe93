# expect: no brevity penalty
import math
from collections import Counter


def corpus_bleu(hypotheses, references):
    matches, totals = [0] * 4, [0] * 4
    for hyp, ref in zip(hypotheses, references):
        h, rf = hyp.split(), ref.split()
        for n in range(1, 5):
            hc = Counter(tuple(h[i:i + n]) for i in range(len(h) - n + 1))
            rc = Counter(tuple(rf[i:i + n]) for i in range(len(rf) - n + 1))
            matches[n - 1] += sum(min(k, rc[g]) for g, k in hc.items())
            totals[n - 1] += sum(hc.values())
    if min(matches) == 0:
        return 0.0
    return 100 * math.exp(sum(math.log(m / t) for m, t in zip(matches, totals)) / 4)
