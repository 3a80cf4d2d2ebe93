"""Exercise 2 — pad a batch and build attention_mask (lesson 03).

Check your answer with:   minimt exercises check 2      (add --hint for a hint)
"""
import torch


def pad_batch(sequences, *, pad_id, max_length=None):
    """Pad id lists of different lengths into one (B, S) tensor, on the right.

    ``sequences`` is a list of B lists of ints (each already ends with EOS). Return
    ``(input_ids, attention_mask)``, two torch.long tensors of shape (B, S) where S is the
    length of the longest sequence, or ``max_length`` when it is given:

        input_ids[b]       = sequences[b] followed by pad_id up to length S
        attention_mask[b]  = 1 for every real token (EOS included), 0 for every pad

    Worked example, with the lessons' tokenizer (Tokenizer.default(), lessons 02-03):
    encode("How are you?") = [306, 90, 145, 3944] and encode("Hi.") = [3618, 3938], each + EOS (3):

        pad_batch([[306, 90, 145, 3944, 3], [3618, 3938, 3]], pad_id=0)
        input_ids      = [[ 306,   90, 145, 3944, 3],
                          [3618, 3938,   3,    0, 0]]
        attention_mask = [[1, 1, 1, 1, 1],
                          [1, 1, 1, 0, 0]]

    Padding goes on the right. Do not change the lists you are given.
    """
    raise NotImplementedError
