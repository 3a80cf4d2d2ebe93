"""Exercise 18 — reference answers (check them yourself: minimt exercises prove --break NAME).

flip_padding_polarity: real tokens attend only to padding → a sentence's logits depend on
    the padding around it. The causal triangle is intact, the labels too.
drop_causal_mask: each position sees later decoder inputs (causality) — and input t+1 is
    label t, so the answer leaks as well.
forget_shift: position t reads label t itself; no position sees a LATER input, so causality
    holds: only the end-to-end leak proof catches it. (A mask test alone would not!)
pad_in_labels: the model is fine; the loss counts "predict <pad>" at padded positions.
"""

PREDICTIONS = {
    "flip_padding_polarity": {"padding_invariance"},
    "drop_causal_mask": {"causality", "no_label_leak"},
    "forget_shift": {"no_label_leak"},
    "pad_in_labels": {"loss_ignores_padding"},
}
