"""The embedded corpus: a deterministic English→French sentence generator, and the fixed splits.

Why generate sentences at all? A tiny Transformer trained for minutes on a laptop needs tens of
thousands of pairs, all *correct*, short, and free to ship. A small template grammar over a
hand-checked lexicon (minimt/corpus/lexicon.py) gives that: subjects with gender and number, articles
(le/la/l'/les, un/une/des, du/de la), adjectives that agree, negation, questions, three tenses,
possessives, numbers and times. The phrasebook (data/phrasebook.tsv, written by hand) adds
everyday sentences that no template makes, so the test set is not only template sentences.

The pieces (spelling with elision and contraction, numbers, clock times, subjects, noun
phrases, agreement) are in minimt/corpus/grammar.py; the words are in minimt/corpus/lexicon.py. The sentence
templates are in minimt/corpus/templates.py; this file holds the generator and the split.

Typography (shared with the phrasebook): a plain space before ? ! : ; in French, a straight
apostrophe, a capital first letter, a final "." or "?".

Run `python -m minimt.corpus` (or `minimt data generate`) to rewrite data/{train,valid,test}.tsv.
Everything is deterministic: one random.Random(seed), lists and insertion-ordered dicts only.
"""
from __future__ import annotations

import random
from pathlib import Path

from ..data import ARTICLE_PAIR  # the walkthrough's pair: always in train
from ..errors import MinimtError
from ..files import DATA_DIR, atomic_write_text
from .templates import QUOTAS, it_is



def generate_pairs(seed: int = 0) -> list[tuple[str, str]]:
    """All generated (english, french) pairs, distinct, in a fixed order: same seed, same list."""
    rng = random.Random(seed)
    pairs = dict.fromkeys(it_is())  # a dict keeps insertion order and drops repeats
    for make, quota in QUOTAS:
        target, tries = len(pairs) + quota, 0
        while len(pairs) < target and tries < 50 * quota:
            tries += 1
            pair = make(rng)
            if pair:
                pairs.setdefault(pair)
    return list(pairs)


def read_phrasebook(path: Path) -> list[tuple[str, str]]:
    """The hand-written phrasebook, `english<TAB>french` per line; [] if there is none."""
    path = Path(path)
    if not path.exists():
        return []
    pairs = []
    for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
            raise MinimtError(f"{path}:{i}: expected english<TAB>french")
        pairs.append((cols[0].strip(), cols[1].strip()))
    return pairs


def split_pairs(phrasebook, generated, *, n_valid: int = 1000, n_test: int = 1000, seed: int = 0):
    """Split into (train, valid, test), grouped by English sentence.

    All translations of one English sentence go to the same split, so no valid/test English is
    ever seen in training. Groups are sorted, then shuffled with random.Random(seed). Sentences of
    three words or fewer ("How are you?", "Thank you.") always go to train. valid and test each get
    ~15% of the phrasebook (at least 150 pairs, at most a fifth) and are filled up with generated pairs."""
    groups: dict[str, list[str]] = {}
    for en, fr in [ARTICLE_PAIR, *phrasebook, *generated]:
        translations = groups.setdefault(en, [])
        if fr not in translations:
            translations.append(fr)
    in_phrasebook = {en for en, _ in phrasebook}
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    candidates = [en for en in order if len(en.split()) > 3]
    n_book = len(set(phrasebook))
    book_quota = min(max(150, round(0.15 * n_book)), n_book // 5)
    taken: dict[str, str] = {}

    def fill(split: str, limit: int, from_book: bool) -> int:
        n = 0
        for en in candidates:
            if n >= limit:
                break
            if en not in taken and (en in in_phrasebook) == from_book:
                taken[en], n = split, n + len(groups[en])
        return n

    for split, size in (("valid", n_valid), ("test", n_test)):
        fill(split, size - fill(split, book_quota, True), False)
    out: dict[str, list[tuple[str, str]]] = {"train": [], "valid": [], "test": []}
    for en in order:
        out[taken.get(en, "train")] += [(en, fr) for fr in groups[en]]
    return out["train"], out["valid"], out["test"]


def write_splits(out_dir: str | Path = DATA_DIR, *, phrasebook: str | Path | None = None) -> dict[str, int]:
    """Write train.tsv, valid.tsv, test.tsv (english<TAB>french, UTF-8, LF) atomically; return counts.

    Reads data/phrasebook.tsv (if it exists) and adds generate_pairs(0). Byte-identical on every run."""
    book = read_phrasebook(Path(phrasebook) if phrasebook else DATA_DIR / "phrasebook.tsv")
    generated = generate_pairs(0)
    splits = dict(zip(("train", "valid", "test"), split_pairs(book, generated)))
    for name, pairs in splits.items():
        atomic_write_text(Path(out_dir) / f"{name}.tsv", "".join(f"{en}\t{fr}\n" for en, fr in pairs))
    in_book = set(book)
    counts = {name: len(pairs) for name, pairs in splits.items()}
    counts.update({f"{name}_phrasebook": sum(p in in_book for p in pairs) for name, pairs in splits.items()})
    counts.update(phrasebook=len(in_book), generated=len(generated))
    return counts
