"""Loading English→French sentence pairs (lesson 01).

A parallel corpus is a list of (English, French) pairs, one per line of a TSV file:

    english<TAB>french[<TAB>attribution…]

which is the format of Tatoeba / manythings.org (`fra.txt`); extra columns are ignored.

Every later stage trusts these pairs, so a bad line must stop us *here*, with the file and
line number, instead of surfacing hours later as a NaN loss or a misaligned pair. We read
bytes and split on b"\\n" only — never `str.splitlines()`, which also splits on `\\r`,
`\\x0b`, `\\x0c`, `\\x1c`-`\\x1e`, U+0085, U+2028 and U+2029 and would silently shift every
pair after such a character by one line. Those characters are reported instead.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Callable

from . import files
from .errors import MinimtError

SPLITS = ("train", "valid", "test", "phrasebook")
BOM = b"\xef\xbb\xbf"

# Characters that must not appear inside a line. Tab (\x09) separates columns and \n
# separates lines, so neither is here. U+0085 is inside \x80-\x9f (the C1 controls).
_BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_NAME = {"\r": "carriage return (\\r)", "\x85": "NEXT LINE (U+0085)",
         "\u2028": "LINE SEPARATOR (U+2028)", "\u2029": "PARAGRAPH SEPARATOR (U+2029)",
         "\ufeff": "byte-order mark (U+FEFF)"}


def embedded_path(split: str) -> Path:
    """Path of one split of the embedded corpus: ``data/`` of a clone, else the installed copy."""
    if split not in SPLITS:
        raise MinimtError(f"unknown split {split!r}: choose one of {', '.join(SPLITS)}")
    return files.DATA_DIR / f"{split}.tsv"


def _show(text: str, limit: int = 40) -> str:
    """A short, visible excerpt of a line for an error message (repr shows tabs, \\r…)."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def check_characters(line: str, where: str) -> None:
    """Refuse a decoded line holding a control or line-breaking character (see the top)."""
    bad = _BAD_CHAR.search(line)
    if bad:
        ch, col = bad.group(), bad.start() + 1
        if ch == "\r" and col == len(line):
            raise MinimtError(f"{where}: CRLF line endings (\\r\\n); convert with dos2unix")
        name = _NAME.get(ch) or f"control character U+{ord(ch):04X}"
        splits_here = len(f"a{ch}b".splitlines()) > 1  # would str.splitlines() cut the pair?
        why = " (str.splitlines() would break the line there)" if splits_here else ""
        raise MinimtError(f"{where}: {name} at column {col}{why}; remove it or use a space")


def check_line(line: str, where: str) -> tuple[str, str]:
    """One decoded line → (english, french), or a MinimtError naming ``where`` (file:line)."""
    check_characters(line, where)
    if not line.strip():
        raise MinimtError(f"{where}: blank line (only the end of a file may have empty lines)")
    if "\t" not in line:
        raise MinimtError(f"{where}: no tab between English and French in {_show(line)}")
    english, french = line.split("\t")[:2]  # columns 3+ are attribution: ignored
    english, french = english.strip(), french.strip()
    if not english:
        raise MinimtError(f"{where}: empty English side in {_show(line)}")
    if not french:
        raise MinimtError(f"{where}: empty French side in {_show(line)}")
    return english, french


def parse_pairs(data: bytes, source: str, *, max_pairs: int | None = None,
                parse_line: Callable[[str, str], tuple[str, str]] = check_line,
                ) -> list[tuple[str, str]]:
    """Validate and parse the bytes of a TSV corpus; ``source`` names it in error messages.

    The one validation function: `load_pairs` and the Tatoeba download both use it.
    Stops after ``max_pairs`` pairs (the rest of the file is then not checked).
    ``parse_line(line, "file:line")`` turns one decoded line into a pair; another one reads
    another column layout (`minimt.tatoeba_export` reads tatoeba.org's pairs export with it).
    """
    if max_pairs is not None and max_pairs < 1:
        raise MinimtError(f"max_pairs={max_pairs}: must be at least 1 (or None for all)")
    if data.startswith(BOM):
        raise MinimtError(f"{source}:1: UTF-8 byte-order mark (BOM) at the start of the file; "
                          "re-save it as UTF-8 without BOM")
    lines = data.split(b"\n")
    while lines and lines[-1] == b"":  # the final newline, and empty lines at EOF, are fine
        lines.pop()
    pairs: list[tuple[str, str]] = []
    offset = 0  # byte offset of the current line in the file
    for number, raw in enumerate(lines, start=1):
        where = f"{source}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise MinimtError(
                f"{where}: not UTF-8: byte 0x{raw[e.start]:02x} at byte offset {offset + e.start} "
                f"of the file (byte {e.start + 1} of the line); re-save the file as UTF-8") from None
        pairs.append(parse_line(line, where))
        if max_pairs is not None and len(pairs) >= max_pairs:
            break
        offset += len(raw) + 1
    if not pairs:
        raise MinimtError(f"{source}: 0 usable sentence pairs (the file is empty)")
    return pairs


def read_bytes(path: str | Path) -> bytes:
    """Read a whole file, turning 'no such file' and friends into a one-line MinimtError."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        hint = ""
        if path.parent.resolve() == files.DATA_DIR.resolve():
            hint = (" (this minimt was installed without its corpus: reinstall it)" if files.corpus_is_installed()
                    else " (regenerate the embedded corpus with `minimt data generate`)")
        raise MinimtError(f"{path}: no such file{hint}") from None
    except IsADirectoryError:
        raise MinimtError(f"{path}: is a folder, expected a TSV file") from None
    except OSError as e:
        raise MinimtError(f"{path}: cannot read: {e.strerror or e}") from None


def load_pairs(path: str | Path, *, max_pairs: int | None = None) -> list[tuple[str, str]]:
    """Read ``english<TAB>french[<TAB>…]`` lines from ``path`` → list of (english, french).

    Each side is stripped of leading/trailing whitespace. Any bad line raises
    `MinimtError` naming ``path:line`` — nothing is skipped silently.
    """
    return parse_pairs(read_bytes(path), str(path), max_pairs=max_pairs)


# ---------------------------------------------------------------- command line

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
    from . import download
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
    from .corpus import write_splits  # the generator module, written separately
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
