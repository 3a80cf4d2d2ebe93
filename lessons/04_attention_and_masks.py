# %% [markdown]
# # Lesson 04 — Attention and its three masks
#
# Lesson 03 ended with `attention_mask`: 1 = real token, 0 = padding. This lesson shows where
# it goes. Attention lets every position of a sentence look at other positions and mix in
# what it finds. Three masks decide *which* positions it may look at:
#
#     padding mask   (B,1,1,S)  never look at padding          (encoder self-attention, cross-attention)
#     causal mask    (1,1,T,T)  never look at the future        (decoder self-attention)
#     decoder mask   (B,1,T,T)  both at once: causal ∧ padding  (decoder self-attention)
#
# The shapes: B sentences in the batch, T query positions, S key positions — and H **heads**.
# Multi-head attention runs H small attentions side by side, each on its own slice of every
# vector, so it can look for H different things at once; section 5 builds it. Until then,
# read H as one more batch dimension: every mask above has a 1 there, the same for all heads.
#
# In minimt every boolean mask means **True = may attend** — like PyTorch's
# `F.scaled_dot_product_attention`. PyTorch's `nn.MultiheadAttention` means the **opposite**
# (True = ignore). We check our code against both, in this lesson, to 1e-5.
# The code is `minimt/attention.py` (~200 lines) — read it alongside.
#
# Run it as a script (`python lessons/04_attention_and_masks.py`) or as a notebook.
# `MINIMT_FAST=1` makes it quick; figures go to `$MINIMT_FIGURES` (default `lessons/figures`).
#
# - **Builds on:** lesson 03 — the padded batch and its `attention_mask`.
# - **Next:** lesson 05 — The encoder–decoder: attention layers become a translation model.

# %%
import math
import os
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import torch
import torch.nn.functional as F
from torch import nn

from minimt import plots
from minimt.attention import (MultiHeadAttention, attention, causal_mask, decoder_self_mask,
                              padding_mask, to_key_padding_mask)
from minimt.batch import make_batch
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
_ = torch.manual_seed(0)  # `_ =`: keep the returned Generator's repr out of the output
tok = Tokenizer.default()
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)


def max_diff(a, b):
    return (a - b).abs().max().item()


# %% [markdown]
# ## 1. Attention, written out
#
# Each position has a **query** q ("what am I looking for?"), a **key** k ("what do I
# contain?") and a **value** v ("what I hand over"). Query t scores every key s with a dot
# product, the scores become weights with a softmax **over the keys**, and the output is the
# weighted mean of the values:
#
#     scores  = q @ kᵀ / √d        (T, S)
#     weights = softmax(scores)    (T, S), each row sums to 1
#     out     = weights @ v        (T, d)
#
# Why divide by √d? A dot product of two random d-dim vectors with unit-variance entries has
# variance d. Large scores make the softmax put all its weight on one key and its gradient
# vanish; dividing by √d brings the variance back to 1.

# %%
T, S, d = 3, 4, 64
many_q, many_k = torch.randn(500, d), torch.randn(500, d)  # 250,000 dot products: a clean estimate
print(f"std of q·k over {500 * 500:,} random pairs: {(many_q @ many_k.T).std():.2f} (≈ √{d} = {math.sqrt(d):.0f});"
      f"  after ÷√d: {(many_q @ many_k.T / math.sqrt(d)).std():.3f}")
q, k, v = torch.randn(T, d), torch.randn(S, d), torch.randn(S, d)
scores = q @ k.T / math.sqrt(d)        # (T, S)
weights = scores.softmax(dim=-1)       # (T, S): softmax along the keys
out = weights @ v                      # (T, d)
print("weights (rows = queries, columns = keys):\n", weights.numpy().round(3))
print("each row sums to", [round(x, 6) for x in weights.sum(-1).tolist()])
ours, _ = attention(q[None, None], k[None, None], v[None, None])  # (B=1, H=1, T, d)
ref = F.scaled_dot_product_attention(q[None, None], k[None, None], v[None, None])
print(f"by hand vs attention(): {max_diff(out, ours[0, 0]):.1e};  "
      f"attention() vs F.scaled_dot_product_attention: {max_diff(ours, ref):.1e}")
assert max_diff(ours, ref) < 1e-5

