# expect: you multiplied by the penalty
def best_hypothesis(hypotheses, *, alpha):
    scored = [(t, lp * ((5 + len(t)) / 6) ** alpha) for t, lp in hypotheses]
    return max(scored, key=lambda h: h[1])
