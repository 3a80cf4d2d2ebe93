"""The boolean masks attention really uses, broadcast to (B, H, T, S) (lesson 04).

    plot_broadcast_masks   (B,1,1,S) padding mask → (B,H,T,S), causal (T,T), combined decoder mask
"""
from __future__ import annotations

from pathlib import Path

from ._style import STYLE, _array, _plt, _save, piece_label, word_start_note


def _mask_image(ax, m, *, x_pieces, y_pieces, title, show_y=True, fontsize=11):
    from matplotlib.colors import ListedColormap
    ax.imshow(_array(m), cmap=ListedColormap(["#eeeeee", "#38761d"]), vmin=0, vmax=1)
    ax.set_xticks(range(len(x_pieces)), [piece_label(p) for p in x_pieces], rotation=90, fontsize=fontsize)
    ax.set_yticks(range(len(y_pieces)), [piece_label(p) for p in y_pieces] if show_y else [], fontsize=fontsize)
    ax.set_xticks([x - 0.5 for x in range(1, len(x_pieces))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(y_pieces))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0)
    ax.set_title(title, fontsize=fontsize + 2)


def plot_broadcast_masks(attention_mask, decoder_attention_mask, *, n_heads: int, src_pieces, tgt_pieces,
                         path, max_heads_shown: int = 3) -> Path:
    """The boolean masks attention really uses (True = may attend), for a padded batch.

    Columns: the (B,1,1,S) padding mask, the same mask broadcast to (B,H,T,S) — the cross-attention
    mask, French queries × English keys, identical for every head and query, and titled so — the
    causal (T,T) mask, and the decoder self-attention mask causal ∧ padding.
    """
    import torch
    from ..attention import causal_mask, decoder_self_mask, padding_mask
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
    # The broadcast panels have French queries (T) and English keys (S): that is the mask cross-attention uses
    # (encoder self-attention broadcasts the same (B,1,1,S) mask to (B,H,S,S)).
    head_titles = ["cross-attention mask\n(B,H,T,S), head 0"] + [f"cross-attention\nhead {h}" for h in range(1, heads)]
    if heads < n_heads:  # the other heads are the same picture
        head_titles[-1] += f" (… of {n_heads})"
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(B, n_cols, squeeze=False, layout="constrained",
                                 figsize=(1.5 + n_cols * panel, 1.0 + B * (panel - 0.3 + label_room)))
        for b in range(B):  # panels: (mask, key pieces, query pieces, title, show query labels)
            panels = [(pad[b, 0], src_p[b], [f"sentence {b}"], "padding mask\n(B,1,1,S)", True)]
            panels += [(expanded[b, h], src_p[b], tgt_p[b], head_titles[h], h == 0) for h in range(heads)]
            panels += [(causal[0, 0], tgt_p[b], tgt_p[b], "causal mask\n(T,T)", True),
                       (combined[b, 0], tgt_p[b], tgt_p[b], "decoder self-attention\ncausal ∧ padding", True)]
            for ax, (m, keys, queries, name, show_y) in zip(axes[b], panels):
                _mask_image(ax, m.int(), x_pieces=keys, y_pieces=queries, title=name if b == 0 else "",
                            show_y=show_y, fontsize=font)
        note = word_start_note(*src_p, *tgt_p)
        fig.suptitle(f"Attention masks for a padded batch (B={B}, H={n_heads}): green = True = may attend; "
                     f"rows = queries, columns = keys{'; ' + note if note else ''}")
        return _save(fig, path)
