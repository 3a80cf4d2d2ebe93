"""Exercise 13 — reference solution."""


def length_penalty(n, alpha):
    return ((5 + n) / 6) ** alpha  # 1 for n = 1; grows slowly with the length


def best_hypothesis(hypotheses, *, alpha):
    best = None
    for tokens, log_prob in hypotheses:
        score = log_prob / length_penalty(len(tokens), alpha)  # EOS counts in len(tokens)
        if best is None or score > best[1]:                     # strictly better: ties keep the first
            best = (list(tokens), score)
    return best
