"""Per-sentence chrF bars with the text, corpus BLEU/chrF in the title (lesson 09).

    plot_sentence_scores   per-sentence chrF bars with the text; corpus BLEU/chrF in the title
"""
from __future__ import annotations

from pathlib import Path

from ..errors import MinimtError
from ._style import STYLE, _plt, _save


def _clip(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def plot_sentence_scores(hypotheses, references, *, path, sources=None, title=None, max_rows: int = 12) -> Path:
    """One bar per sentence: its chrF against its reference(s); corpus BLEU and chrF in the title.

    Bars are chrF, not BLEU: a short sentence rarely shares a 4-gram with its reference, so its
    BLEU is mostly 0 and says little; BLEU is a corpus score. Scores come from minimt.evaluate
    (sacreBLEU, same normalisation as `minimt evaluate`). ``references[i]``: a string or a list.
    """
    from ..evaluate import corpus_scores, sentence_chrf
    plt = _plt()
    refs = [[r] if isinstance(r, str) else list(r) for r in references]
    corpus = corpus_scores(list(hypotheses), refs)  # checks the lengths (MinimtError)
    if sources is not None and len(sources) != len(refs):
        raise MinimtError(f"{len(sources)} sources but {len(refs)} hypotheses")
    n = min(len(refs), max_rows)
    chrf = [sentence_chrf(h, r) for h, r in zip(hypotheses[:n], refs[:n])]
    labels = [("" if sources is None else _clip(sources[i]) + "\n") + f"→ {_clip(hypotheses[i])}\n"
              f"ref: {_clip(refs[i][0])}" for i in range(n)]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(14, 1.8 + 0.95 * n), layout="constrained")
        bars = ax.barh(range(n), chrf, color="#9467bd", height=0.6, gid="chrf")  # gid: every bar
        ax.bar_label(bars, fmt="%.1f", padding=4, fontsize=12)
        ax.axvline(corpus["chrf"], color="#555555", linestyle="--", label=f"corpus chrF {corpus['chrf']:.1f}")
        ax.set_yticks(range(n), labels, fontsize=11)
        ax.set_ylim(n - 0.5, -0.5)  # first sentence on top
        ax.set_xlim(0, 105)
        ax.set_xlabel("sentence chrF (0-100; character n-grams, partial credit for near misses)")
        ax.legend(loc="lower right")
        ax.grid(axis="x", alpha=0.3)
        shown = f"first {n} of {len(refs)} sentences" if n < len(refs) else f"{n} sentences"
        ax.set_title((title or "Scores per sentence") + f" — corpus BLEU {corpus['bleu']:.1f}, chrF "
                     f"{corpus['chrf']:.1f} ({len(refs)} sentences)\nbars: sentence chrF ({shown}); sentence-level "
                     "BLEU is unreliable on short sentences (without smoothing: no shared 4-gram → 0)", fontsize=14)
        return _save(fig, path)
