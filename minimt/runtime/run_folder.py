"""Nothing lost: a run folder is never overwritten by accident, never shared by two runs,
and Ctrl-C keeps the work.

    out = Path(args.out) if args.out else next_free_default("runs/minimt")  # runs/minimt, runs/minimt-2, ...
    refuse_to_overwrite(out, args.resume, args.overwrite)   # a trained run needs --resume or --overwrite
    with RunLock(out), StopRequest() as stop:               # one run per folder; Ctrl-C = finish the step
        for step in ...:
            train_step()
            if stop:                                        # first Ctrl-C / SIGTERM: a flag, not an exception
                save_checkpoint(...)                        # atomic (minimt.files)
                print(how_to_resume(out, step))
                return STOPPED_EXIT_STATUS                  # 130, what a shell reports for Ctrl-C

Why each piece:

- A student who trains for eight minutes, then tries one flag, must not lose the first model
  without a word (Joey NMT refuses a non-empty model folder; Hugging Face has
  ``overwrite_output_dir``). The default folder moves on instead of refusing: a newcomer who
  types ``minimt train`` twice gets ``runs/minimt`` and ``runs/minimt-2``.
- Two runs writing one folder leave a mix of both. The lock is ``fcntl.flock`` on a file in the
  folder: the kernel drops it when the process ends in any way (crash, ``kill -9``), so a lock
  left by a dead run is simply taken over — no pid-file guessing. POSIX only; flock on NFS may
  not lock across machines.
- Ctrl-C as an exception can land anywhere — inside ``optimizer.step()``, halfway through a
  checkpoint. As a flag, the loop stops where it chooses: after a whole step, with a checkpoint
  that ``--resume`` continues exactly. A second Ctrl-C is an exception again, for when a step
  hangs.
"""
from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

from ..errors import MinimtError

LOCK_NAME = ".lock"  # inside the run folder; holds the pid of the run using it
STOPPED_EXIT_STATUS = 130  # 128 + SIGINT: what a shell shows after Ctrl-C (also used for SIGTERM)


# ---------------------------------------------------------------- never overwrite a trained run

def checkpoints_in(out_dir: str | os.PathLike) -> list[Path]:
    """The checkpoints (*.pt) a folder holds; [] when it holds none or does not exist."""
    out_dir = Path(out_dir)
    return sorted(out_dir.glob("*.pt")) if out_dir.is_dir() else []


def refuse_to_overwrite(out_dir: str | os.PathLike, resume: bool, overwrite: bool) -> None:
    """Raise MinimtError when training into ``out_dir`` would replace a trained model.

    A folder without a checkpoint (new, empty, or a run stopped before its first checkpoint) is
    fine; so is one with a checkpoint when the user said --resume (continue it) or --overwrite."""
    if resume and overwrite:
        raise MinimtError("--resume and --overwrite contradict each other: --resume continues the run in "
                          f"{out_dir}, --overwrite starts it again from scratch; give one of them")
    if resume or overwrite:
        return
    found = checkpoints_in(out_dir)
    if found:
        raise MinimtError(f"--out {out_dir}: that folder already holds a trained model ({found[-1].name}); "
                          "add --resume to continue it, give a new --out DIR to keep it, "
                          "or add --overwrite to replace it")


def _numbered(base: Path) -> dict[int, Path]:
    """{1: runs/minimt, 2: runs/minimt-2, ...} for the folders of that family that exist."""
    if not base.parent.is_dir():
        return {}
    pattern = re.compile(re.escape(base.name) + r"(?:-(\d+))?")
    found = {}
    for p in base.parent.iterdir():
        m = pattern.fullmatch(p.name)
        if m and p.is_dir() and (m.group(1) is None or int(m.group(1)) >= 2):
            found[int(m.group(1) or 1)] = p
    return found


def next_free_default(base: str | os.PathLike = "runs/minimt") -> Path:
    """The default run folder: ``base`` while it is absent or empty, else ``base-N`` one past the
    highest that exists (runs/minimt, runs/minimt-2, runs/minimt-3, ...).

    One past the highest, not the first gap: the newest run is always the highest number.
    The folder is created here (``os.mkdir`` fails if another run made it first, so two runs
    started at the same moment get different folders)."""
    base = Path(base)
    taken = {n: p for n, p in _numbered(base).items() if any(p.iterdir())}
    n = max(taken, default=0) + 1
    base.parent.mkdir(parents=True, exist_ok=True)
    while True:
        candidate = base if n == 1 else base.with_name(f"{base.name}-{n}")
        try:
            os.mkdir(candidate)
            return candidate
        except FileExistsError:
            if not any(candidate.iterdir()):
                return candidate  # an empty folder: nothing to lose (the lock settles a tie)
            n += 1


