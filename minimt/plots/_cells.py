"""Rows of boxed cells (id + piece per box), one colour per kind of cell: the grids of lessons 03 and 06.

`plot_tokens`, `plot_id_grid`, `plot_mask_grid`, `plot_shift` (lesson 03, `minimt inspect`) and
`plot_token_loss` (lesson 06) all draw with these, so a learner learns the colours once.
"""
from __future__ import annotations

from pathlib import Path

from ._style import STYLE, _hide_frame, _plt, _save, piece_label

# One look per kind of cell, reused by every grid so a learner learns the colours once.
CELL = {
    "token":   dict(facecolor="#cfe2f3", edgecolor="#1f4e79", hatch=None, label="token"),
    "word":    dict(facecolor="#cfe2f3", edgecolor="#1f4e79", hatch=None, label="▁… starts a word"),
    "cont":    dict(facecolor="#e6f2e0", edgecolor="#38761d", hatch=None, label="continues the word"),
    "special": dict(facecolor="#ffe599", edgecolor="#7f6000", hatch=None, label="special (<s> BOS, </s> EOS)"),
    "pad":     dict(facecolor="#eeeeee", edgecolor="#999999", hatch=None, label="padding (pad_id)"),
    "ignore":  dict(facecolor="#b7b7b7", edgecolor="#444444", hatch="///", label="-100: ignored by the loss"),
    "real":    dict(facecolor="#b6d7a8", edgecolor="#274e13", hatch=None, label="1 = real token"),
    "masked":  dict(facecolor="#eeeeee", edgecolor="#999999", hatch=None, label="0 = padding"),
}



def _column_widths(rows) -> list[float]:
    """Each grid column as wide as its longest text needs (>= 1 unit): long pieces get room, not small type.

    About 6 bold 15-pt characters (main line) or 7 12-pt ones (second line) fit in one unit.
    """
    widths = [1.0] * max((len(r) for r in rows), default=1)
    for row in rows:
        for j, (main, sub, _, _) in enumerate(row):
            widths[j] = max(widths[j], len(main) / 6 + 0.15, len(sub) / 7 + 0.15)
    return widths


def _draw_grid(ax, cells, *, widths, row_labels=None, y0=0.0):
    """Draw rows of cells ``(main_text, sub_text, kind, facecolor or None)`` as boxes.

    Row i occupies y in [y0+i, y0+i+1] (y grows downwards), column j is ``widths[j]`` wide;
    returns the patches drawn.
    """
    from matplotlib.patches import Rectangle
    left = [sum(widths[:j]) for j in range(len(widths))]
    patches = []
    for i, row in enumerate(cells):
        for j, (main, sub, kind, face) in enumerate(row):
            style = CELL[kind]
            rect = Rectangle((left[j] + 0.04, y0 + i + 0.04), widths[j] - 0.08, 0.92, gid=kind, linewidth=1.5,
                             facecolor=face or style["facecolor"], edgecolor=style["edgecolor"], hatch=style["hatch"])
            ax.add_patch(rect)
            patches.append(rect)
            mid = left[j] + widths[j] / 2
            box = dict(facecolor="white", edgecolor="none", pad=1.0, alpha=0.85) if style["hatch"] else None
            ax.text(mid, y0 + i + (0.36 if sub else 0.5), piece_label(main), ha="center", va="center", bbox=box, fontsize=15,
                    fontweight="bold" if len(main) <= 5 else "normal")  # ids and "-100" bold; pieces plain
            if sub:
                ax.text(mid, y0 + i + 0.74, piece_label(sub), ha="center", va="center", fontsize=12, bbox=box)
    ax.set_xlim(0, sum(widths))
    ax.set_ylim(y0 + len(cells), y0)
    ax.set_aspect("equal")
    _hide_frame(ax)
    ax.xaxis.tick_top()
    ax.set_xticks([x + w / 2 for x, w in zip(left, widths)], [str(j) for j in range(len(widths))])
    ax.set_yticks([y0 + i + 0.5 for i in range(len(cells))], row_labels or [f"row {i}" for i in range(len(cells))])
    return patches


def _legend(ax, kinds):
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=CELL[k]["facecolor"], edgecolor=CELL[k]["edgecolor"], hatch=CELL[k]["hatch"],
                     label=CELL[k]["label"]) for k in kinds]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles),
              frameon=False, handleheight=1.5, handlelength=2.5)


def _grid_plot(cells, *, title: str, path, row_labels, legend_kinds, colorbar=None) -> Path:
    """One figure holding one grid of cells (plot_id_grid, plot_mask_grid, plot_token_loss)."""
    plt = _plt()
    widths = _column_widths(cells)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(max(7.0, 1.25 * sum(widths) + 3.0), 1.25 * len(cells) + 1.8))
        ax.set_title(title, pad=30)
        _draw_grid(ax, cells, widths=widths, row_labels=row_labels)
        if colorbar is not None:
            fig.colorbar(colorbar, ax=ax, label="-log p(label)", shrink=0.8)
        _legend(ax, legend_kinds)
        return _save(fig, path)
