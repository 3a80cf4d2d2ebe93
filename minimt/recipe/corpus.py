"""The pairs `minimt train` learns from: train/valid/test splits, the tokenizer, the ids.

`prepare_corpus` turns the command line's --data/--valid/--test (or the embedded corpus) into
sentence pairs, picks or trains the tokenizer, reweights the embedded phrasebook, and encodes
every pair, dropping those too long for the model's positions: what data the loop sees.
"""
from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

from ..data import embedded_path, load_pairs
from ..errors import MinimtError
from ..model import ModelConfig
from ..tokenizer import Tokenizer

EMBEDDED_VOCAB, DATA_VOCAB = 4000, 8000
# The embedded train split is 97% generated sentences and 3% (975 pairs) hand-written
# phrasebook: the everyday phrases, the article's "How are you?" among them. Seen once per
# epoch, an idiom like "How are you?" → "Comment ça va ?" loses against 600 generated
# "How many …?" → "Combien de …" pairs. Repeating the phrasebook pairs (a standard data
# weighting, like fairseq's --upsample-primary) gives the idioms a fair share. Measured: the
# article's pair came out right after ~28 presentations (4 repeats x 7 epochs, or 8 x 3.5),
# never with 1 repeat in 8 minutes; 8 repeats make the phrasebook 18% of an epoch.
PHRASEBOOK_REPEAT = 8


@dataclass
class Corpus:
    train: list          # [(english, french)]
    valid: list
    test: list | None
    test_name: str
    tokenizer: object
    train_ids: list      # [(src ids, tgt ids)] without specials
    valid_ids: list
    everyday: list | None = None  # the embedded corpus only: data/everyday.tsv, sentences in no split

    @property
    def train_lengths(self) -> list[tuple[int, int]]:
        return [(len(s), len(t)) for s, t in self.train_ids]


def _hold_out(pairs: list, fraction: float = 0.02) -> tuple[list, list]:
    """Deterministic split (always the same pairs, whatever --seed): no held-out English in train."""
    order = list(range(len(pairs)))
    random.Random(1234).shuffle(order)
    held = {i for i in order[:max(1, round(fraction * len(pairs)))]}
    valid = [pairs[i] for i in sorted(held)]
    seen = {en for en, _ in valid}
    train = [p for i, p in enumerate(pairs) if i not in held and p[0] not in seen]
    if not train:
        raise MinimtError("--data: too few pairs to hold out a validation set; give --valid TSV")
    return train, valid


def _encode(tok, pairs: list, max_len: int, what: str, say) -> tuple[list, list]:
    """Encode pairs; drop those longer than the model's positions (with a count)."""
    kept, ids = [], []
    for en, fr in pairs:
        s, t = tok.encode(en), tok.encode(fr)
        if 0 < len(s) < max_len and 0 < len(t) < max_len:  # +EOS must fit into max_len
            kept.append((en, fr))
            ids.append((s, t))
    if len(kept) < len(pairs):
        say(f"{what}: dropped {len(pairs) - len(kept)} pair(s) longer than {max_len - 1} pieces (or empty)")
    if not kept:
        raise MinimtError(f"{what}: no usable sentence pairs left")
    return kept, ids


def prepare_corpus(args: argparse.Namespace, tokenizer_dir: Path | None, say) -> Corpus:
    """Load train/valid/test pairs and the tokenizer (from ``tokenizer_dir`` when resuming)."""
    if args.data is None:
        train = load_pairs(embedded_path("train"))
        valid = load_pairs(args.valid) if args.valid else load_pairs(embedded_path("valid"))
        test_path = Path(args.test) if args.test else embedded_path("test")
    else:
        data = Path(args.data)
        train = load_pairs(data)
        sibling = data.with_name("valid.tsv")
        if args.valid:
            valid = load_pairs(args.valid)
        elif sibling.is_file() and sibling.resolve() != data.resolve():
            valid = load_pairs(sibling)
            say(f"validation pairs: {sibling}")
        else:
            train, valid = _hold_out(train)
            say(f"validation pairs: {len(valid)} held out from {data} (give --valid TSV to choose)")
        sibling = data.with_name("test.tsv")
        test_path = Path(args.test) if args.test else (
            sibling if sibling.is_file() and sibling.resolve() != data.resolve() else None)
    test = load_pairs(test_path) if test_path is not None else None

    if tokenizer_dir is not None:
        tok = Tokenizer(tokenizer_dir / "tokenizer.model")
    elif args.data is None and args.vocab_size in (None, EMBEDDED_VOCAB):
        tok = Tokenizer.default()
    else:
        size = args.vocab_size or (EMBEDDED_VOCAB if args.data is None else DATA_VOCAB)
        tok = Tokenizer.train(train, size)  # cached by corpus + options
    args.vocab_size = tok.vocab_size

    train_en = {en for en, _ in train}
    for name, pairs in (("valid", valid), ("test", test or [])):
        overlap = sum(en in train_en for en, _ in pairs)
        if overlap:
            say(f"warning: {overlap} {name} English sentence(s) also appear in the training data "
                "(scores on them are inflated)")
    if args.data is None and args.phrasebook_repeat > 1:
        book = set(load_pairs(embedded_path("phrasebook")))
        repeats = [p for p in train if p in book] * (args.phrasebook_repeat - 1)
        say(f"embedded corpus: {len(train)} pairs + {len(repeats)} repeats of its phrasebook pairs "
            f"(each phrasebook pair {args.phrasebook_repeat}x per epoch; --phrasebook-repeat 1 turns this off)")
        train = train + repeats
    max_len = ModelConfig(vocab_size=tok.vocab_size).max_positions
    train, train_ids = _encode(tok, train, max_len, "training data", say)
    valid, valid_ids = _encode(tok, valid, max_len, "validation data", say)
    everyday = load_pairs(embedded_path("everyday")) if args.data is None else None
    return Corpus(train, valid, test, str(test_path) if test_path else "", tok, train_ids, valid_ids, everyday)
