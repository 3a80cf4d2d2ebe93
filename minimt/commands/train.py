"""`minimt train` (and ``python -m minimt.train``, ``torchrun -m minimt.train``): its arguments.

Parsing, checking, and --resume's restoring of the run's own settings; the run itself is
minimt/recipe/run.py, the loop minimt/train.py (lesson 07).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..checkpoint import read_checkpoint_file
from ..errors import MinimtError
from ..model import ModelConfig
from ..recipe.corpus import DATA_VOCAB, EMBEDDED_VOCAB, PHRASEBOOK_REPEAT
from ..recipe.run import run_training
from . import OneLineParser, run_command

DEFAULT_MINUTES = 8.0  # `minimt train` with no budget: 8 minutes of training (+ evaluation)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of `minimt train` / `python -m minimt.train` (one list for both)."""
    m = ModelConfig(vocab_size=8)  # only for its defaults
    g = p.add_argument_group("data")
    g.add_argument("--data", metavar="TSV", help="training pairs (default: the embedded corpus)")
    g.add_argument("--valid", metavar="TSV", help="validation pairs (default: valid.tsv next to --data, "
                   "else 2%% of --data held out)")
    g.add_argument("--test", metavar="TSV", help="test pairs scored at the end (default: test.tsv next to --data)")
    g.add_argument("--vocab-size", metavar="N", type=int, default=None,
                   help=f"tokenizer size (default {EMBEDDED_VOCAB} embedded, {DATA_VOCAB} for --data)")
    g.add_argument("--phrasebook-repeat", metavar="K", type=int, default=PHRASEBOOK_REPEAT,
                   help=f"embedded corpus only: show each hand-written phrasebook pair K times per epoch "
                        f"(default {PHRASEBOOK_REPEAT}; 1 = once)")
    g.add_argument("--max-tokens", metavar="N", type=int, default=4096, help="padded tokens per batch (default 4096)")
    g = p.add_argument_group("budget and run")
    g.add_argument("--minutes", metavar="M", type=float, default=None,
                   help=f"stop after this many minutes (default {DEFAULT_MINUTES:g} if --steps is not given)")
    g.add_argument("--steps", metavar="N", type=int, default=None, help="stop after this many optimiser steps")
    g.add_argument("--out", metavar="DIR", default="runs/minimt", help="checkpoint folder (default runs/minimt)")
    g.add_argument("--resume", action="store_true", help="continue exactly from OUT/latest.pt")
    g.add_argument("--seed", metavar="S", type=int, default=0)
    g.add_argument("--device", metavar="D", default="auto", help="auto (cuda, mps, cpu), cpu, cuda[:N] or mps")
    g.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=None,
                   help="bfloat16 autocast (default: on where the hardware has native bf16 — "
                        "CUDA, or a CPU with AVX512-BF16/AMX — else off)")
    g.add_argument("--threads", metavar="N", type=int, default=None, help="CPU threads for torch (default: torch's choice)")
    g.add_argument("--eval-every", metavar="N", type=int, default=500, help="steps between evaluations (default 500)")
    g.add_argument("--eval-sentences", metavar="N", type=int, default=500, help="valid sentences to evaluate (default 500)")
    g.add_argument("--log-every", metavar="N", type=int, default=10, help="steps per metrics.jsonl line (default 10)")
    g = p.add_argument_group("optimisation")
    g.add_argument("--lr", metavar="X", type=float, default=1e-3, help="peak learning rate (default 1e-3)")
    g.add_argument("--warmup", metavar="N", type=int, default=200, help="linear warmup steps (default 200)")
    g.add_argument("--weight-decay", metavar="X", type=float, default=0.01)
    g.add_argument("--label-smoothing", metavar="X", type=float, default=0.1)
    g.add_argument("--clip", metavar="X", type=float, default=1.0, help="gradient-norm clipping (default 1.0)")
    g = p.add_argument_group("model (ignored with --resume: the checkpoint's shape is used)")
    g.add_argument("--d-model", metavar="D", type=int, default=m.d_model)
    g.add_argument("--layers", metavar="N", type=int, default=m.n_encoder_layers, help="encoder and decoder layers each")
    g.add_argument("--heads", metavar="H", type=int, default=m.n_heads)
    g.add_argument("--d-ff", metavar="N", type=int, default=m.d_ff)
    g.add_argument("--dropout", metavar="P", type=float, default=m.dropout)


