# %% [markdown]
# # Lesson 05 — The encoder–decoder, one tensor at a time
#
# Lessons 02–04 built the pieces: ids, the padded batch with its masks, and attention. Now
# they become a translation model. We follow the article's pair, "How are you?" → "Comment ça
# va ?", through an (untrained) `minimt.model.Transformer`, printing every shape:
#
#     input_ids (B,S) → embedding ·√D + positions → encoder layers → memory (B,S,D)
#     decoder_input_ids (B,T) → embedding ·√D + positions → decoder layers (causal self-attention,
#         cross-attention into memory) → × embeddingᵀ → logits (B,T,V)
#
# We redo the forward pass by hand with the model's own layers and check that it gives the
# model's numbers to float rounding (0 or about 1e-6, depending on the machine and its threads:
# the same sums, added in another order; the lesson asserts < 1e-4) — so
# what you read here is what trains in lesson 07.
# The code is `minimt/model.py` (~250 lines) — read it alongside.
#
# Run it as a script (`python lessons/05_encoder_decoder.py`) or as a notebook.
# `MINIMT_FAST=1` makes it quick; figures go to `$MINIMT_FIGURES` (default `lessons/figures`).
#
# - **Builds on:** lessons 02–04 — ids, the padded batch, attention and its masks.
# - **Next:** lesson 06 — The loss and -100: the logits meet the labels.

# %%
import math
import os
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import matplotlib.pyplot as plt
import torch

from minimt import plots
from minimt.attention import decoder_self_mask, padding_mask
from minimt.batch import make_batch
from minimt.model import ModelConfig, Transformer
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
_ = torch.manual_seed(0)  # `_ =`: keep the returned Generator's repr out of the output
tok = Tokenizer.default()
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)


def show(name, t, what=""):
    print(f"{name:34} {str(tuple(t.shape)):16} {what}")


def max_diff(a, b):
    return (a - b).abs().max().item()


# %% [markdown]
# ## 1. The batch and the model
#
# The article's pair and a longer one, so that the batch has padding on both sides. The model
# has minimt's default size: D = 256 dimensions, 4 heads, 3 encoder and 3 decoder layers.

# %%
pairs = [("How are you?", "Comment ça va ?"), ("Where is the station, please?", "Où est la gare, s'il vous plaît ?")]
batch = make_batch([tok.encode(en) for en, _ in pairs], [tok.encode(fr) for _, fr in pairs], **special)
src_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.input_ids.tolist()]
tgt_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.decoder_input_ids.tolist()]
print("source pieces:", src_pieces[0], "\ntarget pieces:", tgt_pieces[0])
show("input_ids", batch.input_ids, "(B,S) English + EOS, padded")
show("attention_mask", batch.attention_mask, "(B,S) 1 = real")
show("decoder_input_ids", batch.decoder_input_ids, "(B,T) BOS + French, padded")
show("decoder_attention_mask", batch.decoder_attention_mask, "(B,T)")
show("labels", batch.labels, "(B,T) French + EOS, -100 = ignore")

config = ModelConfig(vocab_size=tok.vocab_size)
model = Transformer(config).eval()  # eval(): dropout off (section 3), so every number below is reproducible
print(config)
n_params = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
print(f"parameters: {n_params(model):,} — embedding {n_params(model.embedding):,} (shared 3 ways), "
      f"encoder {n_params(model.encoder_layers):,}, decoder {n_params(model.decoder_layers):,}")
B, S = batch.input_ids.shape
T, D, V = batch.decoder_input_ids.shape[1], config.d_model, config.vocab_size

# %% [markdown]
# ## 2. Embeddings and positions
#
# The embedding table turns each id into a D-dim vector. Attention itself ignores order (it
# mixes a *set* of vectors), so we add a **position** vector: the sinusoids of the original
# paper, `sin(p / 10000^(2i/D))` and `cos(…)`, fixed, not learned, values in [-1, 1].
#
# The token embeddings start with std D^-0.5 and are multiplied by √D, so what enters the
# first layer has a root-mean-square (rms) of ≈ 1 per number for the tokens, and exactly
# 1/√2 ≈ 0.71 for the positions (each sin/cos pair has sin² + cos² = 1): the same order, so
# neither signal drowns the other. (The table is also the output layer, section 5, where
# the small init keeps the first logits small.)
#
# In the picture, the even dimensions 2i hold sines and the odd ones 2i+1 cosines of the
# same frequency; drawn interleaved they make stripes, so they are drawn apart. Row i is one
# frequency: fast at the top (i = 0 turns once every 2π ≈ 6 positions), ever slower below —
# every position gets its own pattern of values down the column.

