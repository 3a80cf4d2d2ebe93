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
# It needs a trained model and takes the first it finds, as lesson 08 does: the newest
# `minimt train` run (`runs/minimt`, `runs/minimt-2`, … or `$MINIMT_RUN`), else lesson 07's
# model (`runs/lesson07`); with neither, it runs lesson 07 now (about two minutes, with a
# progress bar). The first cell says which. `MINIMT_FAST=1` (for CI) trains lesson 07's
# 20-step model instead: scores near 0, the same mechanics. Figures go to `$MINIMT_FIGURES`
# (default `lessons/figures`).
#
# - **Builds on:** lesson 08 — greedy and beam translations.
# - **Next:** lesson 10 — Serving: the same weights in an inference engine (CTranslate2).

# %%
import codecs
import os
import subprocess
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
from minimt.commands.course import lessons_dir
from minimt.data import embedded_path, load_pairs
from minimt.decode import greedy_decode
from minimt.evaluate import corpus_scores, group_references, normalize, sentence_chrf, translate_all
from minimt.files import PROJECT_ROOT
from minimt.runtime.run_folder import checkpoints_in, latest_default

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
MAX_LEN = 16 if FAST else None  # FAST: a barely trained model rarely says EOS; cap its babbling
ROOT = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path.cwd()  # the clone, else here
LESSON07 = Path(os.environ.get("MINIMT_LESSON07_RUN") or ROOT / "runs" / "lesson07")


def run_lesson_07(out: Path) -> None:
    """Run lesson 07 as a script: its loop trains the model and saves it in ``out``.
    Its progress bar comes through; its other output and pictures are not needed here."""
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, MINIMT_LESSON07_RUN=str(out), MINIMT_FIGURES=scratch, MPLBACKEND="Agg")
        with open(Path(scratch) / "stdout.txt", "w+", encoding="utf-8") as log:
            proc = subprocess.Popen([sys.executable, str(lessons_dir() / "07_training_loop.py")], cwd=scratch,
                                    env=env, stdout=log, stderr=subprocess.PIPE)
            text = codecs.getincrementaldecoder("utf-8")(errors="replace")
            for chunk in iter(lambda: proc.stderr.read1(256), b""):
                sys.stderr.write(text.decode(chunk))  # the progress bar
            if proc.wait() != 0:
                log.seek(0)
                raise RuntimeError(f"lesson 07 failed (exit {proc.returncode}):\n{log.read()[-2000:]}")


def find_model() -> tuple[Path, str]:
    """The newest `minimt train` run; else lesson 07's model; else run lesson 07 to make it."""
    if os.environ.get("MINIMT_RUN"):
        runs = [Path(os.environ["MINIMT_RUN"])]
    else:
        runs = [latest_default(base) for base in (Path("runs/minimt"), ROOT / "runs" / "minimt")]
    for run in runs:
        if run is not None and checkpoints_in(run):
            return run, "the newest `minimt train` run"
    if checkpoints_in(LESSON07):
        return LESSON07, "the model lesson 07 trained"
    out = Path(tempfile.mkdtemp(prefix="minimt_lesson07_")) if FAST else LESSON07
    print("No trained model yet: running lesson 07, whose loop trains one"
          + (" (fast mode: 20 steps)…" if FAST else " (about two minutes)…"), flush=True)
    run_lesson_07(out)
    return out, "the model lesson 07 has just trained"


folder, how = find_model()
model, tok, meta = load_checkpoint(folder)
model.eval()
print(f"model: {how} — {folder} (step {meta['step']}, "
      f"{sum(p.numel() for p in model.parameters()):,} parameters)")

# %% [markdown]
# ## 1. Scoring a test set
#
# A test file can hold several French translations of one English sentence (Tatoeba's
# often does): we translate each English sentence once and score it against all its
# references. In the embedded test split most English sentences have one reference and a few
# have two — the first line below counts them; the signature says `nrefs:var` (it varies).

# %%
pairs = load_pairs(embedded_path("test"))[: 24 if FAST else 500]
sources, references = group_references(pairs)
n_refs = [len(r) for r in references]
print(f"{len(pairs)} pairs → {len(sources)} English sentences; references per sentence: "
      + ", ".join(f"{n} for {n_refs.count(n)} sentences" for n in sorted(set(n_refs))))
scores = {}
for k in (1, 4):
    hyps = translate_all(model, tok, sources, beam_size=k, max_len=MAX_LEN)
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
# penalty (a too-short output cannot score by saying little). It is a *corpus* score: a
# short sentence has only a few 4-grams, one wrong word can remove all of them, and its
# BLEU without smoothing is then 0 (the cell below shows it).
# **chrF** compares character n-grams (up to 6): it gives partial credit for "parle" vs
# "parles" and behaves better on single sentences — we use it for per-example numbers.
# The picture `09_sentence_scores.png` shows both: the corpus BLEU and chrF in its title, and
# one chrF bar per sentence, labelled with the English source, our output (→) and a reference.
#
# The picture's title says "without smoothing: no shared 4-gram → 0", and the qualifier
# matters: BLEU's geometric mean multiplies the four precisions, and one of them is 0.
# sacreBLEU's default (the one `corpus_scores` uses, `smooth:exp` in the signature) replaces
# each zero n-gram match by a small positive count, so one missing 4-gram no longer sends
# the score to 0. Both, on one near miss:

# %%
hyp, ref = "Je ne comprends rien.", "Je ne comprends pas."  # 1- to 3-grams shared, no 4-gram
plain = BLEU(smooth_method="none").corpus_score([hyp], [[ref]])
smooth = BLEU().corpus_score([hyp], [[ref]])  # smooth_method="exp", sacreBLEU's default
print(f"precisions 1-4: {[round(x, 1) for x in plain.precisions]}")
print(f"BLEU without smoothing: {plain.score:.1f}   with sacreBLEU's 'exp' smoothing: {smooth.score:.1f}")
assert plain.precisions[3] == 0 and plain.score == 0 and smooth.score > 0

# %% [markdown]
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
# ## Try it
#
# 1. `minimt evaluate --checkpoint runs/lesson07 --data data/test.tsv --beam 4` (or
#    `runs/minimt` after `minimt train`): does it print section 1's numbers? Why might it not?
# 2. `minimt plot attention --checkpoint runs/lesson07 "Where is the station?"`: which
#    English piece does "▁gare" attend to most, and does hiding it (section 4) agree?
# 3. In section 2, score "Je ne comprends pas." against itself, then against "Je comprends
#    pas." — how much does one missing word cost in BLEU, and in chrF?

# %% [markdown]
# ## Exercises
#
# Practise this lesson: `minimt exercises start N`, then `minimt exercises check N`.
#
# - **12** — `exact_match`: exact-match accuracy, and why it is too harsh for translation
# - **19** — `corpus_bleu`: corpus BLEU by hand — clipped precision, brevity penalty
# - **21** — `corpus_chrf`: corpus chrF by hand — character n-grams, F-beta
