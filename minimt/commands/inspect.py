"""`minimt inspect`: the article's walkthrough, with minimt's own tokenizer, ids and pictures.

    minimt inspect "How are you?" "Comment ça va ?" --max-length 6

prints every stage a pair goes through before the model sees it — raw pair → pieces → ids →
input_ids → attention_mask → labels (-100) → decoder_input_ids (drawn under the labels, so the
shift right is visible) — and saves one picture per stage. Several pairs (EN FR EN FR …) or
``--batch N`` (drawn from the corpus with a seed) show a whole padded batch. ``--json`` prints
the tensors for scripts instead. ``--lang zh`` (or MINIMT_LANG=zh, or a zh_CN locale) tells the
walkthrough in Chinese, for the readers of the article it retells (the words: inspect_text.py), and
titles the pictures in Chinese where a CJK font is installed (minimt/plots/titles_zh.py).
"""
from __future__ import annotations

import argparse
import json
import unicodedata
from pathlib import Path

from .. import plots
from ..batch import IGNORE_INDEX, Batch, make_batch
from ..data import ARTICLE_PAIR
from ..errors import MinimtError
from ..explore import corpus_pairs, write_explorer
from ..lang import choose_language
from ..plots.titles_zh import plot_language
from ..tokenizer import Tokenizer
from .inspect_text import TEXT

DEFAULT_OUT = "minimt-inspect"
STAGES = TEXT["en"]["stages"]  # number: (name, one-line explanation); TEXT["zh"]["stages"] in Chinese


def collect_pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """Pairs from the positional texts (EN FR EN FR …) and/or --batch N drawn from a corpus."""
    texts = args.texts
    if len(texts) % 2:
        raise MinimtError(f"{len(texts)} texts given: pass English and French in pairs (EN FR EN FR …)")
    pairs = [(texts[i], texts[i + 1]) for i in range(0, len(texts), 2)]
    for k, (en, fr) in enumerate(pairs):
        for side, text in (("English", en), ("French", fr)):
            if not text.strip():
                raise MinimtError(f"row {k}: empty {side} text (argument {2 * k + 1 + (side == 'French')})")
    if args.batch is not None:
        pairs += corpus_pairs(args.batch, seed=args.seed, data=args.data)
    elif args.data:
        raise MinimtError("--data needs --batch N (how many pairs to draw from it)")
    return pairs or [ARTICLE_PAIR]


def build(tok: Tokenizer, pairs, *, max_length=None, truncate=False) -> dict:
    """Every stage for ``pairs``, as plain Python lists (what --json prints)."""
    src_ids = [tok.encode(en) for en, _ in pairs]
    tgt_ids = [tok.encode(fr) for _, fr in pairs]
    for k, (s, t) in enumerate(zip(src_ids, tgt_ids)):
        if not s or not t:
            raise MinimtError(f"row {k}: the {'English' if not s else 'French'} text has no pieces")
    batch: Batch = make_batch(src_ids, tgt_ids, pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id,
                              max_length=max_length, truncate=truncate, vocab_size=tok.vocab_size)
    return {
        "pairs": [list(p) for p in pairs],
        "tokenizer": {"model_path": str(tok.model_path), "sha256": tok.sha256, "vocab_size": tok.vocab_size,
                      "pad_id": tok.pad_id, "unk_id": tok.unk_id, "bos_id": tok.bos_id, "eos_id": tok.eos_id},
        "ignore_index": IGNORE_INDEX,
        "max_length": max_length,
        "src_pieces": [[tok.id_to_piece(i) for i in row] for row in src_ids],
        "tgt_pieces": [[tok.id_to_piece(i) for i in row] for row in tgt_ids],
        "src_ids": src_ids,
        "tgt_ids": tgt_ids,
        **{name: getattr(batch, name).tolist() for name in
           ("input_ids", "attention_mask", "labels", "decoder_input_ids", "decoder_attention_mask")},
    }


def piece_rows(tok: Tokenizer, rows) -> list[list[str]]:
    """Pieces under each id; -100 is not an id, so it gets no piece."""
    return [["" if i == IGNORE_INDEX else tok.id_to_piece(i) for i in row] for row in rows]


# ---------------------------------------------------------------- the terminal view

