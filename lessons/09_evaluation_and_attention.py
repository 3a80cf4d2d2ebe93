# %% [markdown]
# # Lesson 09 — Evaluation (BLEU, chrF) and looking inside (attention maps)
#
# Lesson 08 produced translations. Are they good? Reading a few is not a measurement. The MT
# field scores a whole test set against human references with **BLEU** (n-gram overlap) and
# **chrF** (character n-gram F-score), computed by **sacreBLEU** so that numbers from
# different people mean the same thing. Then we look at what the model attends to — and at
# why an attention map is a picture, not an explanation.
#
# Code: `minimt/evaluate.py` (`minimt evaluate`) and `minimt/plots/scores.py`, `minimt/plots/attention_maps.py`
# (`minimt plot attention`).
# `MINIMT_FAST=1` trains a tiny model for a few seconds (scores near 0, same mechanics);
# otherwise this uses `runs/minimt`, training it first if missing. Figures go to
# `$MINIMT_FIGURES` (default `lessons/figures`).
#
# - **Builds on:** lesson 08 — greedy and beam translations.
# - **Next:** lesson 10 — Serving: the same weights in an inference engine (CTranslate2).

# %%
import os
import sys
import tempfile
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import torch
from sacrebleu.metrics import BLEU, CHRF

from minimt import plots
from minimt.checkpoint import load_checkpoint
from minimt.commands import main as minimt
from minimt.data import embedded_path, load_pairs
from minimt.decode import greedy_decode
from minimt.translate import translate
from minimt.evaluate import corpus_scores, group_references, normalize, sentence_chrf
from minimt.files import PROJECT_ROOT

FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
MAX_LEN = 16 if FAST else None  # FAST: a barely trained model rarely says EOS; cap its babbling
RUN = Path(os.environ.get("MINIMT_RUN", PROJECT_ROOT / "runs" / "minimt"))  # a trained run (lesson 07)


def trained_model():
    """runs/minimt if it exists; else train one (tiny and quick with MINIMT_FAST=1)."""
    if (RUN / "best.pt").is_file() or (RUN / "latest.pt").is_file():
        return load_checkpoint(RUN)
    if FAST:  # a few seconds on the phrasebook: poor translations, same mechanics
        run = Path(tempfile.mkdtemp(prefix="minimt_lesson_"))
        pairs = load_pairs(embedded_path("phrasebook"))
        for name, part in (("train", pairs[:-8]), ("valid", pairs[-8:-4]), ("test", pairs[-4:])):
            (run / f"{name}.tsv").write_text("".join(f"{e}\t{f}\n" for e, f in part), encoding="utf-8")
        minimt(["train", "--data", str(run / "train.tsv"), "--out", str(run / "model"), "--steps", "40",
                "--vocab-size", "600", "--d-model", "64", "--layers", "1", "--heads", "2", "--d-ff", "128",
                "--max-tokens", "512", "--warmup", "10", "--lr", "3e-3", "--eval-every", "40",
                "--eval-sentences", "4", "--device", "cpu", "--no-bf16"])  # bf16 only pays off for big matrices
        return load_checkpoint(run / "model")
    minimt(["train", "--out", str(RUN)])  # lesson 07's default run (2,000 steps)
    return load_checkpoint(RUN)


model, tok, meta = trained_model()
model.eval()

# %% [markdown]
# ## 1. Scoring a test set
#
# A test file can hold several French translations of one English sentence (Tatoeba does).
# We translate each English sentence once and score it against all its references:

# %%
pairs = load_pairs(embedded_path("test"))[: 24 if FAST else 1000]
sources, references = group_references(pairs)
print(f"{len(pairs)} pairs → {len(sources)} English sentences, up to {max(map(len, references))} references each")
scores = {}
for k in (1, 4):
    hyps = translate(model, tok, sources, beam_size=k, max_len=MAX_LEN)
    scores[k] = corpus_scores(hyps, references)
    print(f"beam {k}: BLEU {scores[k]['bleu']:5.2f}  chrF {scores[k]['chrf']:5.2f}")
