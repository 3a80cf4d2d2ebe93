"""Exercise 3 — labels padded with -100 (lesson 03).

Check your answer with:   minimt exercises check 3      (add --hint for a hint)
"""
import torch


def make_labels(targets, *, eos_id, max_length=None):
    """Build the (B, T) labels tensor: what the decoder must predict, position by position.

    ``targets`` is a list of B lists of target ids WITHOUT special tokens. Row b of the result
    is ``targets[b] + [eos_id]`` followed by -100 up to length T (the longest row + EOS, or
    ``max_length`` when given). dtype torch.long.

    Worked example (the article pads its labels to 6), with the lessons' tokenizer
    (Tokenizer.default(), lessons 02-03): encode("Comment ça va ?") = [2371, 2731, 248, 26] and
    encode("Salut.") = [3238, 3938]:

        make_labels([[2371, 2731, 248, 26], [3238, 3938]], eos_id=3, max_length=6)
        = [[2371, 2731, 248,   26,    3, -100],
           [3238, 3938,   3, -100, -100, -100]]

    Why -100 and not the pad id? F.cross_entropy(..., ignore_index=-100) skips those positions:
    padding adds nothing to the loss and is never learned as a word to predict.
    """
    raise NotImplementedError
