# %% [markdown]
# # Lesson 07 — The training loop
#
# Lesson 06 took one optimiser step on one batch. Training is that step repeated hundreds or
# thousands of times over the corpus, with a few pieces of bookkeeping that make it work:
#
# 1. the data: the everyday phrasebook pairs, in batches of similar lengths (lesson 03's
#    `bucket_batches`);
# 2. the model, AdamW, and a learning rate that warms up, then decays;
# 3. the loop itself — forward, loss, backward, clip, step, schedule — written out, with a
#    progress bar;
# 4. the loss curve, and a held-out loss to see that the model generalises;
# 5. translating with the model we just trained (a 10-line greedy loop; lesson 08 does it properly);
# 6. a checkpoint that loads without running anyone's code — lessons 08 and 09 reuse it;
# 7. `minimt train`, which is this lesson plus a budget, evaluation with BLEU, and an exact `--resume`.
#
# The loop below is the real thing: it trains a small model, on a 2-core laptop CPU in about
# two minutes, that translates the article's "How are you?" and other everyday sentences.
# It saves it in `runs/lesson07/`, where lessons 08 and 09 find it (they prefer a
# `minimt train` run when there is one). `MINIMT_FAST=1` (for CI) runs 20 steps only: the
# loss falls a little and the "French" is nonsense — the point there is that it runs.
# Figures go to `$MINIMT_FIGURES` (default `lessons/figures`).
#
# - **Builds on:** lesson 06 — the loss, backward and one optimiser step.
# - **Next:** lesson 08 — Decoding: the trained model writes French, token by token.

# %%
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from tqdm import tqdm  # the plain text bar: it works in a terminal and in a notebook alike

from minimt.batch import bucket_batches, make_batch
from minimt.checkpoint import load_checkpoint, save_checkpoint
from minimt.data import embedded_path, load_pairs
from minimt.files import PROJECT_ROOT
from minimt.loss import cross_entropy_loss
from minimt.model import ModelConfig, Transformer
from minimt.plots import save_figure
from minimt.runtime.run_folder import checkpoints_in, latest_default
from minimt.schedule import inverse_sqrt_factor, make_optimizer, make_scheduler
from minimt.tokenizer import Tokenizer
from minimt.translate import translate

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
STEPS = 20 if FAST else 500
plt.rcParams.update({"font.size": 14, "axes.titlesize": 16})  # readable on a slide
SEED = 0
random.seed(SEED)
torch.manual_seed(SEED)  # one seed → the same batches, weights, dropout and losses on every run
# Where the model goes: runs/lesson07 in the clone (else in this folder); a fast run never replaces it.
ROOT = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path.cwd()
OUT = Path(os.environ.get("MINIMT_LESSON07_RUN")
           or (tempfile.mkdtemp(prefix="minimt_lesson07_") if FAST else ROOT / "runs" / "lesson07"))

# %% [markdown]
# ## 1. Data: everyday sentences, then batches by length
#
# Two minutes of CPU time will not teach a model French. They are enough for the everyday
# sentences of the embedded phrasebook — greetings, thanks, directions — if the model sees
# them often. So this lesson trains on the phrasebook pairs of the **training split**, each
# repeated 4 times, plus 1,500 other training pairs for variety. (The phrasebook's other
# pairs sit in the validation and test splits: the model never trains on them, so they test
# whether it generalises.)
#
# Every pair becomes two id lists (lesson 02). `bucket_batches` sorts pairs by length and
# fills each batch up to a budget of **padded** positions (`max_tokens`), so short sentences
# travel in big batches, long ones in small batches, and there is little padding (lesson 03).
# A new shuffled batch order each epoch (`seed + epoch`) — the model never sees the same
# sequence of batches twice, but a rerun with the same seed does.

