# expect: you averaged the six F-scores
from collections import Counter


def corpus_chrf(hypotheses, references):
    m, h, r = [0] * 6, [0] * 6, [0] * 6
    for hyp, ref in zip(hypotheses, references):
        a, b = "".join(hyp.split()), "".join(ref.split())
        for n in range(1, 7):
            hc = Counter(a[i:i + n] for i in range(len(a) - n + 1))
            rc = Counter(b[i:i + n] for i in range(len(b) - n + 1))
            m[n - 1] += sum(min(k, rc[g]) for g, k in hc.items())
            h[n - 1] += sum(hc.values())
            r[n - 1] += sum(rc.values())
    orders = [i for i in range(6) if h[i] and r[i]]
    beta = 2
    scores = []
    for i in orders:  # an F-score per order, then their mean
        p, rec = m[i] / h[i], m[i] / r[i]
        scores.append(100 * (1 + beta**2) * p * rec / (beta**2 * p + rec) if p + rec else 0.0)
    return sum(scores) / len(scores)
