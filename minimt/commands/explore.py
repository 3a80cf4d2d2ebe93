"""`minimt explore`: one offline .html page where every cell of every tensor says what it is and why.

    minimt explore "How are you?" "Comment ça va ?" --max-length 6
    minimt explore --batch 8 --checkpoint runs/minimt --out batch.html

Open the file from disk in any browser: no network, no install. Without --checkpoint the
model is freshly initialised (the page says so): masks, ids and labels are the same, the
attention weights and the loss are those of random weights.
"""
from __future__ import annotations

import argparse
import sys

from ..explore import write_explorer
from .inspect import collect_pairs

DEFAULT_OUT = "minimt-explore.html"


def run(args: argparse.Namespace) -> int:
    pairs = collect_pairs(args)  # the same pairs `minimt inspect` shows, from the same arguments
    import torch
    torch.set_num_threads(min(torch.get_num_threads(), 4))  # a few small forward passes
    path = write_explorer(args.out, pairs, checkpoint=args.checkpoint, max_length=args.max_length)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB): open it in a browser, no network needed")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explore", help="write one offline web page: every tensor cell says what it is and why",
                       description=__doc__.splitlines()[0])
    p.add_argument("texts", nargs="*", metavar="TEXT",
                   help='English and French, in pairs: "How are you?" "Comment ça va ?" (default: that pair)')
    p.add_argument("--max-length", type=int, metavar="N", help="pad every row to N (the article uses 6)")
    p.add_argument("--batch", type=int, metavar="N", help="add N pairs drawn from the corpus (a padded batch)")
    p.add_argument("--data", metavar="FILE", help="corpus for --batch (default: the embedded train split)")
    p.add_argument("--seed", type=int, default=0, help="seed for --batch (default 0)")
    p.add_argument("--checkpoint", metavar="DIR", help="a trained model from minimt train (default: a fresh one)")
    p.add_argument("--out", metavar="FILE", default=DEFAULT_OUT, help=f"the page to write (default: {DEFAULT_OUT})")
    p.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    """`python -m minimt.commands.explore ...`, the same as `minimt explore ...`."""
    from . import main as dispatch
    return dispatch(["explore", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
