# %% [markdown]
# # Lesson 02 — Tokenization: where the ids come from
#
# The article shows the model's input as
#
#     input_ids: [101, 2026, 2003, 2073, 102]
#
# and moves on. Those ids are *illustrative*: they are written in the style of BERT's
# vocabulary (30,522 WordPiece pieces, learned from BooksCorpus and English Wikipedia), where
# 101 is `[CLS]` and 102 is `[SEP]` — but they are not what BERT's tokenizer really gives:
# real BERT also cuts "?" off as a piece of its own, so it returns *six* ids
# (`[CLS] how are you ? [SEP]`), not five. A translation model needs a vocabulary that covers
# *both* English and French, so minimt trains its own, and every id below is a real one:
#
# 1. why subword pieces, rather than words or characters;
# 2. training one SentencePiece model on both languages;
# 3. the article's pair as pieces and ids, and back;
# 4. the special tokens (pad, unk, bos, eos) and the roles of `[CLS]`/`[SEP]`;
# 5. one vocabulary for two languages;
# 6. what normalisation does to French text;
# 7. choosing the vocabulary size.
#
# Run it as a script (`python lessons/02_tokenization.py`) or open it as a notebook.
# `MINIMT_FAST=1` makes it quick; figures go to `$MINIMT_FIGURES` (default `lessons/figures`).
#
# - **Builds on:** lesson 01 — the parallel corpus and `load_pairs`.
# - **Next:** lesson 03 — Padding, attention_mask, labels with -100: ids become batch tensors.

# %%
import os
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
from minimt.plots import save_figure
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "en"  # this lesson's language: pictures and messages follow it (lessons/zh/: "zh")
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
train = load_pairs(embedded_path("train"))
valid = load_pairs(embedded_path("valid"))

# %% [markdown]
# ## 1. Words, characters, or something in between?
#
# A model can only take numbers, so text must become a sequence of ids from a fixed list,
# the *vocabulary*. Two obvious choices both fail:
#
# - **words**: the list gets huge (every form of every verb: *mange, manges, mangeons,
#   mangé…*), and a word never seen in training has no id at all;
# - **characters**: a tiny list, but sequences get long — and attention costs grow with the
#   *square* of the length.
#
# Count it on our corpus:

# %%
train_words = Counter(w for pair in train for s in pair for w in s.split())
valid_words = [w for pair in valid for s in pair for w in s.split()]
unseen = sum(w not in train_words for w in valid_words) / len(valid_words)
chars = sum(len(s) for pair in train for s in pair) / (2 * len(train))
words = sum(len(s.split()) for pair in train for s in pair) / (2 * len(train))
print(f"words:      {len(train_words):6,} distinct in train; {unseen:.2%} of valid words never seen in train;"
      f" {words:.1f} per sentence")
print(f"characters: {len({c for pair in train for s in pair for c in s}):6,} distinct;"
      f" {chars:.1f} per sentence")

# %% [markdown]
# **Subword pieces** sit in between: frequent words stay whole, rare words are spelled
# with smaller pieces (`▁mange` + `ons`), and every character is a piece, so anything made
# of known characters can be written. The pieces are learned from the corpus by
# *byte-pair encoding* (BPE): start from characters, then repeatedly merge the most frequent
# adjacent pair into a new piece, until the vocabulary has the size you asked for.
#
# ## 2. Training our tokenizer
#
# minimt uses Google's SentencePiece library for the training loop and keeps the choices in
# `minimt/tokenizer.py` (read its docstring). `Tokenizer.default()` trains one model on the
# embedded train split — English and French sentences together — with 4,000 pieces. The
# first call takes a few seconds; after that the model is loaded from the cache.

# %%
tok = Tokenizer.default()
print(f"{tok.vocab_size:,} pieces; model file:", tok.model_path)
print("sha256:", tok.sha256[:16], "… (checkpoints store it, to refuse a mismatched tokenizer)")
print("first pieces after the 4 special ones:", [tok.id_to_piece(i) for i in range(4, 24)])
longest = sorted(range(4, tok.vocab_size), key=lambda i: -len(tok.id_to_piece(i)))[:8]
print("longest pieces:", [tok.id_to_piece(i) for i in longest])