print("BLEU signature:", scores[1]["bleu_signature"])
print("chrF signature:", scores[1]["chrf_signature"])
for en, refs, hyp in list(zip(sources, references, hyps))[:4]:  # beam 4's output
    print(f"  EN {en}\n  REF {' | '.join(refs)}\n  HYP {hyp}   (sentence chrF {sentence_chrf(hyp, refs):.1f})")
print(plots.plot_sentence_scores(hyps, references, sources=sources, title="Beam 4 on the test set",
                                 path=FIGURES / "09_sentence_scores.png", max_rows=8 if FAST else 12))

# %% [markdown]
# **BLEU** counts how many of the hypothesis' word 1-, 2-, 3- and 4-grams appear in a
# reference (clipped precision), takes their geometric mean and multiplies by a brevity
# penalty (a too-short output cannot score by saying little). It is a *corpus* score: one
# short sentence rarely shares a 4-gram with its reference, so its BLEU is mostly 0.
# **chrF** compares character n-grams (up to 6): it gives partial credit for "parle" vs
# "parles" and behaves better on single sentences — we use it for per-example numbers.
# The picture `09_sentence_scores.png` shows both: the corpus BLEU and chrF in its title, and
# one chrF bar per sentence, labelled with the English source, our output (→) and a reference.
#
# The **signature** says how the number was made: number of references (`nrefs`), case,
# the tokenisation (`tok:13a`), smoothing, sacreBLEU's version. Two BLEU scores can only be
# compared if their signatures match.
#
# ## 2. Why detokenised text, with one fixed tokenisation
#
# BLEU counts *words*, so it depends on how the text is cut into words. If everyone scored
# their own tokenisation, numbers would not be comparable. Two tempting mistakes:

# %%
hyp, ref = "Je ne comprends pas pourquoi il est parti.", "Je ne comprends pas pourquoi elle est partie."
as_pieces = lambda s: " ".join(tok.pieces(s))  # noqa: E731 — the model's own units, joined by spaces
print("pieces:", as_pieces(hyp))
print(f"BLEU on text  : {BLEU().corpus_score([hyp], [[ref]]).score:5.1f}")
print(f"BLEU on pieces: {BLEU().corpus_score([as_pieces(hyp)], [[as_pieces(ref)]]).score:5.1f}  "
      "(different number, same translation — and it would change with every tokenizer)")

# %% [markdown]
# French punctuation makes it worse. French puts a space — often a *no-break* space U+00A0
# or a narrow one U+202F — before `? ! : ;` and inside « ». Our tokenizer's NFKC
# normalisation (lesson 02) turns every such space into a plain one, and "…" into "...".
# So the model can only ever write "...", and a reference with "…" would count it wrong:

# %%
hyp = "Attends... Il pleut depuis trois jours, tu sais ?"  # what the model can write
ref = "Attends… Il pleut depuis trois jours, tu sais\u00a0?"   # what a human typed
print(f"sacreBLEU on raw text     : BLEU {BLEU().corpus_score([hyp], [[ref]]).score:5.1f}"
      f"  chrF {CHRF().corpus_score([hyp], [[ref]]).score:5.1f}")
both = corpus_scores([hyp], [ref])
print(f"same normalisation both sides: BLEU {both['bleu']:5.1f}  chrF {both['chrf']:5.1f}  ({both['normalization']})")
print(repr(normalize(ref)))

# %% [markdown]
# `corpus_scores` therefore normalises hypotheses **and** references the same way (NFKC, as
# the tokenizer does, then single spaces) and says so. Detokenised text + sacreBLEU's fixed
# `13a` tokenisation + the signature = a number someone else can reproduce.
#
# ## 3. Attention maps
#
# With `return_attention=True` the model also returns every attention weight matrix:
# `"encoder"` (S×S per head and layer), `"decoder_self"` (T×T, causal) and `"cross"` (T×S:
# for each French token being produced, how much each English piece was read).
# `minimt plot attention` draws them; here is the function it uses:

# %%
sentence = "How are you?"
translation, paths = plots.attention_pictures(model, tok, sentence, FIGURES / "09_attention", max_len=MAX_LEN)
print(f"{sentence!r} → {translation!r}")
for p in paths:
    print(p)

# %% [markdown]
# Each row of a cross-attention map sums to 1: it is how one target position spread its
# reading over the source. In the decoder self-attention everything above the diagonal is
# 0 — the causal mask of lesson 04 at work. Heads often differ: one looks at the aligned
# word, another at EOS or the punctuation.
#
# ## 4. Attention is not explanation
#
# It is tempting to read the cross-attention map as "which English word caused this French
# word". Careful (Jain & Wallace 2019, "Attention is not Explanation"; Wiegreffe & Pinter
# 2019): the weights mix *value vectors* that already blend the whole sentence (the encoder
# attended everywhere first), several heads and layers combine, and the feed-forward layers
# and residual stream carry information attention never shows. One honest check: **hide**
# each English piece (set its attention_mask to 0) and measure how much the log-probability
# of each French token drops. Then compare with where attention was highest:

# %%
src = tok.encode(sentence) + [tok.eos_id]
input_ids = torch.tensor([src])                                    # (1, S)
out = greedy_decode(model, input_ids, torch.ones_like(input_ids), bos_id=tok.bos_id, eos_id=tok.eos_id,
                    max_len=MAX_LEN)[0]
dec_in = torch.tensor([[tok.bos_id] + out])                        # (1, T)
target = torch.tensor([out + [tok.eos_id]])                        # (1, T)
with torch.no_grad():
    logits, attn = model(input_ids, torch.ones_like(input_ids), dec_in, return_attention=True)
    base = logits.log_softmax(-1).gather(-1, target[..., None])[0, :, 0]   # (T,) log p of each token
    drop = torch.zeros(len(base), len(src))                                  # (T, S)
    for s in range(len(src) - 1):                                            # hide one piece (keep EOS)
        mask = torch.ones_like(input_ids)
        mask[0, s] = 0
        hidden = model(input_ids, mask, dec_in).log_softmax(-1).gather(-1, target[..., None])[0, :, 0]
        drop[:, s] = (base - hidden).clamp(min=0)                            # how much worse without it
cross = torch.stack([w[0] for w in attn["cross"]]).mean(dim=(0, 1))          # (T, S): layers and heads averaged
agree = (cross[:, :-1].argmax(1) == drop[:, :-1].argmax(1)).float().mean().item()
print(f"most-attended piece == most-needed piece for {agree:.0%} of the {len(base)} output tokens")
q = [tok.id_to_piece(i) for i in out + [tok.eos_id]]
k = [tok.id_to_piece(i) for i in src]
plots.plot_attention(cross, query_pieces=q, key_pieces=k, path=FIGURES / "09_attention_mean.png",
                     title="Cross-attention (mean over layers and heads)")
plots.plot_attention(drop / drop.sum(1, keepdim=True).clamp(min=1e-9), query_pieces=q, key_pieces=k,
                     path=FIGURES / "09_occlusion.png",
                     title="Drop in log p when one English piece is hidden (row-normalised)",
                     value_label="share of the drop in log p")

# %% [markdown]
# Where the two pictures agree, attention happens to point at what matters; where they
# differ, attention was a poor guide. Neither is "the" explanation: hiding a piece also
# changes every other piece's encoding. Use attention maps to *debug masks* (a padded column
# that is not zero is a bug; a decoder map with weight above the diagonal is a bug) and to
# form hypotheses — and test those hypotheses with interventions like the one above.
#
# **Try it:** `minimt evaluate --checkpoint runs/minimt --data data/test.tsv --beam 4` and
# `minimt plot attention --checkpoint runs/minimt "Where is the train station?"`.
