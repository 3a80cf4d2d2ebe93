# expect: with forget_shift
PREDICTIONS = {
    "flip_padding_polarity": {"padding_invariance"},
    "drop_causal_mask": {"causality", "no_label_leak"},
    "forget_shift": {"causality"},  # the usual guess: "the decoder sees the future"
    "pad_in_labels": {"loss_ignores_padding"},
}
