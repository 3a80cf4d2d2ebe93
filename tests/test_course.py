"""`minimt lessons`: the lessons copied into the learner's folder, as scripts and/or notebooks.

Copies are byte-for-byte; notebooks are generated from the # %% sources and carry no outputs; an
existing file is never overwritten; bad input is one line, exit status 2, and nothing half-copied.
"""
import argparse
import os
import subprocess
import sys

import pytest

from minimt.commands import course
from minimt.commands import lessons as lessons_command
from minimt.errors import MinimtError
from minimt.files import PROJECT_ROOT

SOURCES = sorted((PROJECT_ROOT / "lessons").glob("[0-9][0-9]_*.py"))


def cli(*argv, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "minimt.commands.lessons", *argv], cwd=cwd,
                          capture_output=True, text=True)


def test_a_clone_copies_its_own_lessons_byte_for_byte(tmp_path):
    assert course.lessons_dir() == PROJECT_ROOT / "lessons" and len(SOURCES) >= 9
    written, kept = course.copy_lessons(tmp_path / "mine", "py")
    assert [p.name for p in written] == [p.name for p in SOURCES] and kept == []
    for src in SOURCES:
        assert (tmp_path / "mine" / src.name).read_bytes() == src.read_bytes()
    assert not [p for p in (tmp_path / "mine").iterdir() if p.name.startswith(".")], "staging folder left"


def test_notebooks_are_generated_from_the_scripts_without_outputs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    written, _ = course.copy_lessons(tmp_path, "ipynb")
    assert [p.suffix for p in written] == [".ipynb"] * len(SOURCES)
    for src in SOURCES:
        nb = nbformat.read(tmp_path / f"{src.stem}.ipynb", as_version=4)
        nbformat.validate(nb)
        first = nb.cells[0]
        assert first.cell_type == "markdown" and first.source.startswith("# Lesson " + src.name[:2])
        assert "How to run this notebook" in first.source and "Run All" in first.source
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.outputs == [] and c.execution_count is None for c in code)
        text = src.read_text(encoding="utf-8")
        # Every code cell is the script's code, unchanged, and in the script's order.
        at = 0
        for c in code:
            at = text.index(c.source, at) + len(c.source)
        assert text.count("# %%\n") == len(code), f"{src.name}: a code cell was lost or split"
        assert "jupytext" not in nb.metadata and nb.metadata.kernelspec.name == "python3"


def test_existing_files_are_kept_and_said_so(tmp_path, capsys):
    parser = argparse.ArgumentParser()  # the dispatcher's way: register, parse, call func
    lessons_command.register(parser.add_subparsers())
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / SOURCES[0].name).write_text("# my notes\n")
    args = parser.parse_args(["lessons", "--out", str(mine), "--format", "py"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert (mine / SOURCES[0].name).read_text() == "# my notes\n", "a learner's file was overwritten"
    assert f"kept  {mine / SOURCES[0].name} (exists; not overwritten)" in out
    assert f"{len(SOURCES) - 1} written, 1 kept" in out
    written, kept = course.copy_lessons(mine, "py")  # a second run changes nothing
    assert written == [] and len(kept) == len(SOURCES)


@pytest.mark.parametrize("case", ["file", "under_a_file", "unwritable", "format"])
def test_bad_input_is_one_line_exit_2_and_nothing_written(case, tmp_path):
    target = tmp_path / "a_file.txt"
    target.write_text("not a folder\n")
    argv, named = {"file": (["--out", str(target)], "--out"),
                   "under_a_file": (["--out", str(target / "lessons")], "--out"),
                   "unwritable": (["--out", "/sys"], "--out"),  # refused even to root (CI runs as root)
                   "format": (["--out", str(tmp_path / "new"), "--format", "pdf"], "--format")}[case]
    if case == "unwritable" and not os.path.isdir("/sys"):
        pytest.skip("no /sys here")
    before = sorted(tmp_path.rglob("*"))
    result = cli(*argv)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and named in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(tmp_path.rglob("*")) == before and target.read_text() == "not a folder\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o555)
    result = cli("--out", str(ro), "--format", "py")
    assert result.returncode == 2 and "--out" in result.stderr and list(ro.iterdir()) == []


def test_notebooks_without_jupytext_say_which_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "jupytext", None)  # `import jupytext` now fails, as when missing
    with pytest.raises(MinimtError, match=r'pip install "minimt\[notebook\]"'):
        course.copy_lessons(tmp_path / "new", "both")
    assert not (tmp_path / "new").exists(), "nothing may be written before the notebooks are built"


def test_a_failure_while_moving_takes_everything_back(tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n")
    real_replace, calls = os.replace, []

    def flaky_replace(src, dst):  # the disk fills up at the fourth lesson
        calls.append(dst)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(course.os, "replace", flaky_replace)
    with pytest.raises(MinimtError, match="--out .*No space left on device"):
        course.copy_lessons(mine, "py")
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"], "half-copied lessons left behind"


def test_each_lesson_opens_with_its_reading_order():
    # The first cell says what the lesson builds on and what comes next, in the lessons' order.
    for i, src in enumerate(SOURCES):
        first = src.read_text(encoding="utf-8").split("\n# %%")[0]
        builds_on = next(line for line in first.splitlines() if line.startswith("# - **Builds on:**"))
        after = next(line for line in first.splitlines() if line.startswith("# - **Next:**"))
        if i > 0:
            assert SOURCES[i - 1].name[:2] in builds_on, src.name  # "lesson 04" or "lessons 02–04"
        if i + 1 < len(SOURCES):
            assert f"lesson {SOURCES[i + 1].name[:2]} " in after, src.name
