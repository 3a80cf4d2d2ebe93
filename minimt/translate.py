"""`minimt translate`: English in, French out, from a checkpoint folder (lesson 07/08).

    minimt translate --checkpoint runs/minimt "How are you?" "I am hungry."
    echo "How are you?" | minimt translate --checkpoint runs/minimt
    minimt translate --checkpoint runs/minimt --beam 5 --n-best 3 "How are you?"
    minimt translate --checkpoint runs/minimt            # a terminal: an interactive "> " prompt

Greedy decoding by default (``--beam 1``); ``--beam K`` keeps the K best partial translations
at every step (minimt/beam.py). With ``--n-best N`` each input gives N lines
``translation<TAB>score``, best first (score = length-normalised log-probability).
One input line → one output line, always: an empty input line gives an empty output line, so
the output can be pasted next to the input.
"""
from __future__ import annotations

import argparse
import sys

from .errors import MinimtError


def check_decoding_args(args: argparse.Namespace) -> None:
    if args.beam < 1:
        raise MinimtError(f"--beam {args.beam}: must be at least 1 (1 = greedy)")
    if args.n_best < 1:
        raise MinimtError(f"--n-best {args.n_best}: must be at least 1")
    if args.n_best > args.beam:
        raise MinimtError(f"--n-best {args.n_best} is larger than --beam {args.beam}: "
                          "a beam of K keeps only K hypotheses")
    if args.alpha < 0:
        raise MinimtError(f"--alpha {args.alpha:g}: the length penalty exponent must be >= 0")
    if args.max_len is not None and args.max_len < 1:
        raise MinimtError(f"--max-len {args.max_len}: must be at least 1")


class Translator:
    """A loaded checkpoint plus the decoding settings; ``__call__(lines) -> output lines``."""

    def __init__(self, args: argparse.Namespace):
        from .checkpoint import load_checkpoint
        from .train_setup import resolve_device
        check_decoding_args(args)
        self.device = resolve_device(args.device)
        self.model, self.tok, self.meta = load_checkpoint(args.checkpoint, device=self.device, name=args.name)
        self.max_positions = self.model.config.max_positions
        if args.max_len is not None and args.max_len >= self.max_positions:
            raise MinimtError(f"--max-len {args.max_len}: the model has only {self.max_positions} "
                              f"positions (use at most {self.max_positions - 1})")
        self.beam, self.n_best, self.alpha, self.max_len = args.beam, args.n_best, args.alpha, args.max_len

    def _check_length(self, sentences: list[str], first_number: int) -> None:
        for i, s in enumerate(sentences):
            n = len(self.tok.encode(s)) + 1  # + EOS
            if n > self.max_positions:
                raise MinimtError(f"sentence {first_number + i}: {n} pieces with EOS, more than the "
                                  f"model's {self.max_positions} positions; split it")

    def __call__(self, lines: list[str], first_number: int = 1) -> list[str]:
        import torch
        from .decode import translate
        texts = [line.strip() for line in lines]
        todo = [i for i, t in enumerate(texts) if t]
        self._check_length([texts[i] for i in todo], first_number)
        out = [""] * len(texts)
        if not todo:
            return out
        with torch.no_grad():
            if self.n_best == 1:
                hyps = translate(self.model, self.tok, [texts[i] for i in todo], beam_size=self.beam,
                                 alpha=self.alpha, max_len=self.max_len)
                for i, h in zip(todo, hyps):
                    out[i] = h
            else:
                for i in todo:
                    out[i] = "\n".join(f"{text}\t{score:.4f}" for text, score in self._n_best(texts[i]))
        return out

    def _n_best(self, sentence: str) -> list[tuple[str, float]]:
        from .batch import make_batch
        from .beam import beam_search
        tok = self.tok
        ids = tok.encode(sentence)
        batch = make_batch([ids], [[tok.eos_id]], pad_id=tok.pad_id, bos_id=tok.bos_id,
                           eos_id=tok.eos_id).to(self.device)  # only the source half is used
        rows = beam_search(self.model, batch.input_ids, batch.attention_mask, bos_id=tok.bos_id,
                           eos_id=tok.eos_id, beam_size=self.beam, alpha=self.alpha,
                           max_len=self.max_len, n_best=self.n_best)
        return [(tok.decode(h), float(s)) for h, s in rows[0]]


def run(args: argparse.Namespace) -> int:
    translator = Translator(args)
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


def register(sub) -> None:
    parser = sub.add_parser("translate", help="translate English sentences with a trained checkpoint",
                            description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.set_defaults(func=run)
