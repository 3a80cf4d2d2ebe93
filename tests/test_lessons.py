"""Every lesson runs top to bottom as a plain script in fast mode and saves its figures.

A lesson that drifts from the code it teaches breaks here, not in a classroom.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "lessons"
# The English lessons, then the Chinese ones (lessons/zh/, as many as are written): the same runs.
LESSONS = sorted(ROOT.glob("[0-9][0-9]_*.py")) + sorted((ROOT / "zh").glob("[0-9][0-9]_*.py"))
IDS = [p.stem if p.parent == ROOT else f"zh/{p.stem}" for p in LESSONS]


def test_there_are_lessons():
    assert len([p for p in LESSONS if p.parent == ROOT]) >= 3, "lessons/ should hold the numbered lessons"


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_lesson_runs_in_fast_mode(lesson, tmp_path):
    figures = tmp_path / "figures"
    env = dict(os.environ, MINIMT_FAST="1", MINIMT_FIGURES=str(figures), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(lesson)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{lesson.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    pngs = list(figures.glob("**/*.png"))
    assert pngs, f"{lesson.name} saved no figure into $MINIMT_FIGURES"
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
