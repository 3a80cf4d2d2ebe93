"""Text → pieces → ids, with a SentencePiece model minimt trains itself (lesson 02).

The article starts from ``input_ids: [101, 2026, 2003, 2073, 102]`` and never says where the
numbers come from. Here they come from a subword tokenizer trained on our own corpus:

    "How are you?"  →  pieces ['▁How', '▁are', '▁you', '?']  →  ids  (positions in our vocabulary)

**One joint model for English and French.** We train a single SentencePiece model over both
sides of the corpus, so one id means the same piece in the source, in the target and in the
output layer. That lets the model *tie* its embeddings: encoder input, decoder input and the
output projection share one (V, D) matrix (three times fewer embedding parameters, and every
French piece gets updated whether it appears in the input or the output). Names
("Tom", "Paris") are the same pieces on both sides, so the model can learn to copy them; numbers
are split into single digits (``split_digits``), so in a corpus with digits (Tatoeba) "30." and
"30 ans" share the pieces 3 and 0 instead of BPE gluing "30." into one piece on one side only.
(The embedded corpus writes numbers as words, so there a digit is simply ``<unk>``.)

**Special ids, fixed:** ``pad=0, unk=1, bos=2, eos=3``. They play the roles of the article's
BERT tokens: ``[CLS]=101`` opens a sequence — our BOS opens the *decoder* input (the first
thing the decoder sees before it has produced anything); ``[SEP]=102`` closes a sequence — our
EOS closes *every* sequence (encoder input and labels), which is how the model learns to stop.
Our encoder input is ``src + [EOS]`` with no BOS: the encoder reads everything at once and does
not need a start signal. PAD fills short rows and is never predicted (labels use -100 there).
SentencePiece's own defaults are unk=0, bos=1, eos=2 and *no* pad (-1); we set all four.
They are control symbols: a literal "<pad>" or "</s>" typed in a sentence is tokenised as
ordinary characters, never as the special id (and the trainer drops them from its input).

**Model type: BPE.** SentencePiece also offers "unigram" (its default). On Tatoeba EN–FR with
4,000 pieces, BPE trained ~8x faster here (1.5 s vs 11.6 s, one thread), gives slightly shorter
sequences (9.1/10.8 vs 9.2/11.0 pieces per EN/FR sentence) and keeps common words whole
("▁Comment", where unigram split "▁Commen" + "t"). BPE is also the algorithm a learner can
re-derive by hand (merge the most frequent pair, repeat), like BERT's WordPiece in the article.
Training is deterministic: no sampling, all sentences used, ``num_threads=1`` (the thread count
is stored in the model file, so it is fixed to get byte-identical models everywhere).

**Normalisation ("nmt_nfkc") changes French text before tokenising, and decode gives back the
normalised text, not the original.** Checked with SentencePiece 0.2:
- U+00A0 NO-BREAK SPACE and U+202F NARROW NO-BREAK SPACE (French typography puts them before
  ``? ! : ;`` and inside « ») become an ordinary space: "va\\u202f?" → "va ?";
- runs of spaces collapse to one; leading/trailing spaces go;
- compatibility characters are unfolded: "ﬁ" → "fi", "…" → "...", "⁇" → "??";
  a decomposed "e"+U+0301 becomes "é";
- unchanged: accents (é è ç à), "œ", "«" and "»", and the curly apostrophe ’ (U+2019) — it
  is NOT mapped to the straight ' (so "l’homme" and "l'homme" are different pieces).
`Tokenizer.normalize(text)` shows what the model sees.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from pathlib import Path
from typing import Iterable, Sequence

import sentencepiece as spm

from . import files
from .data import embedded_path, load_pairs  # lesson 01's loader
from .errors import MinimtError

PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3
# The label value that is NOT an id: PyTorch's ignore_index, which pads `labels` (lesson 03,
# minimt/batch.py says why). Defined here, beside the special ids, so decode can drop it.
IGNORE_INDEX = -100
MODEL_NAME = "minimt.model"
MAX_SENTENCE_BYTES = 4192  # SentencePiece skips longer sentences when training

# Everything that changes the trained model goes into the cache key (with the corpus).
TRAINER_OPTIONS = dict(
    model_type="bpe",
    normalization_rule_name="nmt_nfkc",
    character_coverage=1.0,  # keep every character seen (é, ç, œ, «…): no <unk> on the corpus
    byte_fallback=False,  # unseen characters become <unk> (⁇), not raw bytes
    split_digits=True,  # "1984" → 1 9 8 4 on both sides, whatever follows it ("30." vs "30 ans")
    pad_id=PAD_ID, unk_id=UNK_ID, bos_id=BOS_ID, eos_id=EOS_ID,
    num_threads=1,
    max_sentence_length=MAX_SENTENCE_BYTES,
)


class Tokenizer:
    """A trained joint EN+FR SentencePiece model with minimt's fixed special ids."""

    def __init__(self, model_path: str | Path):
        self.model_path = Path(model_path)
        try:
            data = self.model_path.read_bytes()
        except OSError as e:
            raise MinimtError(f"{self.model_path}: cannot read tokenizer model: {e.strerror or e}") from None
        self.sp = spm.SentencePieceProcessor()
        try:
            self.sp.load_from_serialized_proto(data)
        except Exception:  # noqa: BLE001 - sentencepiece raises bare RuntimeError/OSError
            raise MinimtError(f"{self.model_path}: not a SentencePiece model") from None
        ids = (self.sp.pad_id(), self.sp.unk_id(), self.sp.bos_id(), self.sp.eos_id())
        if ids != (PAD_ID, UNK_ID, BOS_ID, EOS_ID):
            raise MinimtError(f"{self.model_path}: special ids pad/unk/bos/eos are {ids}, "
                              f"minimt needs {(PAD_ID, UNK_ID, BOS_ID, EOS_ID)}; train it with `minimt tokenizer`")
        self.sha256 = hashlib.sha256(data).hexdigest()  # stored in checkpoints

    pad_id, unk_id, bos_id, eos_id = PAD_ID, UNK_ID, BOS_ID, EOS_ID

    @property
    def vocab_size(self) -> int:
        return self.sp.get_piece_size()

    def __len__(self) -> int:
        return self.vocab_size

    def __repr__(self) -> str:
        return f"Tokenizer({str(self.model_path)!r}, vocab_size={self.vocab_size})"

    # ------------------------------------------------------------ text ↔ ids
    def encode(self, text: str) -> list[int]:
        """Ids of ``text``, without BOS/EOS (batch.py adds those where they belong)."""
        if not isinstance(text, str):
            raise TypeError(f"encode() takes one str, got {type(text).__name__}")
        return self.sp.encode(text)

    def pieces(self, text: str) -> list[str]:
        """The pieces of ``text``; '▁' marks a piece that starts a new word."""
        return self.sp.encode(text, out_type=str)

    def id_to_piece(self, i: int) -> str:
        return self.sp.id_to_piece(self._check_id(i))

    def decode(self, ids: Iterable[int]) -> str:
        """Text of ``ids``; pad, bos, eos and -100 are dropped (so a labels row decodes too)."""
        if hasattr(ids, "tolist"):  # a tensor or numpy array
            ids = ids.tolist()
        skip = {PAD_ID, BOS_ID, EOS_ID, IGNORE_INDEX}
        return self.sp.decode([self._check_id(int(i)) for i in ids if int(i) not in skip])

    def normalize(self, text: str) -> str:
        """``text`` as the model sees it after nmt_nfkc normalisation (see the module docstring)."""
        return self.sp.normalize(text).replace("▁", " ").strip()

    def _check_id(self, i: int) -> int:
        if not 0 <= i < self.vocab_size:
            raise MinimtError(f"token id {i} is out of range for this tokenizer (0..{self.vocab_size - 1})")
        return i

    # ------------------------------------------------------------ training
    @classmethod
    def train(cls, pairs: Sequence[tuple[str, str]], vocab_size: int = 4000, *,
              out_dir: str | Path | None = None) -> "Tokenizer":
        """Train one SentencePiece model on both sides of ``pairs``.

        With ``out_dir=None`` the model is cached under
        ``cache_dir()/tokenizers/<hash of corpus and options>/minimt.model`` and a second call
        with the same corpus just loads it. Otherwise it is written to ``out_dir/minimt.model``.
        """
        sentences = [s for pair in pairs for s in pair]
        if not sentences:
            raise MinimtError("cannot train a tokenizer on an empty corpus (0 sentence pairs)")
        if any(not s.strip() for s in sentences):
            raise MinimtError("cannot train a tokenizer: a sentence pair has an empty side")
        if sum(len(s.encode("utf-8")) <= MAX_SENTENCE_BYTES for s in sentences) == 0:
            raise MinimtError(f"0 usable sentences: all are longer than {MAX_SENTENCE_BYTES} bytes")
        if vocab_size < 5:
            raise MinimtError(f"--vocab-size {vocab_size}: must be at least 5 (4 special ids + 1 piece)")
        options = dict(TRAINER_OPTIONS, vocab_size=int(vocab_size))
        key = corpus_key(sentences, options)
        if out_dir is None:
            path = files.cache_dir() / "tokenizers" / key[:16] / MODEL_NAME
            if path.exists():
                return cls(path)
        else:
            path = Path(out_dir) / MODEL_NAME
        model = _train_bytes(sentences, options)
        files.atomic_write_bytes(path, model)
        tok = cls(path)
        # a readable list of the vocabulary next to the model: id, piece (for learners)
        files.atomic_write_text(path.with_suffix(".vocab"),
                                "".join(f"{i}\t{tok.sp.id_to_piece(i)}\n" for i in range(tok.vocab_size)))
        return tok

    @classmethod
    def default(cls) -> "Tokenizer":
        """The tokenizer of the embedded corpus (vocab 4,000), trained once then cached."""
        pairs = load_pairs(embedded_path("train"))
        sentences = [s for pair in pairs for s in pair]
        options = dict(TRAINER_OPTIONS, vocab_size=4000)
        path = files.cache_dir() / "tokenizers" / corpus_key(sentences, options)[:16] / MODEL_NAME
        if not path.exists():
            print("minimt: training a tokenizer on the embedded corpus (first use, a few seconds)…",
                  file=sys.stderr)
        return cls.train(pairs, 4000)


