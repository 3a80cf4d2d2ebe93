# expect: you compared raw log-probabilities
def best_hypothesis(hypotheses, *, alpha):
    tokens, log_prob = max(hypotheses, key=lambda h: h[1])
    return tokens, log_prob / ((5 + len(tokens)) / 6) ** alpha
