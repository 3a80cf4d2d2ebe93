# expect: you ignored case
def exact_match(hypotheses, references):
    if len(hypotheses) != len(references) or not references:
        raise ValueError("lengths differ")
    norm = lambda s: " ".join(s.replace("\u00a0", " ").replace("\u202f", " ").split()).lower()
    return sum(norm(h) == norm(r) for h, r in zip(hypotheses, references)) / len(references)
