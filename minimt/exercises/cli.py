"""`minimt exercises`: the classroom side — list, start, check, hints, proofs; for teachers, solutions and a report.

    minimt exercises list                      the ladder, with your status per exercise
    minimt exercises start 3                   copy exercise 3's stub into ./minimt-exercises/
    minimt exercises check 3 [FILE] [--hint]   grade your file (in a subprocess: time and memory limits)
    minimt exercises check --all               grade every exercise you started; a summary table
    minimt exercises hint 3                    the hints, without grading
    minimt exercises prove [--break SWITCH]    run the four proofs, optionally with a planted bug
    minimt exercises solution 3                the reference solution (after `teacher --unlock`)
    minimt exercises teacher --unlock          the teacher's step: solutions print on this account
    minimt exercises report DIR [DIR ...]      a class's folders in one table (--csv FILE)

Students work in their own folder (``--dir``, default ``./minimt-exercises``); a small
``.progress.json`` there remembers which files passed (and their hash, so an edit after a pass
shows as "started" again). Nothing in minimt's own folder is ever written.

Solutions print only after a deliberate teacher step (a marker file in the user's config folder,
or MINIMT_TEACHER=1). That deters a student from peeking; it does not secure anything — the
solution files ship inside the package, readable by anyone who looks.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import MinimtError
from ..files import atomic_write_text
from ..lang import LANGUAGES, choose_language
from .catalog import BY_NUMBER, EXERCISES, Exercise
from .language import current, fit, in_language, say, speaking, status_word
from .progress import load_progress, save_result, status
from .runner import DEFAULT_MEMORY_GB, DEFAULT_TIMEOUT, check_in_subprocess

def register(sub) -> None:
    p = sub.add_parser("exercises", help="graded classroom exercises: list, start, check, hints, solutions",
                       description=__doc__.splitlines()[0])
    cmds = p.add_subparsers(dest="exercises_command", metavar="ACTION", parser_class=type(p))
    cmds.required = True

    def add(name, help_, func):
        q = cmds.add_parser(name, help=help_)
        q.set_defaults(func=_in_language(func))
        q.add_argument("--lang", choices=LANGUAGES, help="feedback, hints and stubs in en or zh (中文) "
                       "(default: MINIMT_LANG, then the locale, then en)")
        return q

    def with_dir(q):
        q.add_argument("--dir", default="minimt-exercises", help="your working folder (default: ./minimt-exercises)")
        return q

    with_dir(add("list", "the exercises, their lessons and your status", run_list))
    q = with_dir(add("start", "copy an exercise's stub into your folder (never overwrites)", run_start))
    q.add_argument("number", help="exercise number, e.g. 3")
    q = with_dir(add("check", "grade your answer to an exercise", run_check))
    q.add_argument("number", nargs="?", help="exercise number (or --all)")
    q.add_argument("file", nargs="?", help="your file (default: the started file in --dir)")
    q.add_argument("--all", action="store_true", help="check every exercise started in --dir")
    q.add_argument("--hint", action="store_true", help="also print the exercise's hints")
    q.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds before your code is stopped (default {DEFAULT_TIMEOUT:g})")
    q.add_argument("--memory", metavar="GB", type=float, default=DEFAULT_MEMORY_GB,
                   help=f"memory your code may use, in GB, on top of the grader's (default {DEFAULT_MEMORY_GB:g})")
    q = add("hint", "print an exercise's hints", run_hint)
    q.add_argument("number")
    q = add("show", "print an exercise's task (its stub); --solutions prints the reference solution", run_show)
    q.add_argument("number")
    q.add_argument("--solutions", action="store_true", help="show the reference solution (for teachers)")
    q = add("solution", "print an exercise's reference solution (teachers: after `teacher --unlock`)", run_solution)
    q.add_argument("number")
    q = add("teacher", "unlock (or lock) the solutions on this account: a step for teachers", run_teacher)
    q.add_argument("--unlock", action="store_true", help="let `solution N` print on this account")
    q.add_argument("--lock", action="store_true", help="stop printing solutions here again")
    q = add("report", "several students' folders in one table (for the projector), optionally a CSV", run_report)
    q.add_argument("dirs", nargs="+", metavar="DIR", help="students' exercise folders (each with its .progress.json)")
    q.add_argument("--csv", metavar="FILE", help="also write the table as CSV (one row per student)")
    q.add_argument("--regrade", action="store_true",
                   help="grade every started file again (runs the students' code: see docs/teaching.md)")
    q.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"with --regrade: seconds per file (default {DEFAULT_TIMEOUT:g})")
    q = add("prove", "run the four proofs on a tiny model, optionally with one piece broken", run_prove)
    q.add_argument("--break", dest="switch", metavar="SWITCH",
                   help="break one piece: flip_padding_polarity, drop_causal_mask, forget_shift, pad_in_labels")


# ---------------------------------------------------------------- helpers

def _in_language(func):
    """Run an action in the chosen language (--lang > MINIMT_LANG > locale); the grading child inherits it."""
    def run(args):
        with speaking(choose_language(getattr(args, "lang", None))):
            return func(args)
    return run


def stub_path(ex: Exercise) -> Path:
    """The stub in the language in use: stubs/zh/ holds the same code with Chinese docstrings."""
    zh = ex.stub_path.parent / "zh" / ex.filename
    return zh if current() == "zh" and zh.is_file() else ex.stub_path


def exercise(number: str | None) -> Exercise:
    text = (number or "").strip().lower().removeprefix("ex")
    if not text.isdigit() or int(text) not in BY_NUMBER:
        raise MinimtError(say(en=f"unknown exercise {number!r}: choose 1–{len(EXERCISES)} (see `minimt exercises list`)",
                              zh=f"没有练习 {number!r}：请在 1–{len(EXERCISES)} 中选一个（见 `minimt exercises list`）"))
    return BY_NUMBER[int(text)]


def _print_hints(ex: Exercise) -> None:
    print(say(en=f"hints for exercise {ex.number}:", zh=f"练习 {ex.number} 的提示："))
    for i, hint in enumerate(ex.grader().HINTS, 1):
        print(f"  {i}. {in_language(hint)}")


# ---------------------------------------------------------------- actions

def run_list(args) -> int:
    folder = Path(args.dir)
    progress = load_progress(folder)
    print(f"{'#':>2}  {fit(say(en='exercise', zh='练习'), 48)} {fit(say(en='lesson', zh='课'), 28)} "
          + say(en="min  status", zh="分钟 状态"))
    for ex in EXERCISES:
        print(f"{ex.number:>2}  {fit(ex.title, 48)} {fit(ex.lesson, 28)} {ex.minutes:>3}  "
              f"{status_word(status(folder, ex, progress))}")
    print(say(en=f"\nyour folder: {folder}/   start one with: minimt exercises start 1",
              zh=f"\n你的文件夹：{folder}/   从这里开始：minimt exercises start 1"))
    return 0


def run_start(args) -> int:
    ex = exercise(args.number)
    folder = Path(args.dir)
    target = folder / ex.filename
    if target.exists():
        print(say(en=f"{target} already exists: not overwritten (your work is safe). Delete it to start over.",
                  zh=f"{target} 已经存在：没有覆盖（你的代码是安全的）。想重新开始，就先删掉它。"))
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, stub_path(ex).read_text(encoding="utf-8"))
    todo = {"write": say(en=f"write `{ex.name}`", zh=f"实现 `{ex.name}`"),
            "fix": say(en=f"find and fix the bug in `{ex.name}`", zh=f"找出并修好 `{ex.name}` 里的错误"),
            "predict": say(en=f"fill in `{ex.name}`", zh=f"填写 `{ex.name}`")}[ex.kind]
    print(say(en=f"exercise {ex.number} — {ex.title} (lesson {ex.lesson})\n",
              zh=f"练习 {ex.number} —— {ex.title}（对应课程：{ex.lesson}）\n")
          + say(en=f"wrote {target}: {todo} there, then run: minimt exercises check {ex.number}",
                zh=f"已写入 {target}：在那里{todo}，然后运行：minimt exercises check {ex.number}"))
    return 0


def _resolve_file(ex: Exercise, args) -> Path:
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise MinimtError(say(en=f"{args.file}: no such file", zh=f"{args.file}：文件不存在"))
        return path
    path = Path(args.dir) / ex.filename
    if not path.is_file():
        raise MinimtError(say(en=f"{path}: not started yet — run `minimt exercises start {ex.number}` first "
                                 "(or give the file to check)",
                              zh=f"{path}：还没有开始——先运行 `minimt exercises start {ex.number}`"
                                 "（或者给出要检查的文件）"))
    return path


def run_check(args) -> int:
    if args.timeout <= 0:
        raise MinimtError(f"--timeout {args.timeout:g}: must be a positive number of seconds")
    if not args.memory > 0:  # also refuses nan
        raise MinimtError(f"--memory {args.memory:g}: must be a positive number of GB "
                          f"(default {DEFAULT_MEMORY_GB:g})")
    if args.all:
        if args.number or args.file:
            raise MinimtError("--all checks every started exercise: give no exercise number with it")
        return _check_all(args)
    if not args.number:
        raise MinimtError(say(en="which exercise? give its number (e.g. `minimt exercises check 3`) or --all",
                              zh="检查哪一个练习？请给出它的编号（例如 `minimt exercises check 3`），或者用 --all"))
    ex = exercise(args.number)
    path = _resolve_file(ex, args)
    print(say(en=f"exercise {ex.number} — {ex.title}  ({path})", zh=f"练习 {ex.number} —— {ex.title}（{path}）"))
    result, printed = check_in_subprocess(ex.number, path, args.timeout, args.memory)
    if path.parent.resolve() == Path(args.dir).resolve():
        save_result(path.parent, ex, path, result.status)
    if result.passed:
        print(say(en="PASS", zh="通过") + f"  {result.message}")
    else:
        labels = {"failed": say(en="FAIL", zh="未通过"), "not done": say(en="NOT DONE", zh="还没写"),
                  "memory": say(en="TOO MUCH MEMORY", zh="内存超限"), "timeout": say(en="TIMEOUT", zh="超时"),
                  "error": say(en="ERROR", zh="出错"), "crashed": say(en="CRASHED", zh="崩溃")}
        label = labels.get(result.status, result.status.upper())
        print(f"{label}  {result.message}")
        if printed.strip():
            tail = printed.rstrip().splitlines()[-15:]
            print(say(en="your code printed (last lines):", zh="你的代码打印了（最后几行）：") + "\n"
                  + "\n".join("  | " + line for line in tail))
        if not args.hint:
            print(say(en=f"(stuck? minimt exercises check {ex.number} --hint)",
                      zh=f"（卡住了？试试 minimt exercises check {ex.number} --hint）"))
    if args.hint:
        _print_hints(ex)
    return 0 if result.passed else 1


def _check_all(args) -> int:
    folder = Path(args.dir)
    started = [ex for ex in EXERCISES if (folder / ex.filename).is_file()]
    if not started:
        raise MinimtError(say(en=f"{folder}: no started exercise here — run `minimt exercises start 1` first",
                              zh=f"{folder}：这里还没有开始任何练习——先运行 `minimt exercises start 1`"))
    with ThreadPoolExecutor(max_workers=2) as pool:  # each check is its own process
        results = dict(zip(started, pool.map(
            lambda ex: check_in_subprocess(ex.number, folder / ex.filename, args.timeout, args.memory)[0], started)))
    print(f"{'#':>2}  {fit(say(en='exercise', zh='练习'), 48)} " + say(en="result", zh="结果"))
    for ex in EXERCISES:
        if ex in results:
            r = results[ex]
            save_result(folder, ex, folder / ex.filename, r.status)
            first = r.message.splitlines()[0] if r.message else ""
            shown = say(en="PASS", zh="通过") if r.passed else f"{fit(status_word(r.status).upper(), 8)} {first[:90]}"
        else:
            shown = status_word("not started")
        print(f"{ex.number:>2}  {fit(ex.title, 48)} {shown}")
    passed = sum(r.passed for r in results.values())
    print(say(en=f"\npassed {passed} of {len(EXERCISES)} ({len(results)} started)",
              zh=f"\n{len(EXERCISES)} 道练习通过了 {passed} 道（已开始 {len(results)} 道）"))
    return 0 if passed == len(results) else 1


def run_hint(args) -> int:
    _print_hints(exercise(args.number))
    return 0


# ---------------------------------------------------------------- the teacher's step

def teacher_marker() -> Path:
    """~/.config/minimt/teacher (or $XDG_CONFIG_HOME/minimt/teacher): present = solutions unlocked."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "minimt" / "teacher"


