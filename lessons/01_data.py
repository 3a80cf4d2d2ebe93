# %% [markdown]
# # Lesson 01 — Raw pairs: what a translation model learns from
#
# The article this project retells starts with one pair:
#
#     English (input):  "How are you?"
#     French (output):  "Comment ça va ?"
#
# A translation model never sees a rule of French grammar. It sees tens of thousands of
# such pairs — a **parallel corpus** — and learns to map the left column onto the right one.
# Everything later (tokenizer, padding, masks, the loss) is bookkeeping around these pairs,
# so this lesson looks hard at them first:
#
# 1. the file format and the embedded corpus minimt ships with;
# 2. what the pairs look like, and how long the sentences are in each language;
# 3. why valid/test sentences must not appear in train;
# 4. what *bad* input looks like, and why minimt stops at it instead of skipping it;
# 5. where to get the real thing (Tatoeba).
#
# Run it as a script (`python lessons/01_data.py`) or open it as a notebook.
# `MINIMT_FAST=1` makes it quick; figures go to `$MINIMT_FIGURES` (default `lessons/figures`).
#
# - **Builds on:** nothing: this is the first lesson (Python and a little PyTorch are enough).
# - **Next:** lesson 02 — Tokenization: these sentences become pieces and ids.
#
# ### The whole road, on one picture
#
# The cell below draws where the article's pair is going over the next lessons: text (01),
# pieces and ids (02), the padded batch with `attention_mask`, `labels` padded with -100 and
# the shifted `decoder_input_ids` (03), the masks inside attention (04), the encoder–decoder
# (05) and the loss (06); lessons 07–10 train, decode, score and serve the model. The badge
# on each stage is its lesson. The ids are the real ones of minimt's tokenizer (the first
# run trains it, a few seconds). Come back to this picture whenever a lesson zooms into one box.

# %%
import os
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import matplotlib.pyplot as plt

from minimt.data import embedded_path, load_pairs
from minimt.errors import MinimtError
from minimt.files import cache_dir
from minimt.plots import plot_pipeline, save_figure

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
print("saved", plot_pipeline(FIGURES / "01_pipeline.png"))

# %% [markdown]
# ## 1. The file format
#
# A corpus is a UTF-8 text file with one pair per line, English and French separated by a
# tab. This is the format of the Tatoeba project and of manythings.org, whose files add a
# third column with the attribution (who wrote each sentence); minimt ignores columns after
# the second:
#
#     How are you?<TAB>Comment ça va ?<TAB>CC-BY 2.0 (France) Attribution: tatoeba.org #…
#
# minimt ships a small corpus in `data/`: a hand-written phrasebook plus sentences composed
# by a grammar (`minimt/corpus/`), split once and for all into `train`, `valid` and `test`.
# `load_pairs` reads any such file into a list of `(english, french)` tuples.

# %%
splits = {name: load_pairs(embedded_path(name)) for name in ("train", "valid", "test")}
for name, pairs in splits.items():
    print(f"{name:5s}: {len(pairs):6,} pairs   ({embedded_path(name).name})")
train = splits["train"]

# %% [markdown]
# ## 2. Looking at the pairs
#
# First the article's pair — it is in our training data on purpose, so later lessons can
# follow exactly this sentence through the tokenizer, the batch and the model.

# %%
article = [(en, fr) for en, fr in train if en == "How are you?"]
print("The article's pair:", article)
assert article, "the embedded train split should contain the article's pair"

# %% [markdown]
# A few pairs drawn at random (seeded, so you see the same ones as everyone else):

# %%
for en, fr in random.Random(0).sample(train, 8):
    print(f"  {en:45s} → {fr}")

# %% [markdown]
# One English sentence can have several correct translations (tu/vous, word order…).
# The model will see all of them; it cannot be "right" in only one way.

# %%
translations = Counter(en for en, _ in train)
en_most, n_most = translations.most_common(1)[0]
n_several = sum(n > 1 for n in translations.values())
print(f"{n_several:,} English sentences have more than one translation;")
print(f"the most: {en_most!r} has {n_most}:", [fr for en, fr in train if en == en_most][:6])

# %% [markdown]
# ### How long are the sentences?
#
# We do not have a tokenizer yet (that is lesson 02), so we count *words*: pieces between
# spaces. French sentences are usually a little longer than their English source — articles
# (le, la, des), "ne … pas", and the space French puts before `?` and `!`, which makes the
# `?` count as a word. The right-hand plot places each pair by its English and French
# length: the dots follow the diagonal — lengths are tied, because the sentences mean the same.

# %%
en_len = [len(en.split()) for en, _ in train]
fr_len = [len(fr.split()) for _, fr in train]
print(f"words per sentence — English: mean {sum(en_len) / len(en_len):.2f}, max {max(en_len)};"
      f"  French: mean {sum(fr_len) / len(fr_len):.2f}, max {max(fr_len)}")
longer = sum(f > e for e, f in zip(en_len, fr_len)) / len(train)
print(f"French has more words than English in {longer:.0%} of the pairs")

plt.rcParams.update({"font.size": 13})
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
bins = [b - 0.5 for b in range(1, max(en_len + fr_len) + 2)]  # one bar per word count
left.hist([en_len, fr_len], bins=bins, label=["English", "French"], color=["tab:blue", "tab:red"])
left.set(xlabel="words per sentence (split on spaces)", ylabel="sentences",
         title=f"Sentence lengths ({len(train):,} training pairs)")
