"""`minimt train` (and ``python -m minimt.train``, ``torchrun -m minimt.train``): its arguments.

Parsing, checking, and --resume's restoring of the run's own settings; the run itself is
minimt/recipe/run.py, the loop minimt/train.py (lesson 07).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
from pathlib import Path

from ..checkpoint import read_checkpoint_file
from ..errors import MinimtError
from ..recipe.corpus import DATA_VOCAB, EMBEDDED_VOCAB, PHRASEBOOK_REPEAT
from ..recipe.defaults import DATA, EMBEDDED, fill_defaults
from ..recipe.run import run_training
from ..runtime.run_folder import (LOCK_NAME, STOPPED_EXIT_STATUS, RunLock, StopRequest, latest_default, next_free_default,
                                  refuse_to_overwrite)
from . import OneLineParser, run_command

# `minimt train` with no budget does a fixed amount of work, so the same seed gives the same model
# on every machine (a --minutes budget would give a slow laptop a different, weaker model). The
# number of steps, the model's size and the learning rate come from recipe/defaults.py.
DEFAULT_STEPS = EMBEDDED["steps"]
DEFAULT_OUT = "runs/minimt"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of `minimt train` / `python -m minimt.train` (one list for both)."""
    e, d = EMBEDDED, DATA  # the recipes' defaults (filled in by check_args: None = not given)
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
    g.add_argument("--steps", metavar="N", type=int, default=None,
                   help=f"optimiser steps to train (default {e['steps']:,} on the embedded corpus, {d['steps']:,} with --data; "
                        "none with --minutes)")
    g.add_argument("--minutes", metavar="M", type=float, default=None,
                   help="a time budget instead: M minutes of training on the clock (evaluations not counted; "
                        "the result then depends on the machine)")
    g.add_argument("--out", metavar="DIR", default=None,
                   help=f"checkpoint folder (default {DEFAULT_OUT}, or {DEFAULT_OUT}-2, -3, … when it already holds a model)")
    g.add_argument("--resume", action="store_true", help="continue exactly from OUT/latest.pt (default OUT: the newest run)")
    g.add_argument("--overwrite", action="store_true", help="replace the model already in --out (default: refuse)")
    g.add_argument("--seed", metavar="S", type=int, default=0)
    g.add_argument("--device", metavar="D", default="auto", help="auto (cuda, mps, cpu), cpu, cuda[:N] or mps")
    g.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=None,
                   help="bfloat16 autocast (default: on where the hardware has native bf16 — "
                        "CUDA, or a CPU with AVX512-BF16/AMX — else off)")
    g.add_argument("--attention", choices=("auto", "explicit", "sdpa"), default="auto",
                   help="attention kernel: auto (default: the faster one on this machine, measured once and cached), "
                        "explicit (the lessons' attention()) or sdpa (PyTorch's fused kernel); same maths")
    g.add_argument("--threads", metavar="N", type=int, default=None, help="CPU threads for torch (default: torch's choice)")
    g.add_argument("--eval-every", metavar="N", type=int, default=None,
                   help="steps between evaluations (default: a quarter of the budget, so at least 3 before the end)")
    g.add_argument("--eval-sentences", metavar="N", type=int, default=500, help="valid sentences to evaluate (default 500)")
    g.add_argument("--log-every", metavar="N", type=int, default=10, help="steps per metrics.jsonl line (default 10)")
    g = p.add_argument_group("optimisation")
    g.add_argument("--lr", metavar="X", type=float, default=None,
                   help=f"peak learning rate (default {e['lr']:g} embedded, {d['lr']:g} with --data)")
    g.add_argument("--warmup", metavar="N", type=int, default=None,
                   help=f"linear warmup steps (default {e['warmup']} embedded, {d['warmup']} with --data)")
    g.add_argument("--schedule", choices=("budget", "inverse-sqrt"), default="budget",
                   help="budget (default): hold the peak, then decay to 0 exactly at the end of --steps/--minutes; "
                        "inverse-sqrt: decay as 1/sqrt(step), never reaching 0")
    g.add_argument("--decay-fraction", metavar="F", type=float, default=0.2,
                   help="with --schedule budget: the last fraction of the budget over which lr falls to 0 (default 0.2)")
    g.add_argument("--weight-decay", metavar="X", type=float, default=0.01)
    g.add_argument("--label-smoothing", metavar="X", type=float, default=0.1)
    g.add_argument("--clip", metavar="X", type=float, default=1.0, help="gradient-norm clipping (default 1.0)")
    g = p.add_argument_group("model (ignored with --resume: the checkpoint's shape is used)")
    g.add_argument("--d-model", metavar="D", type=int, default=None,
                   help=f"default {e['d_model']} embedded, {d['d_model']} with --data")
    g.add_argument("--layers", metavar="N", type=int, default=None,
                   help=f"encoder and decoder layers each (default {e['layers']} embedded, {d['layers']} with --data)")
    g.add_argument("--heads", metavar="H", type=int, default=None, help=f"default {e['heads']}")
    g.add_argument("--d-ff", metavar="N", type=int, default=None,
                   help=f"default {e['d_ff']} embedded, {d['d_ff']} with --data")
    g.add_argument("--dropout", metavar="P", type=float, default=None,
                   help=f"default {e['dropout']:g} embedded, {d['dropout']:g} with --data")


