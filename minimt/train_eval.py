"""How `minimt train` measures its model: validation loss, greedy translations scored with
BLEU and chrF, and the report printed at the end of a run (lesson 07).

Kept apart from train.py: the loop calls these at every evaluation and once at the end, but
none of them changes a weight, so the loop reads shorter without them.
"""
from __future__ import annotations

import sys

import torch

from .loss import summed_loss
from .train_setup import append_metrics

ARTICLE_SENTENCE = "How are you?"  # the article's example; "Comment ça va ?" is in the train split


# ---------------------------------------------------------------- during training

@torch.no_grad()
def validation_loss(model, batches, *, label_smoothing: float, autocast) -> tuple[float, float]:
    """(loss with the training's label smoothing, plain cross-entropy), per real token."""
    model.eval()
    smoothed = plain = 0.0
    n_total = 0
    for batch in batches:
        with autocast():
            logits = model(batch.input_ids, batch.attention_mask,
                           batch.decoder_input_ids, batch.decoder_attention_mask).float()
        s, n = summed_loss(logits, batch.labels, label_smoothing)
        p, _ = summed_loss(logits, batch.labels)
        smoothed, plain, n_total = smoothed + s.item(), plain + p.item(), n_total + n
    return smoothed / max(n_total, 1), plain / max(n_total, 1)


def score(hypotheses: list[str], references: list[str], *, show_signature: bool = False) -> dict:
    """Corpus BLEU and chrF from sacrebleu (the standard implementation, with its signature)."""
    from sacrebleu.metrics import BLEU, CHRF
    bleu, chrf = BLEU(), CHRF()
    out = {"bleu": round(bleu.corpus_score(hypotheses, [references]).score, 2),
           "chrf": round(chrf.corpus_score(hypotheses, [references]).score, 2)}
    if show_signature:
        print(f"sacrebleu signatures: BLEU {bleu.get_signature()} | chrF {chrf.get_signature()}", file=sys.stderr)
    return out


def translate_all(model, tokenizer, sentences: list[str], *, autocast) -> list[str]:
    """Greedy translations under the run's autocast (`minimt eval`'s own, with beam search, is in evaluate.py)."""
    from .decode import translate
    model.eval()
    with torch.no_grad(), autocast():
        return translate(model, tokenizer, sentences)


# ---------------------------------------------------------------- at the end

def final_report(model, tok, corpus, out, metrics_path, best, step, device, autocast, say) -> dict:
    """Curves, then the best checkpoint's translations and test scores (what `translate` will use)."""
    from .checkpoint import read_checkpoint_file
    report = {}
    try:
        from .plots import plot_training_curves
        report["curves"] = str(plot_training_curves(metrics_path, path=out / "curves.png"))
    except ImportError:  # minimt/plots/ missing: keep going, the numbers are in metrics.jsonl
        pass
    if best["step"] is not None and best["step"] != step and (out / "best.pt").is_file():
        model.load_state_dict(read_checkpoint_file(out / "best.pt", device=device)["model"])
        say(f"using best.pt (step {best['step']}, valid BLEU {best['bleu']:.1f}) for the report below")
    tests = corpus.test or []
    shown = tests[:: max(1, len(tests) // 5)][:5]
    hyps = translate_all(model, tok, [ARTICLE_SENTENCE] + [en for en, _ in shown], autocast=autocast)
    report["article"] = hyps[0]
    print(f"\n{ARTICLE_SENTENCE}  →  {hyps[0]}")
    for (en, fr), hyp in zip(shown, hyps[1:]):
        print(f"\n  EN   {en}\n  OUT  {hyp}\n  REF  {fr}")
    if tests:
        test_hyps = translate_all(model, tok, [en for en, _ in tests], autocast=autocast)
        scores = score(test_hyps, [fr for _, fr in tests])
        report["test"] = {"sentences": len(tests), **scores}
        append_metrics(metrics_path, {"step": best["step"] or step, "test_bleu": scores["bleu"],
                                       "test_chrf": scores["chrf"], "test_sentences": len(tests)})
        print(f"\ntest ({corpus.test_name}, {len(tests)} sentences, greedy): "
              f"BLEU {scores['bleu']:.1f}  chrF {scores['chrf']:.1f}")
    print(f"checkpoint: {out}  (translate with: minimt translate --checkpoint {out} \"How are you?\")")
    return report
