"""The grader contains what a student's code does: a memory limit with its own diagnosis (not "a loop
that never ends"), a time limit, a temporary working folder, and a named signal for a crash.

Every test here starts a real grading subprocess (about 2 s each: the child imports torch).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pytest

from minimt.errors import MinimtError
from minimt.exercises import cli as ex_cli
from minimt.exercises.catalog import BY_NUMBER
from minimt.exercises.runner import DEFAULT_MEMORY_GB, check_in_subprocess

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc: Linux")

MAKE_LABELS = "def make_labels(targets, *, eos_id, max_length=None):\n"


def _student(tmp_path, body: str, name: str = "mine.py"):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return f


def test_three_gb_is_reported_as_memory_not_as_an_endless_loop(tmp_path):
    f = _student(tmp_path, "import torch\n\n" + MAKE_LABELS +
                 "    big = torch.empty(3 * 2**30, dtype=torch.uint8).fill_(1)\n    return big\n")
    t0 = time.monotonic()
    result, _ = check_in_subprocess(3, f, timeout=60)
    assert DEFAULT_MEMORY_GB == 2
    assert result.status == "memory", result
    assert result.message.startswith("used more than 2 GB of memory")
    assert "line 4 of mine.py" in result.message  # the line that asked for it
    assert "failing case: make_labels(" in result.message
    assert "enforce fail" not in result.message  # torch's C++ source location is noise for a student
    assert time.monotonic() - t0 < 30  # refused at once, not 60 s of swapping until the timeout


def test_a_lower_limit_catches_a_bytearray_at_import_time(tmp_path):
    f = _student(tmp_path, "BUFFER = bytearray(2**30)  # 1 GB\n\n" + MAKE_LABELS + "    return []\n")
    result, _ = check_in_subprocess(3, f, timeout=60, memory_gb=0.5)
    assert result.status == "memory" and "used more than 0.5 GB" in result.message, result
    assert "importing mine.py failed: MemoryError" in result.message
    # 128 MB under the same limit: imported, and the (wrong) answer is graded
    f = _student(tmp_path, "BUFFER = bytearray(2**27)  # 128 MB\n\n" + MAKE_LABELS + "    return []\n")
    result, _ = check_in_subprocess(3, f, timeout=60, memory_gb=0.5)
    assert result.status == "failed", result


@pytest.mark.parametrize("number", [10, 14])  # a training step on a model; beam search
def test_reference_solutions_pass_under_the_default_limit(number):
    result, printed = check_in_subprocess(number, BY_NUMBER[number].solution_path, timeout=120)
    assert result.passed, (result, printed)


def test_the_students_code_runs_in_a_temporary_folder(tmp_path, monkeypatch):
    caller = tmp_path / "caller"
    home = tmp_path / "home"
    caller.mkdir(), home.mkdir()
    monkeypatch.chdir(caller)
    monkeypatch.setenv("HOME", str(home))
    f = _student(tmp_path, "import os\nfrom pathlib import Path\n\n" + MAKE_LABELS +
                 "    Path('FILE').write_text('x')\n"
                 "    Path('~/FILE').expanduser().write_text('x')\n"
                 "    print('cwd', os.getcwd(), flush=True)\n"
                 "    return []\n")
    result, printed = check_in_subprocess(3, f, timeout=60)
    assert result.status == "failed", result  # it ran: the grader got to compare its answer
    assert list(caller.iterdir()) == [] and list(home.iterdir()) == []
    where = printed.split("cwd ", 1)[1].split()[0]
    assert where != str(caller) and "minimt-check-" in where
    assert not (tmp_path / where).exists()  # deleted with everything written in it


def test_a_signal_is_named(tmp_path):
    f = _student(tmp_path, "import os, signal\n\n" + MAKE_LABELS + "    os.kill(os.getpid(), signal.SIGSEGV)\n")
    result, _ = check_in_subprocess(3, f, timeout=60)
    assert result.status == "crashed" and "killed by SIGSEGV" in result.message, result
    assert "segmentation fault" in result.message


def test_what_their_code_leaves_running_is_stopped(tmp_path):
    f = _student(tmp_path, "import subprocess\n\n" + MAKE_LABELS +
                 "    p = subprocess.Popen(['sleep', '60'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
                 "    print('child', p.pid, flush=True)\n    return []\n")
    result, printed = check_in_subprocess(3, f, timeout=60)
    assert result.status == "failed", result
    pid = int(printed.split("child ", 1)[1].split()[0])
    for _ in range(50):  # SIGKILL is delivered asynchronously
        if not _running(pid):
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"pid {pid}, started by the student's code, still runs after the check")


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan waits as a zombie until init reaps it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def _cli(argv):
    p = argparse.ArgumentParser()
    ex_cli.register(p.add_subparsers())
    args = p.parse_args(["exercises", *argv])
    return args.func(args)


def test_the_command_line_takes_memory_and_prints_the_diagnosis(tmp_path, capsys):
    f = _student(tmp_path, MAKE_LABELS + "    return [bytearray(2**30)]\n")
    assert _cli(["check", "3", str(f), "--dir", str(tmp_path / "w"), "--memory", "0.25"]) == 1
    out = capsys.readouterr().out
    assert "TOO MUCH MEMORY  used more than 0.25 GB of memory" in out and "--memory GB" in out
    for bad in ("0", "-1", "nan"):
        with pytest.raises(MinimtError, match=f"--memory {bad}: must be a positive number of GB"):
            _cli(["check", "3", str(f), "--memory", bad])
