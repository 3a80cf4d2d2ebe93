"""The teacher's side of the exercises: solutions behind a deliberate step, and one table for a class.

- `solution N` / `show N --solutions` refuse (one line, exit 2) until `teacher --unlock` wrote its
  marker in the config folder, or MINIMT_TEACHER=1; `teacher --lock` removes the marker again;
- `report DIR...` reads real folders made by `start` and `check` (passes made with the reference
  solutions), says passed / edited after pass / started / not started per exercise, writes a CSV,
  and re-runs the grader only with --regrade;
- bad folders are one line and exit status 2;
- docs/teaching.md's three classes add up to 90 minutes, give each exercise its ladder time, link what exists.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from minimt.commands import main
from minimt.exercises import cli as ex_cli
from minimt.exercises.catalog import BY_NUMBER, EXERCISES
from minimt.exercises.grading import grade_file


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    """A config folder of our own, and no MINIMT_TEACHER from the shell that runs the tests."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("MINIMT_TEACHER", raising=False)
    return tmp_path / "config" / "minimt" / "teacher"


# ---------------------------------------------------------------- solutions behind the teacher's step

def test_a_student_install_does_not_print_solutions(capsys):
    for argv in (["exercises", "solution", "3"], ["exercises", "show", "3", "--solutions"]):
        assert main(argv) == 2
        out = capsys.readouterr()
        assert "IGNORE_INDEX" not in out.out  # no line of the solution
        assert "for teachers" in out.err and "teacher --unlock" in out.err and len(out.err.strip().splitlines()) == 1
    assert main(["exercises", "show", "3"]) == 0  # the task itself is for everyone
    assert "NotImplementedError" in capsys.readouterr().out


def test_unlock_then_lock(own_config, capsys):
    assert main(["exercises", "teacher"]) == 0 and "locked" in capsys.readouterr().out
    assert main(["exercises", "teacher", "--unlock"]) == 0
    assert own_config.is_file() and "does not secure" in capsys.readouterr().out
    assert main(["exercises", "solution", "3"]) == 0
    assert BY_NUMBER[3].solution_path.read_text(encoding="utf-8") in capsys.readouterr().out
    assert main(["exercises", "teacher", "--lock"]) == 0
    assert not own_config.exists()
    assert main(["exercises", "solution", "3"]) == 2
    assert main(["exercises", "teacher", "--unlock", "--lock"]) == 2


def test_minimt_teacher_1_unlocks_for_one_shell(monkeypatch, capsys):
    monkeypatch.setenv("MINIMT_TEACHER", "1")
    assert main(["exercises", "solution", "5"]) == 0
    assert "REFERENCE SOLUTION" in capsys.readouterr().out
    monkeypatch.setenv("MINIMT_TEACHER", "0")
    assert main(["exercises", "solution", "5"]) == 2


# ---------------------------------------------------------------- the class report

@pytest.fixture
def in_process(monkeypatch):
    """`check` grades in this process (runner.py's subprocess is tested in test_exercises.py)."""
    monkeypatch.setattr(ex_cli, "check_in_subprocess", lambda n, path, timeout, memory=None: (grade_file(n, path), ""))


def _solve(folder, number):
    ex = BY_NUMBER[number]
    (folder / ex.filename).write_text(ex.solution_path.read_text(encoding="utf-8"), encoding="utf-8")


@pytest.fixture
def a_class(tmp_path, in_process, capsys):
    """alice passed 2 and 3 and started 5; bob passed 3, then edited it; carol/minimt-exercises started 1."""
    alice, bob, carol = tmp_path / "alice", tmp_path / "bob", tmp_path / "carol" / "minimt-exercises"
    for folder, numbers in ((alice, (2, 3, 5)), (bob, (3,)), (carol, (1,))):
        for n in numbers:
            assert main(["exercises", "start", str(n), "--dir", str(folder)]) == 0
    for n in (2, 3):
        _solve(alice, n)
        assert main(["exercises", "check", str(n), "--dir", str(alice)]) == 0
    _solve(bob, 3)
    assert main(["exercises", "check", "3", "--dir", str(bob)]) == 0
    with open(bob / BY_NUMBER[3].filename, "a", encoding="utf-8") as f:
        f.write("# tidied up after passing\n")
    assert main(["exercises", "check", "1", "--dir", str(carol)]) == 1  # the stub: not done
    capsys.readouterr()
    return alice, bob, carol


def _rows(out: str) -> dict[str, list[str]]:
    """{'alice': ['—', '✓', ...]} from the projector table."""
    rows = {}
    for line in out.splitlines():
        cells = line.split()
        if len(cells) in (len(EXERCISES) + 1, len(EXERCISES) + 2) and cells[0] != "student":  # + "passed" row
            rows[cells[0]] = cells[1:]
    return rows


