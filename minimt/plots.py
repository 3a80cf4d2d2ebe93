"""Every picture minimt draws, in one module (used by `minimt inspect`, the lessons and `minimt plot`).

    plot_tokens            pieces of each sentence as boxes (SentencePiece's ▁ = "a space before me")
    plot_id_grid           a (B, L) id tensor: id + piece per cell; pad and -100 cells drawn differently
    plot_mask_grid         a (B, L) 0/1 attention_mask: 1 = real token, 0 = padding
    plot_shift             labels above decoder_input_ids, arrows = teacher forcing's shift right
    plot_broadcast_masks   (B,1,1,S) padding mask → (B,H,T,S), causal (T,T), combined decoder mask
    plot_attention         one attention heatmap, queries × keys; masked cells blank and hatched
    plot_attention_grid    layers × heads heatmaps plus a head-averaged column
    plot_token_loss        per-token cross-entropy of a batch; -100 positions hatched (ignored, 0)
    plot_sentence_scores   per-sentence chrF bars with the text; corpus BLEU/chrF in the title
    plot_training_curves   train/valid loss, BLEU/chrF and learning rate from metrics.jsonl
    attention_pictures     greedy-translate one sentence; its cross / encoder / decoder attention grids

Every function saves a PNG atomically (`minimt.files.atomic_path`) and returns its Path.
Labels are the real pieces, never bare indices (rotated tick labels draw ▁ as ·, and say so).
pyplot is imported lazily, so importing this module costs nothing; headless runs use the Agg backend.
The `minimt plot attention | curves` command lives in `minimt/plot_cli.py`; `attention_pictures`
(below) is what it draws.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .errors import MinimtError
from .files import atomic_path

STYLE = {"font.size": 14, "axes.titlesize": 16, "figure.titlesize": 18, "axes.labelsize": 14,
         "xtick.labelsize": 12, "ytick.labelsize": 12, "legend.fontsize": 12, "figure.dpi": 100}
IGNORE_INDEX = -100  # same value as minimt.batch.IGNORE_INDEX; not imported to keep this module standalone
SPECIAL_PIECES = {"<pad>", "<unk>", "<s>", "</s>"}
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


def _plt():
    """Import pyplot, choosing Agg unless the user picked a backend or runs a notebook."""
    import matplotlib
    if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _close(fig) -> None:
    # Tests replace this to keep the figure and inspect its artists.
    _plt().close(fig)


def _save(fig, path) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", bbox_inches="tight", facecolor="white")
    _close(fig)
    return path


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


def _tick(piece: str) -> str:
    """A piece for a tick label: ▁ as · (rotated, ▁ sits below the line, detached from its word)."""
    return piece.replace("▁", "·")


def _tick_note(*piece_lists) -> str:
    """The note that explains `_tick`'s ·, only when some label has one."""
    return "· = word start (SentencePiece's ▁)" if any("▁" in p for ps in piece_lists for p in ps) else ""


def _hide_frame(ax) -> None:
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(which="both", length=0)


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
            ax.text(mid, y0 + i + (0.36 if sub else 0.5), main, ha="center", va="center", bbox=box, fontsize=15,
                    fontweight="bold" if len(main) <= 5 else "normal")  # ids and "-100" bold; pieces plain
            if sub:
                ax.text(mid, y0 + i + 0.74, sub, ha="center", va="center", fontsize=12, bbox=box)
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
                ax.text(x + w / 2, i + 0.5, piece, ha="center", va="center", fontsize=16)
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


def _mask_image(ax, m, *, x_pieces, y_pieces, title, show_y=True, fontsize=11):
    from matplotlib.colors import ListedColormap
    ax.imshow(_array(m), cmap=ListedColormap(["#eeeeee", "#38761d"]), vmin=0, vmax=1)
    ax.set_xticks(range(len(x_pieces)), [_tick(p) for p in x_pieces], rotation=90, fontsize=fontsize)
    ax.set_yticks(range(len(y_pieces)), [_tick(p) for p in y_pieces] if show_y else [], fontsize=fontsize)
    ax.set_xticks([x - 0.5 for x in range(1, len(x_pieces))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(y_pieces))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0)
    ax.set_title(title, fontsize=fontsize + 2)


