"""Everything around `minimt train`'s loop: arguments, device, seed, metrics, resume (lesson 07).

Kept apart from train.py so the loop itself stays short enough to read in one sitting. The
corpus the loop trains on (splits, tokenizer, ids) is prepared in train_corpus.py.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import torch

from .errors import MinimtError
from .files import atomic_write_text
from .train_corpus import DATA_VOCAB, EMBEDDED_VOCAB, PHRASEBOOK_REPEAT

DEFAULT_MINUTES = 8.0  # `minimt train` with no budget: 8 minutes of training (+ evaluation)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of `minimt train` / `python -m minimt.train` (one list for both)."""
    from .model import ModelConfig
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


def resolve_device(name: str) -> torch.device:
    """'auto' → cuda if available, else mps, else cpu. An unknown or absent device is an error."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    kind = name.split(":")[0]
    if kind not in ("cpu", "cuda", "mps"):
        raise MinimtError(f"--device {name}: unknown device (choose auto, cpu, cuda, cuda:N or mps)")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise MinimtError(f"--device {name}: not a valid device name (e.g. cuda:0)") from None
    if kind == "cuda" and not torch.cuda.is_available():
        raise MinimtError(f"--device {name}: CUDA is not available on this machine (try --device cpu)")
    if kind == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise MinimtError(f"--device {name}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    if kind == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise MinimtError(f"--device {name}: Apple MPS is not available on this machine (try --device cpu)")
    return device


def default_bf16(device: torch.device) -> bool:
    """bf16 autocast only where it is native (fast): CUDA with bf16, a CPU with AVX512-BF16 or AMX.

    Elsewhere bf16 matmuls are emulated and *slower* than float32, so the default is off.
    """
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        cpu = getattr(torch, "cpu", None)
        checks = [getattr(cpu, name, None) for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")]
        try:
            return any(bool(check()) for check in checks if check is not None)
        except Exception:  # noqa: BLE001 - private torch API: never fail training over it
            return False
    return False


def seed_everything(seed: int) -> None:
    """One seed for every generator the run uses: python's random and torch (CPU and CUDA)."""
    random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA


# ---------------------------------------------------------------- bookkeeping: RNG, metrics, resume

def rng_state(device) -> dict:
    state = {"torch": torch.get_rng_state(), "python": random.getstate()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def set_rng_state(state: dict, device) -> None:
    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"], device)


def append_metrics(path: Path, record: dict) -> None:
    with open(path, "a", encoding="utf-8") as f:  # one JSON object per line; a crash loses one line at most
        f.write(json.dumps(record) + "\n")


def keep_metrics_up_to(path: Path, step: int) -> None:
    """On resume: drop records written after the checkpoint (the steps are about to be redone)."""
    if path.exists():
        lines = [l for l in path.read_text(encoding="utf-8").split("\n") if l.strip()]
        kept = [l for l in lines if json.loads(l).get("step", 0) <= step]
        atomic_write_text(path, "".join(l + "\n" for l in kept))


class Meter:
    """Averages over the steps since the last metrics line (loss, real target tokens/s)."""

    def __init__(self):
        self.train_seconds, self.train_tokens = 0.0, 0  # the whole run (this process), for the summary
        self.loss = self.steps = self.tokens = self.seconds = 0

    def add(self, loss: float, tokens: int, seconds: float) -> None:
        self.loss, self.steps = self.loss + loss, self.steps + 1
        self.tokens, self.seconds = self.tokens + tokens, self.seconds + seconds
        self.train_seconds += seconds
        self.train_tokens += tokens

    def record(self, *, step, epoch, lr, elapsed) -> dict:
        out = {"step": step, "epoch": epoch, "train_loss": round(self.loss / self.steps, 6), "lr": lr,
               "tokens_per_s": round(self.tokens / max(self.seconds, 1e-9), 1), "elapsed_s": round(elapsed, 2)}
        self.loss = self.steps = self.tokens = self.seconds = 0
        return out


def progress_bar(args, step: int, is_main: bool):
    """tqdm in seconds for a --minutes budget, in steps for --steps; ETA from tqdm's rate."""
    from tqdm.auto import tqdm
    if args.minutes is not None:
        return tqdm(total=int(args.minutes * 60), unit="s", disable=None if is_main else True,
                    dynamic_ncols=True, file=sys.stderr, desc="training")
    return tqdm(total=args.steps, initial=step, unit="step", disable=None if is_main else True,
                dynamic_ncols=True, file=sys.stderr, desc="training")


def eval_line(r: dict) -> str:
    return (f"step {r['step']}: valid loss {r['valid_loss']:.3f}, BLEU {r['bleu']:.1f}, chrF {r['chrf']:.1f}; "
            f"How are you? → {r['article']}")


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
