# %% [markdown]
# # Lesson 10 — Serving: from the model we wrote to the engine that serves it
#
# We wrote every piece of a translation model by hand. A practitioner's next question is:
# how do I *serve* it — many sentences a second, on ordinary CPUs? The MT field's common
# answer is **CTranslate2**, OpenNMT's inference engine. It runs exactly our architecture:
# a pre-norm encoder–decoder with ReLU feed-forward layers, position encodings it is given,
# one shared embedding table. So our weights go in *unchanged*.
#
# This lesson: (1) map every minimt tensor to the engine's slot, (2) check that the engine
# produces the **same token ids** as our decoder, (3) read a speed table honestly.
#
# Code: `minimt/serve/spec.py` (the mapping), `minimt/serve/export.py` (`minimt export`),
# `minimt/serve/engine.py` (`minimt translate --engine ctranslate2`), `bench/ct2_bench.py`.
# Needs `pip install 'minimt[serve]'`. `MINIMT_FAST=1` trains a tiny model for a few seconds;
# otherwise this uses `runs/minimt` if it exists (`minimt train`), else lesson 07's model
# (`runs/lesson07`), else trains a small one (~30 s).
#
# - **Builds on:** lesson 09 — a trained model and how to score it — and lesson 08's decoders.
# - **Next:** the exercises (`minimt exercises list`), then `minimt train` on real data (README: Real data).

# %%
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import matplotlib.pyplot as plt
import torch

from minimt.batch import bucket_batches, make_batch
from minimt.checkpoint import load_checkpoint, save_checkpoint
from minimt.data import embedded_path, load_pairs
from minimt.decode import greedy_decode
from minimt.evaluate import corpus_scores
from minimt.files import PROJECT_ROOT
from minimt.plots import save_figure
from minimt.loss import cross_entropy_loss
from minimt.model import ModelConfig, Transformer
from minimt.serve import export_ctranslate2, translate_with_ctranslate2
from minimt.serve.engine import load_engine, translate_ids
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
RUN = Path(os.environ.get("MINIMT_RUN", PROJECT_ROOT / "runs" / "minimt"))
ROOT = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path.cwd()  # the clone, else here
LESSON07 = Path(os.environ.get("MINIMT_LESSON07_RUN") or ROOT / "runs" / "lesson07")  # lesson 07's model
THREADS = 1  # the same for both: a fair comparison, and quiet on a shared machine
torch.set_num_threads(THREADS)
WORK = Path(tempfile.mkdtemp(prefix="minimt_lesson10_"))


