"""minimt.runtime.run_folder: a trained run is never overwritten by accident, two runs never share
a folder, and Ctrl-C only sets a flag (the second one stops at once).

The lock and the signals are tested with real processes: a lock that only works inside one
process, or a handler never hit by a real signal, proves nothing.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from minimt.errors import MinimtError
from minimt.runtime.run_folder import (LOCK_NAME, STOPPED_EXIT_STATUS, RunLock, StopRequest, how_to_resume,
                                       latest_default, next_free_default, refuse_to_overwrite)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock and POSIX signals")


# ---------------------------------------------------------------- never overwrite a trained run

def test_a_folder_with_a_checkpoint_is_refused_naming_the_three_ways_on(tmp_path):
    run = tmp_path / "A"
    refuse_to_overwrite(run, resume=False, overwrite=False)  # does not exist yet: fine
    run.mkdir()
    (run / "metrics.jsonl").write_text("{}\n")
    refuse_to_overwrite(run, resume=False, overwrite=False)  # stopped before its first checkpoint: fine
    (run / "latest.pt").write_bytes(b"weights")
    with pytest.raises(MinimtError) as e:
        refuse_to_overwrite(run, resume=False, overwrite=False)
    msg = str(e.value)
    assert "\n" not in msg and str(run) in msg and "latest.pt" in msg
    assert "--resume" in msg and "new --out" in msg and "--overwrite" in msg
    refuse_to_overwrite(run, resume=True, overwrite=False)
    refuse_to_overwrite(run, resume=False, overwrite=True)
    with pytest.raises(MinimtError, match="contradict"):
        refuse_to_overwrite(run, resume=True, overwrite=True)
    assert (run / "latest.pt").read_bytes() == b"weights"  # refusing touched nothing


def test_the_default_folder_moves_on_instead_of_overwriting(tmp_path):
    base = tmp_path / "runs" / "minimt"
    assert latest_default(base) is None
    assert next_free_default(base) == base and base.is_dir()
    assert next_free_default(base) == base  # still empty: reused, nothing to lose
    (base / "latest.pt").write_bytes(b"1")
    second = next_free_default(base)
    assert second == tmp_path / "runs" / "minimt-2"
    (second / "latest.pt").write_bytes(b"2")
    assert latest_default(base) == second
    assert next_free_default(base) == tmp_path / "runs" / "minimt-3"
    # one past the highest, not the first gap: the newest run is always the highest number
    (tmp_path / "runs" / "minimt-3").rmdir()
    (tmp_path / "runs" / "minimt-7").mkdir()
    (tmp_path / "runs" / "minimt-7" / "latest.pt").write_bytes(b"7")
    (tmp_path / "runs" / "minimt-old").mkdir()  # not of the family
    assert next_free_default(base) == tmp_path / "runs" / "minimt-8"
    assert latest_default(base) == tmp_path / "runs" / "minimt-7"


def test_how_to_resume_names_the_folder_and_the_command(tmp_path):
    line = how_to_resume(tmp_path / "A", 123)
    assert "step 123" in line and f"minimt train --out {tmp_path / 'A'} --resume" in line


# ---------------------------------------------------------------- one run per folder

HOLD = textwrap.dedent("""
    import sys, time
    from minimt.errors import MinimtError
    from minimt.runtime.run_folder import RunLock
    try:
        with RunLock(sys.argv[1]):
            print("locked", flush=True)
            time.sleep(float(sys.argv[2]))
    except MinimtError as e:
        print(e, flush=True)
        sys.exit(2)
