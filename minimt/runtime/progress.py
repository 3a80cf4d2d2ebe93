"""What a training run shows and keeps: metrics.jsonl lines, a meter, the progress bar."""
from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

from tqdm.auto import tqdm

from ..files import atomic_write_text


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


class Clock:
    """The run's clock for a --minutes budget: seconds of *training* spent (across --resume) and
    the fraction of the budget they are. Without a budget ``progress()`` is 0.

    Evaluations run with the clock stopped (``with clock.paused():``): a budget buys training,
    and the learning rate's decay, measured on this clock, is not cut short by a slow evaluation.
    (So `--minutes 10` takes 10 minutes plus the evaluations and the final report.)"""

    def __init__(self, minutes: float | None, elapsed_before: float = 0.0):
        self.budget_s = minutes * 60 if minutes else None
        self.before, self.t0 = float(elapsed_before), None

    def start(self) -> None:
        self.t0 = time.perf_counter()

    def elapsed(self) -> float:
        return self.before + (time.perf_counter() - self.t0 if self.t0 is not None else 0.0)

    @contextlib.contextmanager
    def paused(self):
        """Stop the clock for the block (an evaluation); it goes on from where it stood."""
        if self.t0 is None:
            yield
            return
        self.before, self.t0 = self.elapsed(), None
        try:
            yield
        finally:
            self.t0 = time.perf_counter()

    def progress(self) -> float:
        return min(1.0, self.elapsed() / self.budget_s) if self.budget_s else 0.0


class TrainingBar:
    """tqdm in seconds for a --minutes budget, in steps for --steps (ETA from tqdm's rate);
    silent on every process but the main one."""

    def __init__(self, *, minutes: float | None, steps: int | None, step: int, enabled: bool, clock: Clock):
        self.by_time, self.clock = minutes is not None, clock
        total, initial, unit = (int(minutes * 60), 0, "s") if self.by_time else (steps, step, "step")
        self.tqdm = tqdm(total=total, initial=initial, unit=unit, disable=None if enabled else True,
                         dynamic_ncols=True, file=sys.stderr, desc="training")

    def advance(self, step: int) -> None:
        if self.by_time:
            self.tqdm.update(min(int(self.clock.elapsed()), self.tqdm.total) - self.tqdm.n)
        else:
            self.tqdm.update(1)

    def show(self, record: dict) -> None:
        """A metrics line's loss, lr and tokens/s next to the bar."""
        self.tqdm.set_postfix(loss=f"{record['train_loss']:.3f}", lr=f"{record['lr']:.1e}",
                              tok_s=f"{record['tokens_per_s']:.0f}", refresh=False)

    def write(self, text: str) -> None:
        self.tqdm.write(text, file=sys.stderr)

    def close(self) -> None:
        self.tqdm.close()


def eval_line(r: dict) -> str:
    return (f"step {r['step']}: valid loss {r['valid_loss']:.3f}, BLEU {r['bleu']:.1f}, chrF {r['chrf']:.1f}; "
            f"{r['article_source']} → {r['article']}")