def solutions_unlocked() -> bool:
    return os.environ.get("MINIMT_TEACHER") == "1" or teacher_marker().is_file()


def run_teacher(args) -> int:
    marker = teacher_marker()
    if args.unlock and args.lock:
        raise MinimtError("--unlock or --lock: give one of them")
    if args.unlock:
        atomic_write_text(marker, "solutions unlocked by `minimt exercises teacher --unlock`\n")
        print(f"solutions unlocked on this account ({marker}): `minimt exercises solution N` prints them.\n"
              "This deters students from peeking; it does not secure anything — the solution files ship "
              "inside the package. Undo with: minimt exercises teacher --lock")
    elif args.lock:
        marker.unlink(missing_ok=True)
        print(f"solutions locked on this account ({marker} removed)"
              + (" — but MINIMT_TEACHER=1 is set in this shell" if os.environ.get("MINIMT_TEACHER") == "1" else ""))
    else:
        print(f"solutions are {'unlocked' if solutions_unlocked() else 'locked'} on this account "
              f"(marker: {marker}; or MINIMT_TEACHER=1). Change with --unlock / --lock.")
    return 0


def run_show(args) -> int:
    ex = exercise(args.number)
    if args.solutions and not solutions_unlocked():
        raise MinimtError(say(
            en=f"solutions are for teachers: a teacher runs `minimt exercises teacher --unlock` once "
               f"on their own account (or sets MINIMT_TEACHER=1); students: `minimt exercises hint "
               f"{ex.number}` gives hints",
            zh=f"参考答案是给老师用的：老师在自己的账户上运行一次 `minimt exercises teacher --unlock`"
               f"（或设置 MINIMT_TEACHER=1）；同学们请用 `minimt exercises hint {ex.number}` 查看提示"))
    path = ex.solution_path if args.solutions else stub_path(ex)
    solution = say(en=" — REFERENCE SOLUTION", zh=" —— 参考答案") if args.solutions else ""
    print(say(en=f"# exercise {ex.number} — {ex.title} (lesson {ex.lesson}, ~{ex.minutes} min){solution}\n",
              zh=f"# 练习 {ex.number} —— {ex.title}（对应课程：{ex.lesson}，约 {ex.minutes} 分钟）{solution}\n"))
    print(path.read_text(encoding="utf-8"), end="")
    return 0


def run_solution(args) -> int:
    args.solutions = True
    return run_show(args)


def run_report(args) -> int:
    from .report import run

    return run(args)


def run_prove(args) -> int:
    from . import proofs

    if args.switch is not None and args.switch not in proofs.SWITCHES:
        raise MinimtError(f"--break {args.switch}: unknown switch; choose one of {', '.join(proofs.SWITCHES)}")
    what = (say(en=f"with {args.switch} ({in_language(proofs.SWITCHES[args.switch])})",
                zh=f"打开 {args.switch}（{in_language(proofs.SWITCHES[args.switch])}）") if args.switch
            else say(en="with nothing broken", zh="什么都没破坏"))
    print(say(en=f"the four proofs on a one-layer encoder–decoder, {what}:",
              zh=f"在一个单层编码器–解码器上运行四个证明，{what}："))
    results = proofs.run_proofs(proofs.pipeline(args.switch))
    for r in results:
        print("  " + r.line())
    return 0
