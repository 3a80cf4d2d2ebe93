"""Exercise 12 — exact-match accuracy, a BLEU-free evaluation (lesson 09).

Check your answer with:   minimt exercises check 12      (add --hint for a hint)
"""


def exact_match(hypotheses, references):
    """The fraction of hypotheses that equal their reference, after normalising spaces.

    ``hypotheses`` and ``references`` are lists of strings of the same length (sentence i of one
    pairs with sentence i of the other). Two sentences match when they are equal after:
      - the no-break spaces French typography puts before ? ! : ; (U+00A0 and U+202F) become ' ';
      - runs of spaces collapse to one, and spaces at both ends go.
    Nothing else is changed: case and punctuation count. Return a float in [0, 1].
    Raise ValueError if the lists have different lengths or are empty.

    Worked example:
        exact_match(["Comment ça va\\u202f?", "je suis fatigué."],
                    ["Comment ça va ?",       "Je suis fatigué."])  == 0.5
    (the first pair matches once the narrow no-break space is a space; "je" is not "Je").
    Exact match is harsh — one different word scores 0 — which is why MT uses BLEU and chrF,
    but it needs no library and every point of it is easy to explain. (minimt.evaluate.normalize
    does the same normalisation with NFKC, which also unfolds ligatures and full-width forms.)
    """
    raise NotImplementedError