# %%
tok = Tokenizer.default()
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)
REPEAT, N_OTHER = 4, (200 if FAST else 1500)
phrasebook = set(load_pairs(embedded_path("phrasebook")))
all_train = load_pairs(embedded_path("train"))
everyday = [p for p in all_train if p in phrasebook]      # the phrasebook pairs of the training split
others = [p for p in all_train if p not in phrasebook]
random.Random(SEED).shuffle(others)
train_pairs = everyday * REPEAT + others[:N_OTHER]
valid_pairs = load_pairs(embedded_path("valid"))[:32 if FAST else 200]
train_ids = [(tok.encode(en), tok.encode(fr)) for en, fr in train_pairs]
valid_ids = [(tok.encode(en), tok.encode(fr)) for en, fr in valid_pairs]
lengths = [(len(s), len(t)) for s, t in train_ids]
MAX_TOKENS = 512 if FAST else 2048  # fast mode: small batches, seconds not minutes


def to_batch(indices, ids):
    return make_batch([ids[i][0] for i in indices], [ids[i][1] for i in indices], **special)


batches = bucket_batches(lengths, MAX_TOKENS, shuffle=True, seed=SEED + 0)  # epoch 0
sizes = [len(b) for b in batches]
print(f"{len(everyday):,} phrasebook pairs × {REPEAT} + {N_OTHER:,} other pairs = {len(train_pairs):,} "
      f"training pairs (of the {len(all_train):,} in the training split)")
print(f"→ {len(batches)} batches per epoch, from {min(sizes)} to {max(sizes)} pairs each "
      f"(≤ {MAX_TOKENS} padded tokens)")
valid_batches = [to_batch(b, valid_ids) for b in bucket_batches([(len(s), len(t)) for s, t in valid_ids],
                                                                 MAX_TOKENS, shuffle=False)]

# %% [markdown]
# ## 2. The model, the optimiser and the learning-rate schedule
#
# A smaller model than `minimt train`'s default, so that it trains in minutes: D = 128,
# 2 + 2 layers, dropout 0.1 (lesson 05).
#
# **AdamW.** Plain gradient descent moves every weight by `lr × gradient`. Adam keeps, per
# weight, a running mean of its gradient (*momentum*: the direction it keeps pointing in) and
# a running mean of its squared gradient (*the second moment*: how large that weight's
# gradients usually are), and moves each weight by the first divided by the square root of
# the second. Every weight gets a step of about `lr`, whatever the scale of its gradient.
# The **W** is *decoupled weight decay*: each step also shrinks the weight matrices slightly
# towards 0 (`weight_decay`), separately from the gradient (biases and LayerNorm gains are
# left alone — `minimt.schedule.make_optimizer`).
#
# **Warmup, then decay.** Adam corrects its running means for starting at zero, so that is
# not the problem. The problem is that in the first steps its second-moment estimate rests
# on a handful of gradients: a weight whose few gradients happened to be small gets a
# divisor that is far too small, and a step far larger than `lr`. Big, badly-scaled steps on
# a fresh model can push it somewhere it never recovers from. So the learning rate starts
# near 0 and grows linearly for `warmup` steps, while the estimates fill up, then shrinks
# like 1/√step:
#
#     lr(step) = peak · min(step / warmup, √(warmup / step))

# %%
config = ModelConfig(vocab_size=tok.vocab_size, d_model=128, n_heads=4, n_encoder_layers=2,
                     n_decoder_layers=2, d_ff=512, dropout=0.1)
model = Transformer(config)
PEAK_LR, WARMUP = 2e-3, (5 if FAST else 100)
optimizer = make_optimizer(model, lr=PEAK_LR, weight_decay=0.01)
scheduler = make_scheduler(optimizer, warmup=WARMUP)
print(f"{sum(p.numel() for p in model.parameters()):,} parameters; AdamW peak lr {PEAK_LR}, "
      f"warmup {WARMUP} steps, {STEPS} steps in all")

fig, ax = plt.subplots(figsize=(9, 4))
xs = list(range(1, STEPS + 1))
ax.plot(xs, [PEAK_LR * inverse_sqrt_factor(s - 1, WARMUP) for s in xs], lw=2.5)
ax.axvline(WARMUP, color="grey", ls="--", label=f"end of warmup (step {WARMUP})")
ax.set(xlabel="optimiser step", ylabel="learning rate", title="Linear warmup, then 1/√step decay")
ax.legend()
fig.tight_layout()
print("saved", save_figure(fig, FIGURES / "07_lr_schedule.png", dpi=100))

