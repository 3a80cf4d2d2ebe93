"""Batches by hand: every invariant of input_ids / attention_mask / labels / decoder_input_ids."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from minimt.batch import (IGNORE_INDEX, Batch, batch_cost, bucket_batches, make_batch,
                          padding_fraction, shift_right)
from minimt.errors import MinimtError

PAD, BOS, EOS = 0, 2, 3
SPECIALS = dict(pad_id=PAD, bos_id=BOS, eos_id=EOS)
V = 50


def check_invariants(batch: Batch, src, tgt):
    """The collate contract (pitfalls C1–C3), stated once and used by every test below."""
    B = len(src)
    S, T = batch.input_ids.shape[1], batch.labels.shape[1]
    for name in ("input_ids", "attention_mask", "labels", "decoder_input_ids", "decoder_attention_mask"):
        assert getattr(batch, name).dtype == torch.long, name
    assert batch.attention_mask.shape == (B, S) and batch.decoder_input_ids.shape == (B, T)
    # attention_mask sums to the real lengths (src + EOS); input_ids real part is src + EOS
    assert batch.attention_mask.sum(1).tolist() == [len(s) + 1 for s in src]
    assert batch.decoder_attention_mask.sum(1).tolist() == [len(t) + 1 for t in tgt]
    for b in range(B):
        n, m = len(src[b]) + 1, len(tgt[b]) + 1
        assert batch.input_ids[b, :n].tolist() == list(src[b]) + [EOS]
        assert (batch.input_ids[b, n:] == PAD).all() and (batch.attention_mask[b, n:] == 0).all()
        assert batch.labels[b, :m].tolist() == list(tgt[b]) + [EOS]
        # -100 exactly at the padded label positions, nowhere else
        assert ((batch.labels[b] == IGNORE_INDEX).nonzero().flatten().tolist() == list(range(m, T)))
    assert (batch.labels != PAD).all(), "pad id in labels: the model would learn to predict <pad>"
    assert ((batch.labels == EOS).sum(1) == 1).all(), "exactly one EOS per label row"
    # the shift: BOS first, then the labels moved one place right, -100 turned back into PAD
    assert (batch.decoder_input_ids[:, 0] == BOS).all()
    real = batch.labels[:, :-1] != IGNORE_INDEX
    assert torch.equal(batch.decoder_input_ids[:, 1:][real], batch.labels[:, :-1][real])
    assert (batch.decoder_input_ids[:, 1:][~real] == PAD).all()
    assert (batch.decoder_input_ids >= 0).all() and (batch.input_ids >= 0).all()
    assert not torch.equal(batch.decoder_input_ids, batch.labels)
    assert batch.n_tokens == sum(len(t) + 1 for t in tgt)


def test_three_rows_of_different_lengths():
    src = [[10, 11, 12], [13], [14, 15, 16, 17, 18]]
    tgt = [[20, 21], [22, 23, 24, 25], [26]]
    batch = make_batch(src, tgt, **SPECIALS)
    check_invariants(batch, src, tgt)
    assert batch.input_ids.tolist() == [[10, 11, 12, 3, 0, 0], [13, 3, 0, 0, 0, 0], [14, 15, 16, 17, 18, 3]]
    assert batch.labels.tolist() == [[20, 21, 3, -100, -100], [22, 23, 24, 25, 3], [26, 3, -100, -100, -100]]
    assert batch.decoder_input_ids.tolist() == [[2, 20, 21, 3, 0], [2, 22, 23, 24, 25], [2, 26, 3, 0, 0]]
    assert batch.decoder_attention_mask.tolist() == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0]]


def test_the_article_case_labels_padded_to_6():
    # "How are you?" → "Comment ça va ?": 4 pieces each, padded to max_length 6 as in the article
    src, tgt = [[390, 238, 37, 3916]], [[627, 306, 700, 60]]
    batch = make_batch(src, tgt, **SPECIALS, max_length=6)
    assert batch.input_ids.tolist() == [[390, 238, 37, 3916, EOS, PAD]]
    assert batch.attention_mask.tolist() == [[1, 1, 1, 1, 1, 0]]
    assert batch.labels.tolist() == [[627, 306, 700, 60, EOS, -100]]
    assert batch.decoder_input_ids.tolist() == [[BOS, 627, 306, 700, 60, EOS]]
    check_invariants(batch, src, tgt)


def test_shift_right_alone():
    labels = torch.tensor([[5, 6, 7, EOS, -100, -100], [8, 9, 10, 11, 12, EOS]])
    assert shift_right(labels, bos_id=BOS, pad_id=PAD).tolist() == [[2, 5, 6, 7, 3, 0], [2, 8, 9, 10, 11, 12]]
    assert labels[0, 4] == -100, "shift_right must not modify its input"


def test_to_device_and_fields():
    batch = make_batch([[5, 6]], [[7]], **SPECIALS)
    moved = batch.to("cpu")
    assert isinstance(moved, Batch) and torch.equal(moved.labels, batch.labels)


def test_max_length_too_small():
    with pytest.raises(MinimtError, match="--max-length 1: must be at least 2"):
        make_batch([[5]], [[6]], **SPECIALS, max_length=1)


def test_row_longer_than_max_length_names_row_and_length():
    with pytest.raises(MinimtError, match=r"target row 1 has 5 tokens with EOS, more than --max-length 4"):
        make_batch([[5], [6]], [[7], [8, 9, 10, 11]], **SPECIALS, max_length=4)
    with pytest.raises(MinimtError, match=r"source row 0 has 7 tokens"):
        make_batch([[5] * 6, [6]], [[7], [8]], **SPECIALS, max_length=4)


def test_truncate_keeps_eos_last():
    src, tgt = [[5, 6, 7, 8, 9], [10]], [[11, 12, 13, 14, 15, 16], [17, 18]]
    batch = make_batch(src, tgt, **SPECIALS, max_length=4, truncate=True)
    assert batch.input_ids.tolist() == [[5, 6, 7, EOS], [10, EOS, PAD, PAD]]
    assert batch.labels.tolist() == [[11, 12, 13, EOS], [17, 18, EOS, -100]]
    check_invariants(batch, [[5, 6, 7], [10]], [[11, 12, 13], [17, 18]])


@pytest.mark.parametrize("src, tgt, message", [
    ([[5], []], [[6], [7]], "source row 1 is empty"),
    ([[5]], [[]], "target row 0 is empty"),
    ([], [], "0 sentence pairs"),
    ([[5]], [[6], [7]], "1 source rows but 2 target rows"),
    ([[5, -100]], [[6]], "source row 0: token id -100 is out of range"),
    ([[5]], [[6, V]], f"target row 0: token id {V} is out of range \\(0..{V - 1}\\)"),
])
def test_bad_rows(src, tgt, message):
    with pytest.raises(MinimtError, match=message):
        make_batch(src, tgt, **SPECIALS, vocab_size=V)


ids = st.lists(st.integers(4, V - 1), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(ids, ids), min_size=1, max_size=6), st.sampled_from([None, 14, 20]))
def test_property_invariants_hold_for_random_batches(pairs, max_length):
    src, tgt = [p[0] for p in pairs], [p[1] for p in pairs]
    batch = make_batch(src, tgt, **SPECIALS, max_length=max_length, vocab_size=V)
    check_invariants(batch, src, tgt)
    S = max_length or max(map(len, src)) + 1
    T = max_length or max(map(len, tgt)) + 1
    assert batch.input_ids.shape == (len(pairs), S) and batch.labels.shape == (len(pairs), T)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(ids, ids), min_size=1, max_size=6), st.integers(2, 8))
def test_property_truncation(pairs, max_length):
    src, tgt = [p[0] for p in pairs], [p[1] for p in pairs]
    batch = make_batch(src, tgt, **SPECIALS, max_length=max_length, truncate=True)
    cut = lambda rows: [r[:max_length - 1] for r in rows]  # noqa: E731
    check_invariants(batch, cut(src), cut(tgt))


lengths_st = st.lists(st.tuples(st.integers(1, 30), st.integers(1, 30)), min_size=0, max_size=200)


@settings(max_examples=100, deadline=None)
@given(lengths_st, st.integers(1, 400), st.integers(0, 3), st.booleans())
def test_property_bucket_batches(lengths, max_tokens, seed, shuffle):
    batches = bucket_batches(lengths, max_tokens, shuffle=shuffle, seed=seed)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths))), "every index exactly once"
    for b in batches:
        assert b, "no empty batch"
        assert batch_cost(b, lengths) <= max_tokens or len(b) == 1, "over budget (only alone allowed)"
    assert batches == bucket_batches(lengths, max_tokens, shuffle=shuffle, seed=seed), "deterministic"
    assert 0.0 <= padding_fraction(batches, lengths) < 1.0


def test_bucket_seed_changes_order_and_sorting_cuts_padding():
    g = torch.Generator().manual_seed(0)
    lengths = [(int(a), int(b)) for a, b in torch.randint(1, 40, (2000, 2), generator=g)]
    a, b = bucket_batches(lengths, 600, seed=0), bucket_batches(lengths, 600, seed=1)
    assert a != b and sorted(i for x in b for i in x) == list(range(2000))
    in_order = [list(range(i, min(i + 16, 2000))) for i in range(0, 2000, 16)]  # unsorted, same size
    assert padding_fraction(a, lengths) < 0.5 * padding_fraction(in_order, lengths)
    assert bucket_batches(lengths, 600, shuffle=False) == bucket_batches(lengths, 600, shuffle=False, seed=5)


def test_padding_fraction_by_hand():
    lengths = [(1, 2), (3, 2)]  # padded: 2 rows * ((3+1) + (2+1)) = 14; real: (2+3) + (4+3) = 12
    assert padding_fraction([[0, 1]], lengths) == pytest.approx(2 / 14)
    assert padding_fraction([[0], [1]], lengths) == 0.0


def test_single_pair_over_budget_gets_its_own_batch():
    lengths = [(2, 2), (50, 50), (2, 3)]
    batches = bucket_batches(lengths, 20, shuffle=False)
    assert [1] in batches and sorted(i for b in batches for i in b) == [0, 1, 2]
    with pytest.raises(MinimtError, match="--max-tokens 0"):
        bucket_batches(lengths, 0)
