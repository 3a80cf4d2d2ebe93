"""Reading tatoeba.org's own exports (https://tatoeba.org/downloads) into (English, French) pairs.

`minimt data tatoeba` reads two layouts besides manythings.org's ``fra.txt``:

* **sentences + links**: the per-language sentence files ``eng_sentences.tsv.bz2`` and
  ``fra_sentences.tsv.bz2`` (lines ``id<TAB>lang<TAB>text``; the all-languages
  ``sentences.csv`` works too) and ``links.tsv.bz2`` (lines ``id<TAB>translation_id``).
  A pair is an English sentence linked to a French one. Tatoeba lists every link in both
  directions (A→B and B→A); we count each English–French link once.
* **the sentence-pairs export** of one language pair: ``eng_id<TAB>English<TAB>fra_id<TAB>French``.
  `is_pairs_export` recognises it by its first line (4 columns, columns 1 and 3 numbers).

links.tsv covers every language (~500 MB uncompressed), so it is streamed a line at a time:
the two sentence files are read first into dicts id → text, and a link is kept only when it
joins one of those English sentences to one of those French ones. .bz2 and .gz files are
decompressed on the fly (recognised by their first bytes, whatever their name).
"""
from __future__ import annotations

import bz2
import contextlib
import gzip
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from ..data import BOM, check_characters, check_line, parse_pairs
from ..errors import MinimtError

ENGLISH, FRENCH = b"eng", b"fra"  # Tatoeba's ISO 639-3 language codes
SENTENCE_COLUMNS = "id, language, text"
LINK_COLUMNS = "sentence id, translation id"
PAIR_COLUMNS = "English id, English, French id, French"


@contextlib.contextmanager
def open_binary(path: str | Path) -> Iterator[BinaryIO]:
    """Open a plain, bzip2 or gzip file for reading its decompressed bytes."""
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise MinimtError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise MinimtError(f"{path}: is a folder, expected a file") from None
    except OSError as e:
        raise MinimtError(f"{path}: cannot read: {e.strerror or e}") from None
    with raw:
        magic = raw.read(3)
        raw.seek(0)
        if magic == b"BZh":
            yield bz2.BZ2File(raw)
        elif magic[:2] == b"\x1f\x8b":
            yield gzip.GzipFile(fileobj=raw)
        else:
            yield raw


def read_lines(path: str | Path) -> Iterator[tuple[int, bytes]]:
    """Stream (line number, line without its \\n) — one line in memory at a time.

    Lines are split on b"\\n" only (see `minimt.data`). Empty lines may only end the file.
    """
    blank = number = 0
    with open_binary(path) as f:
        try:
            for number, raw in enumerate(f, start=1):
                if raw.endswith(b"\n"):
                    raw = raw[:-1]
                if not raw:
                    blank = blank or number
                    continue
                if blank:
                    raise MinimtError(f"{path}:{blank}: blank line (only the end of a file may "
                                      "have empty lines)")
                if raw.endswith(b"\r"):
                    raise MinimtError(f"{path}:{number}: CRLF line endings (\\r\\n); "
                                      "convert with dos2unix")
                if number == 1 and raw.startswith(BOM):
                    raise MinimtError(f"{path}:1: UTF-8 byte-order mark (BOM) at the start of "
                                      "the file; re-save it as UTF-8 without BOM")
                yield number, raw
        except (OSError, EOFError, zlib.error) as e:  # truncated or corrupt .bz2 / .gz
            raise MinimtError(f"{path}:{number + 1}: damaged compressed file ({e}); "
                              "download it again") from None


def columns(raw: bytes, n: int, names: str, path: str | Path, number: int) -> list[bytes]:
    """Split a line on tabs; anything but exactly ``n`` columns is an error naming file:line."""
    cols = raw.split(b"\t")
    if len(cols) != n:
        raise MinimtError(f"{path}:{number}: {len(cols)} tab-separated column(s), expected {n} "
                          f"({names})")
    return cols


def sentence_id(col: bytes | str, where: str) -> int:
    if not (col.isascii() and col.isdigit()):  # bytes.isdigit is ASCII-only; str's is not
        text = col.decode("utf-8", "replace") if isinstance(col, bytes) else col
        raise MinimtError(f"{where}: {text[:20]!r} is not a sentence id (a whole number)")
    return int(col)


