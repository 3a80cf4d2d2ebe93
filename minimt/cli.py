"""The ``minimt`` command: one subcommand per stage, each defined in its own module.

Every command module exposes ``register(subparsers)``, which adds its parser and sets
``func`` (a function taking the parsed ``args``). This file only dispatches and turns a
`MinimtError` into one line on stderr with exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from .errors import MinimtError

# (module, what it adds) in lesson order. Each module owns its own arguments.
COMMAND_MODULES = [
    "minimt.data",          # minimt data tatoeba | generate
    "minimt.tokenizer",     # minimt tokenizer
    "minimt.walkthrough",   # minimt inspect
    "minimt.train",         # minimt train
    "minimt.translate",     # minimt translate
    "minimt.evaluate",      # minimt evaluate
    "minimt.plot_cli",      # minimt plot attention | curves
    "minimt.exercises.cli", # minimt exercises list | start | check
]


class OneLineParser(argparse.ArgumentParser):
    """argparse prints the whole usage block on a bad argument; we print one line, exit 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="minimt", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:  # a stage not written yet: skip it, don't break the rest
            if e.name and name.startswith(e.name):
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("MPLBACKEND", "Agg")  # headless by default; a notebook overrides this
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except MinimtError as e:
        print(f"minimt {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `minimt inspect | head`: the reader left; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
