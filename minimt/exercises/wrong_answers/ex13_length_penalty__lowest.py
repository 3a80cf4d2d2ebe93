# expect: you picked the LOWEST score
def best_hypothesis(hypotheses, *, alpha):
    scored = [(t, lp / ((5 + len(t)) / 6) ** alpha) for t, lp in hypotheses]
    return min(scored, key=lambda h: h[1])
