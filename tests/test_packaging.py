"""Packaging: `pip install .` (a wheel) must carry the embedded corpus, not only `pip install -e .`.

The corpus lives in the repository's top-level data/ folder; pyproject.toml ships it as the
subpackage minimt._corpus, and minimt/files.py finds data/ in a clone, the installed copy
otherwise. Here we build a real wheel (offline: --no-build-isolation uses the installed
setuptools), check what is inside, then unpack it — unpacking a pure-Python wheel is what
`pip install` does with it — and use minimt from there, far from this repository.
"""
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from minimt.files import DATA_DIR, PACKAGED_DATA_DIR, PROJECT_ROOT, corpus_is_installed

pytestmark = pytest.mark.slow  # builds a wheel: ~5 s

LESSONS = sorted(p.name for p in (PROJECT_ROOT / "lessons").glob("[0-9][0-9]_*.py"))
ZH_LESSONS = sorted(p.name for p in (PROJECT_ROOT / "lessons" / "zh").glob("[0-9][0-9]_*.py"))
CORPUS = sorted(p.name for p in (PROJECT_ROOT / "data").iterdir() if p.suffix in (".tsv", ".md"))


def test_a_clone_uses_its_own_data_folder():
    # `pip install -e .` (CI, README) and running from the clone: data/ is the corpus, and
    # `minimt data generate` rewrites it there, not a copy elsewhere.
    assert DATA_DIR == PROJECT_ROOT / "data" and not corpus_is_installed()
    assert DATA_DIR != PACKAGED_DATA_DIR
    assert {"train.tsv", "valid.tsv", "test.tsv", "phrasebook.tsv"} <= set(CORPUS)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a fresh copy of the sources (a stale build/ folder can't hide a bug)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, src / name)
    for name in ("minimt", "data", "lessons"):
        shutil.copytree(PROJECT_ROOT / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "figures"))
    # A Chinese lesson for lessons/zh/'s package-data rule to carry, in this copy only, when none is
    # written yet (tests/test_lessons_zh.py's dummy: the English code under a Chinese title).
    if not ZH_LESSONS:
        from test_lessons_zh import dummy_zh
        (src / "lessons" / "zh").mkdir(exist_ok=True)
        (src / "lessons" / "zh" / LESSONS[0]).write_text(dummy_zh(PROJECT_ROOT / "lessons" / LESSONS[0]),
                                                         encoding="utf-8")
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, cwd=out)
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = out.glob("minimt-*.whl")
    return path


def test_wheel_holds_the_corpus_byte_for_byte(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for name in CORPUS:
            assert f"minimt/_corpus/{name}" in names, f"data/{name} is missing from the wheel"
            assert z.read(f"minimt/_corpus/{name}") == (PROJECT_ROOT / "data" / name).read_bytes()
    assert not any(n.startswith("data/") for n in names), "data/ must not become a top-level package"


def test_wheel_holds_every_module_and_exercise_file(wheel):
    # The package list in pyproject.toml is explicit: a new subpackage left out of it fails here.
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    package = PROJECT_ROOT / "minimt"
    wanted = {f"minimt/{p.relative_to(package).as_posix()}" for p in package.rglob("*")
              if p.is_file() and p.suffix in (".py", ".md") and "__pycache__" not in p.parts}
    missing = sorted(wanted - names)
    assert not missing, f"not in the wheel (add the package to pyproject.toml): {missing[:5]}"


def test_wheel_holds_the_chinese_stubs_and_the_glossary(wheel):
    # `minimt exercises start N --lang zh` falls back to the English stub when stubs/zh/ lacks the
    # file, so a wheel without them would silently speak English: check each one is there, as is.
    from minimt.exercises.catalog import EXERCISES

    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for ex in EXERCISES:
            zh = ex.stub_path.parent / "zh" / ex.filename
            inside = f"minimt/exercises/stubs/zh/{ex.filename}"
            assert inside in names, f"{inside} is missing from the wheel"
            assert z.read(inside) == zh.read_bytes()
        assert z.read("minimt/glossary_zh.tsv") == (PROJECT_ROOT / "minimt" / "glossary_zh.tsv").read_bytes()


def run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run python with only the unpacked wheel on the path for minimt (the editable install's
    finder comes after sys.path, so the copy in ``site`` wins)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "MPLBACKEND": "Agg", "PYTHONNOUSERSITE": "1"}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_installed_wheel_loads_its_corpus_and_refuses_to_rewrite_it(wheel, tmp_path):
    site, elsewhere = tmp_path / "site-packages", tmp_path / "elsewhere"
    elsewhere.mkdir()
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    code = ("from minimt import files; from minimt.data import embedded_path, load_pairs; "
            "print(files.DATA_DIR); print(files.corpus_is_installed()); "
            "print(len(load_pairs(embedded_path('train'))))")
    result = run_installed(site, elsewhere, "-c", code)
    assert result.returncode == 0, result.stderr
    data_dir, installed, n_train = result.stdout.split("\n")[:3]
    assert Path(data_dir) == (site / "minimt" / "_corpus").resolve() and installed == "True"
    assert int(n_train) == (PROJECT_ROOT / "data" / "train.tsv").read_bytes().count(b"\n")

    # `minimt data generate` would write into site-packages: a one-line error, nothing written.
    before = sorted(p.name for p in (site / "minimt" / "_corpus").iterdir())
    result = run_installed(site, elsewhere, "-m", "minimt", "data", "generate")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "--out DIR" in result.stderr, result.stderr
    assert sorted(p.name for p in (site / "minimt" / "_corpus").iterdir()) == before




