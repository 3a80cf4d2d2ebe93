"""The lessons, as a folder the learner owns: find them, turn them into notebooks, copy them safely.

The `# %%` scripts in the repository's lessons/ are the only source (jupytext's percent format):
a notebook is generated from them on demand, so no notebook with stale outputs is ever committed.
A wheel carries them as the package minimt._lessons (pyproject.toml), the way data/ ships as
minimt._corpus. `minimt lessons` (minimt/commands/lessons.py) is the command around `copy_lessons`.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import MinimtError
from ..files import PROJECT_ROOT

PACKAGED_LESSONS_DIR = Path(__file__).resolve().parents[1] / "_lessons"  # lessons/ inside a wheel
FORMATS = ("py", "ipynb", "both")

# Appended to the first cell of every generated notebook, under the lesson's title and reading order.
NOTEBOOK_HOW_TO = """
**How to run this notebook.** Open it in JupyterLab, the classic notebook or VS Code, pick a Python
kernel where minimt is installed (`pip install minimt`), then *Run All*. Every picture appears under
the cell that draws it and is also saved as a PNG in `lessons/figures/` (or `$MINIMT_FIGURES`).
For a quick run, execute `%env MINIMT_FAST=1` in a cell above this lesson's first code cell."""


def lessons_dir() -> Path:
    """The repository's lessons/ in a clone (`pip install -e .` included), else the installed copy."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "lessons").is_dir():
        return PROJECT_ROOT / "lessons"
    return PACKAGED_LESSONS_DIR


def lesson_files() -> list[Path]:
    """The numbered lessons, in reading order (01_data.py, 02_tokenization.py, ...)."""
    return sorted(lessons_dir().glob("[0-9][0-9]_*.py"))


def to_notebook(source: str) -> str:
    """A `# %%` lesson → the text of an .ipynb without outputs, opening with the lesson's first cell
    (its title and reading order) plus how to run it as a notebook."""
    try:
        import jupytext
    except ModuleNotFoundError:
        raise MinimtError('--format ipynb needs jupytext: pip install "minimt[notebook]" '
                          "(or take --format py)") from None
    nb = jupytext.reads(source, fmt="py:percent")
    first = nb.cells[0]
    if first.cell_type != "markdown" or not first.source.startswith("# "):
        raise MinimtError("a lesson must open with a markdown cell holding its title (# Lesson NN — ...)")
    first.source = first.source.rstrip() + "\n" + NOTEBOOK_HOW_TO
    # A plain notebook: no pairing with the .py (jupytext's metadata), the default Python kernel.
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return jupytext.writes(nb, fmt="ipynb")


def planned_files(fmt: str) -> dict[str, bytes]:
    """Every file `copy_lessons` would write, name → bytes, built in memory before anything is written."""
    if fmt not in FORMATS:
        raise MinimtError(f"--format {fmt}: choose one of {', '.join(FORMATS)}")
    lessons = lesson_files()
    if not lessons:
        raise MinimtError(f"no lessons found in {lessons_dir()} (is minimt installed completely?)")
    files = {}
    for path in lessons:
        text = path.read_text(encoding="utf-8")
        if fmt in ("py", "both"):
            files[path.name] = text.encode("utf-8")
        if fmt in ("ipynb", "both"):
            files[path.with_suffix(".ipynb").name] = to_notebook(text).encode("utf-8")
    return files


def copy_lessons(out: str | os.PathLike, fmt: str = "both") -> tuple[list[Path], list[Path]]:
    """Write the lessons into ``out``; return (written, kept). A file that exists is never overwritten.

    All or nothing: the files are built in memory, written into a hidden temporary folder inside
    ``out``, and only then moved into place (a rename within one folder: each file whole, never half)."""
    out = Path(out)
    files = planned_files(fmt)  # a conversion error stops here, before ``out`` is touched
    if out.exists() and not out.is_dir():
        raise MinimtError(f"--out {out}: is a file, not a folder")
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".minimt-lessons-", dir=out))
    except OSError as e:
        raise MinimtError(f"--out {out}: cannot write there ({e.strerror or e})") from None
    kept = [out / name for name in files if (out / name).exists()]
    written = []
    try:
        for name, data in files.items():
            if out / name not in kept:
                (staging / name).write_bytes(data)
        for name in files:
            if out / name not in kept:
                os.replace(staging / name, out / name)
                written.append(out / name)
    except OSError as e:
        for path in written:  # nothing half-copied: take back what this run moved in
            path.unlink(missing_ok=True)
        raise MinimtError(f"--out {out}: writing the lessons failed ({e.strerror or e})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not any(out.iterdir()):
            out.rmdir()
    return written, kept