def plot_broadcast_masks(attention_mask, decoder_attention_mask, *, n_heads: int, src_pieces, tgt_pieces,
                         path, max_heads_shown: int = 3) -> Path:
    """The boolean masks attention really uses (True = may attend), for a padded batch.

    Columns: the (B,1,1,S) padding mask, the same mask broadcast to (B,H,T,S) (identical for every
    head and query), the causal (T,T) mask, and the decoder self-attention mask causal ∧ padding.
    """
    import torch
    from .attention import causal_mask, decoder_self_mask, padding_mask
    plt = _plt()
    enc = torch.as_tensor(attention_mask)
    dec = torch.as_tensor(decoder_attention_mask)
    B, S = enc.shape
    T = dec.shape[1]
    pad = padding_mask(enc)                               # (B,1,1,S)
    expanded = pad.expand(B, n_heads, T, S)               # (B,H,T,S): a view, no copy
    causal = causal_mask(T)                               # (1,1,T,T)
    combined = decoder_self_mask(dec).expand(B, 1, T, T)  # (B,1,T,T)
    src_p, tgt_p = [list(r) for r in src_pieces], [list(r) for r in tgt_pieces]
    heads = min(n_heads, max_heads_shown)
    n_cols = 1 + heads + 2
    # A panel grows with the sequence, but the whole figure stays slide-sized (<= 20 inches wide):
    # long sequences get smaller cells, and the labels shrink with the cells (never below 7 pt).
    panel = min(max(2.6, 0.4 * max(S, T)), 18.0 / n_cols)           # inches per panel
    font = max(7.0, min(11.0, 0.75 * 72 * panel / max(S, T)))         # a label no taller than its cell
    label_room = 0.09 * font * max(len(p) for r in src_p + tgt_p for p in r) / 11  # rotated tick labels, inches
    head_titles = ["→ (B,H,T,S) head 0"] + [f"head {h}" for h in range(1, heads)]
    if heads < n_heads:  # the other heads are the same picture
        head_titles[-1] += f" (… of {n_heads})"
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(B, n_cols, squeeze=False, layout="constrained",
                                 figsize=(1.5 + n_cols * panel, 1.0 + B * (panel - 0.3 + label_room)))
        for b in range(B):  # panels: (mask, key pieces, query pieces, title, show query labels)
            panels = [(pad[b, 0], src_p[b], [f"sentence {b}"], "padding mask (B,1,1,S)", True)]
            panels += [(expanded[b, h], src_p[b], tgt_p[b], head_titles[h], h == 0) for h in range(heads)]
            panels += [(causal[0, 0], tgt_p[b], tgt_p[b], "causal (T,T)", True),
                       (combined[b, 0], tgt_p[b], tgt_p[b], "decoder mask = causal ∧ padding", True)]
            for ax, (m, keys, queries, name, show_y) in zip(axes[b], panels):
                _mask_image(ax, m.int(), x_pieces=keys, y_pieces=queries, title=name if b == 0 else "",
                            show_y=show_y, fontsize=font)
        note = _tick_note(*src_p, *tgt_p)
        fig.suptitle(f"Attention masks for a padded batch (B={B}, H={n_heads}): green = True = may attend; "
                     f"rows = queries, columns = keys{'; ' + note if note else ''}")
        return _save(fig, path)


