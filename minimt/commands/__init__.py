"""The ``minimt`` command line: one module per subcommand, each a thin layer over the library.

Every command module exposes ``register(subparsers)``, which adds its parser and sets
``func`` (a function taking the parsed ``args``). This file only dispatches and turns a
`MinimtError` into one line on stderr with exit status 2. Nothing in the teaching path
imports this room: the lessons call the library, never the command line.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from ..errors import MinimtError
from ..lang import pick

# (module, what it adds) in lesson order. Each module owns its own arguments.
COMMAND_MODULES = [
    "minimt.commands.data",       # minimt data tatoeba | generate | check
    "minimt.commands.tokenizer",  # minimt tokenizer
    "minimt.commands.inspect",    # minimt inspect
    "minimt.commands.explore",    # minimt explore: the same stages as one offline web page
    "minimt.commands.train",      # minimt train
    "minimt.commands.translate",  # minimt translate
    "minimt.commands.evaluate",   # minimt evaluate
    "minimt.commands.export",     # minimt export --to ctranslate2
    "minimt.commands.plot",       # minimt plot attention | curves
    "minimt.exercises.cli",       # minimt exercises list | start | check
    "minimt.commands.lessons",    # minimt lessons [--out DIR] [--format py|ipynb|both]
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
        importlib.import_module(name).register(sub)
    return parser


def run_command(func, args, name: str) -> int:
    """Call ``func(args)``; a MinimtError becomes one line on stderr and exit status 2."""
    try:
        result = func(args)
    except MinimtError as e:
        lang = getattr(args, "lang", None)  # an explicit --lang (exercises, inspect) wins over the environment
        word = pick(en="error", zh="错误") if lang is None else ("错误" if lang == "zh" else "error")
        print(f"minimt {name}: {word}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `minimt inspect | head`: the reader left; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return int(result or 0)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("MPLBACKEND", "Agg")  # headless by default; a notebook overrides this
    args = build_parser().parse_args(argv)
    return run_command(args.func, args, args.command)


if __name__ == "__main__":
    sys.exit(main())