# %% [markdown]
# ## 3. The loop
#
# Six lines do the learning. Everything else records what happened.
#
# - `model.train()` switches dropout on (`model.eval()` switches it off for evaluation).
# - `clip_grad_norm_` rescales the whole gradient if its length exceeds 1.0: a single odd
#   batch cannot throw the weights far away. It returns the length *before* clipping — we
#   record it, since a spiking gradient norm is the first sign of trouble.
# - `optimizer.zero_grad()`: PyTorch *adds* new gradients to old ones (useful for gradient
#   accumulation); forgetting this line is a classic bug.
#
# The progress bar shows the training loss as it goes; the held-out loss is measured before
# the first step and five times during training, and printed at the end.

# %%
@torch.no_grad()
def valid_loss() -> float:
    """Mean loss per real token over the held-out pairs (no dropout, no label smoothing)."""
    model.eval()
    total, count = 0.0, 0
    for b in valid_batches:
        logits = model(b.input_ids, b.attention_mask, b.decoder_input_ids, b.decoder_attention_mask)
        total += cross_entropy_loss(logits, b.labels).item() * b.n_tokens  # mean → sum
        count += b.n_tokens
    return total / count


history = {"step": [], "loss": [], "grad_norm": [], "lr": [], "valid_step": [0], "valid": [valid_loss()]}
epoch, position, start = 0, 0, time.time()
bar = tqdm(range(1, STEPS + 1), desc="training", unit="step", file=sys.stderr)
for step in bar:
    batch = to_batch(batches[position], train_ids)
    model.train()
    logits = model(batch.input_ids, batch.attention_mask,
                   batch.decoder_input_ids, batch.decoder_attention_mask)       # 1. forward  (B, T, V)
    loss = cross_entropy_loss(logits, batch.labels, label_smoothing=0.1)       # 2. loss (-100 ignored)
    optimizer.zero_grad()
    loss.backward()                                                            # 3. backward
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)       # 4. clip
    history["lr"].append(scheduler.get_last_lr()[0])
    optimizer.step()                                                           # 5. update
    scheduler.step()                                                           # 6. next lr

    history["step"].append(step)
    history["loss"].append(loss.item())
    history["grad_norm"].append(grad_norm.item())
    position += 1
    if position == len(batches):  # end of an epoch: new order
        epoch, position = epoch + 1, 0
        batches = bucket_batches(lengths, MAX_TOKENS, shuffle=True, seed=SEED + epoch)
    if step % 10 == 0:
        bar.set_postfix(loss=f"{loss.item():.2f}", epoch=epoch)
    if step % max(1, STEPS // 5) == 0 or step == STEPS:
        history["valid_step"].append(step)
        history["valid"].append(valid_loss())
bar.close()
seconds = time.time() - start
print(f"{STEPS} steps ({epoch + position / len(batches):.1f} epochs) in {seconds:.0f} s on this machine")
print("valid loss: " + ", ".join(f"step {s} {v:.2f}" for s, v in zip(history["valid_step"], history["valid"])))
first, last = sum(history["loss"][:10]) / 10, sum(history["loss"][-10:]) / 10
print(f"train loss (mean of 10 steps): first {first:.2f} → last {last:.2f}")
assert last < first and history["valid"][-1] < history["valid"][0], "the loss should fall"

# %% [markdown]
# ## 4. The loss curve
#
# The training loss starts near `ln V` (every piece equally likely: ln 4000 ≈ 8.3) and falls
# quickly as the model learns which pieces are common, then more slowly as it learns to use
# the source sentence. The validation loss is measured on pairs the model never trains on:
# while it falls too, the model is learning something that carries over, not only memorising
# its training pairs.
#
# Why can the validation loss end *below* the training loss? The training loss is measured
# with dropout on and with label smoothing (lesson 06): the target puts 0.1 of its mass on
# all V pieces, so even a perfect model cannot get below the entropy of that target (its
# value is printed below). The validation loss is plain cross-entropy with dropout off.

# %%
eps, V = 0.1, tok.vocab_size
right, other = 1 - eps + eps / V, eps / V  # the smoothed target: probability of the right piece, of each other
floor = -(right * math.log(right) + (V - 1) * other * math.log(other))
print(f"ln V = {math.log(V):.2f}; lowest possible training loss with label smoothing {eps}: {floor:.3f}")
print(f"after {STEPS} steps: train {last:.2f} (smoothed, dropout on), valid {history['valid'][-1]:.2f} (plain)")
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 5))
ax1.plot(history["step"], history["loss"], alpha=0.6, label="train (per batch, label smoothing 0.1)")
ax1.plot(history["valid_step"], history["valid"], "o-", color="#D55E00", lw=2.5, label="valid (held-out pairs)")
ax1.axhline(math.log(V), color="grey", ls=":", label=f"ln V = {math.log(V):.2f}")
ax1.axhline(floor, color="#0072B2", ls="--", lw=1, label=f"floor of the smoothed loss = {floor:.2f}")
ax1.set(xlabel="step", ylabel="loss per real token", title="Loss")
ax1.legend(fontsize=12)
ax2.plot(history["step"], history["grad_norm"], color="#009E73")
ax2.axhline(1.0, color="grey", ls="--", label="clip at 1.0")
ax2.set(xlabel="step", ylabel="‖gradient‖ before clipping", title="Gradient norm")
ax2.legend(fontsize=12)
fig.tight_layout()
print("saved", save_figure(fig, FIGURES / "07_loss_curve.png", dpi=100))
assert all(math.isfinite(x) for x in history["loss"])

