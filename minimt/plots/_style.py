"""What every picture shares: the slide-sized style, lazy pyplot, atomic saving (shown inline in a
notebook), and input/label helpers.

Not a lesson of its own: every module of `minimt.plots` draws with these, so a learner sees one look
everywhere. pyplot is imported lazily (`_plt`), so importing `minimt.plots` costs nothing.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..batch import IGNORE_INDEX  # noqa: F401 - the plots draw -100 cells
from ..files import atomic_path

STYLE = {"font.size": 14, "axes.titlesize": 16, "figure.titlesize": 18, "axes.labelsize": 14,
         "xtick.labelsize": 12, "ytick.labelsize": 12, "legend.fontsize": 12, "figure.dpi": 100}
SPECIAL_PIECES = {"<pad>", "<unk>", "<s>", "</s>"}


def _plt():
    """Import pyplot, choosing Agg unless the user picked a backend or runs a notebook."""
    import matplotlib
    if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _close(fig) -> None:
    # Tests replace this (minimt.plots._style._close: every picture saves through `_save` below)
    # to keep the figure and inspect its artists.
    _plt().close(fig)


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, classic notebook, VS Code's notebook and its `# %%`
    window all run ipykernel); False in a plain script or a terminal IPython, which can't show a PNG.

    IPython is only looked up if something already imported it: a script never pays for it."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def save_figure(fig, path, **savefig_kwargs) -> Path:
    """Save ``fig`` as a PNG atomically, show that PNG as the cell's output in a notebook, close ``fig``.

    Every picture minimt draws ends here, and the lessons' own matplotlib figures too, so a notebook
    shows each picture once, inline, and a script only writes files. What the notebook shows is the
    file's bytes, not a re-render: the picture on screen is the one on disk. Closing matters twice:
    pyplot keeps every open figure alive (memory), and a notebook would draw it a second time.
    """
    path = Path(path)
    savefig_kwargs = {"format": "png", "bbox_inches": "tight", "facecolor": "white", **savefig_kwargs}
    from .titles_zh import localise
    localise(fig)  # Chinese titles when the language is zh and a CJK font is installed (titles_zh.py)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, **savefig_kwargs)
    if in_notebook():
        from IPython.display import Image, display
        display(Image(data=path.read_bytes(), format="png"))
    _close(fig)
    return path


def _save(fig, path) -> Path:
    return save_figure(fig, path)


def _rows(x) -> list[list]:
    """A (B, L) tensor / array / nested list → list of lists of Python numbers."""
    rows = x.tolist() if hasattr(x, "tolist") else [list(r) for r in x]
    if rows and not isinstance(rows[0], list):
        rows = [rows]  # a single row
    return rows


def _array(x):
    import numpy as np
    if hasattr(x, "detach"):
        x = x.detach().float().cpu().numpy()
    return np.asarray(x, dtype=float)


def _pieces_for(ids: list[list[int]], pieces, ignore_index=IGNORE_INDEX) -> list[list[str]] | None:
    """``pieces`` may be rows of strings (same shape as ids), a tokenizer, or a function id → piece."""
    if pieces is None:
        return None
    to_piece = getattr(pieces, "id_to_piece", pieces if callable(pieces) else None)
    if to_piece is not None:
        return [["" if i == ignore_index else to_piece(int(i)) for i in row] for row in ids]
    pieces = [list(r) for r in pieces]
    if len(pieces) != len(ids) or any(len(p) != len(r) for p, r in zip(pieces, ids)):
        raise ValueError(f"pieces has shape {[len(p) for p in pieces]}, ids has {[len(r) for r in ids]}")
    return pieces


# ---------------------------------------------------------------- the one drawing of SentencePiece's ▁
# Every picture writes a piece the way the lessons print it: the word-start mark ▁ (U+2581) stays ▁,
# in boxes, tick labels (rotated or not) and titles alike, so what a student reads in a cell's output
# is what the picture next to it says. (Earlier pictures drew it as "·" in rotated labels and "_"
# elsewhere: three drawings of one thing.) Change WORD_START here and every figure follows.
WORD_START = "\u2581"  # ▁


def piece_label(piece: str) -> str:
    """A piece as every minimt picture draws it: SentencePiece's ▁ drawn as WORD_START (▁ itself)."""
    return str(piece).replace("\u2581", WORD_START)


def word_start_note(*piece_lists) -> str:
    """One line that says what ▁ means, only when some label carries one."""
    has = any("\u2581" in str(p) for ps in piece_lists for p in ps)
    return f"{WORD_START} = start of a word (SentencePiece)" if has else ""



def _hide_frame(ax) -> None:
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(which="both", length=0)