# %%
tokens = model.embedding(batch.input_ids)                    # (B,S,D)
scaled = tokens * math.sqrt(D)                               # (B,S,D)
positions = model.positions[:S]                              # (S,D), a buffer, not a parameter
x = scaled + positions                                       # (B,S,D), broadcast over B
rms = lambda t: t.pow(2).mean().sqrt().item()  # noqa: E731  root-mean-square of every number
show("embedding(input_ids)", tokens, f"std {tokens.std():.3f} ≈ D^-0.5 = {D ** -0.5:.3f}")
show("  × √D", scaled, f"rms {rms(scaled):.2f}")
show("positions[:S]", positions, f"rms {rms(positions):.3f} = 1/√2 = {2 ** -0.5:.3f}")
show("x = tokens·√D + positions", x)
assert abs(rms(positions) - 2 ** -0.5) < 1e-4 and abs(rms(scaled) - 1) < 0.1

P = 50  # positions drawn; our sentences are far shorter
plt.rcParams.update({"font.size": 13})
fig, (ax_sin, ax_cos, ax2) = plt.subplots(1, 3, figsize=(19, 6), layout="constrained",
                                          gridspec_kw={"width_ratios": [1, 1, 1.1]})
for ax, part, name in ((ax_sin, 0, "sin: dimensions 0, 2, 4, …"), (ax_cos, 1, "cos: dimensions 1, 3, 5, …")):
    im = ax.imshow(model.positions[:P, part::2].T, aspect="auto", cmap="RdBu", vmin=-1, vmax=1,
                   interpolation="nearest")  # row i: dimension 2i (sin) or 2i+1 (cos), one frequency
    ax.axvline(S - 0.5, color="black", ls="--", lw=1.5)  # left of it: the positions our batch uses
    ax.set(xlabel=f"position p  (dashed: end of our {S} positions)", title=name)
ax_sin.set_ylabel("frequency i  (fast at the top)")
ax_cos.tick_params(labelleft=False)
fig.colorbar(im, ax=[ax_sin, ax_cos], label="value", shrink=0.85)
norms = scaled[0].norm(dim=-1).detach()
ax2.bar([p - 0.2 for p in range(S)], norms, width=0.4, label="token embedding × √D")
ax2.bar([p + 0.2 for p in range(S)], positions.norm(dim=-1), width=0.4, label="position vector")
ax2.set_xticks(range(S), src_pieces[0], rotation=45, ha="right")
ax2.set_ylim(0, 1.3 * norms.max().item())
ax2.set(ylabel="vector length", title="Sentence 0: token vs position, same order")
ax2.legend(loc="upper center", ncol=2, fontsize=11)
print("saved", plots.save_figure(fig, FIGURES / "05_positions.png", dpi=100))

# %% [markdown]
# ## 3. The encoder
#
# Three ideas first, one paragraph each.
#
# **LayerNorm** rescales each position's D numbers to mean 0 and standard deviation 1, then
# multiplies by a learned gain and adds a learned bias (D of each). Each vector is normalised
# on its own — not across the batch — so padding and batch size cannot change a real token's
# numbers. It keeps the scale of the signal steady from layer to layer, which keeps training
# stable.
#
# **Pre-norm vs post-norm.** The original paper (Vaswani et al., 2017) normalises *after*
# adding the residual: `x = LayerNorm(x + Sublayer(x))` (post-norm). minimt, like most
# models since, normalises *before*: `x = x + Sublayer(LayerNorm(x))` (pre-norm). Then the
# residual path from input to output is a plain sum that no LayerNorm touches, so gradients
# reach the first layers undiminished and training needs less care with warmup; the price is
# one more LayerNorm at the end of the stack.
#
# **Dropout** (training only) sets a random 10% of the numbers (`dropout=0.1`) to 0 and scales
# the rest by 1/0.9, so the expected value is unchanged. The model cannot lean on any single
# number and overfits less. `model.eval()` switches it off — that is why this lesson, which
# compares numbers, calls `eval()`; `model.train()` switches it back on (lesson 07).
#
# Each encoder layer does two things, each wrapped the same way — pre-norm: normalise,
# transform, add back (the "residual"), so the signal always has a clean path through:
#
#     x = x + SelfAttention(LayerNorm(x), mask = padding (B,1,1,S))
#     x = x + FeedForward(LayerNorm(x))        # Linear D→4D, ReLU, Linear 4D→D, per position
#
# After the last layer one more LayerNorm gives the **memory** the decoder will read.