# %% [markdown]
# ## 3. The article's pair, with our ids
#
# `pieces` shows how a sentence is cut; `encode` gives the ids; `decode` goes back.
# `▁` (U+2581) marks a piece that starts a new word — it stands for the space before it,
# which is how decoding knows where to put spaces back.

# %%
english, french = "How are you?", "Comment ça va ?"
for text in (english, french):
    ids = tok.encode(text)
    print(f"{text!r:20} pieces {tok.pieces(text)}")
    print(f"{'':20} ids    {ids}  → decode → {tok.decode(ids)!r}")
    assert tok.decode(ids) == text

# %% [markdown]
# Compare with the article: `[101, 2026, 2003, 2073, 102]` has five ids for "How are you?";
# ours has only the pieces — four, because our tokenizer cuts "?" off too, like real BERT.
# Where did `[CLS]` (101) and `[SEP]` (102) go?
#
# ## 4. Special tokens
#
# Our vocabulary starts with four pieces that never come out of text:

# %%
roles = {
    tok.pad_id: "padding: fills short rows in a batch (lesson 03); never predicted",
    tok.unk_id: "unknown: a character never seen in training",
    tok.bos_id: "begin: the first token the decoder reads (not BERT's [CLS]: see below)",
    tok.eos_id: "end: closes every sequence, so the model learns to stop (where BERT puts [SEP])",
}
for i, role in roles.items():
    print(f"id {i}  {tok.id_to_piece(i):6}  {role}")

# %% [markdown]
# BERT puts `[CLS]` in front of its input and `[SEP]` at the end. `[CLS]` is **not** a start
# signal like our BOS: it is a *summary* token on the encoder's input, whose final vector a
# classifier reads as "the whole sentence". A translator needs no summary — its decoder reads
# every English position through cross-attention (lesson 04) — so minimt puts nothing in
# front of the encoder's input. A translation model splits the work between an encoder,
# which reads the English, and a decoder, which writes French:
#
# - the encoder input is `English pieces + [EOS]` — no start token: the encoder sees the
#   whole sentence at once and needs no signal to begin;
# - the decoder's input starts with `[BOS]` — it must produce the first French word having
#   seen no French yet, and BOS is that "nothing yet";
# - the labels (what the decoder must predict) end with `[EOS]`; predicting EOS is how the
#   model says "done".
#
# `encode` adds none of them: lesson 03 adds each where it belongs. They are *control*
# symbols: text that happens to spell `<pad>` or `</s>` is just characters, so a sentence
# can never smuggle in a fake end-of-sentence. And a character the tokenizer never saw
# becomes `<unk>` (id 1), shown as ⁇ when decoded:

# %%
ids = tok.encode("a </s> <pad> b")
print("literal '</s>' and '<pad>':", tok.pieces("a </s> <pad> b"), ids)
print("  (no id 0, 2 or 3 — the 1s are <unk>: '<', '/' and '>' never occur in our corpus)")
assert not {tok.pad_id, tok.bos_id, tok.eos_id} & set(ids)
print("an emoji:", tok.pieces("Bravo 🎉"), tok.encode("Bravo 🎉"), "→", repr(tok.decode(tok.encode("Bravo 🎉"))))
print("decode drops specials:", repr(tok.decode([tok.bos_id] + tok.encode(french) + [tok.eos_id, tok.pad_id])))

# %% [markdown]
# ## 5. One vocabulary for two languages
#
# We trained a *single* model on English and French together. One id then means one piece
# everywhere — in the encoder's input, the decoder's input and the decoder's output — so the
# model can use one embedding table for all three ("tied embeddings", lesson 05), and names
# and numbers, which are spelled the same in both languages, are the same pieces: the model
# can learn to copy them across. How much do the languages share?

# %%
sample = train if not FAST else train[:3000]
used = {lang: Counter(i for pair in sample for i in tok.encode(pair[k])) for k, lang in enumerate(("en", "fr"))}
both = used["en"].keys() & used["fr"].keys()
print(f"pieces used by English only: {len(used['en'].keys() - both):,}, French only: "
      f"{len(used['fr'].keys() - both):,}, both: {len(both):,}")
