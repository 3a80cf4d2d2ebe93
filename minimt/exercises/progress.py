"""A student's ``.progress.json``: which exercise files passed, and the hash they had then.

    {"version": 1, "exercises": {"3": {"status": "passed", "file": "ex03_make_labels.py",
                                       "sha256": "<the file's sha256>", "checked": "2026-12-01T09:14:03+00:00"}}}

`check` writes it (in the student's folder only); `list` and `report` read it. A pass counts only while the
file still has the hash it passed with: an edit after a pass shows as "started" again.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from ..files import atomic_write_text
from .catalog import Exercise

PROGRESS = ".progress.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_progress(folder: Path) -> dict:
    try:
        data = json.loads((folder / PROGRESS).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and isinstance(data.get("exercises"), dict) else {"exercises": {}}
    except (OSError, ValueError):
        return {"exercises": {}}  # no progress yet, or a damaged file: statuses start over


def save_result(folder: Path, ex: Exercise, path: Path, status: str) -> None:
    if not folder.is_dir():
        return  # checking a file outside a working folder: nothing to remember
    data = load_progress(folder)
    data["version"] = 1
    data["exercises"][str(ex.number)] = {"status": status, "file": path.name, "sha256": sha256(path),
                                         "checked": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    atomic_write_text(folder / PROGRESS, json.dumps(data, indent=1, sort_keys=True) + "\n")


def status(folder: Path, ex: Exercise, progress: dict) -> str:
    path = folder / ex.filename
    if not path.exists():
        return "not started"
    entry = progress["exercises"].get(str(ex.number), {})
    if entry.get("status") == "passed" and entry.get("sha256") == sha256(path):
        return "passed"
    return "started"
