"""Grade a student's file in a separate Python process, with a time limit.

The student's code is imported and called in the child (``python -m minimt.exercises.runner
N FILE RESULT_JSON``); the child writes its `Result` as JSON to RESULT_JSON. The parent waits
at most ``timeout`` seconds. So:

- an exception in their code      → the child reports it (status "error");
- an endless loop                 → the parent kills the child (status "timeout");
- a hard crash, os._exit, a segfault → no result file appears (status "crashed").

Whatever their code prints is captured and shown only when the check does not pass.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .grading import Result

DEFAULT_TIMEOUT = 20.0


def check_in_subprocess(number: int, path: Path, timeout: float = DEFAULT_TIMEOUT) -> tuple[Result, str]:
    """(result, what the student's code printed)."""
    with tempfile.TemporaryDirectory(prefix="minimt-check-") as tmp:
        out_json = Path(tmp) / "result.json"
        env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"), MPLBACKEND="Agg")
        package_root = str(Path(__file__).resolve().parents[2])  # the child imports this same minimt
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        proc = subprocess.Popen(
            [sys.executable, "-m", "minimt.exercises.runner", str(number), str(path), str(out_json)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)  # own process group: a timeout kills their child processes too
        try:
            printed, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            printed, _ = proc.communicate()
            return Result(number, "timeout",
                          f"no answer after {timeout:g} s: is there a loop that never ends? "
                          "(a decoding loop must stop at EOS or at max_len; raise the limit with --timeout)"
                          ), _text(printed)
        if out_json.exists():
            return Result(**json.loads(out_json.read_text(encoding="utf-8"))), _text(printed)
        return Result(number, "crashed",
                      f"Python stopped before the check finished (exit status {proc.returncode}): "
                      "does your code call os._exit, or crash the interpreter?"), _text(printed)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the group we created with start_new_session (POSIX)
    except (AttributeError, ProcessLookupError, PermissionError):
        proc.kill()


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def main(argv: list[str]) -> int:
    number, path, out_json = int(argv[0]), Path(argv[1]), Path(argv[2])
    import torch

    torch.set_num_threads(1)  # tiny tensors: threads only add overhead (and the CPU is shared)
    from .grading import grade_file

    result = grade_file(number, path)
    tmp = out_json.with_suffix(".tmp")
    tmp.write_text(json.dumps(result.to_dict()), encoding="utf-8")
    os.replace(tmp, out_json)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
