"""The grader's two languages: every message is written once, as a pair.

    fail(say(en=f"labels{idx(i)} is {g} but should be -100: ...",
             zh=f"labels{idx(i)} 是 {g}，应为 -100：..."), context)

`say` returns the text in the language in use (a `Said`, a ``str`` that remembers both), so a
message cannot exist in one language only: tests/test_exercises_zh.py reads every grader's
source (AST) and fails on prose outside a `say(...)`, on a `say` without both languages, and on
a pair whose two f-strings do not use the same placeholders.

Which language: `minimt.lang.choose_language` (``--lang`` > ``MINIMT_LANG`` > the locale > en).
The command line sets ``MINIMT_LANG`` around each action, so the child process that grades the
student's code (runner.py) speaks the same language as the terminal that started it.
"""
from __future__ import annotations

import os
import unicodedata
from contextlib import contextmanager

from ..lang import choose_language

_CHOSEN: str | None = None  # set by `speaking`; None: ask minimt.lang (MINIMT_LANG, locale)


def current() -> str:
    """'en' or 'zh': the language messages are written in right now."""
    return _CHOSEN or choose_language(None)


class Said(str):
    """A message in the language in use, that still knows its twin (hints are read later)."""

    en: str
    zh: str

    def __new__(cls, en: str, zh: str, lang: str):
        self = super().__new__(cls, zh if lang == "zh" else en)
        self.en, self.zh, self.lang = str(en), str(zh), lang
        return self

    def __reduce__(self):  # copy, deepcopy (dataclasses.asdict) and pickle keep both languages
        return (Said, (self.en, self.zh, self.lang))


def say(*, en: str, zh: str) -> Said:
    """The one way a grader writes a message: both languages, side by side."""
    return Said(en, zh, current())


def in_language(text: str, lang: str | None = None) -> str:
    """``text`` in ``lang`` (default: the one in use) if it is a `Said`; other text as it is."""
    lang = lang or current()
    return getattr(text, lang, text) if isinstance(text, Said) else text


@contextmanager
def speaking(lang: str):
    """Messages in ``lang`` inside the block — here and in the grading child (via MINIMT_LANG)."""
    global _CHOSEN
    before, before_env = _CHOSEN, os.environ.get("MINIMT_LANG")
    _CHOSEN, os.environ["MINIMT_LANG"] = lang, lang
    try:
        yield lang
    finally:
        _CHOSEN = before
        if before_env is None:
            os.environ.pop("MINIMT_LANG", None)
        else:
            os.environ["MINIMT_LANG"] = before_env


def status_word(status: str) -> str:
    """A result's status code ("not started", "passed", "timeout", ...) as the tables show it."""
    words = {
        "not started": say(en="not started", zh="未开始"), "started": say(en="started", zh="已开始"),
        "passed": say(en="passed", zh="已通过"), "failed": say(en="failed", zh="未通过"),
        "not done": say(en="not done", zh="还没写"), "error": say(en="error", zh="出错"),
        "timeout": say(en="timeout", zh="超时"), "memory": say(en="too much memory", zh="内存超限"),
        "crashed": say(en="crashed", zh="崩溃"), "internal error": say(en="internal error", zh="评分器出错"),
    }
    return words.get(status, status)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character (East Asian wide) takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, columns: int) -> str:
    """``text`` cut and padded to exactly ``columns`` terminal columns (so the tables line up in Chinese)."""
    out = ""
    for c in text:
        if width(out + c) > columns:
            break
        out += c
    return out + " " * (columns - width(out))
