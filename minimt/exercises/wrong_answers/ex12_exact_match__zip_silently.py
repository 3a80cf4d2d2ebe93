# expect: raise ValueError
def exact_match(hypotheses, references):
    norm = lambda s: " ".join(s.replace("\u00a0", " ").replace("\u202f", " ").split())
    pairs = list(zip(hypotheses, references))
    return sum(norm(h) == norm(r) for h, r in pairs) / max(len(pairs), 1)
