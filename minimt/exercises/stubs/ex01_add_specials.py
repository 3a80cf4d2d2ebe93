"""Exercise 1 — encode a pair and add the special tokens (lesson 02).

Check your answer with:   minimt exercises check 1      (add --hint for a hint)
"""


def add_specials(tokenizer, english, french):
    """Turn one sentence pair into the three id lists a translation model trains on.

    ``tokenizer.encode(text)`` gives the ids of a sentence WITHOUT special tokens;
    ``tokenizer.bos_id`` and ``tokenizer.eos_id`` are the begin- and end-of-sentence ids.
    Return a tuple of three lists of ints:

        input_ids          = English ids + [EOS]      what the encoder reads (no BOS in minimt)
        decoder_input_ids  = [BOS] + French ids       what the decoder reads
        labels             = French ids + [EOS]       what the decoder must predict

    Worked example, with the lessons' tokenizer (Tokenizer.default(), lessons 02-03): bos_id=2,
    eos_id=3, encode("How are you?") = [306, 90, 145, 3944] and
    encode("Comment ça va ?") = [2371, 2731, 248, 26]:

        input_ids          = [306, 90, 145, 3944, 3]
        decoder_input_ids  = [2, 2371, 2731, 248, 26]
        labels             = [2371, 2731, 248, 26, 3]

    Position t of decoder_input_ids is what the decoder has read; position t of labels is
    what it must say next. Read the special ids from the tokenizer: do not write 2 or 3.
    """
    raise NotImplementedError
