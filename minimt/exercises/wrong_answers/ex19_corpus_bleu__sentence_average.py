# expect: you averaged sentence-level BLEU scores
import math
from collections import Counter


def sentence_bleu(hyp, ref):
    h, rf = hyp.split(), ref.split()
    precisions = []
    for n in range(1, 5):
        hc = Counter(tuple(h[i:i + n]) for i in range(len(h) - n + 1))
        rc = Counter(tuple(rf[i:i + n]) for i in range(len(rf) - n + 1))
        m, t = sum(min(k, rc[g]) for g, k in hc.items()), sum(hc.values())
        if m == 0:
            return 0.0
        precisions.append(m / t)
    bp = 1.0 if len(h) >= len(rf) else math.exp(1 - len(rf) / len(h))
    return 100 * bp * math.exp(sum(map(math.log, precisions)) / 4)


def corpus_bleu(hypotheses, references):
    return sum(sentence_bleu(h, r) for h, r in zip(hypotheses, references)) / len(hypotheses)