""")


def _hold(folder: Path, seconds: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HOLD, str(folder), str(seconds)],
                            stdout=subprocess.PIPE, text=True)


def test_a_second_process_is_refused_at_once_naming_the_first_pid(tmp_path):
    first = _hold(tmp_path, 30)
    try:
        assert first.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        with pytest.raises(MinimtError) as e:
            with RunLock(tmp_path):
                pass
        assert time.monotonic() - t0 < 1.0  # it does not wait for the first run
        assert f"pid {first.pid}" in str(e.value) and "--out" in str(e.value) and "\n" not in str(e.value)
    finally:
        first.kill()
        first.wait()


def test_two_runs_started_together_one_trains_the_other_names_it(tmp_path):
    a, b = _hold(tmp_path, 3), _hold(tmp_path, 3)
    outs = {p.pid: p.communicate(timeout=30)[0].strip() for p in (a, b)}
    codes = {p.pid: p.returncode for p in (a, b)}
    winner = next(pid for pid, code in codes.items() if code == 0)
    loser = next(pid for pid, code in codes.items() if code != 0)  # StopIteration if both "won"
    assert outs[winner] == "locked" and codes[loser] == 2
    assert f"pid {winner}" in outs[loser]


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path):
    first = _hold(tmp_path, 60)
    assert first.stdout.readline().strip() == "locked"
    assert (tmp_path / LOCK_NAME).read_text().strip() == str(first.pid)
    first.send_signal(signal.SIGKILL)  # no cleanup code runs: the kernel drops the flock
    first.wait()
    assert (tmp_path / LOCK_NAME).read_text().strip() == str(first.pid)  # the stale pid is still there
    with RunLock(tmp_path) as lock:
        assert lock.reclaimed_from == first.pid
        assert (tmp_path / LOCK_NAME).read_text().strip() == str(os.getpid())
    assert (tmp_path / LOCK_NAME).read_text() == ""  # released: no pid left to mislead a reader
    with RunLock(tmp_path) as lock:  # and it can be taken again
        assert lock.reclaimed_from is None


# ---------------------------------------------------------------- Ctrl-C keeps the work

LOOP = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from minimt.files import atomic_write_text
    from minimt.runtime.run_folder import STOPPED_EXIT_STATUS, StopRequest, how_to_resume
    out, step_s = Path(sys.argv[1]), float(sys.argv[2])
    try:
        with StopRequest() as stop:
            for step in range(1, 1000):
                print(f"step {step} started", flush=True)
                time.sleep(step_s)                    # the work of one step
                atomic_write_text(out / "done.txt", str(step))
                if stop:
                    atomic_write_text(out / "checkpoint.txt", str(step))
                    print(how_to_resume(out, step), flush=True)
                    sys.exit(STOPPED_EXIT_STATUS)
    except KeyboardInterrupt:
        print("stopped at once", flush=True)
        sys.exit(1)
""")


def _loop(folder: Path, step_s: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", LOOP, str(folder), str(step_s)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_first_signal_finishes_the_step_saves_and_exits_130(tmp_path, sig):
    child = _loop(tmp_path, 0.5)
    assert child.stdout.readline().strip() == "step 1 started"
    child.send_signal(sig)  # mid-step: the step must still finish
    out, err = child.communicate(timeout=30)
    assert child.returncode == STOPPED_EXIT_STATUS == 130, err
    assert (tmp_path / "checkpoint.txt").read_text() == "1" == (tmp_path / "done.txt").read_text()
    assert "stopped at step 1" in out and "--resume" in out
    assert signal.Signals(sig).name in err and "again" in err and "Traceback" not in err


def test_a_second_signal_stops_at_once(tmp_path):
    child = _loop(tmp_path, 60)  # a step that would take a minute
    assert child.stdout.readline().strip() == "step 1 started"
    child.send_signal(signal.SIGINT)
    time.sleep(0.3)
    t0 = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=30)
    assert time.monotonic() - t0 < 5  # not the 60 s the step would have taken
    assert child.returncode == 1 and "stopped at once" in out
    assert not (tmp_path / "checkpoint.txt").exists() and not (tmp_path / "done.txt").exists()


def test_previous_handlers_come_back():
    before = signal.getsignal(signal.SIGINT)
    with StopRequest(quiet=True) as stop:
        assert signal.getsignal(signal.SIGINT) != before and not stop
    assert signal.getsignal(signal.SIGINT) == before


# ---------------------------------------------------------------- the whole pattern, on a toy training loop

