# expect: input_ids starts with BOS
def add_specials(tokenizer, english, french):
    src, tgt = tokenizer.encode(english), tokenizer.encode(french)
    bos, eos = tokenizer.bos_id, tokenizer.eos_id
    return [bos] + src + [eos], [bos] + tgt, tgt + [eos]