# %%
enc_mask = padding_mask(batch.attention_mask)                 # (B,1,1,S)
show("encoder mask = padding_mask", enc_mask, "True = may attend")
for i, layer in enumerate(model.encoder_layers):
    h, w = layer.self_attn(layer.norm1(x), None, enc_mask, need_weights=True)
    if i == 0:
        show("  self_attn(norm1(x))", h, "(B,S,D)")
        show("  its weights", w, "(B,H,S,S)")
    x = x + h
    hidden = torch.relu(layer.ffn.up(layer.norm2(x)))
    if i == 0:
        show("  ffn hidden", hidden, f"(B,S,d_ff={config.d_ff})")
    x = x + layer.ffn.down(hidden)
    show(f"after encoder layer {i}", x)
memory = model.encoder_norm(x)
show("memory = encoder_norm(x)", memory, "(B,S,D)")
norm = model.encoder_norm  # LayerNorm, written out: per position, mean 0 and std 1, then gain and bias
by_hand_norm = (x - x.mean(-1, keepdim=True)) / (x.var(-1, unbiased=False, keepdim=True) + norm.eps).sqrt()
print(f"LayerNorm by hand vs nn.LayerNorm: {max_diff(by_hand_norm * norm.weight + norm.bias, memory):.1e}")
assert max_diff(by_hand_norm * norm.weight + norm.bias, memory) < 1e-4
encoded = model.encode(batch.input_ids, batch.attention_mask)
print(f"by hand vs model.encode(): {max_diff(memory, encoded):.1e} (equal to float rounding)")
assert max_diff(memory, encoded) < 1e-4

# %% [markdown]
# ## 4. The decoder
#
# The decoder's layer has one more step in the middle: **cross-attention**, whose queries are
# the French positions (T) and whose keys and values are the English memory (S) — this is the
# only place where the two languages meet. Its mask is the *source* padding mask (B,1,1,S).
# The decoder's self-attention uses lesson 04's causal ∧ padding mask (B,1,T,T).

# %%
y = model.embedding(batch.decoder_input_ids) * math.sqrt(D) + model.positions[:T]  # (B,T,D)
self_mask = decoder_self_mask(batch.decoder_attention_mask)  # (B,1,T,T)
cross_mask = padding_mask(batch.attention_mask)              # (B,1,1,S)
show("y = embed(decoder_input_ids)…", y)
show("decoder self mask", self_mask, "causal ∧ padding")
show("cross mask", cross_mask, "the source's padding")
for i, layer in enumerate(model.decoder_layers):
    h, _ = layer.self_attn(layer.norm1(y), None, self_mask)
    y = y + h
    h, w = layer.cross_attn(layer.norm2(y), memory, cross_mask, need_weights=True)
    if i == 0:
        show("  cross_attn(norm2(y), memory)", h, "(B,T,D)")
        show("  its weights", w, "(B,H,T,S) — not square")
    y = y + h
    y = y + layer.ffn(layer.norm3(y))
    show(f"after decoder layer {i}", y)

# %% [markdown]
# ## 5. Logits: one score per vocabulary piece, at every position
#
# The output layer is the embedding table again, transposed: the score of piece j is the dot
# product of the final vector with piece j's embedding. One table serves the encoder input,
# the decoder input and the output — it works because our tokenizer has one joint
# English+French vocabulary — and it saves V×D parameters.

