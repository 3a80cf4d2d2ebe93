"""`minimt translate` on a tiny trained checkpoint: arguments, stdin, beams, bad input."""
from __future__ import annotations

import io

import pytest
import torch

from minimt.checkpoint import load_checkpoint
from minimt.commands import main as cli_main
from minimt.translate import translate
from train_helpers import one_thread, tiny_checkpoint  # noqa: F401 (autouse fixture)


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    return tiny_checkpoint(tmp_path_factory.getbasetemp() / "tiny_shared")


SENTENCES = ["How are you?", "Thank you.", "Good night."]


def _run(argv, capsys, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli_main(["translate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_arguments_give_the_greedy_translations(ckpt, capsys):
    code, out, _ = _run(["--checkpoint", str(ckpt), *SENTENCES], capsys)
    assert code == 0
    model, tok, _ = load_checkpoint(ckpt)
    with torch.no_grad():
        expected = translate(model, tok, SENTENCES)
    assert out.split("\n")[:-1] == expected


def test_stdin_one_line_in_one_line_out(ckpt, capsys, monkeypatch):
    code, out, _ = _run(["--checkpoint", str(ckpt)], capsys, stdin="How are you?\n\nThank you.\n",
                        monkeypatch=monkeypatch)
    assert code == 0
    lines = out.split("\n")[:-1]
    assert len(lines) == 3 and lines[1] == "" and lines[0] and lines[2]
    code, again, _ = _run(["--checkpoint", str(ckpt), "How are you?", "", "Thank you."], capsys)
    assert again == out  # arguments and stdin agree, empty line included


def test_interactive_prompt(ckpt, capsys, monkeypatch):
    typed = iter(["How are you?", ""])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stdin", type("Tty", (), {"isatty": lambda self: True})())
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    code, out, err = _run(["--checkpoint", str(ckpt)], capsys)
    assert code == 0 and len(out.split("\n")[:-1]) == 1 and "Ctrl-D" in err


def test_beam_and_n_best(ckpt, capsys):
    code, out, _ = _run(["--checkpoint", str(ckpt), "--beam", "3", "How are you?"], capsys)
    assert code == 0 and len(out.split("\n")[:-1]) == 1
    code, out, _ = _run(["--checkpoint", str(ckpt), "--beam", "3", "--n-best", "2", "How are you?"], capsys)
    lines = out.split("\n")[:-1]
    assert code == 0 and len(lines) == 2
    scores = [float(line.split("\t")[1]) for line in lines]
    assert scores[0] >= scores[1]  # best first


@pytest.mark.parametrize("argv, message", [
    (["--beam", "0"], "--beam 0: the beam size must be at least 1"),
    (["--beam", "2", "--n-best", "3"], "--n-best 3: must be between 1 and the beam size (2)"),
    (["--n-best", "0"], "--n-best 0: must be between 1 and the beam size"),
    (["--alpha", "-1"], "--alpha -1: the length penalty exponent must be >= 0"),
    (["--max-len", "0"], "--max-len 0: must be at least 1"),
    (["--max-len", "100000"], "--max-len 100000: larger than the model's max_positions"),
    (["--device", "tpu"], "--device tpu: unknown device"),
])
def test_bad_decoding_arguments(ckpt, capsys, argv, message):
    code, out, err = _run(["--checkpoint", str(ckpt), *argv, "How are you?"], capsys)
    assert code == 2 and out == ""
    assert err.startswith("minimt translate: error: ") and message in err and err.count("\n") == 1, err


def test_missing_checkpoint_and_too_long_sentence(ckpt, capsys, tmp_path):
    code, _, err = _run(["--checkpoint", str(tmp_path / "none"), "Hi."], capsys)
    assert code == 2 and "checkpoint folder not found" in err and err.count("\n") == 1
    code, out, err = _run(["--checkpoint", str(ckpt), "Hi.", "word " * 300], capsys)
    assert code == 2 and "sentence 2:" in err and err.count("\n") == 1 and out == ""
