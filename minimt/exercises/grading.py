"""The grading machinery every grader shares: load a student's file, call their function
safely, compare tensors with messages a student can act on.

A grader module (graders/exNN_*.py) defines ``HINTS`` (a list of strings) and
``grade(answer) -> int``: it runs property checks on seeded random cases and returns how many
cases it checked, or raises `CheckFailed` with ONE message — the first property that failed,
with the input that broke it and why the property matters. Messages look like

    labels[1, 4] is 0 but should be -100: padded label positions must be ignored by the loss

`grade_file` is the whole pipeline for one file; it never raises for anything the student
did (syntax error, exception, missing function) — it returns a `Result` saying so. The
command line runs it in a subprocess (see runner.py) so an endless loop or a crash in the
student's code becomes a "timeout"/"crashed" result, never a hung or dead terminal.
"""
from __future__ import annotations

import importlib.util
import sys
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import torch

from .catalog import BY_NUMBER, Exercise
from .language import say


class CheckFailed(Exception):
    """A property the student's answer breaks. str(e) is the message shown to the student."""


class NotDone(Exception):
    """The answer still raises NotImplementedError (or is still the stub's placeholder)."""


class StudentError(Exception):
    """The student's code raised; the message names the exception and the line of their file."""


@dataclass
class Result:
    number: int
    status: str  # passed | failed | not done | error | timeout | crashed | internal error
    message: str
    cases: int = 0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- calling student code

_STUDENT_FILE: str | None = None  # set by grade_file: frames from this file are "theirs"


def _where(exc: BaseException) -> str:
    """' (line 12 of ex02_pad_batch.py: `x = rows[i]`)' — the student's line, not minimt's."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if _STUDENT_FILE and Path(f.filename).resolve() == Path(_STUDENT_FILE)]
    if not mine:
        return ""
    f = mine[-1]
    code = f" `{f.line.strip()}`" if f.line else ""
    return say(en=f" (line {f.lineno} of {Path(f.filename).name}:{code})",
               zh=f"（{Path(f.filename).name} 第 {f.lineno} 行：{code}）")


def call(fn: Callable, *args, context: str = "", **kwargs) -> Any:
    """Call the student's ``fn``; turn their exceptions into one readable `StudentError`."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as e:
        name = getattr(fn, '__name__', 'it')
        raise NotDone(say(en=f"{name} still raises NotImplementedError: "
                             "replace the `raise NotImplementedError` line with your code",
                          zh=f"{name} 还在抛出 NotImplementedError：把 `raise NotImplementedError` "
                             "这一行换成你的代码")) from e
    except (CheckFailed, NotDone, StudentError):
        raise
    except RecursionError as e:
        raise StudentError(say(en=f"{_name(fn)} recursed without end{_where(e)}{_for(context)}",
                               zh=f"{_name(fn)} 无休止地递归{_where(e)}{_for(context)}")) from None
    except SystemExit:
        raise StudentError(say(en=f"{_name(fn)} called sys.exit(): return a value instead{_for(context)}",
                               zh=f"{_name(fn)} 调用了 sys.exit()：请改为返回一个值{_for(context)}")) from None
    except Exception as e:  # noqa: BLE001 - anything the student's code throws is reported
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        what = f"{type(e).__name__}{': ' + msg[:300] if msg else ''}"
        raise StudentError(say(en=f"{_name(fn)} raised {what}{_where(e)}{_for(context)}",
                               zh=f"{_name(fn)} 抛出了 {what}{_where(e)}{_for(context)}")) from None


def _name(fn) -> str:
    name = getattr(fn, '__name__', 'function')
    return say(en=f"your {name}", zh=f"你的 {name}")


def _for(context: str) -> str:
    return say(en=f"\n  failing case: {context}", zh=f"\n  出错的用例：{context}") if context else ""


# ---------------------------------------------------------------- checking results

def fail(message: str, context: str = "") -> None:
    """Raise the one message the student sees; the failing input goes on a second line."""
    raise CheckFailed(f"{message}{_for(context)}")