def small_model(steps: int, n_pairs: int) -> Path:
    """A quick model trained with the loop of lesson 07, saved as a checkpoint folder."""
    torch.manual_seed(0)
    pairs = load_pairs(embedded_path("train"))
    random.Random(0).shuffle(pairs)
    pairs = load_pairs(embedded_path("phrasebook"))[:200] + pairs[:n_pairs]
    tok = Tokenizer.train(pairs, vocab_size=600)
    src, tgt = [tok.encode(e) for e, _ in pairs], [tok.encode(f) for _, f in pairs]
    config = ModelConfig(vocab_size=tok.vocab_size, d_model=64, n_heads=4, n_encoder_layers=2,
                         n_decoder_layers=2, d_ff=128, max_positions=64, dropout=0.0)
    model = Transformer(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.98))
    batches = bucket_batches([(len(a), len(b)) for a, b in zip(src, tgt)], 1500, seed=0)
    for step in range(1, steps + 1):
        idx = batches[(step - 1) % len(batches)]
        b = make_batch([src[i] for i in idx], [tgt[i] for i in idx], pad_id=0, bos_id=2, eos_id=3)
        for g in opt.param_groups:
            g["lr"] = 3e-3 * min(1.0, step / 30)
        loss = cross_entropy_loss(model(b.input_ids, b.attention_mask, b.decoder_input_ids,
                                        b.decoder_attention_mask), b.labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    save_checkpoint(WORK / "ckpt", model=model.eval(), config=config, tokenizer=tok, step=steps, name="best")
    return WORK / "ckpt"


if not FAST and ((RUN / "best.pt").is_file() or (RUN / "latest.pt").is_file()):
    CKPT = RUN
elif not FAST and (LESSON07 / "latest.pt").is_file():
    CKPT = LESSON07
else:
    CKPT = small_model(steps=60 if FAST else 400, n_pairs=2000 if FAST else 8000)
model, tok, meta = load_checkpoint(CKPT)
c = model.config
print(f"checkpoint {CKPT}: {sum(p.numel() for p in model.parameters()):,} parameters — D = {c.d_model}, "
      f"{c.n_heads} heads, {c.n_encoder_layers} + {c.n_decoder_layers} layers, vocabulary {c.vocab_size:,}")

# %% [markdown]
# ## 1. Nothing in the maths changes: a map from our tensors to the engine's slots
#
# CTranslate2 describes a model with Python *specification* classes
# (`ctranslate2.specs.TransformerSpec`). We build one with `pre_norm=True` and ReLU, then
# fill every slot with one of our tensors (`minimt/serve/spec.py`). The points where a
# careless export would go wrong — each one a line in that file:
#
# | minimt | engine | if forgotten |
# | --- | --- | --- |
# | `embedding(ids) * √D` | `scale_embeddings = True` | inputs 16× too small (D=256) |
# | our interleaved sin/cos table | `position_encodings.encodings` (given, not re-derived) | the engine's own sinusoid puts sines first: positions scrambled |
# | one table for encoder, decoder, output | the same array three times (stored once) | — |
# | `nn.LayerNorm` eps 1e-5 | `layer_norm_epsilon = 1e-5` | tiny drift, near-ties flip |
# | source = ids + [EOS] | `add_source_eos = True` | a source the model never saw |
# | decoder starts from [BOS] | `decoder_start_token = "<s>"` | a first step the model never saw |
#
# The spec lists its variables by name; here are the embeddings, positions, final norms and
# the first decoder layer, with our shapes:

# %%
from minimt.serve.spec import build_spec  # noqa: E402

spec = build_spec(model.config, model.state_dict(), [tok.id_to_piece(i) for i in range(tok.vocab_size)])
for name, value in spec.variables().items():
    shape = tuple(getattr(value, "shape", ()))
    if shape and ("decoder/layer_0/" in name or not re.search(r"layer_\d", name)):  # one decoder layer + the rest
        print(f"  {name:55} {shape}")

# %% [markdown]
# `minimt export` builds that spec, lets CTranslate2 validate it and save `model.bin`, and
# adds our `tokenizer.model` and a README. `--quantization int8` stores each weight matrix
# in 8 bits with one float scale per row.

# %%
dirs = {q: export_ctranslate2(CKPT, WORK / f"ct2-{q}", quantization=q) for q in ("float32", "int8")}
for q, d in dirs.items():
    print(f"{q:8} {d.name}: " + ", ".join(f"{f.name} {f.stat().st_size / 1e6:.2f} MB"
                                           for f in sorted(d.iterdir()) if f.suffix == ".bin"))
print(translate_with_ctranslate2(dirs["float32"], ["How are you?"], beam=4, threads=THREADS))

# %% [markdown]
# ## 2. The proof: the same token ids
#
# If one mapping above were wrong, the outputs would not just be a bit worse — they would be
# different sentences. We decode the test split with our `greedy_decode` and with the engine,
# and compare the **ids**, not the text:

# %%
test = load_pairs(embedded_path("test"))[: 64 if FAST else 1000]
sources = [tok.encode(e) for e, _ in test]
batch = make_batch(sources, [[tok.eos_id]] * len(sources), pad_id=0, bos_id=2, eos_id=3)
t0 = time.perf_counter()
ours = greedy_decode(model, batch.input_ids, batch.attention_mask, bos_id=2, eos_id=3, max_len=16 if FAST else None)
t_minimt = time.perf_counter() - t0
results = {}
for q, d in dirs.items():
    translator, etok, P = load_engine(str(d), "cpu", THREADS)
    translate_ids(translator, etok, sources[:8], max_positions=P)  # warm-up
    t0 = time.perf_counter()
    theirs = [r[0][0] for r in translate_ids(translator, etok, sources, max_len=16 if FAST else None,
                                             max_positions=P)]
    results[q] = (theirs, time.perf_counter() - t0)
    same = sum(a == b for a, b in zip(ours, theirs))
    print(f"ct2 {q:8}: same ids as minimt on {same}/{len(sources)} sentences")

# %% [markdown]
# float32 gives the same ids (a difference could only come from two tokens whose logits are
# equal to ~1e-6, where a different order of additions tips the argmax — tests/test_serve.py
# checks that every difference is such a near-tie). int8 rounds the weights, so some
# sentences change — but the *corpus* score barely moves:

# %%
refs = [f for _, f in test]
bleu = {"minimt": corpus_scores([tok.decode(x) for x in ours], refs)["bleu"]}
for q, (ids, _) in results.items():
    bleu[f"ct2 {q}"] = corpus_scores([tok.decode(x) for x in ids], refs)["bleu"]
print({k: round(v, 1) for k, v in bleu.items()})

# %% [markdown]
# ## 3. Reading a speed table
#
# Same sentences, same thread count, greedy. Sentences per second is the number a server
# cares about; it depends on the CPU, the batch size and the sentence lengths, so compare
# *ratios* measured on one machine, never numbers from two. `bench/ct2_bench.py` does it
# properly (warm-up, beam 4, sizes on disk; results in `docs/benchmarks.md`).
#
# What the engine does that minimt does not: fused C++ kernels (no Python between layers,
# no per-step tensor bookkeeping), int8 matrix products on CPUs that have them
# (VNNI / AMX), a KV cache laid out for its beam search, and weights pre-packed for the
# GEMM library. The maths is ours; the engineering is theirs.

# %%
speed = {"minimt": len(sources) / t_minimt}
speed.update({f"ct2 {q}": len(sources) / s for q, (_, s) in results.items()})
for k, v in speed.items():
    print(f"{k:12} {v:8.1f} sentences/s  ({v / speed['minimt']:.2f}× minimt)")
colours = ["#0072B2", "#E69F00", "#009E73"]  # Okabe–Ito: safe for colour-blind readers
fig, ax = plt.subplots(figsize=(8, 4.5))
bars = ax.bar(list(speed), list(speed.values()), color=colours)
for bar, name in zip(bars, speed):
    ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{speed[name]:.0f}\nBLEU {bleu[name]:.1f}",
            ha="center", va="bottom", fontsize=12)
