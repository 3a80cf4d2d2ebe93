# %% [markdown]
# # Lesson 03 — Padding, attention_mask, labels with -100, and the shift right
#
# Lesson 02 turned each sentence into a list of ids. A model trains on *batches*: many
# sentences at once, stored as rectangular tensors. This lesson builds, by hand, the four
# tensors of the article — and the one it leaves out:
#
#     input_ids          the English ids + EOS, padded          → what the encoder reads
#     attention_mask     1 = real token, 0 = padding             → what attention may look at
#     labels             the French ids + EOS, padded with -100  → what the decoder must predict
#     decoder_input_ids  BOS + labels shifted right              → what the decoder reads
#
# A fifth tensor rides along: `decoder_attention_mask`, the `attention_mask` of
# `decoder_input_ids` (1 = real, 0 = padding). It is not one of the article's four because
# it carries no new information — it is 1 exactly where `labels` is not -100 (section 6
# checks it) — but the decoder needs it in lesson 04, so `make_batch` builds it too.
#
# Every tensor gets a picture (from `minimt.plots`) and a check. The code is in
# `minimt/batch.py`, under 200 lines of plain tensor slicing — read it alongside.
#
# Run it as a script (`python lessons/03_padding_masks_labels.py`) or open it as a notebook.
# `MINIMT_FAST=1` makes it quick; figures go to `$MINIMT_FIGURES` (default `lessons/figures`).
#
# - **Builds on:** lesson 02 — the tokenizer's pieces, ids and special tokens.
# - **Next:** lesson 04 — Attention and its three masks: where `attention_mask` goes.

# %%
import os
import random
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from minimt import plots
from minimt.batch import IGNORE_INDEX, bucket_batches, make_batch, padding_fraction, shift_right
from minimt.data import embedded_path, load_pairs
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
tok = Tokenizer.default()  # lesson 02's tokenizer (trained once, then cached)
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)
print(f"pad={tok.pad_id} unk={tok.unk_id} bos={tok.bos_id} eos={tok.eos_id}, {tok.vocab_size} pieces")


def show(name, tensor):
    print(f"{name:22} {tuple(tensor.shape)}  {tensor.tolist()}")


# %% [markdown]
# ## 1. The article's pair, padded to 6
#
# The article pads its labels to a maximum length of 6. `make_batch` takes lists of id lists
# (without specials — it adds EOS, BOS and padding itself):

# %%
english, french = "How are you?", "Comment ça va ?"
src, tgt = tok.encode(english), tok.encode(french)
one = make_batch([src], [tgt], **special, max_length=6)
show("input_ids", one.input_ids)
show("attention_mask", one.attention_mask)
show("labels", one.labels)
show("decoder_input_ids", one.decoder_input_ids)
show("decoder_attention_mask", one.decoder_attention_mask)
print("the article (illustrative ids): input_ids [101, 2026, 2003, 2073, 102], attention_mask [1, 1, 1, 1, 1],"
      " labels [1055, 3791, 3651, 102, -100, -100]")

# %% [markdown]
# The article's ids are illustrative (lesson 02); ours are real. Our EOS (3) sits where the
# article puts `[SEP]` (102). We put no start token in front of the
# encoder's input (lesson 02 explains why) where BERT puts `[CLS]` (101) — but our tokenizer
# cuts "?" off as a piece of its own, so our row still has five real ids: four pieces + EOS.
# We also padded `input_ids` to 6, hence one 0 in its `attention_mask`. "Comment ça va ?"
# has 4 pieces + EOS, so only the last label is -100 — the article's French had one piece
# fewer, hence its two -100s. The checks below hold these sentences to the numbers:

# %%
assert len(src) == 4 and one.attention_mask.sum().item() == len(src) + 1 == 5  # 4 pieces + EOS, 1 pad
assert len(tgt) == 4 and (one.labels == IGNORE_INDEX).sum().item() == 1      # 4 pieces + EOS, one -100

# %% [markdown]
# ## 2. A batch: padding to a rectangle
#
# Sentences have different lengths, but a tensor is a rectangle. So every row is filled up
# to the longest one with the pad id (0), always on the **right** — the real tokens keep
# positions 0, 1, 2… whatever the batch. Three pairs of clearly different lengths:

# %%
train = load_pairs(embedded_path("train"))
rng = random.Random(0)
others = rng.sample([p for p in train if len(tok.encode(p[0])) > len(src) + 2], 1)
others += rng.sample([p for p in train if len(tok.encode(p[0])) < len(src)] or train, 1)
pairs = [(english, french)] + others
batch = make_batch([tok.encode(en) for en, _ in pairs], [tok.encode(fr) for _, fr in pairs], **special)
for en, fr in pairs:
    print(f"  {en!r} → {fr!r}")
show("input_ids", batch.input_ids)
show("attention_mask", batch.attention_mask)

# %%
rows = [f"row {b}" for b in range(len(pairs))]
src_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.input_ids.tolist()]
print(plots.plot_tokens([tok.pieces(en) for en, _ in pairs], title="English pieces (lesson 02)",
                        path=FIGURES / "03_pieces.png", row_labels=rows))
print(plots.plot_id_grid(batch.input_ids, pieces=src_pieces, pad_id=tok.pad_id, row_labels=rows,
                         title="input_ids: English + EOS, padded on the right", path=FIGURES / "03_input_ids.png"))

# %% [markdown]
# ## 3. attention_mask: which positions are real
#
# Padding is filler: the model must never read it. `attention_mask` says where it is —
# **1 = real token, 0 = padding** (the Hugging Face convention the article uses). It is
# built from the row lengths, not by comparing ids with the pad id, so it would stay right
# even if id 0 were a real word. In lesson 04 every attention score towards a 0 column is
# set to −∞ before the softmax, so those positions get exactly zero weight.
#
# **Careful:** PyTorch's own `nn.MultiheadAttention` and `nn.Transformer` take a
# `key_padding_mask` where **True means "ignore"** — the opposite polarity. Converting is one
# comparison, and getting it backwards silently attends *only* to padding:

# %%
print(plots.plot_mask_grid(batch.attention_mask, pieces=src_pieces, row_labels=rows,
                           title="attention_mask: 1 = real token, 0 = padding",
                           path=FIGURES / "03_attention_mask.png"))
key_padding_mask = batch.attention_mask == 0  # PyTorch nn.MultiheadAttention: True = IGNORE this key
print("attention_mask       ", batch.attention_mask[-1].tolist())
print("key_padding_mask     ", key_padding_mask[-1].tolist(), "(for nn.MultiheadAttention only)")
assert batch.attention_mask.sum(1).tolist() == [len(tok.encode(en)) + 1 for en, _ in pairs]

# %% [markdown]
# ## 4. labels: the French + EOS, padded with -100
#
# `labels` holds the ids the decoder must predict, one per position, ending with EOS. Its
# padding is **-100**, not the pad id. Why? The loss, `F.cross_entropy(..., ignore_index=-100)`,
# skips every position whose label is -100 and averages over the rest. If we padded labels
# with 0 instead, padding would count as something to predict: a model could lower its loss
# by learning to say `<pad>` — easy, useless — and the loss of the same sentences would
# change with how much padding their batch happens to have. Check both claims with random
# scores (logits) for our batch — first that -100 really means "skip", then each claim:

# %%
labels = batch.labels
print(plots.plot_id_grid(labels, pieces=[["" if i == IGNORE_INDEX else tok.id_to_piece(i) for i in row]
                                         for row in labels.tolist()], pad_id=tok.pad_id, row_labels=rows,
                         title="labels: French + EOS, padded with -100", path=FIGURES / "03_labels.png"))
_ = torch.manual_seed(0)  # `_ =`: the call returns a Generator, whose repr would be printed
B, T = labels.shape
logits = torch.randn(B, T, tok.vocab_size)  # (B, T, V): a score for every piece at every position
loss = F.cross_entropy(logits.reshape(B * T, -1), labels.reshape(B * T), ignore_index=IGNORE_INDEX)
real = labels != IGNORE_INDEX  # (B, T)
log_probs = logits.log_softmax(-1)  # (B, T, V)
by_hand = -log_probs[real, labels[real]].mean()  # mean over the real tokens only
print(f"cross-entropy ignoring -100: {loss:.4f}   by hand over {int(real.sum())} real tokens: {by_hand:.4f}")
assert torch.allclose(loss, by_hand, atol=1e-6)