def idx(index) -> str:
    """(1, 4) → '[1, 4]'."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def show(x: Any, limit: int = 160) -> str:
    """Short repr of lists and tensors for messages."""
    if isinstance(x, torch.Tensor):
        shape = tuple(x.shape)
        text = str(x.tolist()) if x.numel() <= 64 else say(en=f"tensor of shape {shape}",
                                                            zh=f"形状为 {shape} 的张量")
    else:
        text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def expect_tensor(name: str, got: Any, *, shape: tuple, dtype: torch.dtype, context: str = "",
                  why_shape: str = "", why_dtype: str = "") -> torch.Tensor:
    """Type, dtype and shape first: a wrong shape makes every later message confusing."""
    if not isinstance(got, torch.Tensor):
        kind = type(got).__name__
        fail(say(en=f"{name} is of type {kind} but should be a torch.Tensor",
                 zh=f"{name} 的类型是 {kind}，应为 torch.Tensor"), context)
    if tuple(got.shape) != tuple(shape):
        has, want = tuple(got.shape), tuple(shape)
        fail(because(say(en=f"{name} has shape {has} but should be {want}",
                         zh=f"{name} 的形状是 {has}，应为 {want}"), why_shape), context)
    if got.dtype != dtype:
        fail(because(say(en=f"{name} has dtype {got.dtype} but should be {dtype}",
                         zh=f"{name} 的数据类型（dtype）是 {got.dtype}，应为 {dtype}"), why_dtype), context)
    return got


def because(message: str, why: str) -> str:
    """'message: why' — with the colon of the language in use (full-width in Chinese)."""
    return say(en=f"{message}: {why}", zh=f"{message}：{why}") if why else message


def first_difference(got: torch.Tensor, want: torch.Tensor, atol: float | None = None):
    """Index of the first position where got != want (or differs by more than atol), else None."""
    if atol is None:
        bad = got != want
    else:
        bad = ~torch.isclose(got.double(), want.double(), atol=atol, rtol=atol, equal_nan=False)
    if not bool(bad.any()):
        return None
    return tuple(int(i) for i in bad.nonzero()[0])


def expect_equal(name: str, got: torch.Tensor, want: torch.Tensor, why: Callable[[tuple], str],
                 context: str = "", atol: float | None = None) -> None:
    """Exact (or atol) equality; on the first difference say where, what, and why it matters."""
    i = first_difference(got, want, atol)
    if i is not None:
        g, w = got[i].item(), want[i].item()
        if atol is not None:
            g, w = f"{g:.4g}", f"{w:.4g}"
        fail(because(say(en=f"{name}{idx(i)} is {g} but should be {w}", zh=f"{name}{idx(i)} 是 {g}，应为 {w}"),
                     why(i)), context)


def rows_of(x: Any) -> list[list[int]] | None:
    """A list of int lists from lists/tuples/1-D tensors, or None if it is not that shape."""
    try:
        return [[int(t) for t in (r.tolist() if isinstance(r, torch.Tensor) else r)] for r in x]
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- loading a student's file

def load_answer(path: Path, ex: Exercise) -> Any:
    """Import ``path`` and return its ``ex.name``. Raises `StudentError` with a one-line reason."""
    global _STUDENT_FILE
    _STUDENT_FILE = str(path.resolve())
    module_name = f"minimt_student_ex{ex.number:02d}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.resolve().parent))  # their helper files next to it import too
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        where = f"{Path(e.filename or path).name}:{e.lineno}" if e.lineno else path.name
        raise StudentError(say(en=f"{where}: {type(e).__name__}: {e.msg} — Python could not read your file",
                               zh=f"{where}: {type(e).__name__}: {e.msg} —— Python 读不懂你的文件")) from None
    except (Exception, SystemExit) as e:  # noqa: BLE001 - their module-level code failed
        raise StudentError(say(en=f"importing {path.name} failed: {type(e).__name__}: {e}{_where(e)}",
                               zh=f"导入 {path.name} 失败：{type(e).__name__}: {e}{_where(e)}")) from None
    finally:
        sys.path.remove(str(path.resolve().parent))
    if not hasattr(module, ex.name):
        raise StudentError(say(en=f"{path.name} defines no `{ex.name}`: keep the name the stub gave it",
                               zh=f"{path.name} 里没有定义 `{ex.name}`：请保留练习模板（stub）给它起的名字"))
    answer = getattr(module, ex.name)
    if ex.reference is not None:
        try:
            ref = getattr(importlib.import_module(ex.reference[0]), ex.reference[1])
        except ImportError:
            ref = None
        if ref is not None and (answer is ref or any(v is ref for v in vars(module).values())):
            module, name = ex.reference
            raise CheckFailed(say(en=f"{path.name} imports minimt's own {name} from {module}: "
                                     "the exercise is to write it yourself",
                                  zh=f"{path.name} 从 {module} 导入了 minimt 自己的 {name}：这个练习要你亲手实现它"))
    return answer


def grade_answer(ex: Exercise, answer: Any) -> Result:
    """Run ``ex``'s grader on an already-loaded answer (tests call this in-process)."""
    try:
        cases = ex.grader().grade(answer)
    except NotDone as e:
        return Result(ex.number, "not done", str(e))
    except CheckFailed as e:
        return Result(ex.number, "failed", str(e))
    except StudentError as e:
        return Result(ex.number, "error", str(e))
    except Exception as e:  # noqa: BLE001 - a bug in the grader, or an answer of a very odd type
        where = traceback.extract_tb(e.__traceback__)[-1]
        at = f"{type(e).__name__}: {e} at {Path(where.filename).name}:{where.lineno}"
        return Result(ex.number, "internal error",
                      say(en=f"the grader itself failed ({at}); if your answer returns the types the stub "
                             "asks for, tell your teacher",
                          zh=f"评分器（grader）自己出错了（{at}）；如果你的答案返回的类型和练习模板要求的一致，"
                             "请告诉老师"))
    return Result(ex.number, "passed", say(en=f"all {cases} checks passed", zh=f"全部 {cases} 项检查通过"), cases)


def grade_file(number: int, path: str | Path) -> Result:
    """Load ``path`` and grade it as exercise ``number``. Never raises for the student's mistakes."""
    ex, path = BY_NUMBER[number], Path(path)
    try:
        answer = load_answer(path, ex)
    except StudentError as e:
        return Result(number, "error", str(e))
    except CheckFailed as e:
        return Result(number, "failed", str(e))
    return grade_answer(ex, answer)
