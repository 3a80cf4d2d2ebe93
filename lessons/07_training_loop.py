# %% [markdown]
# # Lesson 07 — The training loop
#
# Lesson 06 took one optimiser step on one batch. Training is that step repeated thousands
# of times over the whole corpus, with a few pieces of bookkeeping that make it work:
#
# 1. batches of similar lengths under a token budget (lesson 03's `bucket_batches`);
# 2. AdamW with a learning rate that warms up, then decays;
# 3. the loop itself — forward, loss, backward, clip, step, schedule — written out;
# 4. the loss curve, and a held-out loss to see that the model generalises;
# 5. translating with the trained model (a 10-line greedy loop; lesson 08 does it properly);
# 6. checkpoints that load without running anyone's code, and `minimt train`, which is this
#    lesson plus a budget, evaluation with BLEU, and an exact `--resume`.
#
# A few hundred steps of a small model on the embedded corpus take a few minutes on a laptop
# CPU; `MINIMT_FAST=1` runs 20 steps (the loss barely moves — the point is that it runs).
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

from minimt.batch import bucket_batches, make_batch
from minimt.checkpoint import load_checkpoint, save_checkpoint
from minimt.data import embedded_path, load_pairs
from minimt.loss import cross_entropy_loss
from minimt.model import ModelConfig, Transformer
from minimt.plots import save_figure
from minimt.schedule import inverse_sqrt_factor, make_optimizer, make_scheduler
from minimt.tokenizer import Tokenizer

FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
STEPS = 20 if FAST else 400
SEED = 0
random.seed(SEED)
torch.manual_seed(SEED)  # one seed → the same batches, weights, dropout and losses on every run

# %% [markdown]
# ## 1. Data: ids, then batches by length
#
# Every pair becomes two id lists (lesson 02). `bucket_batches` sorts pairs by length and
# fills each batch up to a budget of **padded** positions (`max_tokens`), so short sentences
# travel in big batches, long ones in small batches, and there is little padding (lesson 03).
# A new shuffled batch order each epoch (`seed + epoch`) — the model never sees the same
# sequence of batches twice, but a rerun with the same seed does.

# %%
tok = Tokenizer.default()
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)
train_pairs = load_pairs(embedded_path("train"))
valid_pairs = load_pairs(embedded_path("valid"))[:32 if FAST else 200]
train_ids = [(tok.encode(en), tok.encode(fr)) for en, fr in train_pairs]
valid_ids = [(tok.encode(en), tok.encode(fr)) for en, fr in valid_pairs]
lengths = [(len(s), len(t)) for s, t in train_ids]
MAX_TOKENS = 512 if FAST else 2048  # fast mode: small batches, seconds not minutes


def to_batch(indices, ids):
    return make_batch([ids[i][0] for i in indices], [ids[i][1] for i in indices], **special)


batches = bucket_batches(lengths, MAX_TOKENS, shuffle=True, seed=SEED + 0)  # epoch 0
sizes = [len(b) for b in batches]
print(f"{len(train_pairs):,} training pairs → {len(batches)} batches per epoch "
      f"(from {min(sizes)} to {max(sizes)} pairs each, ≤ {MAX_TOKENS} padded tokens)")
valid_batches = [to_batch(b, valid_ids) for b in bucket_batches([(len(s), len(t)) for s, t in valid_ids],
                                                                 MAX_TOKENS, shuffle=False)]

# %% [markdown]
# ## 2. The model, the optimiser and the learning-rate schedule
#
# A smaller model than `minimt train`'s default, so this lesson stays quick: D = 128,
# 2 + 2 layers. **AdamW** keeps, per weight, a running mean of its gradient (momentum) and of
# its squared gradient (a per-weight step size), and decays the weight *matrices* slightly
# towards 0 (`weight_decay`; biases and LayerNorm gains are left alone — `minimt.schedule`).
#
# **Warmup, then decay.** Adam's running means start empty and are noisy for the first
# steps; big steps then can push a fresh model somewhere it never recovers from. So the
# learning rate grows linearly for `warmup` steps, then shrinks like 1/√step:
#
#     lr(step) = peak · min(step / warmup, √(warmup / step))

# %%
config = ModelConfig(vocab_size=tok.vocab_size, d_model=128, n_heads=4, n_encoder_layers=2,
                     n_decoder_layers=2, d_ff=512, dropout=0.1)
model = Transformer(config)
PEAK_LR, WARMUP = 2e-3, (5 if FAST else 100)
optimizer = make_optimizer(model, lr=PEAK_LR, weight_decay=0.01)
scheduler = make_scheduler(optimizer, warmup=WARMUP)
print(f"{sum(p.numel() for p in model.parameters()):,} parameters; AdamW peak lr {PEAK_LR}, warmup {WARMUP}")

fig, ax = plt.subplots(figsize=(9, 4))
xs = list(range(1, 4 * max(STEPS, 400) + 1))
ax.plot(xs, [PEAK_LR * inverse_sqrt_factor(s - 1, WARMUP) for s in xs])
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


