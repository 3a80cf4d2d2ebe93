"""Pieces, ids, attention_mask and the shift right, one box per token (lesson 03 and `minimt inspect`).

    plot_tokens            pieces of each sentence as boxes (SentencePiece's ▁ = "a space before me")
    plot_id_grid           a (B, L) id tensor: id + piece per cell; pad and -100 cells drawn differently
    plot_mask_grid         a (B, L) 0/1 attention_mask: 1 = real token, 0 = padding
    plot_shift             labels above decoder_input_ids, arrows = teacher forcing's shift right
"""
from __future__ import annotations

from pathlib import Path

from ._cells import CELL, _column_widths, _draw_grid, _grid_plot, _legend
from ._style import IGNORE_INDEX, SPECIAL_PIECES, STYLE, _hide_frame, _pieces_for, _plt, _rows, _save, piece_label


def _kind(piece: str) -> str:
    return "special" if piece in SPECIAL_PIECES else "token"


def plot_tokens(rows: list[list[str]], *, title: str, path, row_labels=None) -> Path:
    """Each sentence's pieces as boxes; a box starting with ▁ begins a new word."""
    plt = _plt()
    from matplotlib.patches import Rectangle
    with plt.rc_context(STYLE):
        widths = [[max(1.0, 0.32 * len(p) + 0.5) for p in row] for row in rows]
        total = max((sum(w) + 0.2 * len(w) for w in widths), default=1.0)
        fig, ax = plt.subplots(figsize=(max(7.0, 0.6 * total + 3), 1.0 * len(rows) + 1.8))
        for i, (row, ws) in enumerate(zip(rows, widths)):
            x = 0.0
            for piece, w in zip(row, ws):
                kind = "special" if piece in SPECIAL_PIECES else "word" if piece.startswith("▁") else "cont"
                style = CELL[kind]
                ax.add_patch(Rectangle((x, i + 0.1), w, 0.8, facecolor=style["facecolor"], gid=kind,
                                       edgecolor=style["edgecolor"], linewidth=1.5))
                ax.text(x + w / 2, i + 0.5, piece_label(piece), ha="center", va="center", fontsize=16)
                x += w + 0.2
            ax.text(x + 0.1, i + 0.5, f"({len(row)} pieces)", va="center", fontsize=12, color="#555555")
        ax.set_xlim(-0.1, total + 2.5)
        ax.set_ylim(len(rows), 0)
        ax.set_xticks([])
        ax.set_yticks([i + 0.5 for i in range(len(rows))], row_labels or [f"sentence {i}" for i in range(len(rows))])
        _hide_frame(ax)
        ax.set_title(title)
        _legend(ax, ["word", "cont", "special"])
        return _save(fig, path)


def plot_id_grid(ids, *, pieces=None, title: str, path, pad_id=None, ignore_index=IGNORE_INDEX,
                 row_labels=None) -> Path:
    """A (B, L) id tensor, one cell per position: the id, and under it its piece."""
    rows = _rows(ids)
    names = _pieces_for(rows, pieces, ignore_index)
    cells = []
    for i, row in enumerate(rows):
        line = []
        for j, v in enumerate(row):
            piece = names[i][j] if names else ""
            if v == ignore_index:
                kind, piece = "ignore", "(ignored)"
            else:
                kind = "pad" if pad_id is not None and v == pad_id else _kind(piece)
            line.append((str(v), piece, kind, None))
        cells.append(line)
    seen = {c[2] for line in cells for c in line}
    return _grid_plot(cells, title=title, path=path, row_labels=row_labels,
                      legend_kinds=[k for k in CELL if k in seen])


def plot_mask_grid(mask, *, pieces=None, title: str, path, row_labels=None) -> Path:
    """A (B, L) attention_mask: 1 = real token (attend to it), 0 = padding (never attend)."""
    rows = _rows(mask)
    names = [list(r) for r in pieces] if pieces is not None else None
    cells = [[(str(int(v)), names[i][j] if names else "", "real" if v else "masked", None)
              for j, v in enumerate(row)] for i, row in enumerate(rows)]
    return _grid_plot(cells, title=title, path=path, row_labels=row_labels, legend_kinds=["real", "masked"])


def plot_shift(labels, decoder_input_ids, *, label_pieces, input_pieces, path, title=None) -> Path:
    """Teacher forcing: decoder_input_ids = [BOS] + labels[:-1]; each label moves one step right."""
    plt = _plt()
    lab, dec = _rows(labels), _rows(decoder_input_ids)
    lab_p, dec_p = _pieces_for(lab, label_pieces), _pieces_for(dec, input_pieces)
    tops = [[("-100", "(ignored)", "ignore", None) if v == IGNORE_INDEX else
             (str(v), lab_p[b][j], _kind(lab_p[b][j]), None) for j, v in enumerate(lab[b])] for b in range(len(lab))]
    # decoder input j is label j-1, so it is padding exactly where label j-1 was -100
    bottoms = [[(str(v), dec_p[b][j], "special" if j == 0 else "pad" if lab[b][j - 1] == IGNORE_INDEX
                 else _kind(dec_p[b][j]), None) for j, v in enumerate(dec[b])] for b in range(len(lab))]
    widths = _column_widths(tops + bottoms)  # one column width for every sentence, so the rows line up
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(len(lab), 1, figsize=(max(8.0, 1.25 * sum(widths) + 4.0), 4.0 * len(lab) + 1.0),
                                 squeeze=False)
        for b, ax in enumerate(axes[:, 0]):
            _draw_grid(ax, [tops[b]], widths=widths)
            _draw_grid(ax, [bottoms[b]], widths=widths, y0=2.0)
            ax.set_yticks([0.5, 2.5], ["labels", "decoder_input_ids"])
            ax.set_ylim(3, 0)
            centre = ax.get_xticks()
            for t in range(len(lab[b]) - 1):  # label t becomes decoder input t+1
                real = lab[b][t] != IGNORE_INDEX
                ax.annotate("", xy=(centre[t + 1], 2.02), xytext=(centre[t], 0.98), arrowprops=dict(
                    arrowstyle="-|>", lw=2 if real else 1, color="#1f4e79" if real else "#999999",
                    linestyle="-" if real else "--"))
            ax.text(centre[0], 1.5, "BOS\nput in", ha="center", va="center", fontsize=11, color="#7f6000")
            ax.text(centre[len(lab[b]) - 1], 1.5, "last label\ndropped", ha="center", va="center", fontsize=11,
                    color="#555555")
            ax.set_title(f"sentence {b}", loc="left", fontsize=14, pad=28)
        fig.suptitle(title or "Shift right: decoder_input_ids = [BOS] + labels[:-1]  (-100 → pad)")
        _legend(axes[-1, 0], ["token", "special", "pad", "ignore"])
        fig.tight_layout()
        return _save(fig, path)