def _width(text: str) -> int:
    """Columns a terminal gives ``text``: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _columns(lines: list[tuple[str, list[str]]], indent: str = "   ") -> str:
    """Rows of cells, every column as wide as its widest cell, so ids line up with pieces."""
    n = max(len(cells) for _, cells in lines)
    widths = [max([_width(cells[j]) for _, cells in lines if j < len(cells)] + [2]) for j in range(n)]
    head = max(_width(label) for label, _ in lines)
    return "\n".join(indent + label + " " * (head - _width(label) + 2)
                     + "  ".join(" " * (w - _width(c)) + c for c, w in zip(cells, widths)).rstrip()
                     for label, cells in lines)


def render(stages: dict, tok: Tokenizer, lang: str = "en") -> str:
    """The walkthrough as text, in ``lang`` ("en" or "zh"; the numbers are the same in both)."""
    t = TEXT[lang]
    pairs, B = stages["pairs"], len(stages["pairs"])
    S, T = len(stages["input_ids"][0]), len(stages["labels"][0])

    def title(n: int, extra: str = "") -> str:
        name, why = t["stages"][n]
        return f"\n{n}. {name}{t['dash']}{why}{extra}"

    en, fr, row = (lambda b: t["en"].format(b=b)), (lambda b: t["fr"].format(b=b)), (lambda b: t["row"].format(b=b))
    out = [t["header"].format(path=stages["tokenizer"]["model_path"], vocab=tok.vocab_size, pad=tok.pad_id,
                              unk=tok.unk_id, bos=tok.bos_id, eos=tok.eos_id)]
    out.append(title(1))
    out += [f"   {en(b)}  {e}\n   {fr(b)}  {f}" for b, (e, f) in enumerate(pairs)]
    out.append(title(2))
    for b in range(B):
        out.append(f"   {en(b)}  " + " | ".join(stages["src_pieces"][b]))
        out.append(f"   {fr(b)}  " + " | ".join(stages["tgt_pieces"][b]))
    out.append(title(3))
    for b in range(B):
        out.append(_columns([(en(b), [str(i) for i in stages["src_ids"][b]]), ("", stages["src_pieces"][b])]))
        out.append(_columns([(fr(b), [str(i) for i in stages["tgt_ids"][b]]), ("", stages["tgt_pieces"][b])]))
    out.append(title(4, t["to_length"].format(S=S)))
    in_pieces = piece_rows(tok, stages["input_ids"])
    rows = [(t["position"], [str(j) for j in range(S)])]
    for b in range(B):
        rows += [(row(b), [str(i) for i in stages["input_ids"][b]]), ("", in_pieces[b])]
    out.append(_columns(rows))
    out.append(title(5))
    out.append(_columns([(t["position"], [str(j) for j in range(S)])] +
                        [(row(b), [str(m) for m in stages["attention_mask"][b]]) for b in range(B)]))
    out.append(title(6))
    out.append(title(7)[1:])
    out.append("   " + t["read_columns"])
    lab_pieces, dec_pieces = piece_rows(tok, stages["labels"]), piece_rows(tok, stages["decoder_input_ids"])
    for b in range(B):
        arrows = ["↘" if j + 1 < T and stages["labels"][b][j] != IGNORE_INDEX else "" for j in range(T)]
        out.append(_columns([(t["position"], [str(j) for j in range(T)]),
                             (t["row_labels"].format(b=b), [str(i) for i in stages["labels"][b]]), ("", lab_pieces[b]),
                             ("", arrows),
                             ("decoder_input_ids", [str(i) for i in stages["decoder_input_ids"][b]]),
                             ("", dec_pieces[b]),
                             ("decoder_attention_mask", [str(m) for m in stages["decoder_attention_mask"][b]])]))
    out.append(_article_note(stages, tok, t))
    real = sum(x != IGNORE_INDEX for r in stages["labels"] for x in r)
    out.append(t["left_out"].format(vocab=tok.vocab_size, pad=tok.pad_id, unk=tok.unk_id, bos=tok.bos_id,
                                    eos=tok.eos_id, dec=stages["decoder_input_ids"][0], lab=stages["labels"][0],
                                    B=B, S=S, T=T, real=real, cells=B * T))
    out.append(t["then"].format(B=B, T=T, V=tok.vocab_size))
    return "\n".join(out)


def _article_note(stages: dict, tok: Tokenizer, t: dict) -> str:
    ids, lab = stages["input_ids"][0], stages["labels"][0]
    # row 0 is the article's own pair unless the user chose others: then say which sentence it is
    ours = t["ours_article"]
    if tuple(stages["pairs"][0]) != ARTICLE_PAIR:
        ours = t["ours_other"].format(sentence=stages["pairs"][0][0])
    return t["article"].format(ours=ours, ids=ids, lab=lab, bos=tok.bos_id, eos=tok.eos_id)


# ---------------------------------------------------------------- pictures

def draw(stages: dict, tok: Tokenizer, out_dir: str | Path) -> list[Path]:
    """One PNG per stage 2–7, labelled with the real pieces."""
    out = Path(out_dir)
    B = len(stages["pairs"])
    side_labels = [f"{lang} {b}" for b in range(B) for lang in ("EN", "FR")]
    side_pieces = [p for b in range(B) for p in (stages["src_pieces"][b], stages["tgt_pieces"][b])]
    side_ids = [i for b in range(B) for i in (stages["src_ids"][b], stages["tgt_ids"][b])]
    rows = [f"row {b}" for b in range(B)]
    in_pieces = piece_rows(tok, stages["input_ids"])
    return [
        plots.plot_tokens(side_pieces, title="2. pieces: SentencePiece splits each sentence",
                          path=out / "2_pieces.png", row_labels=side_labels),
        plots.plot_id_grid(side_ids, pieces=side_pieces, title="3. ids: each piece's row in the vocabulary",
                           path=out / "3_ids.png", row_labels=side_labels),
        plots.plot_id_grid(stages["input_ids"], pieces=in_pieces, pad_id=tok.pad_id, row_labels=rows,
                           title="4. input_ids = source + EOS, padded with PAD (0)", path=out / "4_input_ids.png"),
        plots.plot_mask_grid(stages["attention_mask"], pieces=in_pieces, row_labels=rows,
                             title="5. attention_mask: 1 = real token, 0 = padding", path=out / "5_attention_mask.png"),
        plots.plot_id_grid(stages["labels"], pieces=piece_rows(tok, stages["labels"]), pad_id=tok.pad_id,
                           row_labels=rows, title="6. labels = target + EOS, padded with -100",
                           path=out / "6_labels.png"),
        plots.plot_shift(stages["labels"], stages["decoder_input_ids"], label_pieces=piece_rows(tok, stages["labels"]),
                         input_pieces=piece_rows(tok, stages["decoder_input_ids"]), path=out / "7_decoder_input_ids.png",
                         title="7. decoder_input_ids = [BOS] + labels[:-1], -100 → PAD"),
    ]


# ---------------------------------------------------------------- command line

def run(args: argparse.Namespace) -> int:
    lang = choose_language(args.lang)  # --lang, else MINIMT_LANG, else the locale, else English
    if args.max_length is not None and args.max_length < 2:
        raise MinimtError(f"--max-length {args.max_length}: must be at least 2 (one token + EOS)")
    pairs = collect_pairs(args)
    tok = Tokenizer(args.tokenizer) if args.tokenizer else Tokenizer.default()
    stages = build(tok, pairs, max_length=args.max_length, truncate=args.truncate)
    out_dir = args.out if args.out or args.json else DEFAULT_OUT  # --json alone writes no pictures
    if args.json:
        print(json.dumps(stages, ensure_ascii=False))
    else:
        print(render(stages, tok, lang))
    if out_dir:
        with plot_language(lang):  # Chinese titles where a CJK font is installed, English otherwise
            paths = draw(stages, tok, out_dir)
        if not args.json:
            print(TEXT[lang]["pictures"].format(paths=", ".join(str(p) for p in paths)))
    if args.html:  # the same pairs as one page where every cell says why (minimt explore)
        page = write_explorer(args.html, pairs, max_length=args.max_length)
        print(TEXT[lang]["explorer"].format(page=page))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help="show every tensor a sentence pair becomes (the article's walkthrough)",
                       description=__doc__.splitlines()[0])
    p.add_argument("texts", nargs="*", metavar="TEXT",
                   help='English and French, in pairs: "How are you?" "Comment ça va ?" (default: that pair)')
    p.add_argument("--max-length", type=int, metavar="N", help="pad every row to N (the article uses 6)")
    p.add_argument("--truncate", action="store_true", help="cut rows longer than --max-length (EOS kept)")
    p.add_argument("--batch", type=int, metavar="N", help="add N pairs drawn at random from the corpus")
    p.add_argument("--data", metavar="FILE", help="corpus for --batch (default: the embedded train split)")
    p.add_argument("--seed", type=int, default=0, help="seed for --batch (default 0)")
    p.add_argument("--tokenizer", metavar="MODEL", help="a minimt.model file (default: trained on the embedded corpus)")
    p.add_argument("--out", metavar="DIR", help=f"folder for the pictures (default: ./{DEFAULT_OUT}/)")
    p.add_argument("--json", action="store_true", help="print the tensors as JSON only (pictures only with --out)")
    p.add_argument("--html", metavar="FILE", help="also write the explorer page for these pairs (as minimt explore)")
    p.add_argument("--lang", metavar="en|zh",
                   help="language of the walkthrough and picture titles: en or zh (中文); "
                        "default: $MINIMT_LANG, else the locale, else en")
    p.set_defaults(func=run)
