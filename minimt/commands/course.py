"""The lessons, as a folder the learner owns: find them, turn them into notebooks, copy them safely.

The `# %%` scripts in the repository's lessons/ are the only source (jupytext's percent format):
a notebook is generated from them on demand, so no notebook with stale outputs is ever committed.
A wheel carries them as the package minimt._lessons (pyproject.toml), the way data/ ships as
minimt._corpus. `minimt lessons` (minimt/commands/lessons.py) is the command around `copy_lessons`.

The Chinese lessons live in lessons/zh/ under the English names (minimt._lessons/zh in a wheel);
`lang="zh"` takes each lesson's Chinese version where one exists and the English one otherwise,
so a learner always gets the whole course (tests/test_zh_lessons.py keeps the two in step).
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
NOTEBOOK_HOW_TO_ZH = """
**如何运行这个笔记本。** 用 JupyterLab、经典 Notebook 或 VS Code 打开，选一个装好 minimt 的 Python
内核（`pip install minimt`），然后点 *Run All*（全部运行）。每张图都显示在画它的单元格下面，同时保存为
`lessons/figures/`（或 `$MINIMT_FIGURES`）里的 PNG 文件。想快速跑一遍，就在本课第一个代码单元格上方的单元格里
执行 `%env MINIMT_FAST=1`。"""
HOW_TO = {"en": NOTEBOOK_HOW_TO, "zh": NOTEBOOK_HOW_TO_ZH}
TRANSLATES = "# translates: "  # the first line of a Chinese lesson: which English version it follows


def lessons_dir() -> Path:
    """The repository's lessons/ in a clone (`pip install -e .` included), else the installed copy."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "lessons").is_dir():
        return PROJECT_ROOT / "lessons"
    return PACKAGED_LESSONS_DIR


def translated_files(lang: str = "zh") -> list[Path]:
    """The lessons that exist in ``lang`` (lessons/zh/NN_name.py), in reading order."""
    return sorted((lessons_dir() / lang).glob("[0-9][0-9]_*.py"))


def lesson_files(lang: str = "en") -> list[Path]:
    """The numbered lessons, in reading order (01_data.py, 02_tokenization.py, ...): in ``lang``
    where that version exists, else the English one."""
    english = sorted(lessons_dir().glob("[0-9][0-9]_*.py"))
    if lang == "en":
        return english
    translated = {p.name: p for p in translated_files(lang)}
    return [translated.get(p.name, p) for p in english]


def to_notebook(source: str, lang: str = "en") -> str:
    """A `# %%` lesson → the text of an .ipynb without outputs, opening with the lesson's first cell
    (its title and reading order) plus how to run it as a notebook (in ``lang``)."""
    try:
        import jupytext
    except ModuleNotFoundError:
        raise MinimtError('--format ipynb needs jupytext: pip install "minimt[notebook]" '
                          "(or take --format py)") from None
    translates = None
    if source.startswith(TRANSLATES):  # a Chinese lesson's first line: kept as metadata, not as a cell
        translates, _, source = source.partition("\n")
    nb = jupytext.reads(source, fmt="py:percent")
    first = nb.cells[0]
    if first.cell_type != "markdown" or not first.source.startswith("# "):
        raise MinimtError("a lesson must open with a markdown cell holding its title (# Lesson NN — ...)")
    first.source = first.source.rstrip() + "\n" + HOW_TO[lang]
    # A plain notebook: no pairing with the .py (jupytext's metadata), the default Python kernel.
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if translates:
        nb.metadata["minimt"] = {"translates": translates[len(TRANSLATES):].strip()}
    return jupytext.writes(nb, fmt="ipynb")


def planned_files(fmt: str, lang: str = "en") -> dict[str, bytes]:
    """Every file `copy_lessons` would write, name → bytes, built in memory before anything is written."""
    if fmt not in FORMATS:
        raise MinimtError(f"--format {fmt}: choose one of {', '.join(FORMATS)}")
    lessons = lesson_files(lang)
    if not lessons:
        raise MinimtError(f"no lessons found in {lessons_dir()} (is minimt installed completely?)")
    files = {}
    for path in lessons:
        text = path.read_text(encoding="utf-8")
        if fmt in ("py", "both"):
            files[path.name] = text.encode("utf-8")
        if fmt in ("ipynb", "both"):
            files[path.with_suffix(".ipynb").name] = to_notebook(text, lang if path.parent.name == lang else "en"
                                                                 ).encode("utf-8")
    return files


def copy_lessons(out: str | os.PathLike, fmt: str = "both", lang: str = "en") -> tuple[list[Path], list[Path]]:
    """Write the lessons into ``out``; return (written, kept). A file that exists is never overwritten.
    ``lang="zh"``: the Chinese version of each lesson that has one (`lesson_files`).

    All or nothing: the files are built in memory, written into a hidden temporary folder inside
    ``out``, and only then moved into place (a rename within one folder: each file whole, never half)."""
    out = Path(out)
    files = planned_files(fmt, lang)  # a conversion error stops here, before ``out`` is touched
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
