# %% [markdown]
# # Lesson 06 — The loss, -100, and one step of learning
#
# Lesson 05 ended with logits: for every position of every French row, one score per piece
# of the vocabulary, shape (B, T, V). Lesson 03 built `labels` (B, T): the piece that should
# come next, or **-100** where the row is only padding. This lesson turns the two into one
# number, the **loss**, and follows it backwards:
#
# 1. one batch, one untrained model, its logits;
# 2. the loss of one position, by hand: softmax, the probability of the right piece, -log;
# 3. the mean over the real tokens — what `ignore_index=-100` does, and the same number by hand;
# 4. why we flatten to (B*T, V) before calling `F.cross_entropy`;
# 5. a picture of the loss of every label token, -100 positions greyed out;
# 6. `backward()`: the gradient of every logit — exactly zero at -100 positions;
# 7. one optimiser step: the loss on the same batch goes down;
# 8. label smoothing, and the all-padding batch that would give NaN.
#
# `MINIMT_FAST=1` makes it quick; figures go to `$MINIMT_FIGURES` (default `lessons/figures`).
#
# - **Builds on:** lesson 05 — the logits (B,T,V) — and lesson 03's labels with -100.
# - **Next:** lesson 07 — The training loop: this one step, thousands of times.

# %%
import math
import os
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")
import torch
import torch.nn.functional as F

from minimt import plots
from minimt.plots.logit_gradients import plot_logit_gradients
from minimt.batch import IGNORE_INDEX, make_batch
from minimt.loss import cross_entropy_by_hand, cross_entropy_loss, per_token_loss
from minimt.model import ModelConfig, Transformer
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
torch.manual_seed(0)
tok = Tokenizer.default()
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)

# %% [markdown]
# ## 1. One batch, one model, the logits
#
# Three pairs of different lengths, so two French rows are padded. A small untrained model:
# its guesses are spread over all V pieces, which makes the first numbers easy to check.

# %%
pairs = [("How are you?", "Comment ça va ?"),
         ("Thank you very much.", "Merci beaucoup."),
         ("Where is the station, please?", "Où est la gare, s'il vous plaît ?")]
batch = make_batch([tok.encode(en) for en, _ in pairs], [tok.encode(fr) for _, fr in pairs], **special)
model = Transformer(ModelConfig(vocab_size=tok.vocab_size, d_model=64, n_heads=2, n_encoder_layers=1,
                                n_decoder_layers=1, d_ff=128, dropout=0.0))
logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids,
               batch.decoder_attention_mask)                       # (B, T, V)
B, T, V = logits.shape
print(f"logits {tuple(logits.shape)} = (B sentences, T French positions, V pieces)")
print("labels\n", batch.labels)
label_pieces = [["-100" if i == IGNORE_INDEX else tok.id_to_piece(i) for i in row] for row in batch.labels.tolist()]
for row in label_pieces:
    print("  ", row)

# %% [markdown]
# ## 2. The loss of one position, by hand
#
# At position t the model's guess is a probability distribution over the V pieces:
# `softmax(logits[b, t])`. The loss of that position is `-log p(correct piece)`: 0 if the
# model is sure and right, large if it gave the right piece a small probability. A model
# that gives every piece 1/V has loss `ln V`; our untrained one is a little worse than that
# (its random logits are confidently wrong here and there):

# %%
b, t = 0, 0
probs = torch.softmax(logits[b, t], dim=-1)                      # (V,) sums to 1
right = batch.labels[b, t].item()
print(f"position (b={b}, t={t}): the right piece is {tok.id_to_piece(right)!r} (id {right})")
print(f"  p(right) = {probs[right].item():.6f}   (uniform would be 1/V = {1 / V:.6f})")
print(f"  loss = -log p = {-math.log(probs[right].item()):.4f}   (ln V = {math.log(V):.4f})")
assert -math.log(probs[right].item()) > math.log(V)  # worse than uniform, as the text says

# %% [markdown]
# ## 3. The mean over real tokens — what `ignore_index=-100` does
#
# Every position's loss, then the mean over the positions whose label is **not** -100:
#
#     loss = Σ_real -log p(label)  /  number of real labels
#
# `-100` is not an id (there is no row -100 in the vocabulary); it is PyTorch's marker for
# "skip me". Skipped positions add nothing to the sum *and* are not counted in the
# denominator — padding a batch to a longer length changes nothing.
# (The mean is over tokens, not sentences: a long sentence weighs more. That is the choice of
# fairseq, Marian and Hugging Face; averaging per sentence first would weigh short ones more.)

