"""Every picture minimt draws, in one module (used by `minimt inspect`, the lessons and `minimt plot`).

    plot_tokens            pieces of each sentence as boxes (SentencePiece's ▁ = "a space before me")
    plot_id_grid           a (B, L) id tensor: id + piece per cell; pad and -100 cells drawn differently
    plot_mask_grid         a (B, L) 0/1 attention_mask: 1 = real token, 0 = padding
    plot_shift             labels above decoder_input_ids, arrows = teacher forcing's shift right
    plot_broadcast_masks   (B,1,1,S) padding mask → (B,H,T,S), causal (T,T), combined decoder mask
    plot_attention         one attention heatmap, queries × keys
    plot_attention_grid    layers × heads heatmaps plus a head-averaged column
    plot_token_loss        per-token cross-entropy of a batch; -100 positions hatched (ignored, 0)
    plot_training_curves   train/valid loss, BLEU/chrF and learning rate from metrics.jsonl
    attention_pictures     greedy-translate one sentence; its cross / encoder / decoder attention grids

Every function saves a PNG atomically (`minimt.files.atomic_path`) and returns its Path.
Labels are the real pieces, never bare indices. pyplot is imported lazily, so importing this
module costs nothing; headless runs use the Agg backend. The `minimt plot attention | curves`
command lives in `minimt/plot_cli.py`; `attention_pictures` (below) is what it draws.
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


def _fit(text: str, size: float, room: int) -> float:
    """Shrink long labels so they stay inside a one-unit cell (figures give a cell >= ~1 inch)."""
    return size if len(text) <= room else max(7.0, size * room / len(text))


def _draw_grid(ax, cells, *, row_labels=None, col_labels=None, y0=0.0):
    """Draw rows of cells ``(main_text, sub_text, kind, facecolor or None)`` as boxes.

    Row i occupies y in [y0+i, y0+i+1] (y grows downwards); returns the patches drawn.
    """
    from matplotlib.patches import Rectangle
    patches = []
    for i, row in enumerate(cells):
        for j, (main, sub, kind, face) in enumerate(row):
            style = CELL[kind]
            rect = Rectangle((j + 0.04, y0 + i + 0.04), 0.92, 0.92, facecolor=face or style["facecolor"],
                             edgecolor=style["edgecolor"], hatch=style["hatch"], linewidth=1.5, gid=kind)
            ax.add_patch(rect)
            patches.append(rect)
            short = len(main) <= 5  # ids, "-100", short pieces: bold; longer pieces: plain, shrunk to fit
            box = dict(facecolor="white", edgecolor="none", pad=1.0, alpha=0.85) if style["hatch"] else None
            ax.text(j + 0.5, y0 + i + (0.36 if sub else 0.5), main, ha="center", va="center", bbox=box,
                    fontsize=_fit(main, 15, 6), fontweight="bold" if short else "normal")
            if sub:
                ax.text(j + 0.5, y0 + i + 0.74, sub, ha="center", va="center", fontsize=_fit(sub, 12, 7),
                        bbox=box)
    width = max((len(r) for r in cells), default=1)
    ax.set_xlim(0, width)
    ax.set_ylim(y0 + len(cells), y0)
    ax.set_aspect("equal")
    for side in ax.spines.values():
        side.set_visible(False)
    ax.xaxis.tick_top()
    ax.set_xticks([j + 0.5 for j in range(width)], col_labels or [str(j) for j in range(width)])
    ax.set_yticks([y0 + i + 0.5 for i in range(len(cells))], row_labels or [f"row {i}" for i in range(len(cells))])
    ax.tick_params(length=0)
    return patches


def _legend(ax, kinds, ncol=None):
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=CELL[k]["facecolor"], edgecolor=CELL[k]["edgecolor"], hatch=CELL[k]["hatch"],
                     label=CELL[k]["label"]) for k in kinds]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol or len(handles),
              frameon=False, handleheight=1.5, handlelength=2.5)


def _grid_figure(n_rows: int, n_cols: int, title: str, extra_height: float = 1.8):
    plt = _plt()
    fig, ax = plt.subplots(figsize=(max(7.0, 1.25 * n_cols + 3.0), 1.25 * n_rows + extra_height))
    ax.set_title(title, pad=30)
    return fig, ax


def plot_tokens(rows: list[list[str]], *, title: str, path, row_labels=None) -> Path:
    """Each sentence's pieces as boxes; a box starting with ▁ begins a new word."""
    plt = _plt()
    with plt.rc_context(STYLE):
        widths = [[max(1.0, 0.32 * len(p) + 0.5) for p in row] for row in rows]
        total = max((sum(w) + 0.2 * len(w) for w in widths), default=1.0)
        fig, ax = plt.subplots(figsize=(max(7.0, 0.6 * total + 3), 1.0 * len(rows) + 1.8))
        from matplotlib.patches import Rectangle
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
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(title)
        _legend(ax, ["word", "cont", "special"])
        return _save(fig, path)


