"""Exercise 18 (break it): predict which proofs each planted bug breaks, then watch them fail."""
from __future__ import annotations

from .. import proofs
from ..grading import NotDone, fail

HINTS = [
    "Run `minimt exercises prove --break NAME` for each switch and read which proofs print FAIL — but predict "
    "first, then check: the surprise is the lesson.",
    "A switch can break more than one proof, and a proof can catch more than one bug. Write a set of proof names "
    "per switch, e.g. {'causality'}; set() if no proof catches it.",
]

WHY = {
    "flip_padding_polarity": "with True at the pads, every real token attends only to padding (and a sentence "
                             "without padding attends to nothing): its logits depend on how much padding the batch "
                             "adds. Causality still holds — the causal triangle is still there.",
    "drop_causal_mask": "every position sees every later decoder input (causality), and decoder input t+1 IS "
                        "label t, so the answer leaks too (no_label_leak).",
    "forget_shift": "the decoder reads labels[t] at position t — exactly what it must predict there. Causality "
                    "still holds (no position sees a LATER input): the leak is in the data, not the mask.",
    "pad_in_labels": "the model is untouched, so its proofs pass; the loss now counts 'predict <pad>' at every "
                     "padded position.",
}


def _as_set(value) -> set[str] | None:
    if isinstance(value, str):
        return {value}
    try:
        return set(value)
    except TypeError:
        return None


def grade(predictions) -> int:
    if not isinstance(predictions, dict):
        fail(f"PREDICTIONS should be a dict {{switch: set of proof names}}, got {type(predictions).__name__}")
    for switch in proofs.SWITCHES:
        if switch not in predictions:
            fail(f"PREDICTIONS has no entry for {switch!r}: keep the four keys of the stub")
        if predictions[switch] is None:
            raise NotDone(f"PREDICTIONS[{switch!r}] is still None: write the set of proofs you expect to fail, "
                          "e.g. {'causality'}, or set() for none")
    extra = set(predictions) - set(proofs.SWITCHES)
    if extra:
        fail(f"PREDICTIONS has unknown switch(es) {sorted(extra)}: the switches are {list(proofs.SWITCHES)}")
    n = 0
    for switch in proofs.SWITCHES:
        guess = _as_set(predictions[switch])
        if guess is None or not all(isinstance(p, str) for p in guess):
            fail(f"PREDICTIONS[{switch!r}] should be a set of proof names, got {predictions[switch]!r}")
        unknown = guess - set(proofs.PROOFS)
        if unknown:
            fail(f"PREDICTIONS[{switch!r}] names unknown proof(s) {sorted(unknown)}: the proofs are "
                 f"{', '.join(proofs.PROOFS)}")
        results = proofs.run_proofs(proofs.pipeline(switch))
        actual = {r.name for r in results if not r.passed}
        if guess != actual:
            fail(f"with {switch} ({proofs.SWITCHES[switch]}) you predicted {sorted(guess) or 'no failure'}, but the "
                 f"proofs that fail are {sorted(actual) or 'none'}. What the proofs print:\n"
                 + "\n".join("  " + r.line() for r in results)
                 + f"\n  why: {WHY[switch]}")
        n += 1
    return n
