"""The exercises grade themselves — so the graders are tested like everything else:

- every stub fails its check, every reference solution passes it;
- every typical wrong answer in minimt/exercises/wrong_answers/ fails with the message it
  names on its first line (``# expect: <phrase>``);
- student code that loops, crashes or does not parse is reported, never fatal;
- the command line: list / start (never overwrites) / check / --all / hints / solutions / prove,
  and bad input is one line with exit status 2.

Most checks run in-process (fast); only the timeout/crash/syntax tests start a subprocess.
"""
from __future__ import annotations

import ast
import importlib.util
import json

import pytest
import torch

from minimt.commands import main
from minimt.exercises import cli as ex_cli, proofs
from minimt.exercises.catalog import EXERCISES
from minimt.exercises.grading import grade_file
from minimt.exercises.runner import check_in_subprocess


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny tensors: threads only add overhead on a shared 2-core machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _name(ex) -> str:
    return f"ex{ex.number:02d}"


WRONG = [(ex, path) for ex in EXERCISES for path in ex.wrong_answers()]


def test_the_ladder_is_complete():
    kinds = [ex.kind for ex in EXERCISES]
    assert kinds.count("write") >= 14 and kinds.count("fix") + kinds.count("predict") >= 3
    assert [ex.number for ex in EXERCISES] == list(range(1, len(EXERCISES) + 1))
    for ex in EXERCISES:
        assert ex.stub_path.is_file() and ex.solution_path.is_file(), ex.filename
        assert ex.lesson and ex.minutes > 0
        assert ex.grader().HINTS, f"{ex.filename} has no hints"
        assert ex.wrong_answers(), f"{ex.filename} has no typical wrong answer to test its messages"


@pytest.mark.parametrize("ex", EXERCISES, ids=_name)
def test_stub_fails_its_check(ex):
    result = grade_file(ex.number, ex.stub_path)
    assert result.status in ("not done", "failed"), result
    assert result.message


@pytest.mark.parametrize("ex", EXERCISES, ids=_name)
def test_reference_solution_passes(ex):
    result = grade_file(ex.number, ex.solution_path)
    assert result.passed, result.message
    assert result.cases >= 4  # many random cases, not one


@pytest.mark.parametrize("ex,path", WRONG, ids=[p.stem for _, p in WRONG])
def test_typical_wrong_answer_fails_with_the_intended_message(ex, path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name}: first line must be '# expect: <phrase>'"
    result = grade_file(ex.number, path)
    assert result.status == "failed", result
    assert first[len("# expect: "):] in result.message, result.message


@pytest.mark.parametrize("ex", EXERCISES, ids=_name)
def test_solutions_show_the_code_instead_of_calling_minimt(ex):
    """The teacher's solution must not import the very function the exercise asks for."""
    tree = ast.parse(ex.solution_path.read_text(encoding="utf-8"))
    imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("minimt") for a in node.names}
    assert ex.name not in imported
    assert ex.reference is None or ex.reference[1] not in imported


def _solution(number: int):
    ex = next(e for e in EXERCISES if e.number == number)
    spec = importlib.util.spec_from_file_location(f"solution_{number}", ex.solution_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, ex.name)


def test_the_worked_examples_in_the_bleu_chrf_and_backprop_stubs_are_right():
    """The numbers a student checks by hand first: worked out in the stubs' docstrings."""
    from sacrebleu.metrics import BLEU, CHRF

    hyps = ["le chat dort sur le tapis", "il il fait beau"]
    refs = ["le chat dort sur le tapis rouge", "il fait très beau"]
    assert _solution(19)(hyps, refs) == pytest.approx(68.97, abs=0.005)
    assert _solution(19)(hyps, refs) == pytest.approx(
        BLEU(tokenize="none", smooth_method="none", force=True).corpus_score(hyps, [refs]).score, abs=1e-9)
    assert _solution(21)(["le chat"], ["les chats"]) == pytest.approx(32.86, abs=0.005)
    assert _solution(21)(["le chat"], ["les chats"]) == pytest.approx(
        CHRF().corpus_score(["le chat"], [["les chats"]]).score, abs=1e-9)
    grad = _solution(20)(torch.tensor([[[0.0, 0.0], [0.0, 0.0], [5.0, 1.0]]]), torch.tensor([[1, 0, -100]]))
    assert torch.equal(grad, torch.tensor([[[0.25, -0.25], [-0.25, 0.25], [0.0, 0.0]]]))