def plot_id_grid(ids, *, pieces=None, title: str, path, pad_id=None, ignore_index=IGNORE_INDEX,
                 row_labels=None) -> Path:
    """A (B, L) id tensor, one cell per position: the id, and under it its piece."""
    plt = _plt()
    rows = _rows(ids)
    names = _pieces_for(rows, pieces, ignore_index)
    cells, seen = [], set()
    for i, row in enumerate(rows):
        line = []
        for j, v in enumerate(row):
            piece = names[i][j] if names else ""
            if v == ignore_index:
                kind, piece = "ignore", "(ignored)"
            elif pad_id is not None and v == pad_id:
                kind = "pad"
            else:
                kind = "special" if piece in SPECIAL_PIECES else "token"
            seen.add(kind)
            line.append((str(v), piece, kind, None))
        cells.append(line)
    with plt.rc_context(STYLE):
        fig, ax = _grid_figure(len(rows), max(map(len, rows), default=1), title)
        _draw_grid(ax, cells, row_labels=row_labels)
        _legend(ax, [k for k in CELL if k in seen])
        return _save(fig, path)


def plot_mask_grid(mask, *, pieces=None, title: str, path, row_labels=None) -> Path:
    """A (B, L) attention_mask: 1 = real token (attend to it), 0 = padding (never attend)."""
    plt = _plt()
    rows = _rows(mask)
    names = [list(r) for r in pieces] if pieces is not None else None
    cells = [[(str(int(v)), names[i][j] if names else "", "real" if v else "masked", None)
              for j, v in enumerate(row)] for i, row in enumerate(rows)]
    with plt.rc_context(STYLE):
        fig, ax = _grid_figure(len(rows), max(map(len, rows), default=1), title)
        _draw_grid(ax, cells, row_labels=row_labels)
        _legend(ax, ["real", "masked"])
        return _save(fig, path)


