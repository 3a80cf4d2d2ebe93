# %% [markdown]
# # Lesson 08 — Decoding, step by step: greedy, the key/value cache, and beam search
#
# Training (lesson 07) never asks the model to *write*: with teacher forcing it always reads
# the correct French so far. Translating a new sentence, there is no correct French to read.
# The decoder must write one token, read it back, write the next… until it writes EOS:
#
#     [BOS]                         → "▁Comment"
#     [BOS, ▁Comment]               → "▁ça"
#     [BOS, ▁Comment, ▁ça]          → "▁va"   …   → EOS
#
# This lesson does that by hand (greedy decoding), shows why a **key/value cache** makes each
# step cost one position instead of the whole prefix, then replaces "take the best token" by
# **beam search** with the GNMT **length penalty**, worked by hand on a tiny model whose
# probabilities we set ourselves. Code: `minimt/decode.py` and `minimt/beam.py`.
#
# Run it as a script or open it as a notebook. It needs a trained model and takes the first
# it finds: the newest `minimt train` run (`runs/minimt`, `runs/minimt-2`, … or `$MINIMT_RUN`),
# else lesson 07's model (`runs/lesson07`); with neither, it runs lesson 07 now, whose loop
# trains that model in about two minutes (a progress bar shows it). The first cell says which.
# `MINIMT_FAST=1` (for CI) trains lesson 07's 20-step model instead: poor translations, the
# same mechanics. Figures go to `$MINIMT_FIGURES` (default `lessons/figures`).
#
# - **Builds on:** lesson 07 — a trained model (teacher forcing) — and lesson 05's `decode`.
# - **Next:** lesson 09 — Evaluation and attention maps: how good are these translations?.

# %%
import codecs
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import matplotlib.pyplot as plt
import torch

from minimt.batch import make_batch
from minimt.beam import beam_search, length_penalty
from minimt.checkpoint import load_checkpoint
from minimt.commands.course import lessons_dir
from minimt.data import embedded_path, load_pairs
from minimt.decode import greedy_decode
from minimt.files import PROJECT_ROOT
from minimt.plots import save_figure
from minimt.runtime.run_folder import checkpoints_in, latest_default

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
MAX_LEN = 16 if FAST else 40  # most tokens to generate (a barely trained model rarely says EOS)
plt.rcParams.update({"font.size": 14, "axes.titlesize": 16})  # readable on a slide
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
model.eval()  # dropout off: generation must be deterministic
print(f"model: {how} — {folder} (step {meta['step']}, "
      f"{sum(p.numel() for p in model.parameters()):,} parameters)")

# %% [markdown]
# ## 1. Greedy decoding, one step at a time
#
# The encoder reads the English once; its output (`memory`, (B,S,D)) is all the decoder
# needs from the source. Then each step feeds the decoder the tokens so far and keeps the
# most likely next token. We pass a **cache** (`model.new_cache()`): each call then takes only
# the *newest* token, and every attention layer appends that token's keys and values to what
# it stored before. Watch the stored keys grow by one position per step:

# %%
english = "How are you?"
input_ids = torch.tensor([tok.encode(english) + [tok.eos_id]])  # (1, S): English + EOS, as in lesson 03
attention_mask = torch.ones_like(input_ids)                      # (1, S): one sentence, no padding
with torch.no_grad():
    memory = model.encode(input_ids, attention_mask)  # (1, S, D), computed once
    cache = model.new_cache()
    generated, steps = [], []
    next_input = torch.tensor([[tok.bos_id]])  # (1, 1): start from BOS
    for step in range(MAX_LEN):
        logits = model.decode(next_input, memory, attention_mask, cache=cache)  # (1, 1, V)
        probs = logits[0, -1].softmax(-1)  # (V,)
        top = probs.topk(5)
        steps.append([(tok.id_to_piece(i), p) for p, i in zip(top.values.tolist(), top.indices.tolist())])
        best = int(top.indices[0])
        print(f"step {step}: keys cached {tuple(cache.self_kv[0].k.shape)}  best "
              + "  ".join(f"{piece} {p:.2f}" for piece, p in steps[-1][:3]))
        if best == tok.eos_id:
            break
        generated.append(best)
        next_input = torch.tensor([[best]])  # only the new token: the cache holds the rest
print(f"{english!r} → {tok.decode(generated)!r}")
assert generated == greedy_decode(model, input_ids, attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id,
                                  max_len=MAX_LEN)[0]

# %% [markdown]
# The layer-0 self-attention keys have shape (B, H, length, D/H): the length grows by one per
# step. `greedy_decode` (minimt/decode.py) is this loop for a whole batch, where each row stops
# at its own EOS (the assert checks it gives the same tokens). Below: what the model hesitated
# between at every step — greedy always takes the top bar.

# %%
shown = steps[:8]  # a slide holds 8 panels: 2 rows of 4
cols = min(4, len(shown))
rows = math.ceil(len(shown) / cols)
fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.3 * rows), squeeze=False)
for ax in axes.flat[len(shown):]:
    ax.axis("off")  # an unused panel of the last row
