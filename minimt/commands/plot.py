"""`minimt plot attention | curves`: the pictures of minimt/plots/ from the command line.

    minimt plot attention "How are you?" --checkpoint RUN_DIR [--out DIR] [--layer N]
    minimt plot curves RUN_DIR [--out DIR]

Only argument handling lives here; every picture is drawn by a function of `minimt.plots`.
"""
from __future__ import annotations

from pathlib import Path

from ..checkpoint import load_checkpoint
from ..errors import MinimtError
from ..plots import attention_pictures, plot_training_curves


def _run_attention(args) -> int:
    if not args.sentence.strip():
        raise MinimtError("SENTENCE is empty: give an English sentence, e.g. \"How are you?\"")
    model, tokenizer, _ = load_checkpoint(args.checkpoint, device="cpu")
    out = Path(args.out) if args.out else Path(args.checkpoint) / "attention"
    translation, paths = attention_pictures(model, tokenizer, args.sentence, out, layer=args.layer)
    print(f"{args.sentence} → {translation}")
    for p in paths:
        print(f"wrote {p}")
    return 0


def _run_curves(args) -> int:
    run_dir = Path(args.run_dir)
    out = Path(args.out) if args.out else (run_dir if run_dir.is_dir() else run_dir.parent)
    print(f"wrote {plot_training_curves(run_dir, path=out / 'curves.png')}")
    return 0


def register(sub) -> None:
    plot = sub.add_parser("plot", help="draw attention maps or training curves")
    what = plot.add_subparsers(dest="what", metavar="WHAT", parser_class=type(plot))
    what.required = True
    att = what.add_parser("attention", help="attention maps for one translated sentence")
    att.add_argument("sentence", metavar="SENTENCE", help='English sentence, e.g. "How are you?"')
    att.add_argument("--checkpoint", required=True, help="run directory holding the checkpoint")
    att.add_argument("--out", help="folder for the PNGs (default: CHECKPOINT/attention)")
    att.add_argument("--layer", type=int, help="only this layer (default: all)")
    att.set_defaults(func=_run_attention)
    cur = what.add_parser("curves", help="loss, BLEU/chrF and lr curves from RUN_DIR/metrics.jsonl")
    cur.add_argument("run_dir", metavar="RUN_DIR")
    cur.add_argument("--out", help="folder for curves.png (default: RUN_DIR)")
    cur.set_defaults(func=_run_curves)
