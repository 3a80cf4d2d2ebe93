"""Attention heatmaps, queries × keys, labelled with the real pieces (lessons 04, 05, 09; `minimt plot attention`).

    plot_attention         one attention heatmap, queries × keys; masked cells blank and hatched
    plot_attention_grid    layers × heads heatmaps plus a head-averaged column
    attention_pictures     greedy-translate one sentence; its cross / encoder / decoder attention grids

The `minimt plot attention` command lives in `minimt/plot_cli.py`; `attention_pictures` is what it draws.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import MinimtError
from ._style import STYLE, _array, _plt, _save, piece_label, word_start_note


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
    ax.set_xticks(range(len(key_pieces)), [piece_label(p) for p in key_pieces], rotation=90)
    ax.set_yticks(range(len(query_pieces)), [piece_label(p) for p in query_pieces] if show_y else [])
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
    note = word_start_note(query_pieces, key_pieces)
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
    note = word_start_note(query_pieces, key_pieces)
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

# ---------------------------------------------------------------- one sentence through a model
def attention_pictures(model, tokenizer, sentence: str, out_dir, *, layer=None, max_len=None) -> tuple[str, list[Path]]:
    """Greedy-translate ``sentence`` and draw its cross, encoder-self and decoder-self attention."""
    import torch
    from ..decode import greedy_decode
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
