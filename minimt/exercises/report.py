"""`minimt exercises report DIR [DIR ...]`: a whole class's progress in one table.

Each student works in their own folder; `check` leaves a ``.progress.json`` there (progress.py):

    {"version": 1, "exercises": {"3": {"status": "passed", "file": "ex03_make_labels.py",
                                       "sha256": "…", "checked": "2026-12-01T09:14:03+00:00"}}}

The report reads those files and the exercise files next to them — it does not run anyone's
code — and gives each exercise one of four states:

    ✓  passed              the file passed its last check and is unchanged since (same sha256)
    e  edited after pass   it passed, then changed: the pass no longer says anything about it
    s  started             the file is there, but has not passed
    —  not started         no file

(``?`` marks a pass recorded in .progress.json whose file is gone: its hash cannot be checked.)
``--regrade`` grades every file again, each in its own time- and memory-limited process, exactly
as `check` does: then the states are ✓ passed, ✗ failed and — . Nothing is ever written into a
student's folder. One student per row, one column per exercise: 21 columns of three characters
fit a projector.
"""
from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import MinimtError
from ..files import atomic_write_text
from .catalog import EXERCISES
from .progress import PROGRESS, load_progress, sha256
from .runner import DEFAULT_MEMORY_GB, check_in_subprocess

# state → (the mark in the projector table, the word in the CSV)
STATES = {
    "passed": ("✓", "passed"),
    "edited": ("e", "edited after pass"),
    "started": ("s", "started"),
    "failed": ("✗", "failed"),
    "gone": ("?", "passed, file missing"),
    "none": ("—", "not started"),
}
LEGEND = "✓ passed   e edited after pass   s started, not passed   — not started"


def folder_of(arg: str) -> Path:
    """A student's folder, or the .progress.json inside it; anything else is one line of error."""
    path = Path(arg)
    if path.is_file() and path.name == PROGRESS:
        return path.parent
    if not path.is_dir():
        raise MinimtError(f"{arg}: not a folder (give each student's exercise folder, or its {PROGRESS})")
    if not (path / PROGRESS).is_file() and not any((path / ex.filename).is_file() for ex in EXERCISES):
        raise MinimtError(f"{arg}: no {PROGRESS} and no exercise file here: is this a student's exercise folder?")
    return path


def names(folders: list[Path], args: list[str]) -> list[str]:
    """The folder's name — its parent's name when it is the default `minimt-exercises` (alice/minimt-exercises →
    alice); the path as given when two students would get the same name."""
    short = [f.resolve().parent.name if f.resolve().name == "minimt-exercises" else f.resolve().name
             for f in folders]
    return [s if short.count(s) == 1 else a.rstrip("/") for s, a in zip(short, args)]


def recorded_state(folder: Path, ex, progress: dict) -> str:
    """The state from .progress.json and the file's hash, without running anything."""
    path = folder / ex.filename
    entry = progress["exercises"].get(str(ex.number), {})
    passed = entry.get("status") == "passed"
    if not path.is_file():
        return "gone" if passed else "none"
    if passed:
        return "passed" if entry.get("sha256") == sha256(path) else "edited"
    return "started"


def regraded(folders: list[Path], timeout: float) -> list[dict[int, str]]:
    """Grade every file there is again, two at a time (each check is its own process), as `check --all` does."""
    jobs = [(i, ex) for i, folder in enumerate(folders) for ex in EXERCISES if (folder / ex.filename).is_file()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda job: check_in_subprocess(job[1].number, folders[job[0]] / job[1].filename,
                                                           timeout, DEFAULT_MEMORY_GB)[0], jobs)
        table = [{ex.number: "none" for ex in EXERCISES} for _ in folders]
        for (i, ex), result in zip(jobs, results):
            table[i][ex.number] = "passed" if result.passed else "failed"
    return table


def collect(folders: list[Path], regrade: bool = False, timeout: float = 20.0) -> list[dict[int, str]]:
    """One {exercise number: state} per folder."""
    if regrade:
        return regraded(folders, timeout)
    table = []
    for folder in folders:
        progress = load_progress(folder)
        table.append({ex.number: recorded_state(folder, ex, progress) for ex in EXERCISES})
    return table


def render(students: list[str], table: list[dict[int, str]], regraded: bool = False) -> str:
    """The projector table: a row per student, then how many passed each exercise."""
    width = max(8, *(len(s) for s in students))
    numbers = [ex.number for ex in EXERCISES]
    lines = [f"{'student':<{width}} " + "".join(f"{n:>3}" for n in numbers) + "  passed"]
    for name, row in zip(students, table):
        passed = sum(state == "passed" for state in row.values())
        lines.append(f"{name:<{width}} " + "".join(f"{STATES[row[n]][0]:>3}" for n in numbers) + f"  {passed:>6}")
    counts = [sum(row[n] == "passed" for row in table) for n in numbers]
    lines.append(f"{'passed':<{width}} " + "".join(f"{c:>3}" for c in counts))
    used = {state for row in table for state in row.values()}
    legend = LEGEND if not regraded else "✓ passed   ✗ failed   — not started   (regraded now)"
    if "gone" in used:
        legend += "   ? passed, but the file is missing"
    return "\n".join(lines + ["", legend])


def to_csv(students: list[str], folders: list[Path], table: list[dict[int, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "folder", *(f"ex{ex.number:02d}" for ex in EXERCISES), "passed"])
    for name, folder, row in zip(students, folders, table):
        writer.writerow([name, str(folder), *(STATES[row[ex.number]][1] for ex in EXERCISES),
                         sum(state == "passed" for state in row.values())])
    return out.getvalue()


def run(args) -> int:
    if args.regrade and not args.timeout > 0:
        raise MinimtError(f"--timeout {args.timeout:g}: must be a positive number of seconds")
    folders = [folder_of(a) for a in args.dirs]
    students = names(folders, args.dirs)
    table = collect(folders, args.regrade, args.timeout)
    print(render(students, table, args.regrade))
    if args.csv:
        try:
            atomic_write_text(args.csv, to_csv(students, folders, table))
        except OSError as e:
            raise MinimtError(f"--csv {args.csv}: cannot write it ({e.strerror or e})") from None
        print(f"\nwrote {args.csv} ({len(students)} students × {len(EXERCISES)} exercises)")
    return 0
