"""Grade a student's file in a separate Python process, with a time and a memory limit.

The student's code is imported and called in the child (``python -m minimt.exercises.runner
N FILE RESULT_JSON MEMORY_BYTES``); the child writes its `Result` as JSON to RESULT_JSON. The
child runs in a fresh temporary folder (its working directory, and its HOME and TMPDIR), deleted
afterwards, so a stray ``open("out.txt", "w")`` or ``~/FILE`` does not land in the caller's
folders. Each way it can go wrong has its own diagnosis:

- an exception in their code         → the child reports it (status "error");
- more memory than the limit         → the allocation fails at once (status "memory"), instead
                                        of the machine swapping until the time limit;
- an endless loop                    → the parent kills the child's process group ("timeout");
- os._exit, a segfault, a signal     → no result file appears ("crashed", naming the signal).

Whatever their code prints is captured and shown only when the check does not pass.
This contains mistakes, not attacks: see "What the grader protects against" in docs/teaching.md.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .grading import Result
from .language import say

DEFAULT_TIMEOUT = 20.0
DEFAULT_MEMORY_GB = 2.0  # every exercise needs a few MB above the grader itself; 2 GB is a mistake

# What running out of memory looks like: Python's MemoryError, torch's CPU allocator
# ("DefaultCPUAllocator: can't allocate memory"), C++ code, or the OS error text (ENOMEM).
_OUT_OF_MEMORY = ("MemoryError", "can't allocate memory", "Cannot allocate memory", "std::bad_alloc",
                  "out of memory")

def _signals() -> dict:
    """The usual ways a process is killed, by name (not every signal exists on Windows)."""
    return {
        "SIGSEGV": say(en="a segmentation fault: C code (an extension, or ctypes) read memory it must not",
                       zh="段错误（segmentation fault）：C 代码（某个扩展或 ctypes）读了不该读的内存"),
        "SIGBUS": say(en="a bus error: C code read memory it must not", zh="总线错误：C 代码读了不该读的内存"),
        "SIGABRT": say(en="an abort: a C/C++ library gave up (often after running out of memory)",
                       zh="中止（abort）：某个 C/C++ 库放弃了（常常是内存耗尽之后）"),
        "SIGKILL": say(en="killed by the system (out of memory?) or by hand", zh="被系统（内存耗尽？）或被人手动杀掉了"),
    }


def check_in_subprocess(number: int, path: Path, timeout: float = DEFAULT_TIMEOUT,
                        memory_gb: float | None = DEFAULT_MEMORY_GB) -> tuple[Result, str]:
    """(result, what the student's code printed). ``memory_gb`` None: no memory limit."""
    with tempfile.TemporaryDirectory(prefix="minimt-check-") as tmp:
        out_json = Path(tmp) / "result.json"
        work = Path(tmp) / "work"  # their cwd: a file they write lands here and is deleted with it
        work.mkdir()
        env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"), MPLBACKEND="Agg",
                   HOME=str(work), TMPDIR=str(work))
        package_root = str(Path(__file__).resolve().parents[2])  # the child imports this same minimt
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        limit = int(memory_gb * 2**30) if memory_gb else 0
        proc = subprocess.Popen(
            [sys.executable, "-m", "minimt.exercises.runner", str(number), str(Path(path).resolve()),
             str(out_json), str(limit)],
            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)  # own process group: a timeout kills their child processes too
        try:
            printed, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            printed, _ = proc.communicate()
            return Result(number, "timeout",
                          say(en=f"no answer after {timeout:g} s: is there a loop that never ends? "
                                 "(a decoding loop must stop at EOS or at max_len; raise the limit with --timeout)",
                              zh=f"{timeout:g} 秒后仍没有结果：是不是有一个永远不结束的循环？"
                                 "（解码循环必须在 EOS 或 max_len 处停下；用 --timeout 可以放宽时限）")
                          ), _text(printed)
        _kill_group(proc)  # what their code started and left running (a check is over when it answers)
        printed = _text(printed)
        if out_json.exists():
            return Result(**json.loads(out_json.read_text(encoding="utf-8"))), printed
        return _crashed(number, proc.returncode, printed, memory_gb), printed


