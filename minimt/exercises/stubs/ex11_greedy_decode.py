"""Exercise 11 — greedy decoding (lesson 08).

Check your answer with:   minimt exercises check 11      (add --hint for a hint)
"""
import torch


def greedy_decode(model, input_ids, attention_mask, *, bos_id, eos_id, max_len):
    """Translate a batch by always taking the most likely next token.

    ``model.encode(input_ids, attention_mask)`` → memory (B, S, D), the encoded source.
    ``model.decode(decoder_input_ids, memory, attention_mask)`` → logits (B, T, V) for a
    (B, T) decoder input; the scores for the NEXT token are at the last position, logits[:, -1].

    Start every row from [BOS]; at each step append the argmax token; a row is finished when
    it produces EOS. Stop when every row is finished, or after ``max_len`` steps (max_len counts
    generated tokens, EOS included). Return a list of B lists of ints: each row's generated
    tokens WITHOUT BOS and WITHOUT EOS. Encode the source once; decode under torch.no_grad().

    Worked example (max_len=5): if the argmax tokens are
        step:   1   2   3    4    5
        row 0:  17  42  EOS  -    -      → [17, 42]
        row 1:  8   8   8    8    8      → [8, 8, 8, 8, 8]   (no EOS within max_len)
    Row 0 is finished after step 3: whatever the model says for it afterwards is not added.
    """
    raise NotImplementedError
