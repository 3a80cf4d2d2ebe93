# expect: has dtype torch.int64 but should be torch.bool
def padding_mask(attention_mask):
    return attention_mask[:, None, None, :]
