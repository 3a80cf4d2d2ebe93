"""Exercise 4 — shift labels right into decoder_input_ids (lesson 03).

Check your answer with:   minimt exercises check 4      (add --hint for a hint)
"""
import torch


def shift_right(labels, *, bos_id, pad_id):
    """decoder_input_ids = [BOS] + labels[:, :-1], with every -100 turned back into pad_id.

    ``labels`` (B, T) torch.long: target ids + EOS, padded with -100. Return a NEW (B, T)
    torch.long tensor; do not change ``labels`` (the loss still needs them).

    Worked example, bos_id=2, pad_id=0, the labels of exercise 3 (lessons' tokenizer:
    encode("Comment ça va ?") = [2371, 2731, 248, 26], encode("Salut.") = [3238, 3938]):

        labels             [[2371, 2731,  248,   26,    3, -100],
                            [3238, 3938,    3, -100, -100, -100]]
        decoder_input_ids  [[   2, 2371, 2731,  248,   26,    3],
                            [   2, 3238, 3938,    3,    0,    0]]

    At position t the decoder has read BOS and labels[:t] and must predict labels[t]: it never
    sees the token it must predict (this is teacher forcing).
    """
    raise NotImplementedError
