"""Exercise 1 — reference solution."""


def add_specials(tokenizer, english, french):
    src = tokenizer.encode(english)  # English ids, no specials
    tgt = tokenizer.encode(french)   # French ids, no specials
    input_ids = src + [tokenizer.eos_id]          # the encoder needs no start signal, only an end
    decoder_input_ids = [tokenizer.bos_id] + tgt  # the decoder starts from BOS...
    labels = tgt + [tokenizer.eos_id]             # ...and must predict each next token, then EOS
    return input_ids, decoder_input_ids, labels
