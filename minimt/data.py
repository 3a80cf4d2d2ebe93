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

import re
from pathlib import Path
from typing import Callable

from . import files
from .errors import MinimtError
from .lang import pick

SPLITS = ("train", "valid", "test", "phrasebook", "everyday")  # everyday: 40 pairs in no other split

# The article's pair, followed through every lesson (its only definition; "How are you?\tComment
# ça va ?" is a line of the embedded train split).
ARTICLE_PAIR = ("How are you?", "Comment ça va ?")
BOM = b"\xef\xbb\xbf"

# Characters that must not appear inside a line. Tab (\x09) separates columns and \n
# separates lines, so neither is here. U+0085 is inside \x80-\x9f (the C1 controls).
_BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_NAME = {"\r": "carriage return (\\r)", "\x85": "NEXT LINE (U+0085)",
         "\u2028": "LINE SEPARATOR (U+2028)", "\u2029": "PARAGRAPH SEPARATOR (U+2029)",
         "\ufeff": "byte-order mark (U+FEFF)"}
# The same names for a Chinese reader (the Unicode names stay: they are what a search finds).
_NAME_ZH = {"\r": "回车符（\\r）", "\x85": "换行控制符 NEXT LINE（U+0085）",
            "\u2028": "行分隔符 LINE SEPARATOR（U+2028）", "\u2029": "段分隔符 PARAGRAPH SEPARATOR（U+2029）",
            "\ufeff": "字节顺序标记（BOM，U+FEFF）"}


def embedded_path(split: str) -> Path:
    """Path of one split of the embedded corpus: ``data/`` of a clone, else the installed copy."""
    if split not in SPLITS:
        raise MinimtError(pick(en=f"unknown split {split!r}: choose one of {', '.join(SPLITS)}",
                               zh=f"没有 {split!r} 这个划分：可选 {', '.join(SPLITS)}"))
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
            raise MinimtError(pick(en=f"{where}: CRLF line endings (\\r\\n); convert with dos2unix",
                                   zh=f"{where}：行尾是 CRLF（\\r\\n，Windows 的换行）；用 dos2unix 转换"))
        name = pick(en=_NAME.get(ch) or f"control character U+{ord(ch):04X}",
                    zh=_NAME_ZH.get(ch) or f"控制字符 U+{ord(ch):04X}")
        splits_here = len(f"a{ch}b".splitlines()) > 1  # would str.splitlines() cut the pair?
        why = pick(en=" (str.splitlines() would break the line there)",
                   zh="（str.splitlines() 会在这里把一行断成两行）") if splits_here else ""
        raise MinimtError(pick(en=f"{where}: {name} at column {col}{why}; remove it or use a space",
                               zh=f"{where}：第 {col} 列有{name}{why}；删掉它或换成空格"))


def check_line(line: str, where: str) -> tuple[str, str]:
    """One decoded line → (english, french), or a MinimtError naming ``where`` (file:line)."""
    check_characters(line, where)
    if not line.strip():
        raise MinimtError(pick(en=f"{where}: blank line (only the end of a file may have empty lines)",
                               zh=f"{where}：空行（只有文件末尾可以有空行）"))
    if "\t" not in line:
        raise MinimtError(pick(en=f"{where}: no tab between English and French in {_show(line)}",
                               zh=f"{where}：英语和法语之间没有制表符（tab）：{_show(line)}"))
    english, french = line.split("\t")[:2]  # columns 3+ are attribution: ignored
    english, french = english.strip(), french.strip()
    if not english:
        raise MinimtError(pick(en=f"{where}: empty English side in {_show(line)}",
                               zh=f"{where}：英语一侧是空的：{_show(line)}"))
    if not french:
        raise MinimtError(pick(en=f"{where}: empty French side in {_show(line)}",
                               zh=f"{where}：法语一侧是空的：{_show(line)}"))
    return english, french


def parse_pairs(data: bytes, source: str, *, max_pairs: int | None = None,
                parse_line: Callable[[str, str], tuple[str, str]] = check_line,
                ) -> list[tuple[str, str]]:
    """Validate and parse the bytes of a TSV corpus; ``source`` names it in error messages.

    The one validation function: `load_pairs` and the Tatoeba download both use it.
    Stops after ``max_pairs`` pairs (the rest of the file is then not checked).
    ``parse_line(line, "file:line")`` turns one decoded line into a pair; another one reads
    another column layout (`minimt.tatoeba.exports` reads tatoeba.org's pairs export with it).
    """
    if max_pairs is not None and max_pairs < 1:
        raise MinimtError(pick(en=f"max_pairs={max_pairs}: must be at least 1 (or None for all)",
                               zh=f"max_pairs={max_pairs}：至少为 1（或者 None 表示全部）"))
    if data.startswith(BOM):
        raise MinimtError(pick(en=f"{source}:1: UTF-8 byte-order mark (BOM) at the start of the file; "
                                  "re-save it as UTF-8 without BOM",
                               zh=f"{source}:1：文件开头有 UTF-8 字节顺序标记（BOM）；"
                                  "请另存为不带 BOM 的 UTF-8"))
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
            raise MinimtError(pick(
                en=f"{where}: not UTF-8: byte 0x{raw[e.start]:02x} at byte offset {offset + e.start} "
                   f"of the file (byte {e.start + 1} of the line); re-save the file as UTF-8",
                zh=f"{where}：不是 UTF-8：文件第 {offset + e.start} 字节处（从 0 数起，该行第 {e.start + 1} 字节）"
                   f"是 0x{raw[e.start]:02x}；请把文件另存为 UTF-8")) from None
        pairs.append(parse_line(line, where))
        if max_pairs is not None and len(pairs) >= max_pairs:
            break
        offset += len(raw) + 1
    if not pairs:
        raise MinimtError(pick(en=f"{source}: 0 usable sentence pairs (the file is empty)",
                               zh=f"{source}：没有可用的句对（文件是空的）"))
    return pairs


def read_bytes(path: str | Path) -> bytes:
    """Read a whole file, turning 'no such file' and friends into a one-line MinimtError."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        hint = ""
        if path.parent.resolve() == files.DATA_DIR.resolve():
            hint = (pick(en=" (this minimt was installed without its corpus: reinstall it)",
                         zh="（这份 minimt 安装时没有带上内置语料：请重新安装）") if files.corpus_is_installed()
                    else pick(en=" (regenerate the embedded corpus with `minimt data generate`)",
                              zh="（用 `minimt data generate` 重新生成内置语料）"))
        raise MinimtError(pick(en=f"{path}: no such file{hint}",
                               zh=f"{path}：文件不存在{hint}")) from None
    except IsADirectoryError:
        raise MinimtError(pick(en=f"{path}: is a folder, expected a TSV file",
                               zh=f"{path}：这是一个文件夹，需要的是 TSV 文件")) from None
    except OSError as e:
        raise MinimtError(pick(en=f"{path}: cannot read: {e.strerror or e}",
                               zh=f"{path}：读不了：{e.strerror or e}")) from None


def load_pairs(path: str | Path, *, max_pairs: int | None = None) -> list[tuple[str, str]]:
    """Read ``english<TAB>french[<TAB>…]`` lines from ``path`` → list of (english, french).

    Each side is stripped of leading/trailing whitespace. Any bad line raises
    `MinimtError` naming ``path:line`` — nothing is skipped silently.
    """
    return parse_pairs(read_bytes(path), str(path), max_pairs=max_pairs)
