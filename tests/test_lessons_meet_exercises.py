"""Lessons and exercises meet: each lesson ends with an "Exercises" cell naming the exercises that practise it.

The rule (issue 18): a lesson's LAST cell is markdown, headed `## Exercises`; it lists, one bullet
`- **N** — `function`: one line` each, exactly the exercises whose `lesson` in
minimt/exercises/catalog.py is this lesson, after the line "Practise this lesson: `minimt exercises
start N`, then `minimt exercises check N`."; a lesson no exercise belongs to says which lesson's
exercises practise it instead. The same rule holds for the Chinese lessons (lessons/zh/), whose
heading is `## 练习`.
"""
import re
from pathlib import Path

import pytest

from minimt.exercises.catalog import EXERCISES

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
ENGLISH = sorted(LESSONS.glob("[0-9][0-9]_*.py"))
CHINESE = sorted((LESSONS / "zh").glob("[0-9][0-9]_*.py"))
BULLET = re.compile(r"^- \*\*(\d+)\*\* — `([A-Za-z_][A-Za-z0-9_]*)`[:：] ?\S")  # the zh lessons use ：
PRACTISE = {"en": re.compile(r"Practise this lesson: `minimt exercises start (N|\d+)`, then "
                             r"`minimt exercises check (N|\d+)`\."),
            "zh": re.compile(r"`minimt exercises start (N|\d+)`.*`minimt exercises check (N|\d+)`")}
HEADING = {"en": "## Exercises", "zh": "## 练习"}


def last_cell(path: Path) -> list[str]:
    """The lines of the last `# %%` cell, without their leading '# ' (markdown cells are comments)."""
    text = path.read_text(encoding="utf-8")
    cells = re.split(r"^# %%.*$", text, flags=re.M)
    header = re.findall(r"^# %%.*$", text, flags=re.M)[-1]
    assert "[markdown]" in header, f"{path.name}: the last cell must be markdown (the Exercises cell)"
    return [line[2:] if line.startswith("# ") else line.lstrip("#") for line in cells[-1].strip().splitlines()]


def catalog_for(path: Path) -> dict[int, str]:
    number = path.name[:2]
    return {e.number: e.name for e in EXERCISES if e.lesson.split()[0] == number}


def check(path: Path, lang: str) -> None:
    lines = last_cell(path)
    assert lines and lines[0] == HEADING[lang], f"{path.name}: the last cell must start with '{HEADING[lang]}'"
    bullets = {int(m.group(1)): m.group(2) for m in map(BULLET.match, lines) if m}
    want = catalog_for(path)
    if not want:  # a lesson with no exercise of its own may list another lesson's, by their real names
        names = {e.number: e.name for e in EXERCISES}
        assert all(names.get(n) == name for n, name in bullets.items()), f"{path.name}: {bullets} vs the catalog"
        want = bullets
    assert bullets == want, (f"{path.name}: its Exercises cell lists {sorted(bullets.items())}, the catalog has "
                             f"{sorted(want.items())} for lesson {path.name[:2]}")
    body = " ".join(lines[1:])
    if catalog_for(path):
        assert PRACTISE[lang].search(body), f"{path.name}: say how to start and check the exercises"
    else:  # no exercise of its own: point at the lessons whose exercises practise it
        assert re.search(r"(lesson|第) ?\d\d", body) and "minimt exercises start" in body, \
            f"{path.name}: no exercise belongs to it; say which lesson's exercises practise it"


@pytest.mark.parametrize("lesson", ENGLISH, ids=[p.stem for p in ENGLISH])
def test_each_lesson_ends_with_its_exercises(lesson):
    check(lesson, "en")


@pytest.mark.parametrize("lesson", CHINESE, ids=[p.stem for p in CHINESE])
def test_each_chinese_lesson_ends_with_its_exercises(lesson):
    check(lesson, "zh")


def test_every_exercise_is_named_by_a_lesson():
    named = {n for p in ENGLISH for n in catalog_for(p)}
    assert named == {e.number for e in EXERCISES}, "an exercise's lesson has no lessons/NN_*.py"


def test_the_checker_fails_on_a_missing_or_extra_bullet(tmp_path):
    lesson = tmp_path / "03_padding_masks_labels.py"
    good = ("# %% [markdown]\n# ## Exercises\n#\n# Practise this lesson: `minimt exercises start N`, then "
            "`minimt exercises check N`.\n#\n" + "".join(f"# - **{n}** — `{name}`: x\n"
                                                       for n, name in catalog_for(lesson).items()))
    lesson.write_text("x = 1\n\n" + good, encoding="utf-8")
    check(lesson, "en")
    lesson.write_text("x = 1\n\n" + good.replace("# - **2**", "# - **9**"), encoding="utf-8")
    with pytest.raises(AssertionError):
        check(lesson, "en")
    lesson.write_text("x = 1\n\n" + good + "\n# %%\nprint(1)\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        check(lesson, "en")
