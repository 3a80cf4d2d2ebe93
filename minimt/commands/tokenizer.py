"""`minimt tokenizer`: train a joint EN+FR SentencePiece tokenizer and show its statistics."""
from __future__ import annotations

import argparse

from ..data import ARTICLE_PAIR, load_pairs
from ..errors import MinimtError
from ..tokenizer import UNK_ID, Tokenizer, statistics

SAMPLES = [ARTICLE_PAIR, ("I don't know.", "Je ne sais pas."),
           ("Tom bought 3 apples in 1984.", "Tom a acheté 3 pommes en 1984.")]



def _run(args: argparse.Namespace) -> int:
    if args.vocab_size < 5:
        raise MinimtError(f"--vocab-size {args.vocab_size}: must be at least 5")
    pairs = load_pairs(args.data)
    tok = Tokenizer.train(pairs, args.vocab_size, out_dir=args.out)
    s = statistics(tok, pairs)
    print(f"model:       {tok.model_path}  (sha256 {tok.sha256[:12]})")
    print(f"trained on:  {len(pairs):,} pairs from {args.data} (both sides, one joint model)")
    print(f"vocabulary:  {s['vocab_size']:,} pieces (pad=0 unk=1 bos=2 eos=3)")
    print(f"pieces/sentence (mean):  English {s['pieces_per_sentence_en']:.2f}   French {s['pieces_per_sentence_fr']:.2f}")
    print(f"unknown rate:            English {s['unk_rate_en']:.4%}   French {s['unk_rate_fr']:.4%}")
    print("samples (⁇… = unknown to this vocabulary):")
    for pair in SAMPLES + [tuple(pairs[0])]:
        for text in pair:
            shown = [f"⁇{p}" if i == UNK_ID else p for i, p in zip(tok.encode(text), tok.pieces(text))]
            print(f"  {text!r:40} → {' '.join(shown)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tokenizer", help="train a joint EN+FR SentencePiece tokenizer and show its statistics",
                       description="Train one SentencePiece (BPE) model over both sides of a TSV corpus.")
    p.add_argument("--data", required=True, metavar="FILE", help="english<TAB>french TSV file")
    p.add_argument("--vocab-size", type=int, default=4000, metavar="N", help="number of pieces (default 4000)")
    p.add_argument("--out", metavar="DIR", help="write minimt.model here (default: the cache)")
    p.set_defaults(func=_run)