ax.set_ylabel("sentences / second (greedy)")
ax.set_title(f"Same weights, same ids: {len(sources)} test sentences, {THREADS} thread")
ax.set_ylim(0, max(speed.values()) * 1.3)
FIGURES.mkdir(parents=True, exist_ok=True)
print("saved", save_figure(fig, FIGURES / "10_serving_speed.png", bbox_inches="tight", facecolor="white"))

# %% [markdown]
# ## Try it
#
# 1. Export and serve your own model (`runs/minimt` after `minimt train`, or lesson 07's
#    `runs/lesson07`):
#
#        minimt export --checkpoint runs/minimt --to ctranslate2 --out serve/minimt-ct2
#        minimt translate --engine ctranslate2 --checkpoint serve/minimt-ct2 --beam 4 "How are you?"
#
# 2. Let the engine derive its own sinusoid — comment out the line that sets
#    `position_encodings.encodings` in `minimt/serve/spec.py`, re-run section 2 and count how
#    many ids still match. Then put it back.

# %% [markdown]
# ## Exercises
#
# No exercise is about serving. The decoders this lesson compares with the engine are
# practised with lesson 08's exercises: `minimt exercises start N`, then `minimt exercises check N`.
#
# - **11** — `greedy_decode`: greedy decoding of a batch, each row stopping at its own EOS
# - **13** — `best_hypothesis`: the GNMT length penalty picks the best finished hypothesis
# - **14** — `beam_search`: beam search with a length penalty
