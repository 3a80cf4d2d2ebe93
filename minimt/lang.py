"""Which language minimt speaks to you: English (default) or Chinese (中文).

One rule, used by every place that prints teaching text (exercise feedback, `minimt inspect`,
picture titles, the first one-line errors): an explicit `--lang`, else the `MINIMT_LANG`
environment variable, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`; `zh_CN.UTF-8` → zh),
else English. The Chinese terms come from one glossary, `glossary_zh.tsv` beside this file.

A one-line error a learner meets first (a bad corpus line, a missing checkpoint) is written
once, as a pair, where it is raised — `pick` returns the half in the language in use:

    raise MinimtError(pick(en=f"{where}: empty French side in {shown}",
                           zh=f"{where}：法语一侧是空的：{shown}"))

tests/test_errors_zh.py reads data.py and checkpoint.py (AST) and fails on a MinimtError whose
text is not such a pair, or on a pair whose two f-strings do not use the same placeholders.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .errors import MinimtError

LANGUAGES = ("en", "zh")
GLOSSARY_PATH = Path(__file__).with_name("glossary_zh.tsv")


def _normalise(value: str) -> str | None:
    """'zh', 'zh_CN.UTF-8', 'zh-Hans' → 'zh'; 'en_US.UTF-8', 'C', 'POSIX' → 'en'; '' → None."""
    value = value.strip().lower()
    if not value:
        return None
    if value.startswith("zh"):
        return "zh"
    return "en"


def choose_language(flag: str | None = None) -> str:
    """'en' or 'zh': the flag, else MINIMT_LANG, else the locale, else 'en'."""
    if flag is not None:
        if flag not in LANGUAGES:
            raise MinimtError(f"--lang {flag!r}: choose one of {', '.join(LANGUAGES)}")
        return flag
    chosen = os.environ.get("MINIMT_LANG", "").strip()
    if chosen:
        if chosen not in LANGUAGES:
            raise MinimtError(f"MINIMT_LANG={chosen!r}: choose one of {', '.join(LANGUAGES)}")
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        found = _normalise(os.environ.get(name, ""))
        if found:
            return found
    return "en"


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """English term → its one Chinese rendering (glossary_zh.tsv)."""
    terms = {}
    for number, line in enumerate(GLOSSARY_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0] or not fields[1]:
            raise MinimtError(f"{GLOSSARY_PATH}:{number}: expected 'english<TAB>chinese[<TAB>note]'")
        if fields[0] in terms:
            raise MinimtError(f"{GLOSSARY_PATH}:{number}: {fields[0]!r} is already in the glossary")
        terms[fields[0]] = fields[1]
    return terms


def pick(*, en: str, zh: str) -> str:
    """``zh`` when the language in use is Chinese, else ``en`` (the English text, byte for byte).

    Never raises: a bad ``MINIMT_LANG`` must not hide the error being reported, so it means English.
    """
    try:
        return zh if choose_language(None) == "zh" else en
    except MinimtError:
        return en
