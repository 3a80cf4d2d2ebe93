"""The size of d loss / d logits at every label position, -100 positions hatched (lesson 06).

    plot_logit_gradients   ‖d loss / d logits‖ per label token; exactly 0 where the label is -100

The same grid of cells as plot_token_loss (one column per position, wide enough for its piece),
so the two pictures of lesson 06 read the same way: the loss of a token, then its gradient.
"""
from __future__ import annotations

from pathlib import Path

from ._cells import _grid_plot
from ._style import IGNORE_INDEX, _array, _pieces_for, _rows


def plot_logit_gradients(grad_norm, labels, *, pieces, path, title=None) -> Path:
    """``grad_norm`` (B, T): the length of each position's gradient vector over the V logits.
    Darker blue = larger; the size is written in every cell (no colour bar needed)."""
    import matplotlib as mpl
    size, lab = _array(grad_norm), _rows(labels)
    names = _pieces_for(lab, pieces)
    real = [(i, j) for i, row in enumerate(lab) for j, v in enumerate(row) if v != IGNORE_INDEX]
    vmax = max([float(size[i, j]) for i, j in real], default=1.0) or 1.0
    cmap, norm = mpl.colormaps["Blues"], mpl.colors.Normalize(0.0, vmax * 1.6)  # dark enough, text stays black
    cells = [[("-100", f"grad {size[i, j]:g}", "ignore", None) if v == IGNORE_INDEX else
              (names[i][j], f"{size[i, j]:.4f}", "token", cmap(norm(size[i, j]))) for j, v in enumerate(row)]
             for i, row in enumerate(lab)]
    return _grid_plot(cells, path=path, row_labels=[f"sentence {i}" for i in range(len(lab))], legend_kinds=["ignore"],
                      title=title or f"‖d loss / d logits‖ per label token ({len(real)} real tokens)")  # the sizes are written in the cells