def _heatmap(ax, w, *, query_pieces, key_pieces, title, vmax, annotate=False, show_y=True, allowed=None):
    """Draw ``w`` (T, S); cells where ``allowed`` is False are blank and hatched, never a number."""
    import numpy as np
    from matplotlib.patches import Rectangle
    if allowed is not None:
        w = np.ma.masked_where(~allowed, w)  # .data keeps the values; only the drawing skips them
    cmap = _plt().get_cmap("Blues").with_extremes(bad="white")
    im = ax.imshow(w, cmap=cmap, vmin=0.0, vmax=vmax, aspect="auto")
    for t, s in zip(*np.nonzero(~allowed)) if allowed is not None else ():
        ax.add_patch(Rectangle((s - 0.5, t - 0.5), 1, 1, facecolor="#f3f3f3", edgecolor="#bbbbbb", hatch="///",
                               linewidth=0, gid="masked"))
    ax.set_xticks(range(len(key_pieces)), [_tick(p) for p in key_pieces], rotation=90)
    ax.set_yticks(range(len(query_pieces)), [_tick(p) for p in query_pieces] if show_y else [])
    ax.tick_params(length=0)
    ax.set_title(title, fontsize=13)
    if annotate:
        for t in range(w.shape[0]):
            for s in range(w.shape[1]):
                if allowed is None or allowed[t, s]:
                    ax.text(s, t, f"{w[t, s]:.2f}", ha="center", va="center", fontsize=10,
                            color="white" if w[t, s] > 0.6 * vmax else "black")
    return im


def _weights(w, query_pieces, key_pieces, mask, what):
    """Check the (…, T, S) shape; return the weights and where attention was allowed (or None)."""
    import numpy as np
    if w.shape[-2:] != (len(query_pieces), len(key_pieces)):
        raise ValueError(f"{what} has shape {tuple(w.shape)}, but there are {len(query_pieces)} query "
                         f"and {len(key_pieces)} key pieces")
    allowed = None if mask is None else np.broadcast_to(_array(mask).squeeze() != 0, w.shape[-2:])
    if not np.isfinite(w).all():  # NaN / inf (e.g. a masked score left in): draw as masked, not as a number
        allowed = np.isfinite(w).all(axis=tuple(range(w.ndim - 2))) & (True if allowed is None else allowed)
        w = np.nan_to_num(w, nan=0.0, posinf=0.0, neginf=0.0)
    return w, allowed


def _masked_legend(fig, allowed):
    if allowed is not None and not allowed.all():
        from matplotlib.patches import Patch
        fig.legend(handles=[Patch(facecolor="#f3f3f3", edgecolor="#bbbbbb", hatch="///",
                                  label="masked: may not attend (weight 0 by construction)")],
                   loc="outside lower center", frameon=False)


def plot_attention(weights, *, query_pieces, key_pieces, title: str, path, value_label="attention weight",
                   mask=None) -> Path:
    """One (T, S) attention map: row t = how query t spreads its attention over the keys (sums to 1).

    ``mask`` (bool, broadcastable to (T, S), True = may attend, like minimt.attention's masks) leaves the
    masked cells blank and hatched, so a masked weight is not mistaken for a learned 0.00. NaN cells too.
    """
    plt = _plt()
    w = _array(weights).squeeze()
    w = w.reshape(len(query_pieces), -1) if w.ndim < 2 else w
    w, allowed = _weights(w, query_pieces, key_pieces, mask, "weights")
    note = _tick_note(query_pieces, key_pieces)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(max(6.0, 0.75 * w.shape[1] + 3), max(4.5, 0.6 * w.shape[0] + 2.5)),
                               layout="constrained")
        im = _heatmap(ax, w, query_pieces=query_pieces, key_pieces=key_pieces, title=title, allowed=allowed,
                      vmax=max(1e-9, float(w.max())), annotate=w.size <= 200)
        ax.set_xlabel("keys (attended to)" + (f"   [{note}]" if note else ""))
        ax.set_ylabel("queries (attending)")
        fig.colorbar(im, ax=ax, label=value_label)
        _masked_legend(fig, allowed)
        return _save(fig, path)