for t, (ax, cands) in enumerate(zip(axes.flat, shown)):
    ax.barh(range(len(cands)), [p for _, p in cands], color=["#1f4e79"] + ["#9fc5e8"] * (len(cands) - 1))
    ax.set_yticks(range(len(cands)), [c for c, _ in cands], fontsize=13)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(f"step {t}: {cands[0][0]}", fontsize=14)
    ax.set_xlabel("p(next token)")
fig.suptitle(f"Greedy decoding of {english!r}:\nthe 5 most likely next tokens at each step (dark = chosen)",
             fontsize=16)
fig.tight_layout()
print("saved", save_figure(fig, FIGURES / "08_greedy_steps.png"))

# %% [markdown]
# ## 2. Why the cache: the same tokens, less work
#
# Without a cache, step t re-runs the decoder on all t tokens so far; with it, on one token.
# Same tokens (tests/test_decode.py proves it on random models); the time saved grows with
# the output length. `bench/` measures it properly; here is a quick look:

# %%
valid = list(dict(load_pairs(embedded_path("valid"))).items())[: 8 if FAST else 64]  # one pair per English sentence
ids = [tok.encode(en) for en, _ in valid]
batch = make_batch(ids, [tok.encode(fr) for _, fr in valid], pad_id=tok.pad_id, bos_id=tok.bos_id,
                   eos_id=tok.eos_id)  # lesson 03's batch; decoding uses only its source half
timings, outputs = {}, {}
for use_cache in (False, True):
    start = time.perf_counter()
    outputs[use_cache] = greedy_decode(model, batch.input_ids, batch.attention_mask, bos_id=tok.bos_id,
                                       eos_id=tok.eos_id, max_len=MAX_LEN, use_cache=use_cache)
    timings[use_cache] = time.perf_counter() - start
assert outputs[True] == outputs[False]
print(f"{len(ids)} sentences: without cache {timings[False]:.2f}s, with cache {timings[True]:.2f}s — same tokens")

# %% [markdown]
# ## 3. Beam search and the length penalty, worked by hand
#
# Greedy commits to the best token *now*. A token that looks best now can lead to a worse
# sentence. **Beam search** keeps the k best partial translations ("beams"); each step it
# extends every beam by every token and keeps the k best of the k×V candidates. A beam that
# picks EOS is **finished**: it moves to a finished list and is never extended again.
#
# How do we compare finished hypotheses? By log-probability, `log p(y) = Σ_t log p(y_t | …)`.
# Each extra token adds a negative number, so **raw scores prefer short outputs**. GNMT
# (Wu et al., 2016) divides by a length penalty:
#
#     score(y) = log p(y) / lp(y),      lp(y) = ((5 + |y|) / 6) ** alpha
#
# with |y| the number of generated tokens **including EOS**. alpha = 0: no penalty (lp = 1);
# larger alpha: longer outputs are judged more kindly. minimt's default is 0.6.
#
# To see it work we need probabilities we control, so we write a **hand-set model**: five
# tokens, next-token probabilities given by a table of prefixes. Beam search only needs three
# things from a model — `encode`, `decode(..., cache=...)` and `new_cache()` with `reorder` —
# so a few lines of Python can stand in for the Transformer:

# %%
BOS, EOS, A, B, C, D = 2, 3, 4, 5, 6, 7
V = 8
TABLE = {(): {A: 0.5, B: 0.4},            # first token: "a" (0.5) or "b" (0.4)
         (A,): {EOS: 0.7358},             # after "a": EOS → log p(a EOS) = log .5 + log .7358 = -1.0
         (B,): {C: 0.9097}, (B, C): {D: 0.9097}, (B, C, D): {EOS: 0.9097}}  # log p(b c d EOS) = -1.2


class HandSetModel:
    """p(next | prefix) from TABLE; the remaining probability is spread over the other tokens."""
    training = False

    class config:
        max_positions = 16

    def eval(self):
        return self

    def train(self, mode=True):
        return self

    def encode(self, input_ids, attention_mask):
        return torch.zeros(input_ids.size(0), 1, 1)  # no source needed: the table is the model

    def new_cache(self):
        class Prefixes:  # each row's tokens so far; beam search reorders rows as beams move
            rows = None

            def reorder(self, index):
                self.rows = [list(self.rows[i]) for i in index.tolist()]
        return Prefixes()

    def decode(self, new_tokens, memory, attention_mask, *, cache):
        cache.rows = cache.rows or [[] for _ in range(new_tokens.size(0))]
        out = []
        for row, t in zip(cache.rows, new_tokens[:, -1].tolist()):
            if t != BOS:
                row.append(t)
            probs = TABLE.get(tuple(row), {})
            rest = (1 - sum(probs.values())) / (V - len(probs))
            out.append([math.log(probs.get(v, rest)) for v in range(V)])
        return torch.tensor(out)[:, None, :]  # (rows, 1, V)