def test_the_bleu_grader_needs_its_settings_to_agree_with_a_plain_implementation():
    """sacreBLEU's default 13a tokeniser splits 'beau.' into 'beau .': the plain whitespace formula
    matches only with tokenize="none" — the setting the grader uses. Default smoothing ('exp') differs
    from the stub's rule exactly when an order has no match."""
    from sacrebleu.metrics import BLEU

    hyps, refs = ["il fait beau.", "le chat dort sur le tapis"], ["il fait très beau.", "le chat dort sur le tapis"]
    plain = _solution(19)(hyps, refs)
    assert BLEU(tokenize="none", smooth_method="none", force=True).corpus_score(hyps, [refs]).score == \
        pytest.approx(plain, abs=1e-9)
    assert abs(BLEU().corpus_score(hyps, [refs]).score - plain) > 0.1
    short = ["le le le le"], ["le chat est sur le tapis"]
    assert _solution(19)(*short) == 0.0  # no smoothing: no matching 2-gram, BLEU 0
    assert BLEU(tokenize="none", force=True).corpus_score(short[0], [short[1]]).score > 0  # 'exp' smoothing


def test_importing_minimts_own_function_is_refused(tmp_path):
    f = tmp_path / "ex04.py"
    f.write_text("from minimt.batch import shift_right\n", encoding="utf-8")
    result = grade_file(4, f)
    assert result.status == "failed" and "write it yourself" in result.message


def test_an_exception_names_the_students_line(tmp_path):
    f = tmp_path / "mine.py"
    f.write_text("def make_labels(targets, *, eos_id, max_length=None):\n    return targets[0][99]\n")
    result = grade_file(3, f)
    assert result.status == "error"
    assert "IndexError" in result.message and "line 2 of mine.py" in result.message
    assert "failing case: make_labels(" in result.message


def test_the_proofs_catch_exactly_the_planted_bugs():
    assert proofs.failing(None) == set()
    assert proofs.failing("flip_padding_polarity") == {"padding_invariance"}
    assert proofs.failing("drop_causal_mask") == {"causality", "no_label_leak"}
    assert proofs.failing("forget_shift") == {"no_label_leak"}
    assert proofs.failing("pad_in_labels") == {"loss_ignores_padding"}


# ---------------------------------------------------------------- subprocess: loops, crashes, syntax

def test_an_endless_loop_is_reported_as_a_timeout(tmp_path):
    f = tmp_path / "loop.py"
    f.write_text("def greedy_decode(model, input_ids, attention_mask, *, bos_id, eos_id, max_len):\n"
                 "    print('decoding started', flush=True)\n"
                 "    while True:\n        pass\n")
    result, printed = check_in_subprocess(11, f, timeout=8)
    assert result.status == "timeout" and "no answer after 8 s" in result.message
    assert "decoding started" in printed  # it was the student's loop that ran out of time


def test_a_hard_crash_is_reported(tmp_path):
    f = tmp_path / "crash.py"
    f.write_text("import os\n\ndef make_labels(targets, *, eos_id, max_length=None):\n    os._exit(3)\n")
    result, _ = check_in_subprocess(3, f, timeout=30)
    assert result.status == "crashed" and "exit status 3" in result.message


def test_a_syntax_error_is_one_message_and_a_nonzero_exit(tmp_path, capsys):
    f = tmp_path / "broken.py"
    f.write_text("def make_labels(targets, *, eos_id, max_length=None)\n    return 1\n")
    code = main(["exercises", "check", "3", str(f), "--dir", str(tmp_path / "work"), "--timeout", "30"])
    out = capsys.readouterr()
    assert code == 1
    assert "broken.py:1: SyntaxError" in out.out
    assert "Traceback" not in out.out + out.err


# ---------------------------------------------------------------- the command line (checks in-process)

@pytest.fixture
def in_process(monkeypatch):
    """`check` grades in this process (the subprocess path is tested above)."""
    monkeypatch.setattr(ex_cli, "check_in_subprocess", lambda n, path, timeout, memory=None: (grade_file(n, path), ""))


def test_start_copies_the_stub_and_never_overwrites(tmp_path, capsys):
    work = tmp_path / "work"
    assert main(["exercises", "start", "3", "--dir", str(work)]) == 0
    mine = work / "ex03_make_labels.py"
    assert "raise NotImplementedError" in mine.read_text(encoding="utf-8")
    mine.write_text("# my work\n", encoding="utf-8")
    assert main(["exercises", "start", "03", "--dir", str(work)]) == 0
    assert "not overwritten" in capsys.readouterr().out
    assert mine.read_text(encoding="utf-8") == "# my work\n"