def plot_shift(labels, decoder_input_ids, *, label_pieces, input_pieces, path, title=None) -> Path:
    """Teacher forcing: decoder_input_ids = [BOS] + labels[:-1]; each label moves one step right."""
    plt = _plt()
    lab, dec = _rows(labels), _rows(decoder_input_ids)
    lab_p, dec_p = _pieces_for(lab, label_pieces), _pieces_for(dec, input_pieces)
    with plt.rc_context(STYLE):
        n_cols = max(map(len, lab))
        fig, axes = plt.subplots(len(lab), 1, figsize=(max(8.0, 1.25 * n_cols + 4.0), 4.0 * len(lab) + 1.0),
                                 squeeze=False)
        for b, ax in enumerate(axes[:, 0]):
            top = [("-100", "(ignored)", "ignore", None) if v == IGNORE_INDEX else
                   (str(v), lab_p[b][j], "special" if lab_p[b][j] in SPECIAL_PIECES else "token", None)
                   for j, v in enumerate(lab[b])]
            # decoder input j is label j-1, so it is padding exactly where label j-1 was -100
            bottom = [(str(v), dec_p[b][j], "special" if j == 0 else "pad" if lab[b][j - 1] == IGNORE_INDEX
                       else "special" if dec_p[b][j] in SPECIAL_PIECES else "token", None)
                      for j, v in enumerate(dec[b])]
            _draw_grid(ax, [top], row_labels=["labels"])
            _draw_grid(ax, [bottom], row_labels=["decoder_input_ids"], y0=2.0)
            ax.set_yticks([0.5, 2.5], ["labels", "decoder_input_ids"])
            ax.set_ylim(3, 0)
            for t in range(len(lab[b]) - 1):  # label t becomes decoder input t+1
                real = lab[b][t] != IGNORE_INDEX
                ax.annotate("", xy=(t + 1.5, 2.02), xytext=(t + 0.5, 0.98), arrowprops=dict(
                    arrowstyle="-|>", lw=2 if real else 1, color="#1f4e79" if real else "#999999",
                    linestyle="-" if real else "--"))
            ax.text(0.5, 1.5, "BOS\nput in", ha="center", va="center", fontsize=11, color="#7f6000")
            ax.text(len(lab[b]) - 0.5, 1.5, "last label\ndropped", ha="center", va="center", fontsize=11,
                    color="#555555")
            ax.set_title(f"sentence {b}", loc="left", fontsize=14, pad=28)
        fig.suptitle(title or "Shift right: decoder_input_ids = [BOS] + labels[:-1]  (-100 → pad)")
        _legend(axes[-1, 0], ["token", "special", "pad", "ignore"])
        fig.tight_layout()
        return _save(fig, path)


def _mask_image(ax, m, *, x_pieces, y_pieces, title, show_y=True):
    from matplotlib.colors import ListedColormap
    ax.imshow(_array(m), cmap=ListedColormap(["#eeeeee", "#38761d"]), vmin=0, vmax=1)
    ax.set_xticks(range(len(x_pieces)), x_pieces, rotation=90, fontsize=11)
    ax.set_yticks(range(len(y_pieces)), y_pieces if show_y else [""] * len(y_pieces), fontsize=11)
    ax.set_xticks([x - 0.5 for x in range(1, len(x_pieces))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(y_pieces))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0)
    ax.set_title(title, fontsize=13)


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
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(B, n_cols, figsize=(2.2 + n_cols * max(2.6, 0.45 * max(S, T)),
                                                      1.0 + B * max(3.0, 0.45 * T + 1.8)), squeeze=False)
        for b in range(B):
            _mask_image(axes[b, 0], pad[b, 0].int(), x_pieces=src_p[b], y_pieces=[f"sentence {b}"],
                        title="padding mask (B,1,1,S)" if b == 0 else "")
            for h in range(heads):
                _mask_image(axes[b, 1 + h], expanded[b, h].int(), x_pieces=src_p[b], y_pieces=tgt_p[b],
                            title=f"→ (B,H,T,S), head {h}" if b == 0 else "", show_y=h == 0)
            _mask_image(axes[b, -2], causal[0, 0].int(), x_pieces=tgt_p[b], y_pieces=tgt_p[b],
                        title="causal (T,T)" if b == 0 else "")
            _mask_image(axes[b, -1], combined[b, 0].int(), x_pieces=tgt_p[b], y_pieces=tgt_p[b],
                        title="decoder mask = causal ∧ padding" if b == 0 else "")
        if heads < n_heads:
            axes[0, heads].text(1.02, 0.5, f"… ×{n_heads} heads", transform=axes[0, heads].transAxes,
                                fontsize=12, rotation=90, va="center")
        fig.suptitle(f"Attention masks for a padded batch (B={B}, H={n_heads}): green = True = may attend; "
                     "rows = queries, columns = keys")
        fig.tight_layout()
        return _save(fig, path)


def _heatmap(ax, w, *, query_pieces, key_pieces, title, vmax, annotate=False, show_y=True):
    im = ax.imshow(w, cmap="Blues", vmin=0.0, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(key_pieces)), key_pieces, rotation=90)
    ax.set_yticks(range(len(query_pieces)), query_pieces if show_y else [""] * len(query_pieces))
    ax.tick_params(length=0)
    ax.set_title(title, fontsize=13)
    if annotate:
        for t in range(w.shape[0]):
            for s in range(w.shape[1]):
                ax.text(s, t, f"{w[t, s]:.2f}", ha="center", va="center", fontsize=10,
                        color="white" if w[t, s] > 0.6 * vmax else "black")
    return im


