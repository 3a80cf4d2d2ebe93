"""From id lists to the tensors a translation model trains on (lesson 03).

For one pair, with our tokenizer (pad=0, unk=1, bos=2, eos=3):

    src ids  [390, 238, 37, 3916]            "How are you?"
    tgt ids  [627, 306, 700, 60]             "Comment ça va ?"

    input_ids          = src + [EOS], padded with PAD       → encoder input
    attention_mask     = 1 where input_ids is real, 0 on PAD
    labels             = tgt + [EOS], padded with -100      → what the decoder must predict
    decoder_input_ids  = [BOS] + labels[:-1], -100 → PAD    → what the decoder reads
    decoder_attention_mask = 1 where decoder_input_ids is real

``labels`` and ``decoder_input_ids`` are the same sentence shifted by one place: at position t
the decoder has read BOS and the first t target tokens and must predict token t+1 (teacher
forcing). Padding is always on the right. All of it is plain tensor slicing — no
``pad_sequence``, no tokenizer magic — so each line can be checked against a drawing.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, fields
from typing import Sequence

import torch

from .errors import MinimtError
from .tokenizer import IGNORE_INDEX  # -100: see below

# IGNORE_INDEX = -100: the label value that F.cross_entropy(ignore_index=-100) skips. Why not
# the pad id? Because pad is a real row of the vocabulary: labels full of pad would teach the
# model to predict "<pad>", and a padded row would count more than a short one in the mean loss.
# -100 is not an id at all, so it can never be confused with one (and an embedding lookup of
# -100 fails loudly). It is defined once, beside the special ids in tokenizer.py.
# (Imported above.)


@dataclass
class Batch:
    input_ids: torch.Tensor  # (B, S) int64: src + EOS, then PAD
    attention_mask: torch.Tensor  # (B, S) int64: 1 = real token, 0 = PAD
    labels: torch.Tensor  # (B, T) int64: tgt + EOS, then -100
    decoder_input_ids: torch.Tensor  # (B, T) int64: BOS + labels[:-1], -100 → PAD
    decoder_attention_mask: torch.Tensor  # (B, T) int64: 1 = real token, 0 = PAD

    def to(self, device) -> "Batch":
        return Batch(**{f.name: getattr(self, f.name).to(device) for f in fields(self)})

    @property
    def n_tokens(self) -> int:
        """Real label tokens (EOS included): what the loss averages over."""
        return int((self.labels != IGNORE_INDEX).sum())


def _check_rows(rows: Sequence[Sequence[int]], side: str, vocab_size: int | None) -> list[list[int]]:
    out = []
    for r, row in enumerate(rows):
        row = row.tolist() if hasattr(row, "tolist") else list(row)
        if not row:
            raise MinimtError(f"{side} row {r} is empty: every sentence needs at least one token")
        for i in row:
            if i < 0 or (vocab_size is not None and i >= vocab_size):
                top = f"0..{vocab_size - 1}" if vocab_size is not None else ">= 0"
                raise MinimtError(f"{side} row {r}: token id {i} is out of range ({top})")
        out.append(row)
    return out


def _with_eos(rows: list[list[int]], side: str, eos_id: int, max_length: int | None,
              truncate: bool) -> list[list[int]]:
    """Append EOS to every row; a row longer than max_length is an error or is cut (EOS kept)."""
    out = []
    for r, row in enumerate(rows):
        row = row + [eos_id]
        if max_length is not None and len(row) > max_length:
            if not truncate:
                raise MinimtError(f"{side} row {r} has {len(row)} tokens with EOS, more than "
                                  f"--max-length {max_length} (raise it, or truncate)")
            row = row[:max_length - 1] + [eos_id]  # cut the words, keep the end marker
        out.append(row)
    return out


def make_batch(src: Sequence[Sequence[int]], tgt: Sequence[Sequence[int]], *, pad_id: int,
               bos_id: int, eos_id: int, max_length: int | None = None, truncate: bool = False,
               vocab_size: int | None = None) -> Batch:
    """Pad a list of (src, tgt) id lists (without specials) into a `Batch`.

    Rows are padded to the longest row, or to ``max_length`` when given (the article pads its
    labels to 6). ``vocab_size``, when known, lets us reject out-of-range ids here, on the CPU,
    with a readable message instead of an index error deep inside the embedding.
    """
    if len(src) != len(tgt):
        raise MinimtError(f"{len(src)} source rows but {len(tgt)} target rows")
    if not src:
        raise MinimtError("cannot make a batch of 0 sentence pairs")
    if max_length is not None and max_length < 2:
        raise MinimtError(f"--max-length {max_length}: must be at least 2 (one token + EOS)")
    src_rows = _with_eos(_check_rows(src, "source", vocab_size), "source", eos_id, max_length, truncate)
    tgt_rows = _with_eos(_check_rows(tgt, "target", vocab_size), "target", eos_id, max_length, truncate)
    B = len(src_rows)
    S = max_length or max(len(r) for r in src_rows)
    T = max_length or max(len(r) for r in tgt_rows)

    input_ids, attention_mask = pad_source(src_rows, pad_id=pad_id, width=S)  # (B, S) each
    # labels: start from -100 everywhere, so every padded position is ignored by the loss.
    labels = torch.full((B, T), IGNORE_INDEX, dtype=torch.long)  # (B, T)
    for b, t in enumerate(tgt_rows):
        labels[b, :len(t)] = torch.tensor(t)

    decoder_input_ids = shift_right(labels, bos_id=bos_id, pad_id=pad_id)  # (B, T)
    # The decoder reads BOS + the first n-1 labels: as many real tokens as the row has labels,
    # so its padding mask is simply "label is not -100".
    decoder_attention_mask = (labels != IGNORE_INDEX).long()  # (B, T)
    return Batch(input_ids, attention_mask, labels, decoder_input_ids, decoder_attention_mask)


def pad_source(rows: Sequence[Sequence[int]], *, pad_id: int, width: int | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """Encoder rows (EOS already appended) → ``input_ids`` and ``attention_mask``, (B, S) each.

    Right padding, the only place minimt builds it (training batches, and `translate` for
    sentences to decode): start from a (B, S) block of PAD and copy each row into its left part.
    ``attention_mask`` says which positions hold a real token (1) and which are padding (0).
    The encoder's attention uses it so that no word ever looks at a PAD key; it is built from
    the row lengths, not from ``input_ids == pad_id``, so it stays right even if PAD were a
    real token.
    """
    S = width or max(len(r) for r in rows)
    input_ids = torch.full((len(rows), S), pad_id, dtype=torch.long)  # (B, S)
    attention_mask = torch.zeros((len(rows), S), dtype=torch.long)    # (B, S)
    for b, row in enumerate(rows):
        input_ids[b, :len(row)] = torch.as_tensor(row, dtype=torch.long)
        attention_mask[b, :len(row)] = 1
    return input_ids, attention_mask


def shift_right(labels: torch.Tensor, *, bos_id: int, pad_id: int) -> torch.Tensor:
    """decoder_input_ids = [BOS] + labels[:, :-1], with -100 turned back into PAD.

        labels             [ A,   B,  C,  EOS, -100, -100]
        decoder_input_ids  [BOS,  A,  B,  C,   EOS,  PAD ]

    The decoder at position t reads token t-1 and must predict labels[t]: it never sees the
    token it has to predict. -100 must not reach the embedding table (it is not an id), hence
    the PAD. Training and generation (greedy/beam start from BOS) use the same BOS.
    """
    dec = torch.full_like(labels, pad_id)  # (B, T)
    dec[:, 0] = bos_id
    dec[:, 1:] = labels[:, :-1]
    dec[dec == IGNORE_INDEX] = pad_id
    return dec


# ---------------------------------------------------------------- batching by length

def batch_cost(batch: Sequence[int], lengths: Sequence[tuple[int, int]]) -> int:
    """Positions a padded batch occupies: B * (longest src + EOS + longest tgt + EOS)."""
    return len(batch) * (max(lengths[i][0] for i in batch) + 1 + max(lengths[i][1] for i in batch) + 1)


def bucket_batches(lengths: Sequence[tuple[int, int]], max_tokens: int, *, shuffle: bool = True,
                   seed: int = 0) -> list[list[int]]:
    """Group pair indices into batches of similar lengths under a budget of padded positions.

    ``lengths[i] = (src_len, tgt_len)`` without specials. Pairs are sorted by (src, tgt) length,
    so a batch holds sentences of nearly the same shape and little padding; each batch grows
    while ``B * (max_src+1 + max_tgt+1) <= max_tokens``. A pair that alone exceeds the budget
    gets a batch of its own. With ``shuffle``, pairs of equal length and then the batch order
    are shuffled with ``seed`` (use the epoch number for a new order each epoch).
    """
    if max_tokens < 1:
        raise MinimtError(f"--max-tokens {max_tokens}: must be at least 1")
    order = list(range(len(lengths)))
    if shuffle:
        random.Random(seed).shuffle(order)  # tie-break: equal lengths come in a seeded order
    order.sort(key=lambda i: (lengths[i][0], lengths[i][1]))  # stable sort keeps the tie order

    batches = pack_batches(order, lengths, max_tokens)
    if shuffle:
        random.Random(seed + 1).shuffle(batches)  # vary the order lengths arrive in
    return batches


def pack_batches(order: Sequence[int], lengths: Sequence[tuple[int, int]], max_tokens: int) -> list[list[int]]:
    """Cut ``order`` (pair indices, in the order given) into consecutive batches, each growing
    while ``B * (max_src+1 + max_tgt+1) <= max_tokens``. Sorted by length, this is bucketing;
    in random order, it shows how much padding bucketing saves (bench/)."""
    batches: list[list[int]] = []
    current: list[int] = []
    max_src = max_tgt = 0
    for i in order:
        s, t = lengths[i]
        new_src, new_tgt = max(max_src, s), max(max_tgt, t)
        if current and (len(current) + 1) * (new_src + 1 + new_tgt + 1) > max_tokens:
            batches.append(current)
            current, new_src, new_tgt = [], s, t
        current.append(i)
        max_src, max_tgt = new_src, new_tgt
    if current:
        batches.append(current)
    return batches


def padding_fraction(batches: Sequence[Sequence[int]], lengths: Sequence[tuple[int, int]]) -> float:
    """Padded positions / all positions, over source and target (EOS counts as real)."""
    total = sum(batch_cost(b, lengths) for b in batches)
    real = sum(lengths[i][0] + 1 + lengths[i][1] + 1 for b in batches for i in b)
    return (total - real) / total if total else 0.0