def corpus_key(sentences: Sequence[str], options: dict) -> str:
    """sha256 of the sentences, the trainer options and the SentencePiece version."""
    h = hashlib.sha256()
    h.update(json.dumps([spm.__version__, options], sort_keys=True).encode())
    for s in sentences:
        h.update(s.encode("utf-8") + b"\0")
    return h.hexdigest()


def _train_bytes(sentences: list[str], options: dict) -> bytes:
    """Run the SentencePiece trainer in memory; turn its vocabulary-size errors into ours."""
    model = io.BytesIO()
    try:
        spm.SentencePieceTrainer.train(sentence_iterator=iter(sentences), model_writer=model,
                                       minloglevel=2, **options)
    except RuntimeError as e:
        raise _vocab_error(str(e), options["vocab_size"]) from None
    return model.getvalue()


def _vocab_error(message: str, vocab_size: int) -> MinimtError:
    too_high = re.search(r"Vocabulary size too high \(\d+\)\. Please set it to a value <= (\d+)", message)
    if too_high:
        return MinimtError(f"--vocab-size {vocab_size}: larger than this corpus allows "
                           f"(largest that works: {too_high.group(1)})")
    too_low = re.search(r"Vocabulary size is smaller than required_chars\. \d+ vs (\d+)", message)
    if too_low:
        return MinimtError(f"--vocab-size {vocab_size}: smaller than the corpus's distinct characters "
                           f"plus 4 special ids (smallest that works: {too_low.group(1)})")
    return MinimtError(f"--vocab-size {vocab_size}: SentencePiece failed: {message.splitlines()[0]}")


# ---------------------------------------------------------------- command line

def statistics(tok: Tokenizer, pairs: Sequence[tuple[str, str]]) -> dict:
    """Mean pieces per sentence and unknown-piece rate, per language."""
    stats = {"vocab_size": tok.vocab_size}
    for side, lang in ((0, "en"), (1, "fr")):
        ids = [tok.encode(p[side]) for p in pairs]
        n = sum(len(x) for x in ids)
        stats[f"pieces_per_sentence_{lang}"] = n / len(ids)
        stats[f"unk_rate_{lang}"] = sum(x.count(UNK_ID) for x in ids) / max(n, 1)
    return stats
