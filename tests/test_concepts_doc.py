"""docs/concepts.md cannot go stale: every lesson, section, figure, plot function, proof and exercise it
names exists, and every figure a lesson writes is listed in it."""
import re
from pathlib import Path

import pytest

from minimt import plots
from minimt.exercises.catalog import BY_NUMBER

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "concepts.md").read_text(encoding="utf-8")
LESSONS = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "lessons").glob("[0-9][0-9]_*.py")}
TABLE = [line for line in DOC.splitlines() if line.startswith("| ") and not line.startswith("| ---")][1:]


def figures_written(source: str) -> set[str]:
    """The PNGs (and folders) a lesson writes under $MINIMT_FIGURES."""
    return set(re.findall(r'FIGURES / "([^"]+)"', source))


def test_every_lesson_and_section_named_exists():
    assert TABLE, "docs/concepts.md lost its table"
    for row in TABLE:
        cell = row.split("|")[2]
        current = None
        for name, sections in re.findall(r"`(\d\d_[a-z_]+\.py)`([^`]*)", cell):
            assert name in LESSONS, f"concepts.md names lessons/{name}, which does not exist"
            current = LESSONS[name]
            headings = re.findall(r"^# ## (\d+)\. (.+)$", current, flags=re.M)
            for number, title in re.findall(r"§(\d+)([^§·]*)", sections):
                found = [t for n, t in headings if n == number]
                assert found, f"concepts.md: {name} has no section {number}"
                assert found[0].strip().startswith(title.strip()), \
                    f"concepts.md: {name} §{number} is '{found[0]}', not '{title.strip()}'"


def test_every_figure_named_is_written_and_every_written_figure_is_named():
    written = {f: name for name, src in LESSONS.items() for f in figures_written(src)}
    named = set(re.findall(r"`(\d\d_[a-z_]+(?:\.png|/))`", DOC))
    for fig in named:
        assert fig.rstrip("/") in written, f"concepts.md names {fig}, which no lesson writes"
    for fig, lesson in written.items():
        assert fig in named or fig + "/" in named, f"{lesson} writes {fig}, which docs/concepts.md does not list"


def test_every_plot_function_named_exists():
    for name in set(re.findall(r"`(plot_[a-z_]+|attention_pictures)`", DOC)):
        assert hasattr(plots, name), f"concepts.md names minimt.plots.{name}, which does not exist"


def test_every_proof_named_exists():
    for row in TABLE:
        cell = row.split("|")[4]
        for chunk in cell.split(";"):
            file = None
            for f, test in re.findall(r"`(?:(test_[a-z_]+\.py))?::(test_[a-z0-9_]+)`", chunk):
                file = f or file
                assert file, f"concepts.md: ::{test} without a test file"
                source = (ROOT / "tests" / file).read_text(encoding="utf-8")
                assert re.search(rf"^def {test}\(", source, flags=re.M), f"concepts.md: tests/{file}::{test} missing"


def test_every_exercise_named_exists():
    for row in TABLE:
        for n in re.findall(r"\b(\d+)\b", row.split("|")[5]):
            assert int(n) in BY_NUMBER, f"concepts.md names exercise {n}, which the catalog lacks"


@pytest.mark.parametrize("stale", ["none in lesson 09"])
def test_the_known_stale_claims_are_gone(stale):
    assert stale not in DOC