# %%
log_probs = torch.log_softmax(logits, dim=-1)                    # (B, T, V)
real = batch.labels != IGNORE_INDEX                              # (B, T) bool
total, count = 0.0, 0
print(f"{'b':>2} {'t':>2} {'label':>12} {'-log p':>8}")
for bb in range(B):
    for tt in range(T):
        y = batch.labels[bb, tt].item()
        if y == IGNORE_INDEX:
            print(f"{bb:>2} {tt:>2} {'-100':>12} {'ignored':>8}")
            continue
        nll = -log_probs[bb, tt, y].item()
        total, count = total + nll, count + 1
        print(f"{bb:>2} {tt:>2} {tok.id_to_piece(y):>12} {nll:8.4f}")
by_loop = total / count
builtin = F.cross_entropy(logits.reshape(-1, V), batch.labels.reshape(-1), ignore_index=-100)
print(f"\nloop over real tokens: {total:.4f} / {count} = {by_loop:.6f}")
print(f"cross_entropy_by_hand: {cross_entropy_by_hand(logits, batch.labels).item():.6f}")
print(f"F.cross_entropy     : {builtin.item():.6f}")
print(f"cross_entropy_loss  : {cross_entropy_loss(logits, batch.labels).item():.6f}")
assert abs(by_loop - builtin.item()) < 1e-5
assert abs(cross_entropy_by_hand(logits, batch.labels).item() - builtin.item()) < 1e-6

# %% [markdown]
# What if -100 were *not* ignored? Say we had padded the labels with the pad id 0 instead:
# the model would be trained to predict `<pad>` after every sentence, and the mean would
# include all those easy-to-learn positions. The number changes:

# %%
with_pad = batch.labels.masked_fill(~real, tok.pad_id)
wrong = F.cross_entropy(logits.reshape(-1, V), with_pad.reshape(-1))
print(f"labels padded with <pad> (id 0) and nothing ignored: {wrong.item():.4f}  vs  {builtin.item():.4f}")
more_padding = torch.cat([batch.labels, torch.full((B, 5), IGNORE_INDEX)], dim=1)
more_logits = torch.cat([logits, torch.randn(B, 5, V) * 10], dim=1)  # garbage where padded
print(f"5 more -100 columns (garbage logits there): {cross_entropy_loss(more_logits, more_padding).item():.6f}")
assert abs(cross_entropy_loss(more_logits, more_padding).item() - builtin.item()) < 1e-5

# %% [markdown]
# ## 4. Why flatten to (B*T, V)?
#
# `F.cross_entropy` wants the classes in dimension 1: `(N, C)` or `(B, C, T)`. Our logits are
# `(B, T, V)`. Passed as they are, PyTorch reads T as the class dimension and V as the
# length; usually that raises a shape error… except when T == V, where it silently computes
# something else. `minimt.loss` flattens explicitly — `(B*T, V)` and `(B*T,)` — so there is
# no doubt which dimension holds the classes. (`tests/test_loss.py` checks the T == V case.)

# %%
print("flattened:", tuple(logits.reshape(-1, V).shape), tuple(batch.labels.reshape(-1).shape))
try:
    F.cross_entropy(logits, batch.labels, ignore_index=-100)
except (RuntimeError, ValueError) as e:
    print("unflattened (B, T, V):", str(e).splitlines()[0][:90])
same = F.cross_entropy(logits.transpose(1, 2), batch.labels, ignore_index=-100)  # (B, V, T) also right
print(f"(B, V, T) form: {same.item():.6f} — equal, but easy to get wrong")

# %% [markdown]
# ## 5. A picture: the loss of every label token
#
# Red = large loss (the model gave that piece a small probability). Grey hatched = -100: no
# loss, no gradient, not counted.

# %%
tok_loss = per_token_loss(logits, batch.labels).detach()         # (B, T), 0 at -100
print(plots.plot_token_loss(tok_loss, batch.labels, pieces=tok.id_to_piece,
                            path=FIGURES / "06_token_loss.png"))

# %% [markdown]
# ## 6. Backward: which logits get a gradient?
#
# `loss.backward()` computes d loss / d x for every number x that led to it. For a logit
# the answer is simple: at a real position, `(softmax - one_hot(label)) / N` (N = number of
# real tokens) — push the right piece up, every other piece down in proportion to its
# probability. At a -100 position the loss does not depend on the logits at all, so their
# gradient is **exactly** zero: padding teaches nothing.