short, long_ = math.log(0.5) + math.log(0.7358), math.log(0.4) + 3 * math.log(0.9097)
print(f"log p(a EOS)     = {short:.3f}   (2 tokens)")
print(f"log p(b c d EOS) = {long_:.3f}   (4 tokens)")
for alpha in (0.0, 0.6, 1.0):
    s, l = short / length_penalty(2, alpha), long_ / length_penalty(4, alpha)
    print(f"alpha={alpha}: lp(2)={length_penalty(2, alpha):.3f} lp(4)={length_penalty(4, alpha):.3f}  "
          f"scores: short {s:.3f}, long {l:.3f} → {'short' if s > l else 'long'} wins")
assert round(short, 3) == -1.0 and round(long_, 3) == -1.2  # the numbers of the table's comments

# %% [markdown]
# By hand: with alpha = 1, lp(2) = 7/6 and lp(4) = 9/6, so the short one scores
# -1.0 / 1.167 = -0.857 and the long one -1.2 / 1.5 = -0.800: the long one wins. Beam search
# with k = 2 finds both hypotheses and must agree with our arithmetic. Greedy (k = 1) takes
# "a" (0.5 > 0.4), then EOS — alpha cannot change that, it never sees "b c d":

# %%
assert abs(length_penalty(2, 1.0) - 7 / 6) < 1e-12 and abs(length_penalty(4, 1.0) - 9 / 6) < 1e-12
assert round(short / (7 / 6), 3) == -0.857 and round(long_ / (9 / 6), 3) == -0.8  # the prose above, checked
ids1, mask1 = torch.tensor([[EOS]]), torch.tensor([[1]])
for k, alpha in ((2, 0.0), (2, 1.0), (1, 1.0)):
    (best, score), = beam_search(HandSetModel(), ids1, mask1, bos_id=BOS, eos_id=EOS, beam_size=k,
                                 alpha=alpha, max_len=8)[0]
    print(f"beam {k}, alpha {alpha}: {best} score {score:.3f}")
assert beam_search(HandSetModel(), ids1, mask1, bos_id=BOS, eos_id=EOS, beam_size=2, alpha=1.0,
                   max_len=8)[0][0][0] == [B, C, D]

alphas = [a / 20 for a in range(0, 31)]
fig, ax = plt.subplots(figsize=(8, 5))
ax.plot(alphas, [short / length_penalty(2, a) for a in alphas], label="a EOS (2 tokens)", lw=2.5)
ax.plot(alphas, [long_ / length_penalty(4, a) for a in alphas], label="b c d EOS (4 tokens)", lw=2.5)
ax.set(xlabel="alpha", ylabel="log p / lp   (higher wins)",
       title="The length penalty decides between a short and a long translation")
ax.legend(fontsize=13)
ax.grid(alpha=0.3)
print("saved", save_figure(fig, FIGURES / "08_length_penalty.png"))

# %% [markdown]
# ## 4. Beam search on the real model
#
# `beam_search` runs all sentences of a batch at once: B sentences × k beams = B·k decoder
# rows. Each step it computes, for every new beam, which old row it continues (`origin`) and
# reorders **the cache, the encoder states and the source mask with that same index** — forget
# one and beams silently read another sentence. `n_best` returns several hypotheses with their
# scores. With k = 1 it gives exactly greedy's output:

# %%
for k in (1, 4):
    hyps = beam_search(model, input_ids, attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id,
                       beam_size=k, alpha=0.6, n_best=min(k, 3), max_len=MAX_LEN)[0]
    for ids_, score in hyps:
        print(f"beam {k}: {tok.decode(ids_)!r:40} score {score:.3f}")
one = beam_search(model, batch.input_ids, batch.attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id, beam_size=1,
                  max_len=MAX_LEN)
assert [h[0][0] for h in one] == outputs[True], "beam 1 must be greedy"
four = beam_search(model, batch.input_ids, batch.attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id, beam_size=4,
                   max_len=MAX_LEN)
changed = [(en, tok.decode(g), tok.decode(b[0][0])) for (en, _), g, b in zip(valid, outputs[True], four)
           if g != b[0][0]]
print(f"beam 4 changed {len(changed)} of {len(valid)} translations, e.g.:")
for en, g, b in changed[:3]:
    print(f"  {en!r}\n    greedy: {g!r}\n    beam 4: {b!r}")

# %% [markdown]
# Whether those changes are *better* is lesson 09's question: we need a score.
#
# ## Try it
#
# 1. `minimt translate --checkpoint runs/lesson07 --beam 5 --n-best 3 "How are you?"` (or
#    `runs/minimt` after `minimt train`): how far apart are the three scores?
# 2. Translate a long sentence with `--alpha 0` and with `--alpha 1.5`. Which gives the
#    longer output, and why?
# 3. In section 3, which alpha makes the two hypotheses tie? (Solve
#    log p(a EOS) / lp(2) = log p(b c d EOS) / lp(4) on the plot, or by bisection.)

# %% [markdown]
# ## Exercises
#
# Practise this lesson: `minimt exercises start N`, then `minimt exercises check N`.
#
# - **11** — `greedy_decode`: greedy decoding of a batch, each row stopping at its own EOS
# - **13** — `best_hypothesis`: the GNMT length penalty picks the best finished hypothesis
# - **14** — `beam_search`: beam search with a length penalty