def test_report_shows_each_students_state_per_exercise(a_class, tmp_path, capsys, monkeypatch):
    alice, bob, carol = a_class
    ran = []
    monkeypatch.setattr("minimt.exercises.report.check_in_subprocess", lambda *a: ran.append(a))
    csv_path = tmp_path / "out" / "class.csv"
    assert main(["exercises", "report", str(alice), str(bob), str(carol), "--csv", str(csv_path)]) == 0
    out = capsys.readouterr().out
    assert not ran  # no one's code runs without --regrade
    rows = _rows(out)
    assert set(rows) == {"alice", "bob", "carol", "passed"}  # carol/minimt-exercises is carol
    assert rows["alice"][:6] == ["—", "✓", "✓", "—", "s", "—"] and rows["alice"][-1] == "2"
    assert rows["bob"][2] == "e" and rows["bob"][-1] == "0"  # passed, then edited: the pass says nothing now
    assert rows["carol"][0] == "s" and rows["carol"][-1] == "0"
    assert rows["passed"][:3] == ["0", "1", "1"]
    with open(csv_path, encoding="utf-8", newline="") as f:
        table = {row["student"]: row for row in csv.DictReader(f)}
    assert table["alice"]["ex02"] == "passed" and table["alice"]["ex05"] == "started"
    assert table["bob"]["ex03"] == "edited after pass" and table["carol"]["ex21"] == "not started"
    assert table["alice"]["passed"] == "2" and len(table["alice"]) == 2 + len(EXERCISES) + 1
    assert not list(csv_path.parent.glob(".*tmp*"))  # atomic write: no temporary file left


def test_report_regrade_runs_the_grader_again(a_class, capsys, monkeypatch):
    alice, bob, _ = a_class
    monkeypatch.setattr("minimt.exercises.report.check_in_subprocess",
                        lambda n, path, timeout, memory: (grade_file(n, path), ""))
    before = {p.name: p.read_bytes() for p in alice.iterdir()}
    assert main(["exercises", "report", str(alice), str(bob), "--regrade"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows["alice"][1:5] == ["✓", "✓", "—", "✗"]  # 5 is still the stub
    assert rows["bob"][2] == "✓"  # the edit was a comment: it still passes
    assert {p.name: p.read_bytes() for p in alice.iterdir()} == before  # nothing written into their folders


def test_a_pass_whose_file_is_gone_is_marked(a_class, capsys):
    alice, _, _ = a_class
    (alice / BY_NUMBER[2].filename).unlink()
    assert main(["exercises", "report", str(alice / ".progress.json")]) == 0  # the progress file works too
    out = capsys.readouterr().out
    assert _rows(out)["alice"][1] == "?" and "file is missing" in out


def test_two_students_with_the_same_folder_name_are_told_apart(tmp_path, capsys):
    for who in ("a", "b"):
        assert main(["exercises", "start", "1", "--dir", str(tmp_path / who / "work")]) == 0
    capsys.readouterr()
    assert main(["exercises", "report", str(tmp_path / "a" / "work"), str(tmp_path / "b" / "work")]) == 0
    assert {str(tmp_path / "a" / "work"), str(tmp_path / "b" / "work")} <= set(_rows(capsys.readouterr().out))


@pytest.mark.parametrize("make,phrase", [
    (lambda t: t / "missing", "not a folder"),
    (lambda t: t, "no .progress.json and no exercise file here"),
])
def test_a_bad_folder_is_one_line_and_exit_2(tmp_path, capsys, make, phrase):
    assert main(["exercises", "report", str(make(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert phrase in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_an_unwritable_csv_is_one_line_and_exit_2(a_class, tmp_path, capsys):
    alice, _, _ = a_class
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["exercises", "report", str(alice), "--csv", str(blocker / "class.csv")]) == 2
    err = capsys.readouterr().err
    assert "--csv" in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- docs/teaching.md: three classes that fit

TEACHING = Path(__file__).resolve().parents[1] / "docs" / "teaching.md"


def _classes() -> dict[str, list[tuple[int, int, str]]]:
    """{'Class 1 — …': [(start, end, block), ...]} from the plan's tables."""
    classes, current = {}, None
    for line in TEACHING.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            current = line.lstrip("# ") if line.startswith("### Class ") else None
            if current:
                classes[current] = []
        elif current and (m := re.match(r"\| (\d+)–(\d+) \| ([^|]+) \|", line)):
            classes[current].append((int(m[1]), int(m[2]), m[3].strip()))
    return classes


def test_the_three_classes_fill_90_minutes_block_by_block():
    classes = _classes()
    assert len(classes) == 3
    for name, blocks in classes.items():
        assert blocks[0][0] == 0 and blocks[-1][1] == 90, name
        assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:])), f"{name}: the blocks must follow each other"
        assert all(start < end for start, end, _ in blocks), name
        assert sum("walk-through" in block for *_, block in blocks) >= 2, f"{name}: lessons are walked through"


def test_each_exercise_block_is_at_least_the_ladders_time():
    """The ladder's minutes (catalog.py) are what a class needs: a block may not promise more in less."""
    seen = set()
    for name, blocks in _classes().items():
        for start, end, block in blocks:
            if block.startswith("exercise"):
                numbers = [int(n) for n in re.findall(r"\d+", block)]
                seen |= set(numbers)
                need = sum(BY_NUMBER[n].minutes for n in numbers)
                assert end - start >= need, f"{name}: {block} gets {end - start} min, the ladder says {need}"
    assert {1, 2, 3} <= seen  # the plan does have exercises in class


def test_every_lesson_is_in_the_plan_and_every_link_in_teaching_md_exists():
    text = TEACHING.read_text(encoding="utf-8")
    for n in range(1, 11):
        assert f"teacher_notes/lesson{n:02d}.md" in text, f"no teacher notes linked for lesson {n:02d}"
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if not target.startswith(("http://", "https://")):
            assert (TEACHING.parent / target).exists(), f"docs/teaching.md links to {target}, which is not there"
