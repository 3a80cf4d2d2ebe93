"""How `minimt train` measures its model: validation loss, greedy translations scored with
minimt's one BLEU/chrF (`evaluate.corpus_scores`), and the report printed at the end of a run.

None of it changes a weight: the loop (minimt/train.py) calls `Validator` at every evaluation
and `final_report` once at the end.
"""
from __future__ import annotations

import sys

import torch

from ..checkpoint import read_checkpoint_file
from ..data import ARTICLE_PAIR
from ..evaluate import corpus_scores
from ..loss import summed_loss
from ..plots import plot_training_curves
from ..runtime.progress import append_metrics
from ..translate import translate

ARTICLE_SENTENCE = ARTICLE_PAIR[0]  # "How are you?": its translation is shown eval after eval


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


def translate_all(model, tokenizer, sentences: list[str], *, autocast) -> list[str]:
    """Greedy translations under the run's autocast."""
    model.eval()
    with autocast():
        return translate(model, tokenizer, sentences)


def scores(hypotheses: list[str], references: list[str]) -> dict:
    s = corpus_scores(hypotheses, references)
    return {"bleu": round(s["bleu"], 2), "chrf": round(s["chrf"], 2)}


class Validator:
    """Valid loss + greedy BLEU/chrF on the first ``n`` validation pairs, as one metrics record."""

    def __init__(self, model, tokenizer, valid_pairs, valid_batches, *, label_smoothing, autocast):
        self.model, self.tokenizer, self.autocast = model, tokenizer, autocast
        self.batches, self.label_smoothing = valid_batches, label_smoothing
        self.sources = [en for en, _ in valid_pairs]
        self.references = [fr for _, fr in valid_pairs]
        self.signature_shown = False

    def __call__(self, step: int, epoch: int) -> dict:
        v_loss, v_nll = validation_loss(self.model, self.batches, label_smoothing=self.label_smoothing,
                                        autocast=self.autocast)
        hyps = translate_all(self.model, self.tokenizer, self.sources + [ARTICLE_SENTENCE], autocast=self.autocast)
        if not self.signature_shown:  # how the numbers are made, once per run
            s = corpus_scores(hyps[:1], self.references[:1])
            print(f"sacrebleu signatures: BLEU {s['bleu_signature']} | chrF {s['chrf_signature']} "
                  f"({s['normalization']})", file=sys.stderr)
            self.signature_shown = True
        return {"step": step, "epoch": epoch, "valid_loss": round(v_loss, 5), "valid_nll": round(v_nll, 5),
                **scores(hyps[:-1], self.references), "article_source": ARTICLE_SENTENCE, "article": hyps[-1]}


def final_report(model, tok, corpus, out, metrics_path, best, step, device, autocast, say) -> dict:
    """Curves, then the best checkpoint's translations and test scores (what `translate` will use)."""
    report = {"curves": str(plot_training_curves(metrics_path, path=out / "curves.png"))}
    if best["step"] is not None and best["step"] != step and (out / "best.pt").is_file():
        model.load_state_dict(read_checkpoint_file(out / "best.pt", device=device)["model"])
        say(f"using best.pt (step {best['step']}: the lowest validation loss; BLEU {best['bleu']:.1f}) "
            "for the report below")
    elif best.get("averaged_from") is not None:  # the model already holds the average (recipe/average.py)
        say(f"using best.pt (the weights averaged over steps {best['averaged_from']}–{step}: "
            f"the lowest validation loss; BLEU {best['bleu']:.1f}) for the report below")
    tests = corpus.test or []
    shown = tests[:: max(1, len(tests) // 5)][:5]
    hyps = translate_all(model, tok, [ARTICLE_SENTENCE] + [en for en, _ in shown], autocast=autocast)
    report["article"] = hyps[0]
    print(f"\n{ARTICLE_SENTENCE}  →  {hyps[0]}")
    for (en, fr), hyp in zip(shown, hyps[1:]):
        print(f"\n  EN   {en}\n  OUT  {hyp}\n  REF  {fr}")
    def score(name: str, pairs: list, label: str) -> None:
        """Greedy-translate ``pairs``, score them, record them in metrics.jsonl and print one line."""
        sc = scores(translate_all(model, tok, [en for en, _ in pairs], autocast=autocast), [fr for _, fr in pairs])
        report[name] = {"sentences": len(pairs), **sc}
        append_metrics(metrics_path, {"step": best["step"] or step, f"{name}_bleu": sc["bleu"],
                                       f"{name}_chrf": sc["chrf"], f"{name}_sentences": len(pairs)})
        print(f"{label}: BLEU {sc['bleu']:.1f}  chrF {sc['chrf']:.1f}")

    if tests:
        score("test", tests, f"\ntest ({corpus.test_name}, {len(tests)} sentences, greedy)")
    if corpus.everyday:  # everyday English written for this check, in none of the splits
        score("everyday", corpus.everyday, f"everyday sentences in no split (data/everyday.tsv, {len(corpus.everyday)})")
    print(f"checkpoint: {out}  (translate with: minimt translate --checkpoint {out} \"{ARTICLE_SENTENCE}\")")
    return report
