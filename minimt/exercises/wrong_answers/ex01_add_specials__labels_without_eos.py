# expect: without EOS in the labels the model never learns to stop
def add_specials(tokenizer, english, french):
    src, tgt = tokenizer.encode(english), tokenizer.encode(french)
    bos, eos = tokenizer.bos_id, tokenizer.eos_id
    return src + [eos], [bos] + tgt, tgt
