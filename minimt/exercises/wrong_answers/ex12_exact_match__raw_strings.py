# expect: you compared the raw strings
def exact_match(hypotheses, references):
    if len(hypotheses) != len(references) or not references:
        raise ValueError("lengths differ")
    return sum(h == r for h, r in zip(hypotheses, references)) / len(references)
