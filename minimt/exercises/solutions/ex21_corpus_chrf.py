"""Exercise 21 — reference solution."""
from collections import Counter

BETA = 2      # recall weighs beta times as much as precision
ORDERS = 6    # character n-grams, n = 1..6


def char_ngrams(text, n):
    chars = "".join(text.split())                                  # spaces do not count
    return Counter(chars[i:i + n] for i in range(len(chars) - n + 1))


def corpus_chrf(hypotheses, references):
    matches, hyp_total, ref_total = [0] * ORDERS, [0] * ORDERS, [0] * ORDERS
    for hyp, ref in zip(hypotheses, references):
        for n in range(1, ORDERS + 1):
            h, r = char_ngrams(hyp, n), char_ngrams(ref, n)
            matches[n - 1] += sum(min(k, r[g]) for g, k in h.items())   # clipped
            hyp_total[n - 1] += sum(h.values())
            ref_total[n - 1] += sum(r.values())
    orders = [i for i in range(ORDERS) if hyp_total[i] > 0 and ref_total[i] > 0]
    if not orders:
        return 0.0
    p = sum(matches[i] / hyp_total[i] for i in orders) / len(orders)  # average precision over orders
    r = sum(matches[i] / ref_total[i] for i in orders) / len(orders)  # average recall over orders
    if p + r == 0:
        return 0.0
    return 100 * (1 + BETA**2) * p * r / (BETA**2 * p + r)
