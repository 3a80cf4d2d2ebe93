"""Exercise 1: src + [EOS], [BOS] + tgt, tgt + [EOS] — checked against minimt.batch.make_batch."""
from __future__ import annotations

import random

from minimt.batch import make_batch

from ..grading import call, fail, rows_of
from ..language import say

HINTS = [
    say(en="Three lists from two sentences: the encoder reads src + [EOS]; the decoder reads [BOS] + tgt; "
           "the labels are tgt + [EOS] — the same French tokens, shifted by one place.",
        zh="两个句子，三个列表：编码器（encoder）读 src + [EOS]；解码器（decoder）读 [BOS] + tgt；"
           "标签（labels）是 tgt + [EOS] —— 同样的法语词元（token），错开了一位。"),
    say(en="Get the ids from tokenizer.encode(text); get the special ids from tokenizer.bos_id and "
           "tokenizer.eos_id — never write 2 or 3 yourself.",
        zh="ID 用 tokenizer.encode(text) 得到；特殊词元的 ID 用 tokenizer.bos_id 和 tokenizer.eos_id 读取 "
           "—— 千万不要自己写 2 或 3。"),
    say(en="There is no BOS in the encoder input, and no EOS in the decoder input.",
        zh="编码器的输入里没有 BOS，解码器的输入里没有 EOS。"),
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
        return say(en=f"{name} contains the id 2 or 3, but this tokenizer's bos_id is {bos} and eos_id is {eos}: "
                      "read the special ids from the tokenizer, never hard-code them",
                   zh=f"{name} 里出现了 ID 2 或 3，但这个分词器（tokenizer）的 bos_id 是 {bos}、eos_id 是 {eos}："
                      "特殊词元的 ID 要从分词器读取，不能写死")
    if name == "input_ids":
        if got == [bos] + src + [eos] or got == [bos] + src:
            return say(en="input_ids starts with BOS: in minimt the encoder input is src + [EOS], no BOS "
                          "(the encoder reads the whole sentence at once and needs no start signal)",
                       zh="input_ids 以 BOS 开头：在 minimt 里编码器的输入是 src + [EOS]，没有 BOS"
                          "（编码器一次读完整个句子，不需要“开始”信号）")
        if got == src:
            return say(en="input_ids does not end with EOS: the encoder input is src + [EOS]",
                       zh="input_ids 没有以 EOS 结尾：编码器的输入是 src + [EOS]")
        if got in (tgt + [eos], [bos] + tgt, tgt):
            return say(en="input_ids holds the French sentence: the encoder reads the English source",
                       zh="input_ids 里放的是法语句子：编码器读的是英语原句")
    if name == "decoder_input_ids":
        if got == tgt + [eos]:
            return say(en="decoder_input_ids is tgt + [EOS] — that is the labels; the decoder reads [BOS] + tgt",
                       zh="decoder_input_ids 是 tgt + [EOS] —— 那是标签；解码器读的是 [BOS] + tgt")
        if got == [bos] + tgt + [eos]:
            return say(en="decoder_input_ids ends with EOS: it is [BOS] + tgt — the decoder never reads EOS, "
                          "it must predict it (the labels end with EOS)",
                       zh="decoder_input_ids 以 EOS 结尾：它应是 [BOS] + tgt —— 解码器从不读 EOS，"
                          "而是要预测它（标签以 EOS 结尾）")
        if got == tgt:
            return say(en="decoder_input_ids does not start with BOS: the decoder's first input is BOS, "
                          "the signal 'start translating'",
                       zh="decoder_input_ids 没有以 BOS 开头：解码器的第一个输入是 BOS，即“开始翻译”的信号")
    if name == "labels":
        if got == [bos] + tgt:
            return say(en="labels is [BOS] + tgt — that is the decoder input; labels = tgt + [EOS]",
                       zh="labels 是 [BOS] + tgt —— 那是解码器的输入；labels = tgt + [EOS]")
        if got == [bos] + tgt + [eos]:
            return say(en="labels start with BOS: labels = tgt + [EOS] — BOS is given to the decoder, never predicted",
                       zh="labels 以 BOS 开头：labels = tgt + [EOS] —— BOS 是交给解码器的，从来不需要预测")
        if got == tgt:
            return say(en="labels do not end with EOS: without EOS in the labels the model never learns to stop",
                       zh="labels 没有以 EOS 结尾：标签里没有 EOS，模型就永远学不会停下来")
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
            kind = type(out).__name__
            size = len(out) if hasattr(out, '__len__') else None
            detail = say(en=f" of length {size}", zh=f"，长度为 {size}") if size is not None else ""
            fail(say(en=f"should return three lists (input_ids, decoder_input_ids, labels), got {kind}{detail}",
                     zh=f"应返回三个列表（input_ids, decoder_input_ids, labels），实际得到 {kind}{detail}"), context)
        got = rows_of(out)
        if got is None:
            fail(say(en="each of the three results should be a list of ints", zh="三个结果都应是整数列表"), context)
        src, tgt = tok.encode(english), tok.encode(french)
        for name, g, w in zip(("input_ids", "decoder_input_ids", "labels"), got, _expected(tok, english, french)):
            if g != w:
                why = _diagnose(name, g, tok, src, tgt)
                fail(why or say(en=f"{name} is {g} but should be {w}", zh=f"{name} 是 {g}，应为 {w}"), context)
            n += 1
    return n
