"""Exercise 18 — BREAK IT: which proof catches which bug? (lessons 03–07)

minimt proves its masks and labels with four tests ("proofs"). Here they run on a tiny
encoder–decoder in which you can break one piece at a time with a switch:

    proofs:    padding_invariance    a sentence's logits are the same alone and padded in a batch
               causality             changing decoder inputs at positions >= t leaves logits < t alone
               no_label_leak         changing target token t leaves the logits that predict it alone
               loss_ignores_padding  noise in the logits at padded positions leaves the loss alone

    switches:  flip_padding_polarity padding mask True at the PADS (the nn.MultiheadAttention habit)
               drop_causal_mask      the decoder self-attention gets the padding mask only
               forget_shift          decoder_input_ids = labels instead of [BOS] + labels[:-1]
               pad_in_labels         labels padded with pad_id instead of -100

1. For each switch, PREDICT which proofs will fail and write them below (a set of names;
   set() if you think none will). A switch may break several proofs.
2. Then run them:     minimt exercises prove --break flip_padding_polarity    (and so on)
3. Check:             minimt exercises check 18
Were you surprised by any? Why does that proof — and not another — catch that bug?
"""

PREDICTIONS = {
    "flip_padding_polarity": None,  # e.g. {"padding_invariance"}
    "drop_causal_mask": None,
    "forget_shift": None,
    "pad_in_labels": None,
}
