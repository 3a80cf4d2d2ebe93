# expect: the mask is flipped
def padding_mask(attention_mask):
    return (attention_mask == 0)[:, None, None, :]  # the key_padding_mask convention: True = ignore