def _check_weights(w, query_pieces, key_pieces, what):
    if w.shape[-2:] != (len(query_pieces), len(key_pieces)):
        raise ValueError(f"{what} has shape {tuple(w.shape)}, but there are {len(query_pieces)} query "
                         f"and {len(key_pieces)} key pieces")


def plot_attention(weights, *, query_pieces, key_pieces, title: str, path, value_label="attention weight") -> Path:
    """One (T, S) attention map: row t = how query t spreads its attention over the keys (sums to 1)."""
    plt = _plt()
    w = _array(weights).squeeze()
    w = w.reshape(len(query_pieces), -1) if w.ndim < 2 else w
    _check_weights(w, query_pieces, key_pieces, "weights")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(max(6.0, 0.75 * w.shape[1] + 3), max(4.5, 0.6 * w.shape[0] + 2.5)))
        im = _heatmap(ax, w, query_pieces=query_pieces, key_pieces=key_pieces, title=title,
                      vmax=max(1e-9, float(w.max())), annotate=w.size <= 200)
        ax.set_xlabel("keys (attended to)")
        ax.set_ylabel("queries (attending)")
        fig.colorbar(im, ax=ax, label=value_label)
        return _save(fig, path)


def plot_attention_grid(weights_per_layer, *, query_pieces, key_pieces, title: str, path) -> Path:
    """Layers × heads attention maps, and a last column with the average over heads."""
    plt = _plt()
    layers = [_array(w).reshape(-1, *_array(w).shape[-2:]) for w in weights_per_layer]  # each (H,T,S)
    for i, w in enumerate(layers):
        _check_weights(w, query_pieces, key_pieces, f"layer {i} weights")
    n_layers, n_heads = len(layers), max(w.shape[0] for w in layers)
    vmax = max(1e-9, max(float(w.max()) for w in layers))
    T, S = len(query_pieces), len(key_pieces)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(n_layers, n_heads + 1, squeeze=False,
                                 figsize=(1.5 + (n_heads + 1) * max(3.0, 0.42 * S + 1.2),
                                          1.2 + n_layers * max(3.0, 0.42 * T + 1.5)))
        for i, w in enumerate(layers):
            for h in range(n_heads):
                im = _heatmap(axes[i, h], w[h], query_pieces=query_pieces, key_pieces=key_pieces,
                              title=f"layer {i}, head {h}", vmax=vmax, show_y=h == 0)
            _heatmap(axes[i, -1], w.mean(axis=0), query_pieces=query_pieces, key_pieces=key_pieces,
                     title=f"layer {i}, mean of heads", vmax=vmax, show_y=False)
            axes[i, -1].patch.set_edgecolor("#7f6000")
        fig.suptitle(title)
        fig.tight_layout()
        fig.colorbar(im, ax=axes, label="attention weight", shrink=0.6)
        return _save(fig, path)


def plot_token_loss(per_token_loss, labels, *, pieces, path, title=None) -> Path:
    """Per-token cross-entropy of a batch. -100 positions are hatched: the loss ignores them (0)."""
    plt = _plt()
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
    with plt.rc_context(STYLE):
        fig, ax = _grid_figure(len(lab), max(map(len, lab)), title or
                               f"Loss per label token — mean over the {len(real)} real tokens = {mean:.3f}")
        _draw_grid(ax, cells, row_labels=[f"sentence {i}" for i in range(len(lab))])
        fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, label="-log p(label)", shrink=0.8)
        _legend(ax, ["ignore"])
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
                            title=f"Encoder self-attention: \"{sentence}\"", path=out_dir / f"encoder_self_attention{name}.png"),
        plot_attention_grid([w[0] for w in pick(attn["decoder_self"])], query_pieces=dec_p, key_pieces=dec_p,
                            title="Decoder self-attention (causal: nothing above the diagonal)",
                            path=out_dir / f"decoder_self_attention{name}.png"),
    ]
    return translation, paths
