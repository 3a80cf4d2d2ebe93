"""Exercise 12 — reference solution."""


def _normalise(text):
    text = text.replace("\u00a0", " ").replace("\u202f", " ")  # French no-break spaces → space
    return " ".join(text.split())                               # collapse runs, strip the ends


def exact_match(hypotheses, references):
    if len(hypotheses) != len(references) or not references:
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references: "
                         "need one hypothesis per reference, and at least one")
    hits = sum(_normalise(h) == _normalise(r) for h, r in zip(hypotheses, references))
    return hits / len(references)