def check_args(args: argparse.Namespace) -> None:
    """One-line errors for values argparse accepts but training cannot use."""
    if args.steps is not None and args.minutes is not None:
        raise MinimtError("--steps and --minutes: give one budget, not both")
    fill_defaults(args)  # recipe/defaults.py: the flags not given, for this corpus
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
    if not 0.0 < args.decay_fraction <= 1.0:
        raise MinimtError(f"--decay-fraction {args.decay_fraction:g}: must be in (0, 1]")
    if args.eval_every is not None and args.steps is not None and args.eval_every > args.steps:
        raise MinimtError(f"--eval-every {args.eval_every} is more than --steps {args.steps}: the budget is too short for "
                          f"one evaluation before the end; give at most {max(1, args.steps // 3)} "
                          "(three validations), or leave it out (one every quarter of the budget)")
    if args.eval_every is None:
        # a quarter of the steps, rounded up: 1,167 steps → 292, 584, 876 and the final 1,167 (not 1,164 and 1,167)
        args.eval_every = -(-args.steps // 4) if args.steps else None  # --minutes: every quarter of the clock
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
                      "schedule", "decay_fraction",
                      "weight_decay", "label_smoothing", "clip", "bf16", "log_every")


def restore_run_args(args, saved: dict, is_main: bool) -> None:
    """--resume continues the *same* run: the settings that shape it come from the checkpoint.

    Says so only where the command line asked for something else (not for mere defaults)."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    defaults = vars(parser.parse_args([]))
    for name in RESTORED_ON_RESUME:
        if name in saved and getattr(args, name, None) != saved[name]:
            given = name not in getattr(args, "recipe_filled", ())
            if is_main and given and getattr(args, name, None) != defaults.get(name):
                print(f"--resume: using the checkpoint's --{name.replace('_', '-')} {saved[name]} "
                      f"(not {getattr(args, name, None)})", file=sys.stderr)
            setattr(args, name, saved[name])


def plain_args(args) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
            if isinstance(v, (str, int, float, bool, type(None), Path))}


def choose_out(args: argparse.Namespace) -> Path:
    """--out, or the default folder: runs/minimt, then runs/minimt-2, … (never a trained one)."""
    if args.out is not None:
        return Path(args.out)
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:  # torchrun: every rank must pick the same folder
        return Path(DEFAULT_OUT)
    if args.resume:
        newest = latest_default(DEFAULT_OUT)
        if newest is None:
            raise MinimtError(f"--resume: no run in {DEFAULT_OUT} to continue (run without --resume first, or give --out DIR)")
        return newest
    return next_free_default(DEFAULT_OUT)


def run(args: argparse.Namespace, *, on_step=None) -> dict:
    """Check ``args``, restore a resumed run's settings, train; returns the run's summary
    (``summary["stopped"]``: Ctrl-C or SIGTERM ended it, with a checkpoint to --resume)."""
    rank0 = os.environ.get("RANK", "0") == "0"
    resume_state = None
    check_args(args)  # before choosing a folder: a bad flag must not create one
    out_was_default = args.out is None
    out = choose_out(args)
    args.out = str(out)
    refuse_to_overwrite(out, args.resume, args.overwrite)
    if args.resume:
        latest = out / "latest.pt"
        if not latest.is_file():
            raise MinimtError(f"--resume: no checkpoint {latest} to continue (run without --resume first)")
        resume_state = read_checkpoint_file(latest)
        restore_run_args(args, resume_state.get("args") or {}, rank0)
        check_args(args)
        if args.steps is not None and resume_state["step"] >= args.steps:
            if rank0:
                print(f"{out}: already at step {resume_state['step']} (--steps {args.steps}), nothing to train; "
                      f"give a larger --steps to go on", file=sys.stderr)
            return {"steps": resume_state["step"], "nothing_to_do": True}
    if rank0 and out_was_default:
        print(f"run folder: {out}", file=sys.stderr)
    created = not out.exists() or not any(out.iterdir())  # (next_free_default may have made it, empty)
    try:
        with (RunLock(out) if rank0 else contextlib.nullcontext()), StopRequest(armed=False) as stop:
            return run_training(args, resume_state, on_step=on_step, plain_args=plain_args(args), stop=stop)
    except (MinimtError, KeyboardInterrupt):
        # Bad input found after the folder was made (a bad corpus line), or Ctrl-C before the first
        # step: leave no empty run folder behind.
        if rank0 and created and out.is_dir() and not any(p.name != LOCK_NAME for p in out.iterdir()):
            shutil.rmtree(out, ignore_errors=True)
        raise


def _exit_status(summary: dict) -> int:
    return STOPPED_EXIT_STATUS if summary.get("stopped") else 0


def register(sub) -> None:
    parser = sub.add_parser("train", help="train a translation model (default: the embedded corpus, 1,200 steps of a small model)",
                            description="Train a translation model, from a TSV corpus to a checkpoint folder.")
    add_arguments(parser)
    parser.set_defaults(func=lambda args: _exit_status(run(args)))


def main(argv: list[str] | None = None) -> int:
    """``python -m minimt.train`` (and ``torchrun -m minimt.train``): same arguments as `minimt train`."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    parser = OneLineParser(prog="python -m minimt.train", description="Train a translation model.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run_command(lambda a: _exit_status(run(a)), args, "train")
