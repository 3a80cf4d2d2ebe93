# expect: that is F1 (beta = 1)
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
    beta = 1  # precision and recall weighted the same
    p = sum(m[i] / h[i] for i in orders) / len(orders)
    rec = sum(m[i] / r[i] for i in orders) / len(orders)
    return 100 * (1 + beta**2) * p * rec / (beta**2 * p + rec) if p + rec else 0.0
