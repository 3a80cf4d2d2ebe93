"""`minimt translate`: English in, French out, from a checkpoint folder (lesson 07/08).

    minimt translate --checkpoint runs/minimt "How are you?" "I am hungry."
    echo "How are you?" | minimt translate --checkpoint runs/minimt
    minimt translate --checkpoint runs/minimt --beam 5 --n-best 3 "How are you?"
    minimt translate --checkpoint runs/minimt            # a terminal: an interactive "> " prompt

Greedy decoding by default (``--beam 1``); ``--beam K`` keeps the K best partial translations
at every step (minimt/beam.py; the library side is minimt/translate.py). With ``--n-best N`` each input gives N lines
``translation<TAB>score``, best first (score = length-normalised log-probability).
One input line → one output line, always: an empty input line gives an empty output line, so
the output can be pasted next to the input.
"""
from __future__ import annotations

import argparse
import sys

from ..checkpoint import load_checkpoint
from ..decode import check_decoding_args
from ..errors import MinimtError
from ..runtime.device import resolve_device
from ..serve import is_ctranslate2_dir, translate_with_ctranslate2  # ctranslate2 itself: imported on use
from ..translate import encode_sources, translate, translate_n_best


class Translator:
    """A loaded checkpoint plus the decoding settings; ``__call__(lines) -> output lines``."""

    def __init__(self, args: argparse.Namespace):
        self.device = resolve_device(args.device)
        self.model, self.tok, self.meta = load_checkpoint(args.checkpoint, device=self.device, name=args.name)
        check_decoding_args(self.model, beam_size=args.beam, n_best=args.n_best, alpha=args.alpha,
                            max_len=args.max_len)
        self.beam, self.n_best, self.alpha, self.max_len = args.beam, args.n_best, args.alpha, args.max_len

    def __call__(self, lines: list[str], first_number: int = 1) -> list[str]:
        texts = [line.strip() for line in lines]
        if self.n_best == 1:
            return translate(self.model, self.tok, texts, beam_size=self.beam, alpha=self.alpha,
                             max_len=self.max_len, first_number=first_number)
        encode_sources(self.model, self.tok, texts, first_number)  # a too-long line: its number, first
        return ["\n".join(f"{text}\t{score:.4f}" for text, score in
                          translate_n_best(self.model, self.tok, t, beam_size=self.beam, n_best=self.n_best,
                                           alpha=self.alpha, max_len=self.max_len)) if t else ""
                for t in texts]


class EngineTranslator:
    """The same, served by CTranslate2 from a folder `minimt export` wrote (minimt/serve/)."""

    def __init__(self, args: argparse.Namespace):
        if not is_ctranslate2_dir(args.checkpoint):
            raise MinimtError(f"--checkpoint {args.checkpoint}: not a CTranslate2 model folder "
                              "(make one with: minimt export --to ctranslate2)")
        check_decoding_args(beam_size=args.beam, n_best=args.n_best, alpha=args.alpha, max_len=args.max_len)
        self.args, self.meta = args, {"path": args.checkpoint}

    def __call__(self, lines: list[str], first_number: int = 1) -> list[str]:
        a = self.args
        return translate_with_ctranslate2(a.checkpoint, lines, beam=a.beam, n_best=a.n_best, max_len=a.max_len,
                                          alpha=a.alpha, device=a.device)


def run(args: argparse.Namespace) -> int:
    engine = args.engine
    if engine is None:  # a folder `minimt export` wrote is recognised by itself
        engine = "ctranslate2" if is_ctranslate2_dir(args.checkpoint) else "minimt"
    translator = EngineTranslator(args) if engine == "ctranslate2" else Translator(args)
    if args.sentences:
        for line in translator(args.sentences):
            print(line)
        return 0
    if sys.stdin.isatty():  # a person at a terminal: one sentence at a time
        print(f"minimt translate ({translator.meta['path']}); an empty line or Ctrl-D quits", file=sys.stderr)
        while True:
            try:
                line = input("> ")
            except EOFError:
                print(file=sys.stderr)
                return 0
            if not line.strip():
                return 0
            try:
                print(translator([line])[0], flush=True)
            except MinimtError as e:  # a too-long sentence should not end the session
                print(f"error: {e}", file=sys.stderr)
    lines = sys.stdin.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it is not an extra empty line
    for start in range(0, len(lines), 256):  # stream the output in chunks
        for line in translator(lines[start:start + 256], first_number=start + 1):
            print(line, flush=False)
        sys.stdout.flush()
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sentences", nargs="*", help="English sentences (default: read lines from stdin)")
    p.add_argument("--checkpoint", default="runs/minimt", help="checkpoint folder (default runs/minimt)")
    p.add_argument("--name", default="best", choices=["best", "latest"],
                   help="which weights: best (by valid BLEU; falls back to latest) or latest")
    p.add_argument("--beam", type=int, default=1, help="beam size (default 1 = greedy)")
    p.add_argument("--n-best", type=int, default=1, help="hypotheses per sentence (<= --beam)")
    p.add_argument("--alpha", type=float, default=0.6, help="length penalty exponent for beam search")
    p.add_argument("--max-len", type=int, default=None, help="most pieces to generate")
    p.add_argument("--device", default="cpu", help="cpu (default), cuda[:N], mps or auto")
    p.add_argument("--engine", choices=["minimt", "ctranslate2"], default=None,
                   help="minimt (a checkpoint folder) or ctranslate2 (a folder from `minimt export`); "
                        "default: told by the folder")


def register(sub) -> None:
    parser = sub.add_parser("translate", help="translate English sentences with a trained checkpoint",
                            description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.set_defaults(func=run)