def test_check_records_progress_and_list_shows_it(tmp_path, capsys, in_process):
    work = tmp_path / "work"
    main(["exercises", "start", "3", "--dir", str(work)])
    main(["exercises", "start", "5", "--dir", str(work)])
    (work / "ex03_make_labels.py").write_text(EXERCISES[2].solution_path.read_text(encoding="utf-8"))
    assert main(["exercises", "check", "3", "--dir", str(work)]) == 0
    assert "PASS" in capsys.readouterr().out
    assert json.loads((work / ".progress.json").read_text())["exercises"]["3"]["status"] == "passed"
    main(["exercises", "list", "--dir", str(work)])
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line[:2].strip().isdigit()}
    assert rows["3"].endswith("passed") and rows["5"].endswith("started") and rows["4"].endswith("not started")
    with open(work / "ex03_make_labels.py", "a") as f:
        f.write("# edited after passing\n")
    main(["exercises", "list", "--dir", str(work)])
    assert any(line.startswith(" 3") and line.endswith("started") for line in capsys.readouterr().out.splitlines())


def test_check_all_prints_a_summary_table(tmp_path, capsys, in_process):
    work = tmp_path / "work"
    work.mkdir()
    (work / "ex05_padding_mask.py").write_text(EXERCISES[4].solution_path.read_text(encoding="utf-8"))
    wrong = EXERCISES[2].wrong_answers()[0]
    (work / "ex03_make_labels.py").write_text(wrong.read_text(encoding="utf-8"))
    assert main(["exercises", "check", "--all", "--dir", str(work)]) == 1
    out = capsys.readouterr().out
    assert f"passed 1 of {len(EXERCISES)} (2 started)" in out
    lines = {line[:2].strip(): line for line in out.splitlines() if line[:2].strip().isdigit()}
    assert "PASS" in lines["5"] and "FAILED" in lines["3"] and "not started" in lines["1"]


def test_a_failing_check_offers_the_hint_and_prints_it_on_request(tmp_path, capsys, in_process):
    f = EXERCISES[2].wrong_answers()[0]
    assert main(["exercises", "check", "3", str(f), "--dir", str(tmp_path)]) == 1
    assert "--hint" in capsys.readouterr().out
    assert main(["exercises", "check", "3", str(f), "--hint", "--dir", str(tmp_path)]) == 1
    assert "hints for exercise 3" in capsys.readouterr().out


def test_solutions_hints_and_tasks_are_printed(capsys, monkeypatch):
    monkeypatch.setenv("MINIMT_TEACHER", "1")  # the teacher's step (tests/test_teacher_kit.py tests the lock)
    assert main(["exercises", "solution", "5"]) == 0
    assert "REFERENCE SOLUTION" in capsys.readouterr().out
    assert main(["exercises", "show", "5", "--solutions"]) == 0
    assert "attention_mask.bool()" in capsys.readouterr().out
    assert main(["exercises", "show", "5"]) == 0
    out = capsys.readouterr().out
    assert "NotImplementedError" in out and "REFERENCE" not in out
    assert main(["exercises", "hint", "8"]) == 0
    assert "sqrt" in capsys.readouterr().out


def test_prove_shows_which_proof_a_switch_breaks(capsys):
    assert main(["exercises", "prove", "--break", "forget_shift"]) == 0
    out = capsys.readouterr().out
    assert "FAIL  no_label_leak" in out and "pass  causality" in out


@pytest.mark.parametrize("argv,phrase", [
    (["check", "99"], "unknown exercise '99'"),
    (["start", "x"], "unknown exercise 'x'"),
    (["check", "3", "no/such/file.py"], "no such file"),
    (["check", "4"], "not started yet"),
    (["check", "3", "--timeout", "0"], "--timeout 0"),
    (["check", "3", "--memory", "0"], "--memory 0: must be a positive number of GB"),
    (["check", "--all"], "no started exercise"),
    (["prove", "--break", "nope"], "unknown switch"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, argv, phrase):
    assert main(["exercises", *argv, "--dir", str(tmp_path)] if argv[0] != "prove"
                else ["exercises", *argv]) == 2
    err = capsys.readouterr().err
    assert phrase in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