# %%
logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask)
logits.retain_grad()                                             # keep d loss / d logits for us to look at
loss = cross_entropy_loss(logits, batch.labels)
loss.backward()
grad_norm = logits.grad.norm(dim=-1)                             # (B, T) size of each position's gradient
print("gradient size per position (0 = ignored):\n", grad_norm)
assert torch.all(logits.grad[~real] == 0)
n_real = int(real.sum())
expected = (torch.softmax(logits[0, 0], -1) - F.one_hot(batch.labels[0, 0], V)) / n_real
# Untrained, p(right) ≈ 0, so ‖softmax - one_hot‖ ≈ 1 and every real position's gradient is ≈ 1/N.
print(f"position (0,0): autograd vs (softmax - one_hot)/N, max difference "
      f"{(logits.grad[0, 0] - expected).abs().max().item():.1e}")
assert torch.allclose(logits.grad[0, 0], expected.detach(), atol=1e-7)

print(plot_logit_gradients(grad_norm, batch.labels, pieces=tok.id_to_piece, path=FIGURES / "06_logit_gradients.png",
                           title=f"‖d loss / d logits‖ per position: ≈ 1/N = 1/{n_real} = {1 / n_real:.4f} "
                                 "where real, exactly 0 at -100"))

# %% [markdown]
# ## 7. One optimiser step
#
# The gradients flow on from the logits into every weight. An **optimiser** turns them into
# a change of the weights. The simplest, plain gradient descent, moves each weight by
# `-lr × its gradient`. We use **AdamW**, the Transformer's usual choice: it divides each
# weight's step by a running estimate of how large that weight's gradients usually are, so
# every weight moves by about `lr`, and it shrinks the weight matrices slightly towards 0
# at each step (*weight decay*, the "W"). Lesson 07 says more, and why its first steps need
# a small learning rate (*warmup*). On the same batch, the loss goes down. The learning rate
# here is large on purpose, so that a single step shows clearly.

# %%
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
before = loss.item()
optimizer.step()          # uses the .grad that backward() left on every parameter
optimizer.zero_grad()
with torch.no_grad():
    after = cross_entropy_loss(model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids,
                                     batch.decoder_attention_mask), batch.labels).item()
print(f"loss before the step {before:.4f} → after {after:.4f}")
assert after < before

# %% [markdown]
# ## 8. Label smoothing, and the batch with no real token
#
# **Label smoothing** (ε = 0.1 in `minimt train`) trains towards 90 % on the right piece and
# 10 % spread over all pieces: the model is never pushed to be infinitely sure, which helps
# it generalise. It must still ignore -100 positions — the smoothed loss of our batch equals
# the smoothed loss of the same tokens with the padding *deleted*:

# %%
logits = logits.detach()
smoothed = cross_entropy_loss(logits, batch.labels, label_smoothing=0.1)
deleted = cross_entropy_loss(logits[real].unsqueeze(0), batch.labels[real].unsqueeze(0), label_smoothing=0.1)
print(f"smoothed with -100 positions: {smoothed.item():.6f}; padding deleted: {deleted.item():.6f}")
assert abs(smoothed.item() - deleted.item()) < 1e-5

# %% [markdown]
# A batch where *every* label is -100 has nothing to average: PyTorch computes 0 / 0 = NaN,
# and one NaN loss would turn every weight into NaN. `cross_entropy_loss` returns 0 instead,
# and the training loop skips the step (AdamW would still move the weights with zero gradients).

# %%
nothing = torch.full((2, 4), IGNORE_INDEX)
print("F.cross_entropy, all -100:", F.cross_entropy(torch.randn(8, V), nothing.reshape(-1)).item())
print("cross_entropy_loss, all -100:", cross_entropy_loss(torch.randn(2, 4, V), nothing).item())

# %% [markdown]
# ## Try it
#
# 1. Replace `ignore_index=-100` by nothing and label padding with 0 (section 3's "wrong"
#    version): train lesson 07's loop with it. What does the model output after a sentence ends?
# 2. Compute the per-*sentence* mean (mean over each row's real tokens, then over rows). Which
#    sentence gains weight?
# 3. In section 6, why is the gradient at a real position always of size ≤ √2 / N?
#
# Next: lesson 07 repeats section 7 hundreds of times — the training loop.

# %% [markdown]
# ## Exercises
#
# Practise this lesson: `minimt exercises start N`, then `minimt exercises check N`.
#
# - **9** — `masked_cross_entropy`: the loss as a masked mean over the real tokens
# - **17** — `make_targets`: fix it — the loss that learns padding
# - **20** — `logit_gradients`: backprop by hand — d loss / d logits = (softmax − one_hot) / N