left.legend()
cells = Counter(zip(en_len, fr_len))  # (English words, French words) -> number of pairs
xs, ys = zip(*cells)
biggest = max(cells.values())
right.scatter(xs, ys, s=[600 * cells[c] / biggest for c in cells], alpha=0.5, color="tab:purple")
top = max(xs + ys) + 1
right.plot([0, top], [0, top], "k--", lw=1, label="same length")
right.set(xlabel="English words", ylabel="French words", title="Pairs by length (dot area = pairs)")
right.text(0.97, 0.05, f"French longer in {longer:.0%} of pairs", transform=right.transAxes,
           ha="right")
right.legend(loc="upper left")
fig.tight_layout()
print("saved", save_figure(fig, FIGURES / "01_sentence_lengths.png", dpi=120))

# %% [markdown]
# ## 3. Why valid and test share no English sentence with train
#
# We measure translation quality on `valid` (while training) and `test` (at the end). If a
# test sentence also sat in train, the model could simply *remember* its translation and
# the score would flatter it. So the splits were made by grouping pairs by their English
# sentence: all translations of one sentence go to the same split. Check it:

# %%
train_english = {en for en, _ in train}
for name in ("valid", "test"):
    overlap = train_english & {en for en, _ in splits[name]}
    print(f"English sentences of {name} also in train: {len(overlap)}")
    assert not overlap

# %% [markdown]
# ## 4. Bad input, and why minimt refuses it
#
# Real corpora are messy, and each of the files below has broken someone's training run.
# A silently skipped line is worse than an error: skip a line
# on one side only and *every later pair is misaligned*. So `load_pairs` stops at the first
# bad line and names the file, the line — and for a bad byte, its offset in the file.
#
# One trap deserves a demonstration. Python's `str.splitlines()` does not split on `\n`
# only: it also splits on `\r`, U+2028 (LINE SEPARATOR), U+0085 and more. A corpus read
# with it would gain a line wherever such a character hides inside a sentence:

# %%
line = "She said\u2028hello.\tElle a dit bonjour."
print("str.splitlines() sees", len(line.splitlines()), "lines in one line:", line.splitlines())
print("splitting on '\\n' only sees", len(line.split("\n")))

# %% [markdown]
# minimt reads bytes and splits on `\n` only, then reports such characters. Here is what
# each kind of broken file produces (each is a tiny temporary file):

# %%
broken_files = {
    "no tab": b"How are you?\tComment \xc3\xa7a va ?\nGood morning. Bonjour.\n",
    "empty side": b"Hello.\tBonjour.\nThank you.\t \n",
    "Windows line endings": b"Hello.\tBonjour.\r\nThank you.\tMerci.\r\n",
    "Latin-1, not UTF-8": "Coffee.\tCafé.\n".encode("latin-1"),
    "byte-order mark": b"\xef\xbb\xbfHello.\tBonjour.\n",
    "hidden U+2028": "Hello.\tBonjour.\nShe said\u2028hello.\tElle a dit bonjour.\n".encode(),
    "blank line in the middle": b"Hello.\tBonjour.\n\nThank you.\tMerci.\n",
    "empty file": b"",
}
with tempfile.TemporaryDirectory() as folder:
    for what, data in broken_files.items():
        path = Path(folder) / "broken.tsv"
        path.write_bytes(data)
        try:
            load_pairs(path)
            print(f"{what:26s} → loaded?!")
        except MinimtError as error:  # on the command line: one line on stderr, exit status 2
            print(f"{what:26s} → {str(error).replace(folder + os.sep, '')}")

# %% [markdown]
# On the command line the same checks run with `minimt data check FILE`, which prints the
# size of a good file or exits with status 2 and that one line.

# %% [markdown]
# ## 5. The real thing: Tatoeba
#
# Our embedded corpus is small and regular, so a model learns it in minutes on a laptop.
# For real sentences, minimt can fetch the Tatoeba English–French pairs as published by
# manythings.org (about 170,000 pairs, CC-BY 2.0 FR — keep the attribution
# "tatoeba.org and manythings.org/anki" when you share them):
#
#     minimt data tatoeba            # downloads fra-eng.zip, checks every line, splits
#
# It writes the same `train/valid/test.tsv` format into the cache folder, split by English
# sentence exactly like ours, and every later lesson accepts such a file.

# %%
tatoeba_train = cache_dir() / "tatoeba" / "train.tsv"
if tatoeba_train.exists() and not FAST:
    real = load_pairs(tatoeba_train)
    print(f"you have downloaded Tatoeba: {len(real):,} training pairs, e.g.", real[len(real) // 2])
else:
    print(f"not downloaded yet ({tatoeba_train}); run `minimt data tatoeba` when online")

# %% [markdown]
# ## Try it
#
# - Which English sentence in `valid` has the most translations? Print them.
# - Make a file with a tab *inside* the French side (three columns). What does `load_pairs`
#   keep, and why is that the right call for Tatoeba files?
# - Plot *characters* per sentence instead of words. Does French still come out longer?
#
# Next: lesson 02 turns these strings into pieces and ids with a tokenizer minimt trains itself.

# %% [markdown]
# ## Exercises
#
# No exercise practises this lesson on its own: the pairs it loads are the input of every
# exercise. The first ones, `minimt exercises start 1` (lesson 02) and 2–4 (lesson 03), start
# from the article's pair you met here.