def check_args(args: argparse.Namespace) -> None:
    """One-line errors for values argparse accepts but training cannot use."""
    if args.minutes is None and args.steps is None:
        args.minutes = DEFAULT_MINUTES
    if args.minutes is not None and not (args.minutes > 0 and args.minutes != float("inf")):
        raise MinimtError(f"--minutes {args.minutes:g}: must be a positive number of minutes")
    positive = ["steps", "phrasebook_repeat", "max_tokens", "vocab_size", "eval_every", "eval_sentences", "log_every",
                "d_model", "layers", "heads", "d_ff", "threads"]
    for name in positive:
        value = getattr(args, name)
        if value is not None and value < 1:
            raise MinimtError(f"--{name.replace('_', '-')} {value}: must be at least 1")
    if not args.lr > 0:
        raise MinimtError(f"--lr {args.lr:g}: must be positive")
    if args.warmup < 0:
        raise MinimtError(f"--warmup {args.warmup}: must be 0 or more")
    if not args.clip > 0:
        raise MinimtError(f"--clip {args.clip:g}: must be positive")
    for name in ("dropout", "label_smoothing", "weight_decay"):
        if not 0.0 <= getattr(args, name) < 1.0:
            raise MinimtError(f"--{name.replace('_', '-')} {getattr(args, name):g}: must be in [0, 1)")
    if args.d_model % args.heads:
        raise MinimtError(f"--heads {args.heads} does not divide --d-model {args.d_model}")
    if args.max_tokens < 8:
        raise MinimtError(f"--max-tokens {args.max_tokens}: too small for even one short pair (use >= 8)")


RESTORED_ON_RESUME = ("data", "valid", "test", "seed", "phrasebook_repeat", "max_tokens", "vocab_size", "lr", "warmup",
                      "weight_decay", "label_smoothing", "clip", "bf16", "log_every")


def restore_run_args(args, saved: dict, is_main: bool) -> None:
    """--resume continues the *same* run: the settings that shape it come from the checkpoint.

    Says so only where the command line asked for something else (not for mere defaults)."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    defaults = vars(parser.parse_args([]))
    for name in RESTORED_ON_RESUME:
        if name in saved and getattr(args, name, None) != saved[name]:
            if is_main and getattr(args, name, None) != defaults.get(name):
                print(f"--resume: using the checkpoint's --{name.replace('_', '-')} {saved[name]} "
                      f"(not {getattr(args, name, None)})", file=sys.stderr)
            setattr(args, name, saved[name])


def plain_args(args) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
            if isinstance(v, (str, int, float, bool, type(None), Path))}


def run(args: argparse.Namespace, *, on_step=None) -> dict:
    """Check ``args``, restore a resumed run's settings, train; returns the run's summary."""
    resume_state = None
    if args.resume:
        latest = Path(args.out) / "latest.pt"
        if not latest.is_file():
            raise MinimtError(f"--resume: no checkpoint {latest} to continue (run without --resume first)")
        resume_state = read_checkpoint_file(latest)
        restore_run_args(args, resume_state.get("args") or {}, os.environ.get("RANK", "0") == "0")
    check_args(args)
    return run_training(args, resume_state, on_step=on_step, plain_args=plain_args(args))


def register(sub) -> None:
    parser = sub.add_parser("train", help="train a translation model (defaults: embedded corpus, ~8 minutes on CPU)",
                            description="Train a translation model, from a TSV corpus to a checkpoint folder.")
    add_arguments(parser)
    parser.set_defaults(func=lambda args: run(args) and 0)


def main(argv: list[str] | None = None) -> int:
    """``python -m minimt.train`` (and ``torchrun -m minimt.train``): same arguments as `minimt train`."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    parser = OneLineParser(prog="python -m minimt.train", description="Train a translation model.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run_command(lambda a: run(a) and 0, args, "train")
