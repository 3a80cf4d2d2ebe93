"""The default recipe of `minimt train`: what it trains when a flag is not given.

Two recipes, one per kind of corpus, chosen by measurement (docs/benchmarks.md, "Fifth session"):

* **The embedded corpus** (no --data): a small model for a fixed 1,200 steps. Chosen for quality
  per FLOP on the floor machine — a 2-core laptop CPU with AVX2 and no bf16, training in float32 —
  so that the whole default run fits in about 10 minutes there and gives the same model on every
  machine. A 128-wide model with three layers each side learns this corpus (31,660 short generated
  pairs and a phrasebook) as well per step as the 256-wide one, at ~2.7x its training speed and
  ~5x its decoding speed on the floor: the big model's extra capacity goes unused here.
* **Your own data** (--data, e.g. Tatoeba): a 192-wide model with three layers each side (FFN 768)
  and the larger tokenizer (recipe/corpus.py). Peak rate 2e-3 and no dropout: on Tatoeba's 163k
  pairs a 10-minute or 2,000-step run sees each pair about twice and is far from overfitting, and
  each change alone bought 1–2 BLEU at 1,167 steps, both together +3.5 in 10 minutes
  (docs/benchmarks.md, sixth session). The width is chosen for quality per minute (eleventh
  session): at 8,000 output pieces the 192-wide model trains ~1.35x as fast as lesson 05's 256-wide
  `ModelConfig`, and in the same 10 minutes its extra steps are worth more than the width (test BLEU
  44.7 against 39.4 in one session). At 30 minutes it still does not lose (51.0, twelfth session,
  against the 256-wide one's 50.3 in the eighth, on hosts of one kind); `--d-model 256 --d-ff 1024`
  gives the wider one back. On a small corpus of your own, many
  epochs long, give `--dropout 0.1` back.

Every value can be overridden by its flag; `minimt train --help` shows both recipes' values.
"""
from __future__ import annotations

EMBEDDED = {"steps": 1200, "d_model": 128, "layers": 3, "heads": 4, "d_ff": 512, "lr": 2e-3, "warmup": 100,
            "dropout": 0.1}
DATA = {"steps": 2000, "d_model": 192, "layers": 3, "heads": 4, "d_ff": 768, "lr": 2e-3, "warmup": 200,
        "dropout": 0.0}


def recipe_for(args) -> dict:
    """The recipe for this command line's corpus: DATA with --data, else EMBEDDED."""
    return DATA if getattr(args, "data", None) else EMBEDDED


def fill_defaults(args) -> None:
    """Set every recipe flag the command line left out (None) from the corpus's recipe.

    The steps are filled only without a --minutes budget (a run has one budget, not two)."""
    filled = set(getattr(args, "recipe_filled", ()))
    for name, value in recipe_for(args).items():
        if getattr(args, name, None) is None and not (name == "steps" and args.minutes is not None):
            setattr(args, name, value)
            filled.add(name)
    args.recipe_filled = tuple(sorted(filled))  # not given on the command line (--resume says nothing of them)

