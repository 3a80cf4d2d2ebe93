"""Exercise 21 — corpus chrF by hand: character n-grams, recall weighted twice (lesson 09).

Check your answer with:   minimt exercises check 21      (add --hint for a hint)
"""
from collections import Counter


def corpus_chrf(hypotheses, references):
    """chrF of a whole test set, in 0..100 — sacreBLEU's default chrF (chrF2).

    ``hypotheses[i]`` is the translation of sentence i, ``references[i]`` its one reference.
    chrF looks at CHARACTERS, not words, so "chats" still gets credit for "chat":

      1. remove every space: "le chat" → "lechat"  (``"".join(text.split())``);
      2. for n = 1..6, the character n-grams of each sentence ("lechat" has the 2-grams
         le, ec, ch, ha, at); count CLIPPED matches (an n-gram matches at most as often as the
         reference has it), hypothesis n-grams and reference n-grams, summed over the corpus;
      3. for each n: P_n = matches / hypothesis n-grams, R_n = matches / reference n-grams
         (leave out an order that has no hypothesis or no reference n-gram in the corpus);
      4. average FIRST: P = mean of the P_n, R = mean of the R_n;
      5. chrF = 100 * (1 + β²) P R / (β² P + R) with β = 2 (recall counts 2× as much as
         precision); 0.0 if P + R == 0.

    Worked example:
        corpus_chrf(["le chat"], ["les chats"])  ≈ 32.86
    "lechat" (6 letters) vs "leschats" (8). Matches per n: 6, 4 (le ch ha at), 2 (cha hat),
    1 (chat), 0, 0 — of 6, 5, 4, 3, 2, 1 hypothesis and 8, 7, 6, 5, 4, 3 reference n-grams.
    P = (6/6 + 4/5 + 2/4 + 1/3 + 0 + 0) / 6 = 0.4389,  R = (6/8 + 4/7 + 2/6 + 1/5 + 0 + 0) / 6
    = 0.3091,  chrF = 100 · 5 · P · R / (4 · P + R) = 32.86. (BLEU gives 0 here: no word matches.)
    """
    raise NotImplementedError
