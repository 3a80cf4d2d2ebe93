"""Exercise 13 — the GNMT length penalty: pick the best finished hypothesis (lesson 08).

Check your answer with:   minimt exercises check 13      (add --hint for a hint)
"""


def best_hypothesis(hypotheses, *, alpha):
    """Return ``(tokens, score)`` of the best hypothesis under the GNMT length penalty.

    ``hypotheses`` is a list of ``(tokens, log_prob)``: the generated ids (EOS included) and the
    sum of their log-probabilities (a negative number: every token makes it smaller, so raw
    log-probabilities always prefer short translations). Google's NMT system divides by

        lp(n) = ((5 + n) / 6) ** alpha        n = len(tokens), EOS included
        score = log_prob / lp(n)

    and picks the highest score. alpha = 0 means no penalty; larger alpha favours longer output.
    On a tie keep the first hypothesis.

    Worked example: hypotheses = [([7, 3], -2.0), ([7, 8, 9, 4, 3], -2.6)]
        alpha = 0:  scores -2.0 and -2.6                     → ([7, 3], -2.0)
        alpha = 1:  -2.0 / (7/6) = -1.714,  -2.6 / (10/6) = -1.56  → ([7, 8, 9, 4, 3], -1.56)
    """
    raise NotImplementedError