# A "cheating" model: random scores on real positions, a huge score for <pad> on padded ones.
cheat = logits.clone()
cheat[~real, tok.pad_id] = 30.0
pad_labels = labels.masked_fill(~real, tok.pad_id)  # what labels padded with 0 would look like
with_pad = F.cross_entropy(cheat.reshape(B * T, -1), pad_labels.reshape(B * T))
with_ignore = F.cross_entropy(cheat.reshape(B * T, -1), labels.reshape(B * T), ignore_index=IGNORE_INDEX)
print(f"cheating model — loss with labels padded by <pad>: {with_pad:.3f} (looks better!);"
      f" with -100: {with_ignore:.3f} (unchanged: {loss:.3f})")
assert with_pad < with_ignore and torch.allclose(with_ignore, loss)  # claim 1: padding would reward <pad>

# Claim 2: with pad-id labels, padding counts as tokens, so the same sentences get another loss
# just because the batch is wider. Pad 4 more columns: -100 gives the same loss, pad-id labels do not.
wide_logits = torch.cat([logits, torch.randn(B, 4, tok.vocab_size)], dim=1)     # (B, T+4, V)
wide = F.pad(labels, (0, 4), value=IGNORE_INDEX)                                 # (B, T+4): 4 more -100s
wide_pad = wide.masked_fill(wide == IGNORE_INDEX, tok.pad_id)                    # the same, padded with 0
ce = lambda lg, lb: F.cross_entropy(lg.reshape(-1, lg.size(-1)), lb.reshape(-1), ignore_index=IGNORE_INDEX)  # noqa: E731
print(f"4 more padded columns — with -100: {ce(wide_logits, wide):.4f} (was {loss:.4f});"
      f" padded with <pad>: {ce(wide_logits, wide_pad):.4f} (was {ce(logits, pad_labels):.4f})")
assert torch.allclose(ce(wide_logits, wide), loss)                               # padding does not count
assert not torch.allclose(ce(wide_logits, wide_pad), ce(logits, pad_labels))     # claim 2: padding counts

# %% [markdown]
# ## 5. decoder_input_ids: the labels, shifted right
#
# The article's data flow goes "input → model → predicted French → loss". But what does the
# decoder *read* while it writes? In training we give it the correct French so far
# (**teacher forcing**): at position t it reads BOS and the first t target tokens and must
# predict token t+1. That input is the labels moved one place to the right, behind BOS,
# with -100 turned back into the pad id (-100 is not an id: the embedding table has no row
# for it). Read each column bottom → top: "having read this, predict that".

# %%
dec = shift_right(labels, bos_id=tok.bos_id, pad_id=tok.pad_id)
assert torch.equal(dec, batch.decoder_input_ids)  # make_batch uses the same function
for t in range(T):
    reads, target = dec[0, t].item(), labels[0, t].item()
    print(f"position {t}: reads {tok.id_to_piece(reads):10} → must predict "
          f"{'(nothing: -100)' if target == IGNORE_INDEX else tok.id_to_piece(target)}")
piece_rows = lambda x: [["" if i == IGNORE_INDEX else tok.id_to_piece(i) for i in r] for r in x.tolist()]  # noqa: E731
print(plots.plot_shift(labels, dec, label_pieces=piece_rows(labels), input_pieces=piece_rows(dec),
                       path=FIGURES / "03_shift_right.png"))

# %% [markdown]
# Two details. The decoder never reads the token it must predict at the same position —
# if `decoder_input_ids` were the labels themselves, the model would learn to copy its input
# and produce gibberish when generating. And on a padded row, EOS moves into the
# decoder input at a position whose label is -100 and whose `decoder_attention_mask` (the
# fifth tensor of the introduction) is 0:
# it predicts nothing, and nothing can look at it.
#
# ## 6. The rules, checked
#
# `tests/test_batch.py` checks these on thousands of random batches (hypothesis); here they
# are on ours:

# %%
assert (batch.labels != tok.pad_id).all(), "no pad id in labels"
assert ((batch.labels == tok.eos_id).sum(1) == 1).all(), "exactly one EOS per label row"
assert (batch.decoder_input_ids[:, 0] == tok.bos_id).all(), "the decoder starts from BOS"
ok = batch.labels[:, :-1] != IGNORE_INDEX
assert torch.equal(batch.decoder_input_ids[:, 1:][ok], batch.labels[:, :-1][ok]), "shifted by one"
assert torch.equal(batch.decoder_attention_mask, (batch.labels != IGNORE_INDEX).long())
print("all checks passed; real label tokens in this batch (n_tokens):", batch.n_tokens)

# %% [markdown]
# ## 7. Less padding: batches of similar lengths
#
# Padding is wasted computation. Drawing batches at random mixes short and long sentences;
# `bucket_batches` sorts pairs by length first, then fills each batch up to a budget of
# `max_tokens` padded positions (`B × (longest source + 1 + longest target + 1)`), and finally
# shuffles the *order* of the batches (seeded) so training does not see lengths in order.

# %%
corpus = train[:5000] if FAST else train
lengths = [(len(tok.encode(en)), len(tok.encode(fr))) for en, fr in corpus]
budgets = [1000, 4000] if FAST else [500, 1000, 2000, 4000, 8000]
bucketed, shuffled = [], []
for max_tokens in budgets:
    batches = bucket_batches(lengths, max_tokens, seed=0)
    size = len(corpus) // len(batches)  # random batches of the same mean size
    order = list(range(len(corpus)))
    random.Random(0).shuffle(order)
    at_random = [order[i:i + size] for i in range(0, len(order), size)]
    bucketed.append(padding_fraction(batches, lengths))
    shuffled.append(padding_fraction(at_random, lengths))
    print(f"max_tokens {max_tokens:5}: {len(batches):4} batches of ~{size} pairs; padding "
          f"{bucketed[-1]:.1%} bucketed vs {shuffled[-1]:.1%} at random")

plt.rcParams.update({"font.size": 13})
fig, ax = plt.subplots(figsize=(9, 5))
x = range(len(budgets))
ax.bar([i - 0.2 for i in x], [100 * p for p in shuffled], width=0.4, label="random batches", color="tab:red")
ax.bar([i + 0.2 for i in x], [100 * p for p in bucketed], width=0.4, label="bucket_batches (sorted)", color="tab:green")
ax.set_xticks(list(x), [f"{b:,}" for b in budgets])
for bars in ax.containers:  # the value on top of each bar
    ax.bar_label(bars, fmt="%.1f%%", padding=2, fontsize=11)
ax.set_ylim(0, 1.3 * 100 * max(shuffled + bucketed))  # head-room: the legend sits above the bars
ax.set(xlabel="max_tokens (padded positions per batch)", ylabel="% of positions that are padding",
       title=f"Padding: random vs length-bucketed batches ({len(corpus):,} pairs)")
ax.legend(loc="upper center", ncol=2)
fig.tight_layout()
print("saved", plots.save_figure(fig, FIGURES / "03_padding_fraction.png", dpi=120))

# %% [markdown]
# The same batch, in one command, for any pair you like:
#
#     minimt inspect "How are you?" "Comment ça va ?" --max-length 6
#
# and as one web page where every cell says why it holds what it holds — point at a -100 and
# it says "padding, skipped by the loss"; point at a label and its shifted copy in
# `decoder_input_ids` lights up (`minimt explore`, or `minimt inspect … --html page.html`):
#
#     minimt explore "How are you?" "Comment ça va ?" --max-length 6    # writes minimt-explore.html
#
# ## Try it
#
# - Build a batch with `truncate=True` and `max_length=4`. Which token survives at the end of
#   every row, and why must it?
# - Pad `labels` with the pad id instead of -100 and train… no, just predict: what does
#   `F.cross_entropy` now reward? (Section 4 shows it; explain it in one sentence.)
# - Why is the budget of `bucket_batches` counted in *padded positions* rather than in
#   sentences?
#
# Next: lesson 04 uses `attention_mask` inside attention, and adds the causal mask.

# %% [markdown]
# ## Exercises
#
# Practise this lesson: `minimt exercises start N`, then `minimt exercises check N`.
#
# - **2** — `pad_batch`: pad a batch on the right and build attention_mask from the row lengths
# - **3** — `make_labels`: labels = target + EOS, padded with -100
# - **4** — `shift_right`: decoder_input_ids = BOS + labels[:-1], with -100 turned back into the pad id
