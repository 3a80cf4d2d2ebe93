"""Checks on data/phrasebook.tsv, the hand-written part of the embedded corpus.

Standard library + pytest only. Every rule lives in `line_problems`, and the
self-tests at the bottom feed it broken lines, so the file checks cannot pass
vacuously.

French typography used by the whole corpus (generator included):
a plain ASCII space before ? ! : ; (``Comment ça va ?``), none before . or ,;
straight apostrophes; no guillemets; a sentence starts with a capital (or a digit)
and ends with . ? or !.
"""

import re
from pathlib import Path

import pytest

PHRASEBOOK = Path(__file__).resolve().parent.parent / "data" / "phrasebook.tsv"
ARTICLE_PAIR = ("How are you?", "Comment ça va ?")
MIN_PAIRS = 1000

FORBIDDEN_CHARS = {
    "\u2019": "curly apostrophe ’ (use ')",
    "\u2018": "curly quote ‘ (use ')",
    "\u00ab": "guillemet «",
    "\u00bb": "guillemet »",
    "\u201c": "curly quote “",
    "\u201d": "curly quote ”",
    "\u00a0": "no-break space (use a plain space)",
    "\u202f": "narrow no-break space (use a plain space)",
    "\r": "carriage return",
    "\ufeff": "byte-order mark",
}
FR_NO_SPACE_BEFORE = re.compile(r"[^ ][?!:;]")  # French: ? ! : ; need a space before
FR_DOUBLE_SPACE_BEFORE = re.compile(r"  [?!:;]")  # ... exactly one
SPACE_BEFORE_POINT = re.compile(r" [.,]")  # no language puts a space before . or ,
EN_SPACE_BEFORE = re.compile(r" [?!:;.,]")  # English: never a space before punctuation
ENDS_WELL = re.compile(r"[.?!][\"')]?$")
STARTS_WELL = re.compile(r"^[\"'¿¡]?[0-9]|^[\"'¿¡]?[^\W\d_]")


def side_problems(text, *, french):
    """Return a list of human-readable problems with one side of a pair."""
    problems = []
    if not text:
        return ["empty side"]
    if text != text.strip():
        problems.append("leading/trailing whitespace")
    if "  " in text:
        problems.append("double space")
    for ch, name in FORBIDDEN_CHARS.items():
        if ch in text:
            problems.append(name)
    m = STARTS_WELL.match(text)
    if not m or not (m.group(0)[-1].isupper() or m.group(0)[-1].isdigit()):
        problems.append("does not start with a capital letter or digit")
    if not ENDS_WELL.search(text):
        problems.append("does not end with . ? or !")
    if text.count('"') % 2:
        problems.append('unbalanced "')
    if SPACE_BEFORE_POINT.search(text):
        problems.append("space before . or ,")
    if french:
        if FR_NO_SPACE_BEFORE.search(text) or text[0] in "?!:;":
            problems.append("French needs a space before ? ! : ;")
        if FR_DOUBLE_SPACE_BEFORE.search(text):
            problems.append("more than one space before ? ! : ;")
    elif EN_SPACE_BEFORE.search(text):
        problems.append("English has no space before punctuation")
    return problems


def line_problems(line):
    """Problems with one line (without its final newline)."""
    if line.count("\t") != 1:
        return [f"expected exactly one tab, found {line.count(chr(9))}"]
    english, french = line.split("\t")
    return [f"english: {p}" for p in side_problems(english, french=False)] + [
        f"french: {p}" for p in side_problems(french, french=True)
    ]


@pytest.fixture(scope="module")
def raw():
    return PHRASEBOOK.read_bytes()


@pytest.fixture(scope="module")
def lines(raw):
    return raw.decode("utf-8").split("\n")[:-1]  # the file ends with "\n"


@pytest.fixture(scope="module")
def pairs(lines):
    return [tuple(line.split("\t")) for line in lines]


def test_bytes_are_utf8_lf_without_bom(raw):
    assert not raw.startswith(b"\xef\xbb\xbf"), "byte-order mark"
    raw.decode("utf-8")  # raises on invalid bytes
    assert b"\r" not in raw, "CR found: use LF line endings"
    assert raw.endswith(b"\n") and not raw.endswith(b"\n\n"), "must end with exactly one newline"
    for bad in ("\u2028", "\u2029", "\u0085"):
        assert bad not in raw.decode("utf-8"), f"line separator U+{ord(bad):04X}"


def test_every_line_is_a_clean_pair(lines):
    bad = []
    for number, line in enumerate(lines, start=1):
        for problem in line_problems(line):
            bad.append(f"{PHRASEBOOK.name}:{number}: {problem}: {line!r}")
    assert not bad, "\n".join(bad[:30])


def test_enough_pairs(pairs):
    assert len(pairs) >= MIN_PAIRS


def test_no_duplicate_english(pairs):
    seen, dups = set(), []
    for english, _ in pairs:
        if english in seen:
            dups.append(english)
        seen.add(english)
    assert not dups, dups


def test_contains_the_article_pair(pairs):
    assert ARTICLE_PAIR in pairs


# --- the checks above must be able to fail -------------------------------------------

@pytest.mark.parametrize(
    "line",
    [
        "How are you?\tComment ça va?",  # no space before ?
        "How are you?\tComment ça va  ?",  # two spaces
        "How are you?\tComment ça va\u00a0?",  # no-break space
        "How are you ?\tComment ça va ?",  # English with a space
        "I'm here.\tJe suis là",  # no final punctuation
        "i'm here.\tJe suis là.",  # lowercase start
        "I\u2019m here.\tJe suis là.",  # curly apostrophe
        "Hello.\t\u00abBonjour.\u00bb",  # guillemets
        "Hello.\t",  # empty side
        "Hello. Bonjour.",  # no tab
        "Hello.\tBonjour.\tExtra.",  # two tabs
        "Hello.\tBonjour .",  # space before a full stop
        "Watch out!\tAttention!",  # no space before !
        'Say "hi.\tDis "salut".',  # unbalanced quote
    ],
)
def test_checker_rejects_broken_lines(line):
    assert line_problems(line), line


@pytest.mark.parametrize(
    "line",
    [
        "How are you?\tComment ça va ?",
        "Watch out!\tAttention !",
        "It's here.\tC'est ici.",
        'How do you say "cat"?\tComment dit-on "cat" ?',
        "20 euros.\t20 euros.",
        "Where is the exit?\tOù est la sortie ?",
    ],
)
def test_checker_accepts_good_lines(line):
    assert line_problems(line) == [], line_problems(line)
