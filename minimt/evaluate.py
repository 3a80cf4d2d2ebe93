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

This is minimt's one BLEU/chrF: `minimt train` (validation and its final test score),
`minimt evaluate` and bench/ all call `corpus_scores`, so one model gets one number.

Corpus level only: BLEU of one short sentence is mostly 0 (no matching 4-gram); per-example
numbers below use sentence chrF, which degrades gracefully, and are for reading, not ranking.
"""
from __future__ import annotations

import re
import sys
import unicodedata

from sacrebleu.metrics import BLEU, CHRF
from tqdm import tqdm

from .errors import MinimtError
from .translate import translate


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
    return CHRF().sentence_score(normalize(hypothesis), [normalize(r) for r in references]).score


def translate_all(model, tokenizer, sources: list[str], *, beam_size=1, alpha=0.6, max_len=None,
                  batch_size=64, progress=True) -> list[str]:
    """Translate ``sources`` in batches of similar length (less padding), with a progress bar."""
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