# %%
logits = model.decoder_norm(y) @ model.embedding.weight.T  # (B,T,D) @ (D,V) → (B,T,V)
show("logits", logits, f"(B,T,V), V = {V}")
full = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask)
print(f"by hand vs model(...): {max_diff(logits, full):.1e} (equal to float rounding: 0 or ~1e-6, by machine and threads)")
assert max_diff(logits, full) < 1e-4
guess = logits[0].argmax(-1)
print("input at each position:     ", tgt_pieces[0])
print("untrained best guess there: ", [tok.id_to_piece(i) for i in guess.tolist()])
assert guess.tolist() == batch.decoder_input_ids[0].tolist()
print(f"probability of the right next piece '{tok.id_to_piece(int(batch.labels[0, 0]))}': "
      f"{logits.softmax(-1)[0, 0, batch.labels[0, 0]]:.6f} (uniform would be 1/V = {1 / V:.6f})")
assert logits.softmax(-1)[0, 0, batch.labels[0, 0]] < 1 / V  # the echo: below uniform

# %% [markdown]
# The untrained model **echoes its input**: at every position its top guess is the piece it
# was given. Nothing is wrong — the residual connections carry the input embedding all the
# way up, and the shared output layer scores a vector highest against its own row of the
# table. So the right next piece gets *less* than the uniform 1/V (printed above, and checked
# below), and the first loss is above ln V, the loss of guessing uniformly (lesson 06
# measures it); training breaks the echo within a few steps.

# %% [markdown]
# `return_attention=True` hands back every attention map, per layer — what lesson 09 plots
# for the trained model:

# %%
_, attn = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask,
                return_attention=True)
for name, ws in attn.items():
    print(f"{name:13} {len(ws)} layers × {tuple(ws[0].shape)}")
n, m = int(batch.attention_mask[0].sum()), int(batch.decoder_attention_mask[0].sum())
print(plots.plot_attention_grid([w[0, :, :m, :n] for w in attn["cross"]], query_pieces=tgt_pieces[0][:m],
                                key_pieces=src_pieces[0][:n], path=FIGURES / "05_cross_attention_untrained.png",
                                title="Cross-attention before training: French queries × English keys"))

# %% [markdown]
# ## 6. Two proofs the masks are in the right places
#
# **Padding invariance.** The article's pair alone (no padding at all) must give the same
# logits as inside our padded batch. **Causality.** Changing the French input from position t
# on must leave the logits before t untouched. `tests/test_model.py` checks both on random
# batches, plus the cross-attention zeros on source padding and step-by-step decoding.

# %%
one = make_batch([tok.encode(pairs[0][0])], [tok.encode(pairs[0][1])], **special)
alone = model(one.input_ids, one.attention_mask, one.decoder_input_ids, one.decoder_attention_mask)
print(f"sentence 0 alone vs in the padded batch: {max_diff(alone[0], full[0, :alone.shape[1]]):.1e}")
assert max_diff(alone[0], full[0, :alone.shape[1]]) < 1e-4
t = 2
changed = batch.decoder_input_ids.clone()
changed[:, t:] = torch.randint(4, V, changed[:, t:].shape)
after = model(batch.input_ids, batch.attention_mask, changed, batch.decoder_attention_mask)
print(f"logits before t={t} moved by {max_diff(after[:, :t], full[:, :t]):.1e}; "
      f"from t on by {max_diff(after[:, t:], full[:, t:]):.2f}")
assert torch.allclose(after[:, :t], full[:, :t], atol=1e-5)

# %% [markdown]
# ## Try it
#
# - Drop the `* math.sqrt(D)` in section 2: how big is the token signal next to the
#   positions now? What would the first layer mostly see?
# - Pass `None` as the cross mask in section 4. Does the "alone vs in a batch" check still
#   hold for sentence 0 — and why does sentence 1 not care?
# - Count the parameters of a model with a separate output layer: how many more?
#
# Next: lesson 06 turns these logits and the -100 labels into one number, the loss.

# %% [markdown]
# ## Exercises
#
# No exercise practises this lesson on its own: it assembles the parts you write in lesson
# 03's exercises (2–4: the batch) and lesson 04's (5–8: the masks and `attention`), and its
# logits are the input of lesson 06's exercises (9, 17, 20) — `minimt exercises start 9`.
