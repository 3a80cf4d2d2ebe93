"""The whole pipeline on one slide: the article's pair from text to loss, each stage tagged with its lesson.

    plot_pipeline   "How are you?" → "Comment ça va ?": text → pieces/ids → padded batch (attention_mask,
                    labels with -100, decoder_input_ids) → masks → encoder–decoder → logits → loss

A map for the teacher's first slide (lesson 01, README): every later picture zooms into one box of
it. The ids are the real ones of the tokenizer passed in (the embedded one by default), built by the
same `make_batch` the lessons use, padded to 6 as in the article.
"""
from __future__ import annotations

from pathlib import Path

from ._cells import CELL
from ._style import IGNORE_INDEX, SPECIAL_PIECES, STYLE, _plt, _save, piece_label, word_start_note

# (lesson, stage name): the tags drawn on the picture; tests/test_plots.py checks they are all there.
STAGES = [("01", "raw pair"), ("02", "pieces and ids"), ("03", "the batch tensors"), ("04", "attention masks"),
          ("05", "encoder–decoder"), ("06", "loss"), ("07–10", "train, decode, evaluate, serve")]
_LESSON_COLOUR = "#1f4e79"


def _tag(ax, x, y, lesson, name):
    """A stage's header: a dark lesson badge, then the stage's name."""
    ax.text(x, y, f" {lesson} ", fontsize=13, fontweight="bold", color="white", va="center", ha="left", gid="stage",
            bbox=dict(boxstyle="round,pad=0.3", facecolor=_LESSON_COLOUR, edgecolor="none"))
    ax.text(x + 0.45 + 0.17 * len(lesson), y, name, fontsize=15, fontweight="bold", va="center", ha="left")


def _cells(ax, x, y, row, *, name, width=1.05):
    """One tensor row: its name on the left, then one box per position (text, kind)."""
    from matplotlib.patches import Rectangle
    ax.text(x - 0.15, y + 0.4, name, fontsize=13, ha="right", va="center", family="monospace")
    for j, (text, kind) in enumerate(row):
        style = CELL[kind]
        ax.add_patch(Rectangle((x + j * width, y), width - 0.08, 0.8, facecolor=style["facecolor"], linewidth=1.2,
                               edgecolor=style["edgecolor"], hatch=style["hatch"], gid=kind))
        box = dict(facecolor="white", edgecolor="none", pad=0.5, alpha=0.85) if style["hatch"] else None
        ax.text(x + j * width + (width - 0.08) / 2, y + 0.4, piece_label(text), fontsize=12, ha="center",
                va="center", bbox=box)


def _box(ax, x, y, w, h, text, *, face="#f3f3f3", edge="#555555", size=13):
    from matplotlib.patches import FancyBboxPatch
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.08", facecolor=face, edgecolor=edge, lw=1.5))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size)


def _arrow(ax, start, end, text=""):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="-|>", lw=2, color="#555555"))
    if text:
        ax.text((start[0] + end[0]) / 2 + 0.15, (start[1] + end[1]) / 2, text, fontsize=11, color="#555555",
                va="center")