shared = sorted(both, key=lambda i: -min(used["en"][i], used["fr"][i]))[:15]
print("most shared:", [tok.id_to_piece(i) for i in shared])
name = next((tok.id_to_piece(i) for i in shared if tok.id_to_piece(i)[1:2].isupper()), "▁Tom")
example = next((p for p in sample if name[1:] in p[0].split() and name[1:] in p[1].split()), ("Tom", "Tom"))
print(f"the name {name!r}, the same piece on both sides:", tok.pieces(example[0]), tok.pieces(example[1]))
number = tok.encode("Tom is 30.")
print("a number:", tok.pieces("Tom is 30."), number)
if tok.unk_id in number:  # our embedded corpus spells numbers out ("vingt", "eighty"): no digit to learn
    print("  → '30' is <unk> (id 1): no sentence of our corpus contains a digit. A run of unknown characters")
    print("    stays one <unk> piece. On a corpus with digits (Tatoeba), split_digits=True cuts '30' into '3' '0'.")
else:
    print("  → split into single digits (split_digits=True), the same pieces on both sides")

# %% [markdown]
# ## 6. Normalisation: the tokenizer rewrites French text a little
#
# Before cutting a sentence into pieces, SentencePiece *normalises* it with the rule
# `nmt_nfkc` (Unicode NFKC plus a few NMT fixes). French typography puts a no-break space
# (U+00A0) or a narrow no-break space (U+202F) before `? ! : ;` and inside « »; NFKC turns
# both into an ordinary space. So `decode(encode(text))` gives back the *normalised* text,
# which is not always the text you typed. `tok.normalize` shows what the model sees:

# %%
examples = {
    "narrow no-break space before ?": "Comment ça va\u202f?",
    "no-break space before :": "Attention\u00a0: chien",
    "guillemets with no-break spaces": "«\u00a0Salut\u00a0»",
    "curly apostrophe (kept!)": "l’homme",
    "straight apostrophe": "l'homme",
    "ligature ﬁ and ellipsis": "ﬁn…",
    "œ and accents (kept)": "œuvre, été, ça",
    "double spaces": "Oui  ,   merci",
}
for what, text in examples.items():
    after = tok.normalize(text)
    flag = "changed" if after != text else "same"
    print(f"{what:34} {text!r:26} → {after!r:22} {flag}")
changed = sum(tok.normalize(s) != s for pair in sample for s in pair)
print(f"sentences of our corpus changed by normalisation: {changed} of {2 * len(sample):,}")
assert changed == 0  # the prose below relies on it: our embedded corpus is already in normal form

# %% [markdown]
# Our own corpus is already normalised (0 sentences changed, as printed), but Tatoeba's is
# not. Two consequences. The curly ’ and the straight ' are *different* pieces — a corpus mixing
# them splits its statistics in two. And when we score translations (lesson 09) against
# references typed with no-break spaces, the model's plain spaces differ from them; sacreBLEU
# tokenises both the same way, so this is harmless there, but worth knowing.
#
# ## 7. How many pieces?
#
# The vocabulary size is a trade-off. More pieces → shorter sequences (faster, and less for
# attention to connect) but more rare pieces, whose embeddings see few training examples.
# Fewer pieces → every piece is well trained, but sentences get long. We train a few sizes
# and measure both. Asking for more pieces than the corpus can make is an error that says
# the largest size that works.

# %%
sizes = [250, 1000, 4000] if FAST else [250, 500, 1000, 2000, 4000, 8000, 16000]
corpus = train[:5000] if FAST else train
stats = []
with tempfile.TemporaryDirectory() as folder:
    for size in sizes:
        try:
            t = Tokenizer.train(corpus, size, out_dir=Path(folder) / str(size))
        except MinimtError as error:
            print(f"vocab {size}: {error}")
            continue
        counts = Counter(i for pair in corpus for s in pair for i in t.encode(s))
        per_sentence = sum(counts.values()) / (2 * len(corpus))
        rare = sum(1 for i in range(4, t.vocab_size) if counts[i] < 10) / (t.vocab_size - 4)
        stats.append((size, per_sentence, rare))
        print(f"vocab {size:6,}: {per_sentence:5.2f} pieces per sentence; {rare:6.1%} of pieces seen < 10 times;"
              f" 'Comment ça va ?' → {t.pieces('Comment ça va ?')}")