# %% [markdown]
# ## 2. The padding mask: never attend to padding
#
# A batch of three sentences of different lengths, padded on the right (lesson 03). Padding
# is filler, so no query may take anything from a padded **key**. We turn every score in a
# padded column into the most negative float (`torch.finfo(dtype).min`, effectively −∞):
# after the softmax those weights are exactly 0.
#
# `padding_mask` reshapes the (B,S) `attention_mask` to (B,1,1,S): the two 1s let the same
# row of "real / pad" flags broadcast over every head (H) and every query (T).
#
# Why mask keys and not queries? A query at a padded position still produces a vector — but
# nobody uses it: the loss ignores its label (-100) and no real query reads it. Masking the
# padded *rows* too would leave them with no key at all: a softmax over nothing, i.e. NaN.

# %%
sentences = [("How are you?", "Comment ça va ?"),
             ("I don't know what you're talking about.", "Je ne sais pas de quoi tu parles."),
             ("Go!", "Va !")]
batch = make_batch([tok.encode(en) for en, _ in sentences], [tok.encode(fr) for _, fr in sentences], **special)
src_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.input_ids.tolist()]
tgt_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.decoder_input_ids.tolist()]
B, S = batch.input_ids.shape
T = batch.decoder_input_ids.shape[1]
H, D = 4, 32  # 4 heads of 8 dimensions
print("attention_mask (B,S):\n", batch.attention_mask)
pad = padding_mask(batch.attention_mask)
print("padding_mask:", tuple(pad.shape), pad.dtype, "→ broadcast to (B,H,S,S) =", (B, H, S, S))