def read_sentences(paths: list[str | Path]) -> tuple[dict[int, str], dict[int, str], int, dict]:
    """Read sentence files → (english id→text, french id→text, sentences of other languages
    skipped, problems). A bad *text* (control character, empty) is only an error if a link
    uses it: ``problems`` maps such ids to their file:line message."""
    kept: dict[bytes, dict[int, str]] = {ENGLISH: {}, FRENCH: {}}
    problems: dict[int, str] = {}
    others = 0
    for path in paths:
        for number, raw in read_lines(path):
            where = f"{path}:{number}"
            id_, lang, _ = columns(raw, 3, SENTENCE_COLUMNS, path, number)
            if lang not in kept:
                others += 1
                continue
            i = sentence_id(id_, where)
            if i in kept[ENGLISH] or i in kept[FRENCH]:
                raise MinimtError(f"{where}: sentence id {i} was already read (a file given twice?)")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise MinimtError(f"{where}: not UTF-8: byte 0x{raw[e.start]:02x} at byte "
                                  f"{e.start + 1} of the line; re-save the file as UTF-8") from None
            text = line.split("\t")[2].strip()
            try:
                check_characters(line, where)
                if not text:
                    raise MinimtError(f"{where}: empty sentence text")
            except MinimtError as e:
                problems[i] = str(e)
            kept[lang][i] = text
    for lang, name in ((ENGLISH, "English"), (FRENCH, "French")):
        if not kept[lang]:
            raise MinimtError(f"{', '.join(map(str, paths))}: no {name} ({lang.decode()}) sentences; "
                              f"pass {lang.decode()}_sentences.tsv.bz2 to --sentences")
    return kept[ENGLISH], kept[FRENCH], others, problems


def linked_ids(path: str | Path, english: dict[int, str],
               french: dict[int, str]) -> tuple[list[tuple[int, int]], int]:
    """Stream a links file → (sorted unique (english id, french id) links, lines read)."""
    found: set[tuple[int, int]] = set()
    number = 0
    for number, raw in read_lines(path):
        a, b = columns(raw, 2, LINK_COLUMNS, path, number)
        if not (a.isdigit() and b.isdigit()):
            where = f"{path}:{number}"
            sentence_id(a, where), sentence_id(b, where)  # raises, naming the bad column
        a, b = int(a), int(b)
        if a in english and b in french:
            found.add((a, b))
        elif a in french and b in english:  # the same link, listed the other way round
            found.add((b, a))
    if not found:
        raise MinimtError(f"{path}: no link between an English and a French sentence in its "
                          f"{number:,} lines (links for other sentence files?)")
    return sorted(found), number


def pairs_from_exports(sentence_files: list[str | Path],
                       links_file: str | Path) -> tuple[list[tuple[str, str]], str]:
    """tatoeba.org sentence files + links file → ((english, french) pairs, a name for them).

    Pairs come in order of English id, then French id. Nothing is skipped silently: a bad
    line anywhere is an error, and so is a bad text that a link uses.
    """
    english, french, others, problems = read_sentences(sentence_files)
    links, n_links = linked_ids(links_file, english, french)
    for pair in links:
        for i in pair:
            if i in problems:
                raise MinimtError(f"{problems[i]} (sentence {i} is linked in {links_file})")
    names = ", ".join(map(str, sentence_files))
    print(f"{names}: {len(english):,} English and {len(french):,} French sentences "
          f"({others:,} in other languages ignored)")
    print(f"{links_file}: {n_links:,} lines, {len(links):,} English–French links")
    return [(english[en], french[fr]) for en, fr in links], f"{links_file} (+ sentence files)"


def is_pairs_export(data: bytes) -> bool:
    """Does the first line look like ``id<TAB>text<TAB>id<TAB>text`` (tatoeba.org pairs export)?"""
    end = data.find(b"\n")
    cols = (data if end < 0 else data[:end]).split(b"\t")
    return len(cols) == 4 and cols[0].isdigit() and cols[2].isdigit()


def _pairs_export_line(line: str, where: str) -> tuple[str, str]:
    check_characters(line, where)  # same rules as any TSV: no \r, U+2028, control characters
    cols = line.split("\t")
    if len(cols) != 4:
        raise MinimtError(f"{where}: {len(cols)} tab-separated column(s), expected 4 "
                          f"({PAIR_COLUMNS}) as in the rest of this tatoeba.org pairs export")
    sentence_id(cols[0], where), sentence_id(cols[2], where)
    return check_line(f"{cols[1]}\t{cols[3]}", where)  # empty sides are errors there


def parse_pairs_export(data: bytes, source: str) -> list[tuple[str, str]]:
    """The bytes of a tatoeba.org sentence-pairs export → (english, french) pairs."""
    return parse_pairs(data, source, parse_line=_pairs_export_line)
