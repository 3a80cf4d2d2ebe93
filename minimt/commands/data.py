"""`minimt data tatoeba | generate | check`: get, generate or check English→French pair files."""
from __future__ import annotations

import argparse
from pathlib import Path

from .. import files
from ..data import load_pairs
from ..errors import MinimtError

_TATOEBA_HELP = """\
Get the real Tatoeba English-French pairs (CC-BY 2.0 FR), check every line, drop exact
duplicates and write train/valid/test.tsv, split so that no valid/test English sentence
is in train. Three kinds of input:

  minimt data tatoeba                   download manythings.org's fra-eng.zip (or --url URL)
  minimt data tatoeba --file FILE       a local file: fra-eng.zip, fra.txt, any
                                        english<TAB>french TSV, or the "sentence pairs"
                                        export of tatoeba.org/downloads (eng_id<TAB>English
                                        <TAB>fra_id<TAB>French: recognised by itself)
  minimt data tatoeba --sentences eng_sentences.tsv.bz2 fra_sentences.tsv.bz2 \\
                      --links links.tsv.bz2
                                        tatoeba.org's own exports: sentences (id<TAB>lang
                                        <TAB>text) and links (id<TAB>translation_id), read
                                        as .bz2, .gz or plain; links.tsv is streamed

Bad input stops with file:line before anything is written."""


def _run_tatoeba(args: argparse.Namespace) -> int:
    from ..tatoeba import download
    common = dict(cache=args.cache, out_dir=args.out, n_valid=args.valid, n_test=args.test,
                  seed=args.seed)
    if args.sentences or args.links:
        if not args.links:
            raise MinimtError("--sentences needs --links FILE (tatoeba.org's links.tsv.bz2)")
        if not args.sentences:
            raise MinimtError("--links needs --sentences FILE... (eng_sentences.tsv.bz2 "
                              "fra_sentences.tsv.bz2)")
        download.import_exports(args.sentences, args.links, **common)
    elif args.file:
        download.import_file(args.file, **common)
    else:
        download.fetch_tatoeba(args.url or download.DEFAULT_URL, **common)
    return 0


def _run_generate(args: argparse.Namespace) -> int:
    from ..corpus import write_splits
    out = Path(args.out) if args.out else files.writable_data_dir()  # not into site-packages
    counts = write_splits(out)
    for name in ("train", "valid", "test"):  # the other counts are not files: no path for them
        from_book = counts.get(f"{name}_phrasebook")
        print(f"{out / (name + '.tsv')}: {counts[name]:,} pairs"
              + (f" ({from_book:,} from the phrasebook)" if from_book is not None else ""))
    if "phrasebook" in counts:
        print(f"phrasebook pairs: {counts['phrasebook']:,}; generated pairs: {counts.get('generated', 0):,}")
    return 0


def _run_check(args: argparse.Namespace) -> int:
    for path in args.files:
        pairs = load_pairs(path)
        n_en = len({en for en, _ in pairs})
        print(f"{path}: {len(pairs):,} pairs, {n_en:,} distinct English sentences, "
              f"{len(pairs) - len(set(pairs)):,} exact duplicates")
    return 0


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def register(sub) -> None:
    parser = sub.add_parser("data", help="get, generate or check English→French pair files")
    data_sub = parser.add_subparsers(dest="data_command", metavar="{tatoeba,generate,check}",
                                     parser_class=type(parser))
    data_sub.required = True

    p = data_sub.add_parser("tatoeba", help="the real Tatoeba EN→FR pairs: download them, or "
                            "read tatoeba.org exports", description=_TATOEBA_HELP,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group()
    source.add_argument("--url", metavar="URL", help="download a .zip holding fra.txt, a "
                        ".tsv/.txt, .bz2 or .gz (default: manythings.org fra-eng.zip)")
    source.add_argument("--file", metavar="FILE", help="a local file instead of a download "
                        "(same formats; a tatoeba.org sentence-pairs export is recognised "
                        "here and in --url)")
    source.add_argument("--sentences", nargs="+", metavar="FILE", help="tatoeba.org sentence "
                        "files, e.g. eng_sentences.tsv.bz2 fra_sentences.tsv.bz2 (other "
                        "languages in them are ignored); needs --links")
    p.add_argument("--links", metavar="FILE", help="tatoeba.org links.tsv.bz2, with --sentences")
    p.add_argument("--cache", metavar="DIR", help="cache folder; downloads go to DIR/downloads/ "
                   "(default: $MINIMT_CACHE or ~/.cache/minimt)")
    p.add_argument("--out", metavar="DIR", help="where train/valid/test.tsv go "
                   "(default: <cache>/tatoeba)")
    p.add_argument("--valid", type=_non_negative, default=2000, metavar="N",
                   help="pairs in valid.tsv (default 2000)")
    p.add_argument("--test", type=_non_negative, default=2000, metavar="N",
                   help="pairs in test.tsv (default 2000)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the split (default 0)")
    p.set_defaults(func=_run_tatoeba)

    p = data_sub.add_parser("generate", help="regenerate the embedded corpus splits")
    p.add_argument("--out", metavar="DIR", help="output folder (default: data/ of the clone "
                   "minimt runs from; required when minimt is installed with `pip install .`)")
    p.set_defaults(func=_run_generate)

    p = data_sub.add_parser("check", help="validate TSV files and print their sizes")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=_run_check)