TRAIN = textwrap.dedent("""
    import sys, time
    import torch
    from pathlib import Path
    from minimt.checkpoint import read_checkpoint_file
    from minimt.errors import MinimtError
    from minimt.files import atomic_path
    from minimt.runtime.run_folder import (STOPPED_EXIT_STATUS, RunLock, StopRequest, how_to_resume,
                                           refuse_to_overwrite)
    out, steps, resume, step_s = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "resume", float(sys.argv[4])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)  # momentum: state a resume must restore
    def save(step):
        with atomic_path(out / "latest.pt") as tmp:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step}, tmp)
    try:
        refuse_to_overwrite(out, resume, overwrite=False)
        with RunLock(out), StopRequest(quiet=True) as stop:
            start = 0
            if resume:
                ckpt = read_checkpoint_file(out / "latest.pt")
                model.load_state_dict(ckpt["model"]); opt.load_state_dict(ckpt["opt"]); start = ckpt["step"]
            for step in range(start + 1, steps + 1):
                g = torch.Generator().manual_seed(step)  # the data of step N does not depend on history
                x, y = torch.randn(8, 4, generator=g), torch.randn(8, 1, generator=g)
                time.sleep(step_s)  # the signal lands here, mid-step
                loss = torch.nn.functional.mse_loss(model(x), y)
                opt.zero_grad(); loss.backward(); opt.step()
                with open(out / "losses.txt", "a") as f:
                    f.write(f"{step} {loss.item()!r}\\n")
                print(f"step {step} done", flush=True)
                if stop:
                    save(step)
                    print(how_to_resume(out, step), flush=True)
                    sys.exit(STOPPED_EXIT_STATUS)
            save(steps)
    except MinimtError as e:
        print(e, flush=True)
        sys.exit(2)
""")


def _train(folder: Path, steps: int, resume: bool, step_s: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", TRAIN, str(folder), str(steps),
                             "resume" if resume else "new", str(step_s)], stdout=subprocess.PIPE, text=True)


def test_ctrl_c_then_resume_gives_the_losses_of_an_uninterrupted_run(tmp_path):
    whole, split = tmp_path / "whole", tmp_path / "split"
    whole.mkdir(), split.mkdir()
    run = _train(whole, 12, resume=False)
    run.communicate(timeout=60)
    assert run.returncode == 0

    run = _train(split, 12, resume=False, step_s=0.3)
    for line in run.stdout:
        if line.strip() == "step 4 done":
            break
    run.send_signal(signal.SIGINT)  # during step 5, or just before it starts (or later, on a busy machine): a begun step is finished, kept
    out, _ = run.communicate(timeout=60)
    assert run.returncode == 130, out
    stopped = int(out.split("stopped at step ", 1)[1].split(";")[0])
    assert 4 <= stopped < 12 and len((split / "losses.txt").read_text().splitlines()) == stopped

    again = _train(split, 12, resume=False)  # the trained run is not overwritten by accident
    assert again.communicate(timeout=60)[0].count("--resume") == 1 and again.returncode == 2

    run = _train(split, 12, resume=True)
    run.communicate(timeout=60)
    assert run.returncode == 0
    want = (whole / "losses.txt").read_text().splitlines()
    assert len(want) == 12 and (split / "losses.txt").read_text().splitlines() == want  # bit for bit


def test_a_run_that_writes_its_pid_late_is_still_named(tmp_path):
    # The race CI once lost: the winner holds the flock but has not yet replaced a dead run's pid.
    import threading
    from minimt.runtime.run_folder import _holder_pid
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = tmp_path / "lock"
    path.write_text(f"{dead.pid}\n")
    fd = os.open(path, os.O_RDWR)
    try:
        late = threading.Timer(0.1, lambda: os.pwrite(fd, f"{os.getpid()}\n".ljust(8).encode(), 0))
        late.start()
        assert _holder_pid(fd) == os.getpid()
        late.join()
        os.ftruncate(fd, 0)
        assert _holder_pid(fd, patience=0.05) is None  # nobody named rather than a wrong pid
    finally:
        os.close(fd)
