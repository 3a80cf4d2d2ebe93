# expect: read the special ids from the tokenizer
def add_specials(tokenizer, english, french):
    src, tgt = tokenizer.encode(english), tokenizer.encode(french)
    return src + [3], [2] + tgt, tgt + [3]