# %% [markdown]
# ## 5. Translating: the model's own guesses, one piece at a time
#
# In training the decoder reads the *true* French (teacher forcing). To translate, there is
# no true French: start from BOS, ask for the most likely next piece, append it, repeat until
# EOS. Lesson 08 explains this (greedy) loop and its faster, cached and beam versions.
#
# We try the article's sentence, a few everyday sentences the model trained on, and a few
# phrasebook sentences it has never seen (from the validation split):

# %%
@torch.no_grad()
def greedy(sentence: str, max_len: int = 30) -> str:
    model.eval()
    src = make_batch([tok.encode(sentence)], [[tok.eos_id]], **special)  # only the source half is used
    memory = model.encode(src.input_ids, src.attention_mask)              # (1, S, D)
    out = [tok.bos_id]
    for _ in range(max_len):
        logits = model.decode(torch.tensor([out]), memory, src.attention_mask)  # (1, len(out), V)
        next_id = logits[0, -1].argmax().item()
        if next_id == tok.eos_id:
            break
        out.append(next_id)
    return tok.decode(out)


seen = [("How are you?", "Comment ça va ?"), ("Thank you very much.", "Merci beaucoup."),
        ("Where is the station?", "Où est la gare ?"), ("I don't understand.", "Je ne comprends pas."),
        ("See you tomorrow.", "À demain.")]
assert all(p in everyday for p in seen)  # all five are training pairs
unseen = [p for p in load_pairs(embedded_path("valid")) if p in phrasebook][:4]
exact = 0
for label, group in (("trained on", seen), ("never seen", unseen)):
    print(f"-- {label}:")
    for en, fr in group:
        out = greedy(en)
        exact += out == fr
        print(f"  {en:34} → {out:30} ({'exactly the reference' if out == fr else 'reference: ' + fr})")
print(f"{exact} of {len(seen) + len(unseen)} exactly as the phrasebook says")

# %% [markdown]
# For comparison, the same sentences from `minimt train`'s model, when you have trained one
# (the newest of `runs/minimt`, `runs/minimt-2`, …, or `$MINIMT_RUN`):

# %%
if os.environ.get("MINIMT_RUN"):
    runs = [Path(os.environ["MINIMT_RUN"])]
