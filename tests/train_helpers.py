"""A tiny corpus and a tiny `minimt train` run, shared by test_train.py and test_translate.py.

Tiny = a 1-layer, d=32 model on 60 phrasebook pairs: each run takes a second or two, so the
tests can afford several (same seed twice, interrupted and resumed, …).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from minimt.commands import build_parser
from minimt.data import embedded_path, load_pairs

TINY_MODEL = ["--vocab-size", "150", "--d-model", "32", "--layers", "1", "--heads", "2",
              "--d-ff", "64", "--dropout", "0.1", "--max-tokens", "128", "--eval-sentences", "8",
              "--log-every", "1", "--device", "cpu", "--warmup", "10", "--lr", "3e-3", "--no-bf16"]


def write_tiny_corpus(folder: Path) -> Path:
    """train.tsv (60 pairs, "How are you?" among them), valid.tsv (8), test.tsv (6) in ``folder``."""
    pairs = load_pairs(embedded_path("phrasebook"))
    folder.mkdir(parents=True, exist_ok=True)
    for name, part in (("train", pairs[:60]), ("valid", pairs[60:68]), ("test", pairs[68:74])):
        (folder / f"{name}.tsv").write_text("".join(f"{en}\t{fr}\n" for en, fr in part), encoding="utf-8")
    assert ("How are you?", "Comment ça va ?") in pairs[:60]
    return folder / "train.tsv"


def train_args(argv: list[str]):
    return build_parser().parse_args(["train", *argv])


def run_train(argv: list[str], on_step=None) -> dict:
    from minimt.commands.train import run
    return run(train_args(argv), on_step=on_step)


def read_metrics(out: Path) -> list[dict]:
    return [json.loads(l) for l in (out / "metrics.jsonl").read_text().splitlines() if l.strip()]


def train_losses(out: Path) -> list[tuple[int, float]]:
    return [(r["step"], r["train_loss"]) for r in read_metrics(out) if "train_loss" in r]


_CACHE: dict[str, Path] = {}


def tiny_checkpoint(root: Path) -> Path:
    """A checkpoint folder from a short tiny run (trained once per test session)."""
    if "ckpt" not in _CACHE:
        data = write_tiny_corpus(root / "corpus")
        out = root / "run"
        run_train(["--data", str(data), "--out", str(out), "--steps", "100", "--eval-every", "50",
                   *TINY_MODEL])
        _CACHE["ckpt"] = out
    return _CACHE["ckpt"]


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models run fastest on one thread (and 2 threads on a busy 2-core machine crawl).
    A test module that imports this name gets it applied to all its tests."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