q, k, v = torch.randn(B, H, S, D // H), torch.randn(B, H, S, D // H), torch.randn(B, H, S, D // H)
out, weights = attention(q, k, v, pad)  # encoder self-attention: queries and keys are the source
print("weights", tuple(weights.shape), "— row 0 of sentence 2 ('Go!'):", weights[2, 0, 0].numpy().round(3))
assert (weights[2, :, :, 3:] == 0).all()  # 'Go!' has 3 real tokens (▁Go ! </s>): the rest get exactly 0
ref = F.scaled_dot_product_attention(q, k, v, attn_mask=pad)  # the same mask: True = may attend
print(f"attention() vs F.scaled_dot_product_attention (same bool mask): {max_diff(out, ref):.1e}")
assert max_diff(out, ref) < 1e-5

# %% [markdown]
# The picture of the masks: the (B,1,1,S) padding mask; its broadcast to (B,H,T,S), with the
# decoder's T French positions as queries and the S English ones as keys — that is the
# **cross-attention mask** of section 4, titled so; the same for every head and every query,
# so we draw two heads of the four — then the causal mask and the decoder's combined mask
# (section 3). To keep it readable on a slide, it shows the two short
# sentences of the batch, in a batch of their own.

# %%
small = make_batch([tok.encode(sentences[i][0]) for i in (0, 2)], [tok.encode(sentences[i][1]) for i in (0, 2)],
                   **special)
print("picture batch: input_ids", tuple(small.input_ids.shape), "decoder_input_ids", tuple(small.decoder_input_ids.shape))
print(plots.plot_broadcast_masks(small.attention_mask, small.decoder_attention_mask, n_heads=H, max_heads_shown=2,
                                 src_pieces=[[tok.id_to_piece(i) for i in r] for r in small.input_ids.tolist()],
                                 tgt_pieces=[[tok.id_to_piece(i) for i in r] for r in small.decoder_input_ids.tolist()],
                                 path=FIGURES / "04_masks.png"))

# %% [markdown]
# ## 3. The causal mask: never attend to the future
#
# In training the decoder reads the whole French sentence at once (teacher forcing, lesson
# 03). If position t could see position t+1, it would just copy the token it must predict.
# The causal mask lets query t see keys 0..t — the lower triangle, **diagonal included**
# (a position sees the token it was given, just not the next one):

# %%
print(causal_mask(T).int()[0, 0])
dec_mask = decoder_self_mask(batch.decoder_attention_mask)  # causal ∧ padding: (B,1,T,T)
print("decoder_self_mask:", tuple(dec_mask.shape), "— sentence 0:\n", dec_mask[0, 0].int())

# %% [markdown]
# The proof that nothing leaks: change the *future* inputs of every position t or later, and
# the outputs before t do not move at all.

# %%
q, k, v = torch.randn(B, H, T, D // H), torch.randn(B, H, T, D // H), torch.randn(B, H, T, D // H)
out, w_dec = attention(q, k, v, dec_mask)
t = 3
k2, v2 = k.clone(), v.clone()
k2[:, :, t:], v2[:, :, t:] = torch.randn_like(k2[:, :, t:]), torch.randn_like(v2[:, :, t:])
out2, _ = attention(q, k2, v2, dec_mask)
print(f"outputs before t={t} changed by {max_diff(out[:, :, :t], out2[:, :, :t]):.1e}; "
      f"from t on by {max_diff(out[:, :, t:], out2[:, :, t:]):.2f}")
assert torch.equal(out[:, :, :t], out2[:, :, :t])
print(f"vs F.scaled_dot_product_attention: {max_diff(out, F.scaled_dot_product_attention(q, k, v, attn_mask=dec_mask)):.1e}")

# %% [markdown]
# ## 4. Cross-attention: the decoder looks at the source
#
# In cross-attention the queries come from the decoder (T French positions) and the keys and
# values from the encoder's output (S English positions): the weights are (B,H,T,S), not
# square. The mask is the **source** padding mask again — forgetting it lets the decoder read
# English padding. In this batch T ≠ S, so a mix-up of the two fails loudly.

# %%
q = torch.randn(B, H, T, D // H)                                  # from the decoder
k, v = torch.randn(B, H, S, D // H), torch.randn(B, H, S, D // H)  # from the encoder
out, w_cross = attention(q, k, v, pad)
print(f"T={T}, S={S}: cross weights {tuple(w_cross.shape)}; weight on source padding: "
      f"{w_cross.masked_select(~pad.expand_as(w_cross)).abs().max():.1f}")

# %% [markdown]
# ## 5. PyTorch's nn.MultiheadAttention: the opposite convention
#
# `MultiHeadAttention` adds the learned parts: project x to queries, keys and values (one
# fused (3D, D) matrix, laid out like PyTorch's `in_proj_weight`), split D into H heads,
# attend, put the heads back side by side, project out. With PyTorch's weights copied in, it
# must give PyTorch's numbers — **if** we hand PyTorch its mask flipped: its
# `key_padding_mask` and bool `attn_mask` mean **True = IGNORE**.

# %%
torch_mha = nn.MultiheadAttention(D, H, batch_first=True).eval()  # batch_first=True, always
ours = MultiHeadAttention.from_torch(torch_mha).eval()
x = torch.randn(B, S, D)  # (B,S,D) encoder states
kpm = to_key_padding_mask(batch.attention_mask)  # (B,S) True = padding = IGNORE (PyTorch's way)
print("attention_mask   ", batch.attention_mask[2].tolist(), "\nkey_padding_mask ", kpm[2].int().tolist())
want, want_w = torch_mha(x, x, x, key_padding_mask=kpm, average_attn_weights=False)
got, got_w = ours(x, x, pad, need_weights=True)
print(f"self-attention vs nn.MultiheadAttention: out {max_diff(got, want):.1e}, weights {max_diff(got_w, want_w):.1e}")
assert max_diff(got, want) < 1e-5 and max_diff(got_w, want_w) < 1e-5

y = torch.randn(B, T, D)  # (B,T,D) decoder states
want, _ = torch_mha(y, y, y, attn_mask=~causal_mask(T)[0, 0],  # attn_mask: True = IGNORE too
                    key_padding_mask=to_key_padding_mask(batch.decoder_attention_mask))
got, _ = ours(y, y, dec_mask)
print(f"decoder self-attention vs nn.MultiheadAttention: {max_diff(got, want):.1e}")
want, _ = torch_mha(y, x, x, key_padding_mask=kpm)
got, _ = ours(y, x, pad)
print(f"cross-attention vs nn.MultiheadAttention: {max_diff(got, want):.1e}")
wrong, _ = torch_mha(y, x, x, key_padding_mask=batch.attention_mask.bool())  # polarity mistake
print(f"...our mask passed unflipped (the classic bug): sentence 0 off by {max_diff(wrong[0], want[0]):.2f}, "
      f"sentence 1 (no padding, so now EVERY key is ignored) gives NaN: {wrong[1].isnan().all().item()}")

# %% [markdown]
# The model you read here always runs this written-out `attention()`. Training does not need
# the weights, so `minimt train` swaps PyTorch's fused `F.scaled_dot_product_attention` into
# each `MultiHeadAttention` (`minimt.runtime.fast`) where it measures faster — same boolean
# mask, same convention (True = may attend). The two agree:

# %%
from minimt.runtime.fast import sdpa_attention

q = k = v = torch.randn(B, 2, x.size(1), 8)
fused, _ = sdpa_attention(q, k, v, pad)
written_out, _ = attention(q, k, v, pad)
print(f"fused kernel vs written-out attention(): {max_diff(fused, written_out):.1e}")

# %% [markdown]
# ## 6. When a row has no key at all
#
# A query row whose keys are *all* masked (say a source that is all padding) has nothing to
# attend to. A softmax over scores that are all −∞ is 0/0 = NaN — and one NaN in the batch
# spreads into every gradient. minimt's rule: such a row gets weights 0 and output 0,
# forward and backward finite. It also applies the mask **once**, with the dtype's own
# minimum: adding two masks of `finfo.min` overflows to −∞ (bfloat16 has a tiny range).

# %%
q, k, v = (torch.randn(1, 1, 2, 8, requires_grad=True) for _ in range(3))
empty = torch.tensor([[True, True], [False, False]])  # query 1 may attend to nothing
naive = (q @ k.transpose(-2, -1) / math.sqrt(8)).masked_fill(~empty, float("-inf")).softmax(-1)  # as section 1
rounded = lambda w: [[round(x, 3) for x in row] for row in w.tolist()]  # noqa: E731  (3 decimals, no float noise)
print("naive softmax with -inf: ", rounded(naive[0, 0].detach()))
out, w = attention(q, k, v, empty)
out.sum().backward()
print("attention():             ", rounded(w[0, 0].detach()),
      "— gradients finite:", all(torch.isfinite(t.grad).all().item() for t in (q, k, v)))
out16, w16 = attention(*(t.detach().bfloat16() for t in (q, k, v)), empty)
print("bfloat16:               ", rounded(w16[0, 0].float()), "— no NaN:", not w16.isnan().any().item())

# %% [markdown]
# ## 7. Attention weights, labelled with real pieces
#
# An untrained layer's weights mean nothing yet — but the masks already show: padding columns
# are empty, and the decoder's map is a triangle. Lesson 09 draws the trained model's maps.

# %%
n = int(batch.attention_mask[0].sum())  # the article's sentence, without padding
m = int(batch.decoder_attention_mask[0].sum())
_, w_enc = ours(x, x, pad, need_weights=True)
shown = n + 3  # the real keys and a few padded ones
print(plots.plot_attention_grid([w_enc[0, :, :n, :shown]], query_pieces=src_pieces[0][:n], key_pieces=src_pieces[0][:shown],
                                title="Encoder self-attention, untrained: padded keys get 0",
                                path=FIGURES / "04_encoder_attention.png"))
_, w_self = ours(y, y, dec_mask, need_weights=True)
print(plots.plot_attention(w_self[0].mean(0)[:m, :m], query_pieces=tgt_pieces[0][:m], key_pieces=tgt_pieces[0][:m],
                           title="Decoder self-attention (mean of heads): the causal triangle",
                           mask=dec_mask[0, 0, :m, :m], path=FIGURES / "04_decoder_attention.png"))  # hatched = masked

# %% [markdown]
# ## Try it
#
# - In `attention()`, softmax over `dim=-2` instead of `dim=-1`. Which check above fails
#   first, and what do the rows sum to now?
# - Build the causal mask with `triu` instead of `tril`. What does position 0 see?
# - Pass `batch.attention_mask` (int 1/0) straight to `attention()`. Why does minimt raise
#   a TypeError instead of using it?
# - `tests/test_attention.py` proves all of this on random masks; run it:
#   `python -m pytest tests/test_attention.py -q`.
#
# - Open `minimt explore --batch 4` in a browser and point at masked cells of the decoder's
#   self-attention mask: which say "causal" and which say "padding"?
#
# Next: lesson 05 puts these layers into the encoder–decoder and follows one batch through it.

# %% [markdown]
# ## Exercises
#
# Practise this lesson: `minimt exercises start N`, then `minimt exercises check N`.
#
# - **5** — `padding_mask`: the padding mask (B,1,1,S) from attention_mask, True = may attend
# - **6** — `causal_mask`: the causal mask (1,1,T,T), the lower triangle with its diagonal
# - **7** — `decoder_self_mask`: the decoder's mask, causal AND padding (B,1,T,T)
# - **8** — `attention`: scaled dot-product attention with a bool mask (and a row with no key)
# - **15** — `torch_masks`: fix the masks handed to nn.Transformer (True = ignore there)
# - **16** — `decoder_self_mask`: fix the decoder that peeks at the next token
