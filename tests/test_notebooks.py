"""Every lesson, as the notebook `minimt lessons` gives a learner, runs in a real Jupyter kernel.

Each lesson is copied out of the repository (`copy_lessons(..., "ipynb")`: the # %% script turned
into an .ipynb by jupytext), then executed cell by cell by nbclient in an ipykernel, in fast mode,
from that folder. It fails if a cell raises, if a PNG is written but not shown inline (or shown but
not the file on disk), or if the lesson runs past its time limit. tests/test_lessons.py keeps the
plain-script run.
"""
import base64
import json
import os
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("jupytext")
pytest.importorskip("ipykernel")

from minimt.commands.course import copy_lessons, lesson_files, translated_files  # noqa: E402

pytestmark = pytest.mark.slow
# The English lessons, then every Chinese one written so far (lessons/zh/), each as its own notebook.
LESSONS = [p.stem for p in lesson_files()] + [f"zh/{p.stem}" for p in translated_files("zh")]
# Seconds per lesson in fast mode. Measured on 2 shared AMD EPYC cores: 2-6 s for lessons 01-06,
# 7-10 s for 07-09 (they train a tiny model first); the whole file takes about a minute. The limits
# leave room for a busy CI machine but not for a lesson that forgot MINIMT_FAST (minutes).
TIME_LIMIT = {"07_training_loop": 90, "08_decoding": 90, "09_evaluation_and_attention": 90}
DEFAULT_LIMIT = 60


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The learner's folder: notebooks only, far from the repository."""
    out = tmp_path_factory.mktemp("course")
    written, kept = copy_lessons(out, "ipynb")
    assert len(written) == len(lesson_files()) and not kept
    copy_lessons(out / "zh", "ipynb", lang="zh")  # the Chinese course (English where none yet)
    return out


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory) -> str:
    """A kernelspec for this very interpreter, so the kernel imports the minimt under test
    (a 'python3' kernel found elsewhere on the machine could be another Python)."""
    spec = tmp_path_factory.mktemp("jupyter") / "kernels" / "minimt-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "minimt test",
                                                  "language": "python"}))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(spec.parent.parent), old]))
    yield "minimt-test"
    if old is None:
        del os.environ["JUPYTER_PATH"]
    else:
        os.environ["JUPYTER_PATH"] = old


def shown_pngs(nb) -> list[bytes]:
    """The bytes of every PNG a cell displayed, in order."""
    return [base64.b64decode(out["data"]["image/png"]) for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_as_a_notebook_and_shows_every_picture(lesson, course, kernel_name, tmp_path):
    nb = nbformat.read(course / f"{lesson}.ipynb", as_version=4)
    assert nb.cells[0].source.startswith("# Lesson " if "/" not in lesson else "# "), \
        "a notebook opens with the lesson's title"
    work = tmp_path / "work"
    (work / "tmp").mkdir(parents=True)
    env = dict(os.environ, MINIMT_FAST="1", OMP_NUM_THREADS="1",
               MINIMT_RUN=str(work / "no-trained-run"),  # each lesson trains its own tiny model
               TMPDIR=str(work / "tmp"))  # PNGs written in temporary folders stay where we can see them
    env.pop("MPLBACKEND", None)  # the kernel's own (inline) backend, as a learner gets it
    env.pop("MINIMT_FIGURES", None)  # the default, lessons/figures under the notebook's folder
    client = nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout=DEFAULT_LIMIT * 2,
                                     resources={"metadata": {"path": str(work)}})
    start = time.perf_counter()
    client.execute(env=env)  # a cell that raises fails the test here, with its traceback
    seconds = time.perf_counter() - start

    shown = shown_pngs(nb)
    written = {p: p.read_bytes() for p in sorted(work.rglob("*.png"))}
    assert written, f"{lesson} wrote no PNG"
    assert (work / "lessons" / "figures").is_dir(), "figures go to lessons/figures by default"
    for path, data in written.items():
        assert data in shown, f"{lesson} wrote {path.relative_to(work)} but did not show it inline"
    on_disk = set(written.values())
    stray = [i for i, data in enumerate(shown) if data not in on_disk]
    assert not stray, f"{lesson} showed {len(stray)} picture(s) that are not the saved PNG (drawn twice?)"
    limit = TIME_LIMIT.get(lesson.split("/")[-1], DEFAULT_LIMIT)
    assert seconds < limit, f"{lesson} took {seconds:.0f} s as a notebook (limit {limit} s)"
    print(f"{lesson}: {seconds:.1f} s, {len(written)} PNGs shown inline")