def plot_attention_grid(weights_per_layer, *, query_pieces, key_pieces, title: str, path, mask=None) -> Path:
    """Layers × heads attention maps, and a last column with the average over heads.

    ``mask`` (optional, bool (T, S), True = may attend): masked cells are drawn blank and hatched.
    """
    plt = _plt()
    layers, allowed = [], None
    for i, w in enumerate(weights_per_layer):
        w = _array(w)
        w, allowed = _weights(w.reshape(-1, *w.shape[-2:]), query_pieces, key_pieces, mask, f"layer {i} weights")
        layers.append(w)                                                           # each (H, T, S)
    n_layers, n_heads = len(layers), max(w.shape[0] for w in layers)
    vmax = max(1e-9, max(float(w.max()) for w in layers))
    T, S = len(query_pieces), len(key_pieces)
    note = _tick_note(query_pieces, key_pieces)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(n_layers, n_heads + 1, squeeze=False, layout="constrained",
                                 figsize=(1.5 + (n_heads + 1) * min(max(3.0, 0.42 * S + 1.2), 20 / (n_heads + 1)),
                                          1.2 + n_layers * min(max(3.0, 0.42 * T + 1.5), 14 / n_layers)))
        for i, w in enumerate(layers):
            for h in range(n_heads):
                im = _heatmap(axes[i, h], w[h], query_pieces=query_pieces, key_pieces=key_pieces, allowed=allowed,
                              title=f"layer {i}, head {h}", vmax=vmax, show_y=h == 0)
            _heatmap(axes[i, -1], w.mean(axis=0), query_pieces=query_pieces, key_pieces=key_pieces, allowed=allowed,
                     title=f"layer {i}, mean of heads", vmax=vmax, show_y=False)
        fig.suptitle(title + (f"\n{note}" if note else ""))
        fig.colorbar(im, ax=axes, label="attention weight", shrink=0.8, pad=0.01)  # pad: of all panels' width
        _masked_legend(fig, allowed)
        return _save(fig, path)


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


def _clip(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def plot_sentence_scores(hypotheses, references, *, path, sources=None, title=None, max_rows: int = 12) -> Path:
    """One bar per sentence: its chrF against its reference(s); corpus BLEU and chrF in the title.

    Bars are chrF, not BLEU: a short sentence rarely shares a 4-gram with its reference, so its
    BLEU is mostly 0 and says little; BLEU is a corpus score. Scores come from minimt.evaluate
    (sacreBLEU, same normalisation as `minimt evaluate`). ``references[i]``: a string or a list.
    """
    from .evaluate import corpus_scores, sentence_chrf
    plt = _plt()
    refs = [[r] if isinstance(r, str) else list(r) for r in references]
    corpus = corpus_scores(list(hypotheses), refs)  # checks the lengths (MinimtError)
    if sources is not None and len(sources) != len(refs):
        raise MinimtError(f"{len(sources)} sources but {len(refs)} hypotheses")
    n = min(len(refs), max_rows)
    chrf = [sentence_chrf(h, r) for h, r in zip(hypotheses[:n], refs[:n])]
    labels = [("" if sources is None else _clip(sources[i]) + "\n") + f"→ {_clip(hypotheses[i])}\n"
              f"ref: {_clip(refs[i][0])}" for i in range(n)]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(14, 1.8 + 0.95 * n), layout="constrained")
        bars = ax.barh(range(n), chrf, color="#9467bd", height=0.6, gid="chrf")  # gid: every bar
        ax.bar_label(bars, fmt="%.1f", padding=4, fontsize=12)
        ax.axvline(corpus["chrf"], color="#555555", linestyle="--", label=f"corpus chrF {corpus['chrf']:.1f}")
        ax.set_yticks(range(n), labels, fontsize=11)
        ax.set_ylim(n - 0.5, -0.5)  # first sentence on top
        ax.set_xlim(0, 105)
        ax.set_xlabel("sentence chrF (0-100; character n-grams, partial credit for near misses)")
        ax.legend(loc="lower right")
        ax.grid(axis="x", alpha=0.3)
        shown = f"first {n} of {len(refs)} sentences" if n < len(refs) else f"{n} sentences"
        ax.set_title((title or "Scores per sentence") + f" — corpus BLEU {corpus['bleu']:.1f}, chrF "
                     f"{corpus['chrf']:.1f} ({len(refs)} sentences)\nbars: sentence chrF ({shown}); sentence-level "
                     "BLEU is unreliable on short sentences (one missing 4-gram → 0)", fontsize=14)
        return _save(fig, path)


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
        ax_loss.set(title="Cross-entropy (teacher forcing)", xlabel="step", ylabel="loss per real token")
        for key, color in (("bleu", "#2ca02c"), ("chrf", "#9467bd")):
            x, y = series(key)
            if x:
                ax_score.plot(x, y, marker="o", color=color, label=f"valid {key.upper() if key == 'bleu' else 'chrF'}")
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