def test_installed_wheel_copies_its_lessons(wheel, tmp_path):
    # `pip install minimt` then `minimt lessons`: the lessons come from inside the package.
    site, elsewhere = tmp_path / "site-packages", tmp_path / "elsewhere"
    elsewhere.mkdir()
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
        for name in LESSONS:
            assert z.read(f"minimt/_lessons/{name}") == (PROJECT_ROOT / "lessons" / name).read_bytes()
    result = run_installed(site, elsewhere, "-m", "minimt.commands.lessons", "--out", "mine", "--format", "py")
    assert result.returncode == 0, result.stderr
    assert str((site / "minimt" / "_lessons").resolve()) in result.stdout  # not this clone's lessons/
    assert sorted(p.name for p in (elsewhere / "mine").iterdir()) == LESSONS

    # ...and a lesson runs from there with only the package: corpus and tokenizer come from inside it.
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "MPLBACKEND": "Agg", "PYTHONNOUSERSITE": "1",
           "MINIMT_FAST": "1", "OMP_NUM_THREADS": "1", "HOME": str(tmp_path),
           "MINIMT_CACHE": os.environ.get("MINIMT_CACHE", str(tmp_path / "cache"))}
    lesson = subprocess.run([sys.executable, "03_padding_masks_labels.py"], cwd=elsewhere / "mine", env=env,
                            capture_output=True, text=True)
    assert lesson.returncode == 0, lesson.stdout[-2000:] + lesson.stderr[-2000:]
    assert (elsewhere / "mine" / "lessons" / "figures" / "03_input_ids.png").is_file()


def test_wheel_carries_every_chinese_lesson_and_copies_it(wheel, tmp_path):
    # lessons/zh/ ships as minimt/_lessons/zh/: every Chinese lesson written (or the dummy above).
    site, elsewhere = tmp_path / "site-packages", tmp_path / "elsewhere"
    elsewhere.mkdir()
    with zipfile.ZipFile(wheel) as z:
        in_wheel = sorted(n.rsplit("/", 1)[1] for n in z.namelist() if n.startswith("minimt/_lessons/zh/"))
        for name in ZH_LESSONS:
            assert name in in_wheel, f"lessons/zh/{name} is missing from the wheel (pyproject.toml package-data)"
            assert z.read(f"minimt/_lessons/zh/{name}") == (PROJECT_ROOT / "lessons" / "zh" / name).read_bytes()
        z.extractall(site)
    assert in_wheel == (ZH_LESSONS or [LESSONS[0]])
    result = run_installed(site, elsewhere, "-m", "minimt.commands.lessons", "--out", "mine", "--format", "py",
                           "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert str((site / "minimt" / "_lessons" / "zh").resolve()) in result.stdout
    for name in in_wheel:  # the Chinese version, from inside the package
        assert (elsewhere / "mine" / name).read_text(encoding="utf-8").startswith("# translates: ")
    assert sorted(p.name for p in (elsewhere / "mine").iterdir()) == LESSONS
