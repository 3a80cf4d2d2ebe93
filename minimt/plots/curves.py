"""Training curves from metrics.jsonl (lesson 07's run, `minimt train`, `minimt plot curves`).

    read_metrics           the records of a metrics.jsonl file (bad JSON → MinimtError naming file:line)
    plot_training_curves   train/valid loss, BLEU/chrF and learning rate from metrics.jsonl
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import MinimtError
from ._style import STYLE, _plt, _save


def read_metrics(metrics_path) -> list[dict]:
    """The lines of a metrics.jsonl file (bad JSON → MinimtError naming file:line)."""
    metrics_path = Path(metrics_path)
    if metrics_path.is_dir():
        metrics_path = metrics_path / "metrics.jsonl"
    if not metrics_path.is_file():
        raise MinimtError(f"{metrics_path}: no such metrics file (training writes RUN_DIR/metrics.jsonl)")
    records = []
    for n, line in enumerate(metrics_path.read_text(encoding="utf-8").split("\n"), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise MinimtError(f"{metrics_path}:{n}: not JSON ({e.msg})") from None
    if not records:
        raise MinimtError(f"{metrics_path}: empty, nothing to plot yet")
    return records


def plot_training_curves(metrics_path, *, path) -> Path:
    """Three panels from metrics.jsonl: train/valid loss, valid BLEU/chrF, learning rate (by step)."""
    plt = _plt()
    recs = read_metrics(metrics_path)

    def series(key):
        pts = [(r["step"], r[key]) for r in recs if r.get(key) is not None and "step" in r]
        return [p[0] for p in pts], [p[1] for p in pts]

    with plt.rc_context(STYLE):
        fig, (ax_loss, ax_score, ax_lr) = plt.subplots(1, 3, figsize=(18, 5.2))
        for key, style in (("train_loss", dict(color="#1f77b4", alpha=0.8)),
                           ("valid_loss", dict(color="#d62728", marker="o"))):
            x, y = series(key)
            if x:
                ax_loss.plot(x, y, label=key.replace("_", " "), **style)
        x, y = series("avg_valid_loss")  # the weights averaged over the decay (recipe/average.py)
        if x:
            ax_loss.plot(x, y, linestyle="none", marker="*", markersize=16, color="#d62728",
                         label="valid loss, weights averaged over the decay")
        ax_loss.set(title="Cross-entropy (teacher forcing)", xlabel="step", ylabel="loss per real token")
        for key, color in (("bleu", "#2ca02c"), ("chrf", "#9467bd")):
            x, y = series(key)
            if x:
                ax_score.plot(x, y, marker="o", color=color, label=f"valid {key.upper() if key == 'bleu' else 'chrF'}")
            x, y = series(f"avg_{key}")
            if x:
                ax_score.plot(x, y, linestyle="none", marker="*", markersize=16, color=color,
                              label="valid BLEU, averaged weights" if key == "bleu" else "valid chrF, averaged weights")
        ax_score.set(title="Free decoding on valid (greedy)", xlabel="step", ylabel="score (0-100)")
        x, y = series("lr")
        ax_lr.plot(x, y, color="#ff7f0e")
        ax_lr.set(title="Learning rate (warmup, then decay)", xlabel="step", ylabel="lr")
        ax_lr.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
        for ax in (ax_loss, ax_score):
            if ax.lines:
                ax.legend()
            else:
                ax.text(0.5, 0.5, "no evaluations yet", ha="center", va="center", transform=ax.transAxes)
        for ax in (ax_loss, ax_score, ax_lr):
            ax.grid(alpha=0.3)
        fig.suptitle(f"Training curves ({Path(metrics_path).name}, {len(recs)} records)")
        fig.tight_layout()
        return _save(fig, path)
