"""`minimt lessons [--out DIR] [--format py|ipynb|both]`: the lessons, copied into a folder you own.

Works the same from a clone and from `pip install minimt` (the wheel carries the lessons). Files that
already exist are kept, never overwritten — your notes in a lesson survive a second run.
"""
from __future__ import annotations

import sys

from .course import FORMATS, copy_lessons, lessons_dir


def run(args) -> int:
    written, kept = copy_lessons(args.out, args.format)
    for path in written:
        print(f"wrote {path}")
    for path in kept:
        print(f"kept  {path} (exists; not overwritten)")
    print(f"{len(written)} written, {len(kept)} kept in {args.out} (from {lessons_dir()})")
    if args.format in ("py", "both"):
        print(f"run one as a script: cd {args.out} && MINIMT_FAST=1 python 01_data.py")
    if args.format in ("ipynb", "both"):
        print(f"or as a notebook: open {args.out}/01_data.ipynb in JupyterLab or VS Code, then Run All")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("lessons", help="copy the lessons (scripts and/or notebooks) into a folder",
                              description=__doc__.splitlines()[0])
    p.add_argument("--out", default="minimt-lessons", metavar="DIR", help="folder to copy into (default: ./minimt-lessons)")
    # Checked by copy_lessons, not argparse `choices`: the same one-line error from the library and the CLI.
    p.add_argument("--format", default="both", metavar="|".join(FORMATS),
                   help="the # %%%% scripts, notebooks generated from them, or both (default: both)")
    p.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    """`python -m minimt.commands.lessons ...`, the same as `minimt lessons ...`."""
    from . import main as dispatch
    return dispatch(["lessons", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
