"""Per-token cross-entropy of a batch, -100 positions hatched (lesson 06).

    plot_token_loss        per-token cross-entropy of a batch; -100 positions hatched (ignored, 0)
"""
from __future__ import annotations

from pathlib import Path

from ._cells import _grid_plot
from ._style import IGNORE_INDEX, _array, _pieces_for, _rows


def plot_token_loss(per_token_loss, labels, *, pieces, path, title=None) -> Path:
    """Per-token cross-entropy of a batch. -100 positions are hatched: the loss ignores them (0)."""
    import matplotlib as mpl
    loss, lab = _array(per_token_loss), _rows(labels)
    names = _pieces_for(lab, pieces)
    real = [(i, j) for i, row in enumerate(lab) for j, v in enumerate(row) if v != IGNORE_INDEX]
    vmax = max([float(loss[i, j]) for i, j in real], default=1.0) or 1.0
    cmap, norm = mpl.colormaps["Reds"], mpl.colors.Normalize(0.0, vmax * 1.15)
    cells = [[("-100", "ignored: 0", "ignore", None) if v == IGNORE_INDEX else
              (names[i][j], f"{loss[i, j]:.2f}", "token", cmap(norm(loss[i, j]))) for j, v in enumerate(row)]
             for i, row in enumerate(lab)]
    mean = sum(float(loss[i, j]) for i, j in real) / max(1, len(real))
    return _grid_plot(cells, path=path, row_labels=[f"sentence {i}" for i in range(len(lab))], legend_kinds=["ignore"],
                      title=title or f"Loss per label token — mean over the {len(real)} real tokens = {mean:.3f}",
                      colorbar=mpl.cm.ScalarMappable(norm=norm, cmap=cmap))