def latest_default(base: str | os.PathLike = "runs/minimt") -> Path | None:
    """The newest default run folder holding a checkpoint (for --resume without --out), or None."""
    with_checkpoint = {n: p for n, p in _numbered(Path(base)).items() if checkpoints_in(p)}
    return with_checkpoint[max(with_checkpoint)] if with_checkpoint else None


# ---------------------------------------------------------------- one run per folder

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: no signal sent, only "does it exist?"
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    return True


class RunLock:
    """``with RunLock(out_dir):`` — only one process at a time trains into ``out_dir``.

    The lock is held on an open file (``out_dir/.lock``, which holds the pid), so it lasts exactly
    as long as the process: no cleanup is needed after a crash or ``kill -9``. A second process
    gets MinimtError naming the first one's pid at once (it never waits). Under torchrun take it on
    rank 0 only (the rank that writes), or rank 1 is refused by rank 0's lock.
    ``reclaimed_from`` is the pid of a dead run whose lock file was found and taken over, else None.
    """

    def __init__(self, out_dir: str | os.PathLike):
        self.path = Path(out_dir) / LOCK_NAME
        self.fd: int | None = None
        self.reclaimed_from: int | None = None

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # Windows has no flock: there, one run per folder is up to the user
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by exec'd children
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder_pid(fd)
            os.close(fd)
            who = f"pid {holder}" if holder else "another process"
            raise MinimtError(f"--out {self.path.parent}: another run ({who}) is training into this folder; "
                              "wait for it, stop it, or give a new --out DIR") from None
        old = _read_pid(fd)
        if old and old != os.getpid() and not _pid_alive(old):
            self.reclaimed_from = old  # its process is gone, and the kernel let go of its lock
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        # The file stays (unlinking a lock file lets two later runs lock two different files);
        # emptying it means a reader never sees the pid of a run that has finished.
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            os.close(self.fd)  # closing releases the flock
            self.fd = None


def _holder_pid(fd: int, patience: float = 0.5) -> int | None:
    # A run that has just taken the lock writes its pid a moment later (and the file may still
    # hold a dead run's pid until then): wait a little for a live pid rather than name the wrong one.
    deadline = time.monotonic() + patience
    while True:
        pid = _read_pid(fd)
        if (pid and _pid_alive(pid)) or time.monotonic() > deadline:
            return pid if pid and _pid_alive(pid) else None
        time.sleep(0.01)


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None


# ---------------------------------------------------------------- Ctrl-C keeps the work

class StopRequest:
    """``with StopRequest() as stop:`` — the first SIGINT (Ctrl-C) or SIGTERM only sets a flag
    (``bool(stop)`` becomes True, ``stop.signal`` says which); the loop checks it after each step,
    saves and exits. The second one raises KeyboardInterrupt at once.

    ``StopRequest(armed=False)`` stops at once (KeyboardInterrupt) until ``arm()`` is called: while
    a run only prepares (reads the corpus, trains its tokenizer) there is no work to keep, and a
    Ctrl-C that waited for the first step would keep the user waiting for nothing.

    Outside the main thread Python cannot install signal handlers: then this does nothing and
    Ctrl-C behaves as usual. The previous handlers come back on exit.

    Under torchrun every rank gets the signal, but not necessarily before the same step: agree
    first (all_reduce the flag with MAX after each step) or the ranks that go on wait forever in
    their next collective for the ones that stopped."""

    def __init__(self, signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM), quiet: bool = False,
                 armed: bool = True):
        self.signals = signals
        self.quiet = quiet
        self.armed = armed
        self.signal: int | None = None
        self._previous: dict[int, object] = {}

    def __bool__(self) -> bool:
        return self.signal is not None

    def arm(self) -> None:
        """From now on the first signal only asks the loop to stop after its step (work to keep)."""
        self.armed = True

    def _handle(self, signum, frame) -> None:
        if not self.armed:  # nothing trained yet: nothing to save, stop now
            if not self.quiet:
                print(f"\n{signal.Signals(signum).name} before the first training step: stopped, nothing to save",
                      file=sys.stderr, flush=True)
            raise KeyboardInterrupt
        if self.signal is not None:
            raise KeyboardInterrupt  # second time: the user means now
        self.signal = signum
        if not self.quiet:
            print(f"\n{signal.Signals(signum).name}: stopping after this step and saving a checkpoint "
                  "(press Ctrl-C again to stop at once, losing this step)", file=sys.stderr, flush=True)

    def __enter__(self) -> "StopRequest":
        if threading.current_thread() is threading.main_thread():
            for s in self.signals:
                self._previous[s] = signal.signal(s, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for s, previous in self._previous.items():
            signal.signal(s, previous)
        self._previous.clear()


def how_to_resume(out_dir: str | os.PathLike, step: int) -> str:
    """The line printed after a stop: what was kept and the command that continues it."""
    return (f"stopped at step {step}; the checkpoint is in {out_dir} — continue with: "
            f"minimt train --out {out_dir} --resume")