# ---------------------------------------------------------------- one sentence through a model
def attention_pictures(model, tokenizer, sentence: str, out_dir, *, layer=None, max_len=None) -> tuple[str, list[Path]]:
    """Greedy-translate ``sentence`` and draw its cross, encoder-self and decoder-self attention."""
    import torch
    from .decode import greedy_decode
    src = tokenizer.encode(sentence) + [tokenizer.eos_id]
    input_ids = torch.tensor([src])                                   # (1, S)
    attention_mask = torch.ones_like(input_ids)                       # (1, S)
    model.eval()
    with torch.no_grad():
        hyp = greedy_decode(model, input_ids, attention_mask, bos_id=tokenizer.bos_id, eos_id=tokenizer.eos_id,
                            max_len=max_len)[0]
        dec_in = torch.tensor([[tokenizer.bos_id] + hyp])             # (1, T): what the decoder read
        _, attn = model(input_ids, attention_mask, dec_in, torch.ones_like(dec_in), return_attention=True)
    src_p = [tokenizer.id_to_piece(i) for i in src]
    dec_p = [tokenizer.id_to_piece(i) for i in dec_in[0].tolist()]
    out_p = [tokenizer.id_to_piece(i) for i in hyp + [tokenizer.eos_id]]  # row t predicted this token
    n = len(attn["cross"])
    if layer is not None and not -n <= layer < n:
        raise MinimtError(f"--layer {layer}: the model has {n} decoder layers (0..{n - 1})")
    pick = (lambda ws: [ws[layer]]) if layer is not None else (lambda ws: ws)
    name = f"_layer{layer % n}" if layer is not None else ""
    out_dir = Path(out_dir)
    translation = tokenizer.decode(hyp)
    paths = [
        plot_attention_grid([w[0] for w in pick(attn["cross"])], query_pieces=out_p, key_pieces=src_p,
                            title=f"Cross-attention: \"{sentence}\" → \"{translation}\" (row = token being produced)",
                            path=out_dir / f"cross_attention{name}.png"),
        plot_attention(torch.stack([w[0] for w in pick(attn["cross"])]).mean(dim=(0, 1)), query_pieces=out_p,
                       key_pieces=src_p, path=out_dir / f"cross_attention_mean{name}.png",
                       title="Cross-attention averaged over heads" + (" and layers" if layer is None else "")),
        plot_attention_grid([w[0] for w in pick(attn["encoder"])], query_pieces=src_p, key_pieces=src_p,
                            title=f"Encoder self-attention: \"{sentence}\"",
                            path=out_dir / f"encoder_self_attention{name}.png"),
        plot_attention_grid([w[0] for w in pick(attn["decoder_self"])], query_pieces=dec_p, key_pieces=dec_p,
                            title="Decoder self-attention (causal: nothing above the diagonal)",
                            mask=torch.ones(len(dec_p), len(dec_p), dtype=torch.bool).tril(),  # True = may attend
                            path=out_dir / f"decoder_self_attention{name}.png"),
    ]
    return translation, paths