def plot_pipeline(path, *, tokenizer=None, pair=None, max_length: int = 6) -> Path:
    """One figure of the whole pipeline for ``pair`` (default: the article's), stages tagged by lesson."""
    from ..batch import make_batch
    from ..data import ARTICLE_PAIR
    if tokenizer is None:
        from ..tokenizer import Tokenizer
        tokenizer = Tokenizer.default()
    english, french = pair or ARTICLE_PAIR
    tok = tokenizer
    src, tgt = tok.encode(english), tok.encode(french)
    batch = make_batch([src], [tgt], pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id,
                       max_length=max(max_length, len(src) + 1, len(tgt) + 1))
    ids = {name: getattr(batch, name)[0].tolist() for name in
           ("input_ids", "attention_mask", "labels", "decoder_input_ids")}

    def id_row(values):
        row = []
        for v in values:
            piece = "" if v == IGNORE_INDEX else tok.id_to_piece(v)
            kind = ("ignore" if v == IGNORE_INDEX else "pad" if v == tok.pad_id else
                    "special" if piece in SPECIAL_PIECES else "token")
            row.append((f"{v}\n{piece}" if piece else str(v), kind))
        return row

    plt = _plt()
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(17, 10))
        fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.01)
        ax.set_ylim(10.0, 0)  # y grows downwards: the stages read top to bottom
        ax.axis("off")
        fig.suptitle(f'The whole pipeline, one pair: "{english}" → "{french}" (badge = lesson)', fontsize=18)

        # left column: data (lessons 01-03)
        _tag(ax, 0.2, 0.4, *STAGES[0])
        ax.text(0.5, 1.0, f'English  "{english}"\nFrench   "{french}"', fontsize=14, va="top", family="monospace")
        _arrow(ax, (1.5, 1.9), (1.5, 2.35), "tokenizer.encode")
        _tag(ax, 0.2, 2.7, *STAGES[1])
        for k, (text, row) in enumerate(((english, src), (french, tgt))):
            pieces = " ".join(piece_label(tok.id_to_piece(i)) for i in row)
            ax.text(0.5, 3.2 + 0.55 * k, f"{pieces}  →  {row}", fontsize=13, va="center", family="monospace")
        ax.text(0.5, 3.2 + 1.0, word_start_note([piece_label("\u2581")]), fontsize=11, color="#555555",
                va="center")
        _arrow(ax, (6.5, 4.0), (6.5, 4.45), "make_batch: + EOS / BOS, pad to a rectangle")
        _tag(ax, 0.2, 4.8, *STAGES[2])
        x0 = 3.0  # each cell as wide as its longest piece needs (about 0.13 per 12-pt character)
        width = max([1.05] + [0.13 * len(tok.id_to_piece(v)) + 0.4 for v in ids["decoder_input_ids"] + ids["labels"]
                              if v != IGNORE_INDEX])
        _cells(ax, x0, 5.25, id_row(ids["input_ids"]), name="input_ids", width=width)
        _cells(ax, x0, 6.15, [(str(v), "real" if v else "masked") for v in ids["attention_mask"]],
               name="attention_mask", width=width)
        _cells(ax, x0, 7.15, id_row(ids["labels"]), name="labels", width=width)
        ax.text(x0, 8.0, "= French + EOS, padded with -100 (skipped by the loss)", fontsize=11, color="#555555",
                va="top")
        _cells(ax, x0, 8.55, id_row(ids["decoder_input_ids"]), name="decoder_input_ids", width=width)
        ax.text(x0, 9.4, "= BOS + labels shifted right (-100 → pad)", fontsize=11, color="#555555", va="top")
        right_edge = x0 + width * len(ids["input_ids"]) + 0.1

        # right column: the model (lessons 04-06) and what follows
        xr = max(10.0, right_edge + 0.9)
        ax.set_xlim(0, xr + 6.3)
        _tag(ax, xr, 0.4, *STAGES[3])
        ax.text(xr + 0.3, 1.0, "padding mask (B,1,1,S) from attention_mask\n"
                "   → encoder self-attention and cross-attention\n"
                "causal ∧ padding (B,1,T,T)\n   → decoder self-attention\n"
                "True = may attend (PyTorch's nn.* : True = ignore)", fontsize=12, va="top")
        _tag(ax, xr, 3.55, *STAGES[4])
        _box(ax, xr + 0.2, 4.0, 2.5, 1.2, "encoder\ninput_ids\n→ memory (B,S,D)", face="#cfe2f3")
        _box(ax, xr + 3.2, 4.0, 2.7, 1.2, "decoder\nreads decoder_input_ids\n→ logits (B,T,V)", face="#e6f2e0")
        _arrow(ax, (xr + 4.55, 5.35), (xr + 4.55, 6.45), "logits")
        _arrow(ax, (xr + 2.75, 4.6), (xr + 3.15, 4.6))
        ax.text(xr + 2.95, 5.45, "cross-attention", fontsize=11, ha="center", color="#555555")
        _tag(ax, xr, 6.3, *STAGES[5])
        ax.text(xr + 0.3, 6.8, "cross_entropy(logits, labels,\n              ignore_index=-100)\n"
                f"mean over the {batch.n_tokens} real label tokens", fontsize=12, va="top", family="monospace")
        _tag(ax, xr, 8.6, *STAGES[6])
        ax.text(xr + 0.3, 9.1, "07 backprop + optimiser step   08 greedy / beam\n"
                "09 BLEU / chrF, attention maps   10 export and serve", fontsize=12, va="top")
        # the batch feeds the model: input_ids → encoder, decoder_input_ids → decoder, labels → loss
        _arrow(ax, (right_edge, 5.65), (xr + 0.2, 4.9))
        _arrow(ax, (right_edge, 7.55), (xr + 0.2, 7.3))
        return _save(fig, path)