history = {"step": [], "loss": [], "grad_norm": [], "lr": [], "valid_step": [], "valid": []}
epoch, position, start = 0, 0, time.time()
for step in range(1, STEPS + 1):
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
    if step % max(1, STEPS // 5) == 0 or step == STEPS:
        history["valid_step"].append(step)
        history["valid"].append(valid_loss())
        print(f"step {step:4d}  train loss {loss.item():.3f}  valid loss {history['valid'][-1]:.3f}  "
              f"lr {history['lr'][-1]:.2e}  |grad| {grad_norm.item():.2f}  ({time.time() - start:.0f} s)")

# %% [markdown]
# ## 4. The loss curve
#
# The training loss starts near `ln V` (every piece equally likely: ln 4000 ≈ 8.3) and falls
# quickly as the model learns which pieces are common, then slowly as it learns to use the
# source sentence. The validation loss is measured on pairs the model never trains on: while
# it falls too, the model is learning French, not memorising the training pairs.
#
# Why is the validation loss *below* the training loss? The training loss is measured with
# dropout on and with label smoothing: the target puts 0.1 of its mass on all V pieces, so
# even a perfect model cannot get below the entropy of that target (about 1.15 here). The
# validation loss is plain cross-entropy with dropout off.

# %%
eps, V = 0.1, tok.vocab_size
right, other = 1 - eps + eps / V, eps / V  # the smoothed target: probability of the right piece, of each other
floor = -(right * math.log(right) + (V - 1) * other * math.log(other))
print(f"lowest possible training loss with label smoothing {eps}: {floor:.3f}")
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 4.8))
ax1.plot(history["step"], history["loss"], alpha=0.5, label="train (per batch, label smoothing 0.1)")
ax1.plot(history["valid_step"], history["valid"], "o-", color="C3", label="valid (held-out pairs)")
ax1.axhline(math.log(tok.vocab_size), color="grey", ls=":", label=f"ln V = {math.log(tok.vocab_size):.2f}")
ax1.axhline(floor, color="C0", ls="--", lw=1, label=f"floor of the smoothed loss = {floor:.2f}")
ax1.set(xlabel="step", ylabel="loss per real token", title="Loss")
ax1.legend()
ax2.plot(history["step"], history["grad_norm"], color="C2")
ax2.axhline(1.0, color="grey", ls="--", label="clip at 1.0")
ax2.set(xlabel="step", ylabel="‖gradient‖ before clipping", title="Gradient norm")
ax2.legend()
fig.tight_layout()
print("saved", save_figure(fig, FIGURES / "07_loss_curve.png", dpi=100))
assert all(math.isfinite(x) for x in history["loss"])

# %% [markdown]
# ## 5. Translating: the model's own guesses, one piece at a time
#
# In training the decoder reads the *true* French (teacher forcing). To translate, there is
# no true French: start from BOS, ask for the most likely next piece, append it, repeat until
# EOS. Lesson 08 explains this (greedy) loop and its faster, cached and beam versions.

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


for en, fr in [("How are you?", "Comment ça va ?")] + valid_pairs[::8][:4]:
    print(f"  {en}\n      → {greedy(en)}\n        (reference: {fr})")

# %% [markdown]
# After a few hundred steps of this small model the output is French-looking but often
# wrong. `minimt train` (below) trains a bigger model for 2,000 steps and gets most short
# sentences right — the loop is the same.
#
# ## 6. Checkpoints
#
# A checkpoint folder holds `config.json` (the model's shape, readable), `tokenizer.model`
# (the ids mean nothing without it) and `latest.pt` / `best.pt`: weights plus the optimiser,
# scheduler, step and random-generator states, so training can continue exactly where it
# stopped. The .pt files hold only tensors and plain Python values, which lets us load them
# with `torch.load(..., weights_only=True)`: a plain `torch.load` unpickles, and unpickling a
# stranger's file can run any code on your machine.

# %%
with tempfile.TemporaryDirectory() as folder:
    save_checkpoint(folder, model=model, config=config, tokenizer=tok, step=STEPS,
                    optimizer=optimizer, scheduler=scheduler, extra={"seed": SEED}, name="latest")
    print("checkpoint folder:", sorted(os.listdir(folder)))
    loaded, loaded_tok, meta = load_checkpoint(folder, name="latest")
    same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), loaded.state_dict().values()))
    print(f"reloaded step {meta['step']}; weights identical: {same}")
    assert same

# %% [markdown]
# ## 7. The same, from the command line
#
#     minimt train                      # embedded corpus, 2,000 steps (minutes with bf16, longer in fp32), then translations
#     minimt train --steps 2000 --out runs/long
#     minimt train --resume --out runs/long --steps 4000     # continues exactly (same losses)
#     minimt translate --checkpoint runs/minimt "How are you?"
#
# `minimt train` adds what this lesson left out: a time budget, a progress bar, validation
# BLEU/chrF with free decoding, bf16 autocast, `metrics.jsonl` and a curves picture,
# `best.pt` by BLEU, and a `--resume` that restores the batch position and every random
# generator — `tests/test_train.py` kills a run and checks the resumed losses equal an
# uninterrupted run's, bit for bit.
#
# ## Try it
#
# - Remove `optimizer.zero_grad()`. What happens to the gradient norm and the loss?
# - Set `WARMUP = 1` and `PEAK_LR = 1e-2`. Does training survive the first steps?
# - Run the loop twice with the same seed and compare `history["loss"]`: identical? Now
#   change only the seed.
#
# Next: lesson 08 — decoding: greedy, the KV cache, and beam search.
