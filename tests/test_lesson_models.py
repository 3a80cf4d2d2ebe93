"""The trained model of lessons 07-09, and lesson 06's gradient picture.

Lesson 07's loop saves its model where lessons 08 and 09 look (MINIMT_LESSON07_RUN, default
runs/lesson07); lessons 08 and 09 take the newest `minimt train` run first (runs/minimt,
runs/minimt-2, ...), and say which model they use.
"""
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from minimt.checkpoint import load_checkpoint, save_checkpoint
from minimt.model import ModelConfig, Transformer
from minimt.plots.logit_gradients import plot_logit_gradients
from minimt.tokenizer import Tokenizer

LESSONS = Path(__file__).resolve().parent.parent / "lessons"


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def run_lesson(name: str, cwd: Path, **env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("MINIMT_RUN", "MINIMT_LESSON07_RUN")}
    full.update(MINIMT_FAST="1", MPLBACKEND="Agg", OMP_NUM_THREADS="1", MINIMT_FIGURES=str(cwd / "figures"), **env)
    proc = subprocess.run([sys.executable, str(LESSONS / name)], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    return proc


def tiny_run(folder: Path, step: int) -> None:
    tok = Tokenizer.default()
    config = ModelConfig(vocab_size=tok.vocab_size, d_model=16, n_heads=2, n_encoder_layers=1,
                         n_decoder_layers=1, d_ff=32, dropout=0.0)
    torch.manual_seed(step)
    save_checkpoint(folder, model=Transformer(config), config=config, tokenizer=tok, step=step, name="latest")


def test_gradient_grid_fits_a_projector(tmp_path):
    labels = torch.tensor([[5, 6, 3, -100, -100], [7, 8, 9, 10, 3]])
    grad = torch.where(labels == -100, 0.0, 1 / 8)
    path = plot_logit_gradients(grad, labels, pieces=lambda i: f"▁piece{i}", path=tmp_path / "g.png")
    width, height = png_size(path)
    assert 400 < width < 2000 and height < 800, (width, height)


@pytest.mark.slow
def test_lesson_07_saves_a_model_that_loads_safely(tmp_path):
    out = tmp_path / "lesson07"
    proc = run_lesson("07_training_loop.py", tmp_path, MINIMT_LESSON07_RUN=str(out))
    model, tok, meta = load_checkpoint(out, name="latest")  # weights_only=True inside
    assert meta["step"] == 20 and tok.vocab_size == model.config.vocab_size
    assert "weights identical: True" in proc.stdout
    assert "training: 100%" in proc.stderr  # the progress bar, not a log line per step


@pytest.mark.slow
def test_lesson_08_takes_the_newest_minimt_train_run(tmp_path):
    tiny_run(tmp_path / "runs" / "minimt", step=5)
    tiny_run(tmp_path / "runs" / "minimt-2", step=7)
    (tmp_path / "runs" / "minimt-3").mkdir()  # an empty folder (a run that never saved) is skipped
    proc = run_lesson("08_decoding.py", tmp_path, MINIMT_LESSON07_RUN=str(tmp_path / "none"))
    first = proc.stdout.splitlines()[0]
    assert "minimt train" in first and "minimt-2" in first and "step 7" in first, first
    assert not (tmp_path / "none").exists()  # lesson 07 was not run
