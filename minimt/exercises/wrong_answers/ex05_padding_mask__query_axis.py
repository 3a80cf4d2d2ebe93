# expect: that hides query ROWS
def padding_mask(attention_mask):
    return attention_mask.bool()[:, None, :, None]
