"""Scoring translations the way the MT field does: sacreBLEU's BLEU and chrF (lesson 09).

Why sacreBLEU and not a BLEU we write ourselves: BLEU depends on how the text is cut into
words before n-grams are counted. Scores computed on SentencePiece pieces, or on text each
paper tokenised its own way, are not comparable (the same French output can move by several
points). sacreBLEU scores *detokenised* text — what a reader sees — with one fixed,
versioned tokenisation, and prints a signature (``nrefs:1|case:mixed|eff:no|tok:13a|…``) that
says exactly how the number was made. So we always report the score WITH its signature.

French punctuation. French typography puts a (narrow) no-break space before ? ! : ; and
inside « ». References mix U+00A0, U+202F and plain spaces; our tokenizer's NFKC
normalisation turns all of them into a plain space, so our hypotheses only have plain
spaces. Scoring those against unnormalised references would count "va ?" (NBSP) ≠ "va ?"
(space) as a miss that no model could fix. So we apply the SAME normalisation to hypotheses
and references before scoring: Unicode NFKC, then every run of whitespace → one space.

Several references. Tatoeba often gives several French translations of one English sentence
(one per line). `group_references` merges them: the English sentence is translated once and
scored against all its references (sacreBLEU's multi-reference BLEU/chrF).

Corpus level only: BLEU of one short sentence is mostly 0 (no matching 4-gram); per-example
numbers below use sentence chrF, which degrades gracefully, and are for reading, not ranking.
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

from .errors import MinimtError
from .files import atomic_write_text


def normalize(text: str) -> str:
    """NFKC (as the tokenizer does: NBSP, narrow NBSP → space; ligatures, full-width forms
    unfolded), then collapse whitespace. Applied to hypotheses AND references."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def group_references(pairs: list[tuple[str, str]]) -> tuple[list[str], list[list[str]]]:
    """(english, french) pairs → unique English sources (first-seen order) and their French references."""
    refs: dict[str, list[str]] = {}
    for en, fr in pairs:
        refs.setdefault(en, []).append(fr)
    return list(refs), list(refs.values())


def corpus_scores(hypotheses: list[str], references: list[str | list[str]]) -> dict:
    """Corpus BLEU and chrF (sacreBLEU) of ``hypotheses``; ``references[i]`` is one string or a list.

    Returns ``{"bleu", "chrf", "bleu_signature", "chrf_signature", "bleu_text", "n_sentences",
    "n_references", "normalization"}``.
    """
    from sacrebleu.metrics import BLEU, CHRF
    if len(hypotheses) != len(references):
        raise MinimtError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    if not hypotheses:
        raise MinimtError("nothing to score: no hypotheses")
    refs = [[r] if isinstance(r, str) else list(r) for r in references]
    if any(not r for r in refs):
        raise MinimtError("every hypothesis needs at least one reference")
    hyps = [normalize(h) for h in hypotheses]
    n_refs = max(map(len, refs))
    # sacreBLEU wants reference *streams*: stream j holds every sentence's j-th reference
    # (None where a sentence has fewer references).
    streams = [[normalize(r[j]) if j < len(r) else None for r in refs] for j in range(n_refs)]
    bleu, chrf = BLEU(), CHRF()
    b, c = bleu.corpus_score(hyps, streams), chrf.corpus_score(hyps, streams)
    return {"bleu": b.score, "chrf": c.score, "bleu_signature": str(bleu.get_signature()),
            "chrf_signature": str(chrf.get_signature()), "bleu_text": str(b), "n_sentences": len(hyps),
            "n_references": sum(map(len, refs)), "normalization": "NFKC + whitespace collapsed, both sides"}


def sentence_chrf(hypothesis: str, references: list[str]) -> float:
    """chrF of one sentence — for reading examples, not for ranking systems."""
    from sacrebleu.metrics import CHRF
    return CHRF().sentence_score(normalize(hypothesis), [normalize(r) for r in references]).score


def translate_all(model, tokenizer, sources: list[str], *, beam_size=1, alpha=0.6, max_len=None,
                  batch_size=64, progress=True) -> list[str]:
    """Translate ``sources`` in batches of similar length (less padding), with a progress bar."""
    from tqdm import tqdm

    from .decode import translate
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    out: list[str] = [""] * len(sources)
    with tqdm(total=len(sources), desc="translating", unit="sent", disable=not progress, file=sys.stderr) as bar:
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            hyps = translate(model, tokenizer, [sources[i] for i in idx], beam_size=beam_size, alpha=alpha,
                             max_len=max_len, batch_size=batch_size)
            for i, h in zip(idx, hyps):
                out[i] = h
            bar.update(len(idx))
    return out


def _run(args: argparse.Namespace) -> int:
    from .beam import check_beam_args
    from .data import load_pairs
    check_beam_args(args.beam, args.alpha, args.max_len, 1)
    if args.limit is not None and args.limit < 1:
        raise MinimtError(f"--limit {args.limit}: must be at least 1")
    if args.batch_size < 1:
        raise MinimtError(f"--batch-size {args.batch_size}: must be at least 1")
    pairs = load_pairs(args.data)  # a line that is not a pair stops here, naming file:line
    sources, references = group_references(pairs)
    if args.limit:
        sources, references = sources[:args.limit], references[:args.limit]

    from .checkpoint import load_checkpoint
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
