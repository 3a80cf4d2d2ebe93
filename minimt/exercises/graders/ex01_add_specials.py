"""Exercise 1: src + [EOS], [BOS] + tgt, tgt + [EOS] — checked against minimt.batch.make_batch."""
from __future__ import annotations

import random

from minimt.batch import make_batch

from ..grading import call, fail, rows_of

HINTS = [
    "Three lists from two sentences: the encoder reads src + [EOS]; the decoder reads [BOS] + tgt; "
    "the labels are tgt + [EOS] — the same French tokens, shifted by one place.",
    "Get the ids from tokenizer.encode(text); get the special ids from tokenizer.bos_id and "
    "tokenizer.eos_id — never write 2 or 3 yourself.",
    "There is no BOS in the encoder input, and no EOS in the decoder input.",
]

EN = "i you he she we they see like eat the a cat dog apple bread house is are very big small".split()
FR = "je tu il elle nous ils vois aime mange le la un une chat chien pomme pain maison est sont très".split()


class ToyTokenizer:
    """A word-level stand-in for minimt's Tokenizer: encode(text) -> ids, and the special ids."""

    def __init__(self, rng: random.Random, standard: bool):
        # Non-standard cases move BOS/EOS away from 2/3 (and no word gets 2 or 3), so an answer
        # that hard-codes 2 and 3 is caught, and a 2 or 3 in its output can only be hard-coded.
        specials = [0, 1, 2, 3] if standard else [0, 1, *rng.sample(range(4, 12), 2)]
        self.pad_id, self.unk_id, self.bos_id, self.eos_id = specials
        free = [i for i in range(100) if i not in specials and i not in (2, 3)]
        rng.shuffle(free)
        self._ids = dict(zip(EN + FR, free))
        self.vocab_size = 100

    def encode(self, text: str) -> list[int]:
        return [self._ids.get(w, self.unk_id) for w in text.split()]

    def __repr__(self) -> str:
        return f"ToyTokenizer(bos_id={self.bos_id}, eos_id={self.eos_id})"


def _expected(tok: ToyTokenizer, english: str, french: str) -> tuple[list[int], list[int], list[int]]:
    b = make_batch([tok.encode(english)], [tok.encode(french)], pad_id=tok.pad_id, bos_id=tok.bos_id,
                   eos_id=tok.eos_id)
    return b.input_ids[0].tolist(), b.decoder_input_ids[0].tolist(), b.labels[0].tolist()


def _diagnose(name: str, got: list[int], tok: ToyTokenizer, src: list[int], tgt: list[int]) -> str | None:
    bos, eos = tok.bos_id, tok.eos_id
    if (bos, eos) != (2, 3) and any(x in (2, 3) for x in got) and got not in (src, tgt):
        return (f"{name} contains the id 2 or 3, but this tokenizer's bos_id is {bos} and eos_id is {eos}: "
                "read the special ids from the tokenizer, never hard-code them")
    if name == "input_ids":
        if got == [bos] + src + [eos] or got == [bos] + src:
            return "input_ids starts with BOS: in minimt the encoder input is src + [EOS], no BOS " \
                   "(the encoder reads the whole sentence at once and needs no start signal)"
        if got == src:
            return "input_ids does not end with EOS: the encoder input is src + [EOS]"
        if got in (tgt + [eos], [bos] + tgt, tgt):
            return "input_ids holds the French sentence: the encoder reads the English source"
    if name == "decoder_input_ids":
        if got == tgt + [eos]:
            return "decoder_input_ids is tgt + [EOS] — that is the labels; the decoder reads [BOS] + tgt"
        if got == [bos] + tgt + [eos]:
            return "decoder_input_ids ends with EOS: it is [BOS] + tgt — the decoder never reads EOS, " \
                   "it must predict it (the labels end with EOS)"
        if got == tgt:
            return "decoder_input_ids does not start with BOS: the decoder's first input is BOS, " \
                   "the signal 'start translating'"
    if name == "labels":
        if got == [bos] + tgt:
            return "labels is [BOS] + tgt — that is the decoder input; labels = tgt + [EOS]"
        if got == [bos] + tgt + [eos]:
            return "labels start with BOS: labels = tgt + [EOS] — BOS is given to the decoder, never predicted"
        if got == tgt:
            return "labels do not end with EOS: without EOS in the labels the model never learns to stop"
    return None


def grade(add_specials) -> int:
    rng = random.Random(1)
    n = 0
    for case in range(40):
        tok = ToyTokenizer(rng, standard=case < 20)
        english = " ".join(rng.choice(EN) for _ in range(rng.randint(1, 7)))
        french = " ".join(rng.choice(FR) for _ in range(rng.randint(1, 7)))
        context = f"add_specials({tok!r}, {english!r}, {french!r})"
        out = call(add_specials, tok, english, french, context=context)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            fail("should return three lists (input_ids, decoder_input_ids, labels), "
                 f"got {type(out).__name__}" + (f" of length {len(out)}" if hasattr(out, '__len__') else ""),
                 context)
        got = rows_of(out)
        if got is None:
            fail("each of the three results should be a list of ints", context)
        src, tgt = tok.encode(english), tok.encode(french)
        for name, g, w in zip(("input_ids", "decoder_input_ids", "labels"), got, _expected(tok, english, french)):
            if g != w:
                why = _diagnose(name, g, tok, src, tgt)
                fail(why or f"{name} is {g} but should be {w}", context)
            n += 1
    return n
