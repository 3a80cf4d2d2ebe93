"""`minimt export`: a trained checkpoint folder → a model folder an inference engine serves (lesson 10).

    minimt export --checkpoint runs/minimt --to ctranslate2 --out serve/minimt-ct2
    minimt export --checkpoint runs/minimt --to ctranslate2 --out serve/minimt-int8 --quantization int8

Then: ``minimt translate --engine ctranslate2 --checkpoint serve/minimt-ct2 "How are you?"``.
"""
from __future__ import annotations

import argparse
import sys

from ..errors import MinimtError
from ..serve.export import QUANTIZATIONS, export_ctranslate2

TARGETS = ("ctranslate2",)


def run(args: argparse.Namespace) -> int:
    if args.to not in TARGETS:
        raise MinimtError(f"--to {args.to}: choose one of {', '.join(TARGETS)}")
    if args.quantization not in QUANTIZATIONS:  # checked before the checkpoint is even read
        raise MinimtError(f"--quantization {args.quantization}: choose one of {', '.join(QUANTIZATIONS)}")
    out = export_ctranslate2(args.checkpoint, args.out, quantization=args.quantization, name=args.name)
    size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    print(f"wrote {out} ({args.quantization}, {size / 1e6:.1f} MB); try: "
          f"minimt translate --engine ctranslate2 --checkpoint {out} \"How are you?\"")
    return 0


def register(sub) -> None:
    p = sub.add_parser("export", help="export a checkpoint for an inference engine (CTranslate2)",
                       description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", required=True, metavar="DIR", help="minimt checkpoint folder")
    p.add_argument("--to", default="ctranslate2", metavar="ENGINE", help="ctranslate2 (the only one)")
    p.add_argument("--out", required=True, metavar="DIR", help="new (or empty) folder to write")
    p.add_argument("--quantization", default="float32", metavar="TYPE",
                   help="float32 (default), int8 or int8_float32: weights in 8 bits, ~4x smaller")
    p.add_argument("--name", default="best", choices=["best", "latest"], help="which weights (default best)")
    p.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    """`python -m minimt.commands.export ...`, the same as `minimt export ...`."""
    from . import main as dispatch
    return dispatch(["export", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