if corpus is not train:  # fast mode trains the sizes on a part of the corpus: not the default tokenizer
    print(f"(fast mode: these tokenizers learned from {len(corpus):,} pairs; the default one from {len(train):,})")

# %%
plt.rcParams.update({"font.size": 13})
fig, ax = plt.subplots(figsize=(9, 5))
xs = [s for s, _, _ in stats]
ax.plot(xs, [p for _, p, _ in stats], "o-", color="tab:blue", lw=2)
ax.set(xscale="log", xlabel="vocabulary size (pieces)", ylabel="pieces per sentence (mean)",
       title=f"Vocabulary size trade-off ({len(corpus):,} pairs)")
ax.yaxis.label.set_color("tab:blue")
ax2 = ax.twinx()
ax2.plot(xs, [100 * r for _, _, r in stats], "s--", color="tab:red", lw=2)
ax2.set_ylabel("% of pieces seen < 10 times", color="tab:red")
ax.minorticks_off()
ax.set_xticks(xs, [f"{x:,}" for x in xs])
fig.tight_layout()
print("saved", save_figure(fig, FIGURES / "02_vocab_size.png", dpi=120))

# %% [markdown]
# Read the plot from left to right: sentences shrink quickly at first, then hardly at all,
# while the share of rarely seen pieces keeps climbing once the vocabulary outgrows the
# corpus. Past that knee, extra pieces buy little and cost training signal. Real systems
# trained on millions of sentences use 30,000–60,000 pieces; a small corpus wants far fewer.
# Where is the knee for ours, and where does minimt's default (4,000) sit?

# %%
best = min(p for _, p, _ in stats)
knee = next(size for size, p, _ in stats if p <= 1.05 * best)
print(f"smallest size within 5% of the shortest sentences measured: {knee:,} pieces")
# The default tokenizer itself (`tok`, all of train), measured on the same sentences as the sweep:
counts = Counter(i for pair in corpus for s in pair for i in tok.encode(s))
default_per_sentence = sum(counts.values()) / (2 * len(corpus))
default_rare = sum(1 for i in range(4, tok.vocab_size) if counts[i] < 10) / (tok.vocab_size - 4)
print(f"the default tokenizer ({tok.vocab_size:,} pieces, trained on all {len(train):,} train pairs): "
      f"{default_per_sentence:.2f} pieces per sentence, {default_rare:.0%} of its pieces seen < 10 times "
      f"in these {len(corpus):,} pairs; 'Comment ça va ?' → {tok.pieces('Comment ça va ?')}")
assert tok.vocab_size >= knee                            # at or past the knee ...
assert tok.pieces("Comment ça va ?")[0] == "▁Comment"    # ... and the article's ▁Comment is one piece

# %% [markdown]
# The default sits at or a little past the knee on purpose (the two asserts above check it):
# sentences are barely shorter there, but frequent whole words — the article's `▁Comment`
# among them: one piece in the default tokenizer, while the smaller sizes above cut it into
# `▁C` and more pieces (print them again) — get a piece of their own, which makes the
# pictures of later lessons easy to read. Our corpus is small and
# regular, so even its rare pieces are simple words; on Tatoeba, try 8,000.

# %% [markdown]
# From the command line, `minimt tokenizer --data FILE --vocab-size N` trains one on any
# corpus and prints these statistics, with the pieces of a few sample sentences.
#
# ## Try it
#
# - Tokenize your own name and a long French word (*anticonstitutionnellement*). Which
#   pieces come out, and why?
# - Train a tokenizer on the French side only and tokenize "How are you?". What happens to
#   the English pieces?
# - Find a French sentence that comes back from `decode(encode(...))` different from what
#   you typed. Which rule of section 6 did it hit?
#
# Next: lesson 03 turns these id lists into padded tensors — input_ids, attention_mask,
# labels with -100 and decoder_input_ids.

# %% [markdown]
# ## Exercises
#
# Practise this lesson: `minimt exercises start N`, then `minimt exercises check N`.
#
# - **1** — `add_specials`: encode a pair and add the special tokens where they belong (EOS, BOS)