def _crashed(number: int, returncode: int, printed: str, memory_gb: float | None) -> Result:
    """No result file: Python itself stopped. Say how, and whether memory is the likely cause."""
    if memory_gb and any(p in printed for p in _OUT_OF_MEMORY):
        return Result(number, "memory", _memory_message(memory_gb, say(en="Python stopped while out of memory",
                                                                       zh="Python 在内存耗尽时停止了")))
    if returncode < 0:
        sig = signal.Signals(-returncode)
        how = _signals().get(sig.name, say(en="a signal your code or the system sent",
                                           zh="你的代码或系统发出的一个信号"))
        return Result(number, "crashed", say(en=f"Python was killed by {sig.name} before the check finished: {how}",
                                             zh=f"检查还没结束，Python 就被 {sig.name} 杀掉了：{how}"))
    return Result(number, "crashed",
                  say(en=f"Python stopped before the check finished (exit status {returncode}): "
                         "does your code call os._exit, or crash the interpreter?",
                      zh=f"检查还没结束，Python 就停止了（退出状态 {returncode}）："
                         "你的代码是不是调用了 os._exit，或者让解释器崩溃了？"))


def _memory_message(memory_gb: float, what: str) -> str:
    return say(en=f"used more than {memory_gb:g} GB of memory (the grader's limit; --memory GB changes it): "
                  "these exercises need a few MB — look for a tensor far larger than you meant "
                  "(a size multiplied instead of added?) or a list that grows in a loop without end"
                  f"\n  {what}",
               zh=f"用了超过 {memory_gb:g} GB 的内存（评分器的上限；用 --memory GB 可以修改）："
                  "这些练习只需要几 MB —— 找找有没有一个比你想的大得多的张量（尺寸相乘了，而不是相加？），"
                  "或者一个在循环里无休止增长的列表"
                  f"\n  {what}")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the group we created with start_new_session (POSIX)
    except ProcessLookupError:
        pass  # nothing left in the group
    except (AttributeError, PermissionError):
        proc.kill()


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


# ---------------------------------------------------------------- the child

def limit_memory(extra_bytes: int) -> bool:
    """Cap this process's address space at what it maps now plus ``extra_bytes``.

    On top of what is mapped, not an absolute cap: importing torch alone maps ~0.6 GB of address
    space (libraries, arenas) on Linux, so "2 GB" means 2 GB for the student's code and the
    grader's small tensors. Soft and hard limit both: the student's code cannot raise it again.
    Returns False where it cannot be done (no `resource` module, no /proc: Windows, macOS)."""
    try:
        import resource

        mapped = _mapped_bytes()
    except (ImportError, OSError, ValueError):
        return False
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    want = mapped + extra_bytes if hard == resource.RLIM_INFINITY else min(mapped + extra_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, want))
    return True


def _mapped_bytes() -> int:
    """VmSize of this process (Linux /proc), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise ValueError(say(en="no VmSize in /proc/self/status", zh="/proc/self/status 里没有 VmSize"))


def out_of_memory(result: Result) -> bool:
    """Did the student's code (or the grader, because of it) fail to get memory?"""
    return result.status in ("error", "internal error") and any(p in result.message for p in _OUT_OF_MEMORY)


def main(argv: list[str]) -> int:
    number, path, out_json = int(argv[0]), Path(argv[1]), Path(argv[2])
    memory = int(argv[3]) if len(argv) > 3 else 0
    import torch

    torch.set_num_threads(1)  # tiny tensors: threads only add overhead (and the CPU is shared)
    from .catalog import BY_NUMBER
    from .grading import grade_file

    BY_NUMBER[number].grader()  # import the grader (and what it imports) before the limit too
    limited = memory > 0 and limit_memory(memory)  # after the imports: the limit is for their code
    result = grade_file(number, path)
    if limited and out_of_memory(result):
        # keep what failed (their line, the failing case), minus torch's C++ source location
        what = re.sub(r"\[enforce fail at [^\]]*\] [^.]*\. ", "", result.message)
        result = Result(number, "memory", _memory_message(memory / 2**30, what))
    tmp = out_json.with_suffix(".tmp")
    tmp.write_text(json.dumps(result.to_dict()), encoding="utf-8")
    os.replace(tmp, out_json)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
