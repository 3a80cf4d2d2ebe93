"""`minimt evaluate`: translate a test split and print sacreBLEU BLEU and chrF (lesson 09)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..checkpoint import load_checkpoint
from ..data import load_pairs
from ..decode import check_decoding_args
from ..errors import MinimtError
from ..evaluate import corpus_scores, group_references, sentence_chrf, translate_all
from ..files import atomic_write_text


def _run(args: argparse.Namespace) -> int:
    check_decoding_args(beam_size=args.beam, alpha=args.alpha, max_len=args.max_len, batch_size=args.batch_size)
    if args.limit is not None and args.limit < 1:
        raise MinimtError(f"--limit {args.limit}: must be at least 1")
    pairs = load_pairs(args.data)  # a line that is not a pair stops here, naming file:line
    sources, references = group_references(pairs)
    if args.limit:
        sources, references = sources[:args.limit], references[:args.limit]

    model, tokenizer, meta = load_checkpoint(args.checkpoint, device=args.device)
    out = Path(args.out) if args.out else Path(args.checkpoint) / f"{Path(args.data).stem}.beam{args.beam}.hyp.txt"
    print(f"{args.data}: {len(sources):,} English sentences, {sum(map(len, references)):,} French references; "
          f"decoding with {'greedy search' if args.beam == 1 else f'beam {args.beam}, alpha {args.alpha}'}",
          file=sys.stderr)
    hyps = translate_all(model, tokenizer, sources, beam_size=args.beam, alpha=args.alpha, max_len=args.max_len,
                         batch_size=args.batch_size, progress=not args.quiet)
    atomic_write_text(out, "".join(h + "\n" for h in hyps))
    s = corpus_scores(hyps, references)
    print(f"wrote {len(hyps):,} hypotheses to {out}")
    print(f"BLEU = {s['bleu']:.2f}   ({s['bleu_text']})")
    print(f"       signature: {s['bleu_signature']}")
    print(f"chrF = {s['chrf']:.2f}   signature: {s['chrf_signature']}")
    print(f"(both computed on detokenised text, {s['normalization']})")
    for i in range(min(args.examples, len(sources))):
        print(f"\n  EN  {sources[i]}")
        for r in references[i]:
            print(f"  REF {r}")
        print(f"  HYP {hyps[i]}   (sentence chrF {sentence_chrf(hyps[i], references[i]):.1f})")
    return 0


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="translate a test split and print sacreBLEU BLEU and chrF")
    p.add_argument("--checkpoint", required=True, help="run directory holding the checkpoint")
    p.add_argument("--data", required=True, help="TSV of english<TAB>french pairs (several lines per English "
                                                 "sentence = several references)")
    p.add_argument("--beam", type=int, default=1, help="beam size (1 = greedy, the default)")
    p.add_argument("--alpha", type=float, default=0.6, help="length penalty exponent for beam search")
    p.add_argument("--max-len", type=int, default=None, help="most tokens generated per sentence")
    p.add_argument("--out", help="hypotheses file (default: CHECKPOINT/<data>.beam<K>.hyp.txt)")
    p.add_argument("--limit", type=int, default=None, help="only the first N English sentences")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--examples", type=int, default=5, help="how many examples to print")
    p.add_argument("--device", default="cpu")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run)
