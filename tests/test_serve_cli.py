"""`minimt export` on bad input: one line, exit status 2, nothing written (and a good export works)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

pytest.importorskip("ctranslate2")

from minimt.checkpoint import save_checkpoint  # noqa: E402
from minimt.commands import export as export_cmd  # noqa: E402
from minimt.data import embedded_path, load_pairs  # noqa: E402
from minimt.errors import MinimtError  # noqa: E402
from minimt.model import ModelConfig, Transformer  # noqa: E402
from minimt.serve import is_ctranslate2_dir, translate_with_ctranslate2  # noqa: E402
from minimt.serve.spec import build_spec  # noqa: E402
from minimt.tokenizer import Tokenizer  # noqa: E402


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    """An untrained tiny checkpoint: enough for the export's file handling."""
    torch.manual_seed(0)
    tok = Tokenizer.train(load_pairs(embedded_path("phrasebook")), vocab_size=300)
    config = ModelConfig(vocab_size=tok.vocab_size, d_model=32, n_heads=2, n_encoder_layers=1,
                         n_decoder_layers=2, d_ff=64, max_positions=40)
    out = tmp_path_factory.mktemp("cli") / "ckpt"
    save_checkpoint(out, model=Transformer(config), config=config, tokenizer=tok, step=0, name="best")
    return out


def export(*argv):
    """`python -m minimt.commands.export ARGV` as a user would run it: (status, stdout, stderr)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    p = subprocess.run([sys.executable, "-m", "minimt.commands.export", *map(str, argv)],
                       capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def assert_one_line_error(status, stderr, *words):
    assert status == 2, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    for w in words:
        assert w in stderr, stderr


def test_export_then_translate(ckpt, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()  # an existing EMPTY folder is fine
    status, stdout, stderr = export("--checkpoint", ckpt, "--to", "ctranslate2", "--out", out,
                                    "--quantization", "int8")
    assert status == 0, stderr
    assert is_ctranslate2_dir(out) and "int8" in stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left
    lines = translate_with_ctranslate2(out, ["How are you?", ""], max_len=5, threads=1)
    assert len(lines) == 2 and lines[1] == ""


@pytest.mark.parametrize("case", ["no tokenizer", "bad quantization", "non-empty out", "out is a file",
                                  "missing checkpoint", "bad engine"])
def test_bad_input_one_line_exit_2_nothing_written(ckpt, tmp_path, case):
    src, out, extra, words = ckpt, tmp_path / "out", [], []
    if case == "no tokenizer":
        src = tmp_path / "ck"
        src.mkdir()
        for f in ("config.json", "best.pt"):
            (src / f).write_bytes((ckpt / f).read_bytes())
        words = ["tokenizer.model"]
    elif case == "bad quantization":
        extra, words = ["--quantization", "int4"], ["--quantization int4"]
    elif case == "non-empty out":
        out.mkdir()
        (out / "notes.txt").write_text("mine\n")
        words = ["--out", "not empty"]
    elif case == "out is a file":
        out.write_text("x")
        words = ["--out"]
    elif case == "missing checkpoint":
        src, words = tmp_path / "nowhere", ["nowhere"]
    else:
        extra, words = ["--to", "onnx"], ["--to onnx"]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    status, stdout, stderr = export("--checkpoint", src, "--out", out, *extra)
    assert_one_line_error(status, stderr, *words)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing half-written
    assert not is_ctranslate2_dir(out)


def test_a_tensor_the_engine_cannot_express_is_refused(ckpt):
    from minimt.checkpoint import load_checkpoint
    model, tok, _ = load_checkpoint(ckpt)
    pieces = [tok.id_to_piece(i) for i in range(tok.vocab_size)]
    build_spec(model.config, model.state_dict(), pieces)  # the real model maps fully
    state = {**model.state_dict(), "output_bias": torch.zeros(tok.vocab_size)}  # e.g. an untied-output bias
    with pytest.raises(MinimtError, match="cannot express: output_bias"):
        build_spec(model.config, state, pieces)
    state = {k: v for k, v in model.state_dict().items() if k != "decoder_norm.weight"}
    with pytest.raises(MinimtError, match="decoder_norm.weight"):
        build_spec(model.config, state, pieces)


def test_registers_with_a_dispatcher(ckpt, tmp_path):
    import argparse
    p = argparse.ArgumentParser()
    export_cmd.register(p.add_subparsers())
    args = p.parse_args(["export", "--checkpoint", str(ckpt), "--out", str(tmp_path / "m")])
    assert args.func(args) == 0 and is_ctranslate2_dir(tmp_path / "m")
    args = p.parse_args(["export", "--checkpoint", str(ckpt), "--out", str(tmp_path / "m")])
    with pytest.raises(MinimtError, match="not empty"):
        args.func(args)


def test_minimt_export_and_translate_with_the_engine_from_the_command_line(ckpt, tmp_path, capsys):
    """As the README's "Serve it" says: `minimt export`, then `minimt translate` on the exported
    folder — recognised by itself or with --engine — prints what minimt's own decoder prints."""
    from minimt.commands import main
    out = tmp_path / "ct2"
    assert main(["export", "--checkpoint", str(ckpt), "--out", str(out)]) == 0
    capsys.readouterr()
    sentences = ["How are you?", "", "I am hungry."]
    assert main(["translate", "--checkpoint", str(ckpt), "--max-len", "6", *sentences]) == 0
    ours = capsys.readouterr().out
    for engine in ([], ["--engine", "ctranslate2"]):
        assert main(["translate", "--checkpoint", str(out), *engine, "--max-len", "6", *sentences]) == 0
        assert capsys.readouterr().out == ours
    assert main(["translate", "--checkpoint", str(ckpt), "--engine", "ctranslate2", "Hi."]) == 2
    assert "not a CTranslate2 model folder" in capsys.readouterr().err
