# expect: the proofs that fail are ['causality', 'no_label_leak']
PREDICTIONS = {
    "flip_padding_polarity": "padding_invariance",
    "drop_causal_mask": ["causality"],
    "forget_shift": {"no_label_leak"},
    "pad_in_labels": {"loss_ignores_padding"},
}