else:
    runs = [latest_default(base) for base in (Path("runs/minimt"), ROOT / "runs" / "minimt")]
big_run = next((run for run in runs if run is not None and checkpoints_in(run)), None)
if big_run is None:
    print("No `minimt train` run yet (it takes longer: README, Set-up); this lesson's model is the one above.")
else:
    big, big_tok, big_meta = load_checkpoint(big_run)
    print(f"{big_run} (step {big_meta['step']}, {sum(p.numel() for p in big.parameters()):,} parameters):")
    for (en, fr), out in zip(seen + unseen, translate(big, big_tok, [en for en, _ in seen + unseen])):
        print(f"  {en:34} → {out:30} ({'exactly the reference' if out == fr else 'reference: ' + fr})")

# %% [markdown]
# After these two minutes the everyday sentences the model saw many times come out right,
# and the output is real French; the sentences it never saw mostly come out wrong — French
# words, wrong sentences (the count above says how many are exact). The model has memorised
# its phrasebook more than it has learnt French. `minimt train` (section 7) trains a deeper model (3+3 layers) for 1,200 steps on the
# whole corpus and gets most short sentences right. The loop is the same.
#
# ## 6. Checkpoints
#
# A checkpoint folder holds `config.json` (the model's shape, readable), `tokenizer.model`
# (the ids mean nothing without it) and `latest.pt` / `best.pt`: weights plus the optimiser,
# scheduler, step and random-generator states, so training can continue exactly where it
# stopped. Every file is written atomically (to a temporary name, then renamed): a crash
# never leaves half a checkpoint. The .pt files hold only tensors and plain Python values,
# which lets us load them with `torch.load(..., weights_only=True)`: a plain `torch.load`
# unpickles, and unpickling a stranger's file can run any code on your machine.
#
# We save this lesson's model where lessons 08 and 09 will look for it, and load it back:

# %%
save_checkpoint(OUT, model=model, config=config, tokenizer=tok, step=STEPS,
                optimizer=optimizer, scheduler=scheduler, extra={"seed": SEED}, name="latest")
print("checkpoint folder:", OUT.name if FAST else OUT, sorted(os.listdir(OUT)))
loaded, loaded_tok, meta = load_checkpoint(OUT, name="latest")  # torch.load(..., weights_only=True)
same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), loaded.state_dict().values()))
print(f"reloaded step {meta['step']}; weights identical: {same}")
assert same

# %% [markdown]
# ## 7. The same, from the command line
#
#     minimt train                      # embedded corpus, 1,200 steps (~10 min in fp32 on a laptop, less with bf16), then translations
#     minimt train --steps 2000 --out runs/long
#     minimt train --resume --out runs/long --steps 4000     # continues exactly (same losses)
#     minimt translate --checkpoint runs/lesson07 "How are you?"
#
# `minimt train` adds what this lesson left out: a time budget, validation BLEU/chrF with
# free decoding, bf16 autocast, `metrics.jsonl` and a curves picture, `best.pt` by BLEU, and
# a `--resume` that restores the batch position and every random generator —
# `tests/test_train.py` kills a run and checks the resumed losses equal an uninterrupted
# run's, bit for bit.
#
# ## Try it
#
# 1. Remove `optimizer.zero_grad()`. What happens to the gradient norm and the loss?
# 2. Set `WARMUP = 1` and `PEAK_LR = 1e-2`. Does training survive the first steps?
# 3. Run the loop twice with the same seed and compare `history["loss"]`: identical? Now
#    change only the seed.
# 4. Set `REPEAT = 1`. Which of section 5's sentences does the model still get right?
#
# Next: lesson 08 — decoding: greedy, the KV cache, and beam search.

# %% [markdown]
# ## Exercises
#
# Practise this lesson: `minimt exercises start N`, then `minimt exercises check N`.
#
# - **10** — `train_step`: one training step (forward, loss, zero_grad, backward, clip, step)
# - **18** — `PREDICTIONS`: break it — which proof catches which bug?
