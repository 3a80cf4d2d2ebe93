"""Beam search: the length penalty worked on a hand-set model, beam 1 == greedy, batch == alone."""
import math

import pytest
import torch

from minimt.beam import beam_search, beam_search_hypotheses, length_penalty
from minimt.errors import MinimtError
from minimt.model import ModelConfig, Transformer

PAD, UNK, BOS, EOS, A, B, C, D = range(8)
V = 8

# A hand-set "model": the next-token probabilities depend only on the prefix generated so far.
# Sentence 0's table: the short "a EOS" has the better raw log-probability (-1.0 vs -1.2),
# the long "b c d EOS" the better one per (penalised) length.
P_EOS_AFTER_A = math.exp(-1.0) / 0.5           # log p(a) + log p(EOS|a) = -1.0
P_STEP = math.exp((-1.2 - math.log(0.4)) / 3)  # log p(b) + 3 steps of log P_STEP = -1.2
SHORT_LONG = {(): {A: 0.5, B: 0.4}, (A,): {EOS: P_EOS_AFTER_A}, (B,): {C: P_STEP}, (B, C): {D: P_STEP},
              (B, C, D): {EOS: P_STEP}}
# Sentence 1's table: a different sentence, so a mixed-up reorder would be visible.
OTHER = {(): {C: 0.7}, (C,): {C: 0.6}, (C, C): {EOS: 0.8}}


def next_log_probs(table, prefix):
    probs = table.get(tuple(prefix), {})
    rest = (1.0 - sum(probs.values())) / (V - len(probs))  # the remaining mass, spread evenly
    return torch.tensor([math.log(probs.get(t, rest)) for t in range(V)])


class FakeCache:
    """Stands in for model.new_cache(): remembers each row's prefix; reorder() like the real one."""

    def __init__(self):
        self.rows = None

    def reorder(self, index):
        self.rows = [list(self.rows[i]) for i in index.tolist()]
        return self


class HandSetModel:
    """encode() stores which table each sentence uses (its first source id) in the memory."""

    class config:
        max_positions = 32

    training = False

    def eval(self):
        return self

    def train(self, mode=True):
        return self

    def encode(self, input_ids, attention_mask):
        return input_ids[:, :1, None].float()  # (B, 1, 1): the table number

    def new_cache(self):
        return FakeCache()

    def decode(self, decoder_input_ids, memory, attention_mask, decoder_attention_mask=None, *, cache=None):
        if cache.rows is None:
            cache.rows = [[] for _ in range(decoder_input_ids.size(0))]
        out = []
        for row, tok, m in zip(cache.rows, decoder_input_ids[:, -1].tolist(), memory[:, 0, 0].tolist()):
            if tok != BOS:
                row.append(tok)
            out.append(next_log_probs(SHORT_LONG if m == 0 else OTHER, row))
        return torch.stack(out)[:, None, :]  # (rows, 1, V)


def src(*table_ids):
    ids = torch.tensor([[t, EOS] for t in table_ids])
    return ids, torch.ones_like(ids)


def test_length_penalty_values():
    assert length_penalty(1, 0.6) == 1.0
    assert length_penalty(4, 1.0) == pytest.approx(1.5)
    assert length_penalty(7, 0.0) == 1.0


def test_alpha_zero_picks_short_alpha_one_picks_long():
    ids, mask = src(0)
    short = beam_search(HandSetModel(), ids, mask, bos_id=BOS, eos_id=EOS, beam_size=2, alpha=0.0, max_len=10)
    long_ = beam_search(HandSetModel(), ids, mask, bos_id=BOS, eos_id=EOS, beam_size=2, alpha=1.0, max_len=10)
    assert short[0][0][0] == [A] and short[0][0][1] == pytest.approx(-1.0)
    assert long_[0][0][0] == [B, C, D] and long_[0][0][1] == pytest.approx(-1.2 / 1.5)  # lp(4) = 9/6
    # Worked by hand: with alpha = 1, "a EOS" scores -1.0 / (7/6) = -0.857 < -0.8.
    both = beam_search(HandSetModel(), ids, mask, bos_id=BOS, eos_id=EOS, beam_size=2, alpha=1.0, max_len=10,
                       n_best=2)[0]
    assert [h for h, _ in both] == [[B, C, D], [A]]
    assert both[1][1] == pytest.approx(-1.0 / (7 / 6))


def test_beam_one_is_greedy_on_hand_set_model():
    ids, mask = src(0)
    out = beam_search(HandSetModel(), ids, mask, bos_id=BOS, eos_id=EOS, beam_size=1, alpha=1.0, max_len=10)
    assert out[0][0][0] == [A]  # greedy takes a (0.5 > 0.4), then EOS; alpha cannot change that


def test_hand_set_batch_equals_alone():
    ids, mask = src(0, 1)
    batch = beam_search(HandSetModel(), ids, mask, bos_id=BOS, eos_id=EOS, beam_size=2, alpha=1.0, max_len=10)
    alone = [beam_search(HandSetModel(), *src(t), bos_id=BOS, eos_id=EOS, beam_size=2, alpha=1.0,
                         max_len=10)[0] for t in (0, 1)]
    assert batch == alone
    assert batch[1][0][0] == [C, C]


def test_max_len_returns_unfinished_beams():
    ids, mask = src(0)
    out = beam_search_hypotheses(HandSetModel(), ids, mask, bos_id=BOS, eos_id=EOS, beam_size=2, alpha=0.0,
                                 max_len=1)[0]
    assert all(not h.finished and len(h.tokens) == 1 for h in out)
    assert [h.tokens for h in out] == [[A], [B]]


# ---------------------------------------------------------------- a random tiny Transformer
class EndsNearSourceLength(Transformer):
    """A random Transformer whose EOS logit grows with (position - source length).

    An untrained model almost never says EOS; this one ends its outputs at different steps
    depending on the source row — so a beam row that reads another sentence's source mask
    (a reordering bug) ends at the wrong step. Everything else is the real model and cache.
    """

    def decode(self, decoder_input_ids, memory, attention_mask, decoder_attention_mask=None, *, cache=None,
               return_attention=False):
        past = 0 if cache is None else cache.length
        logits = super().decode(decoder_input_ids, memory, attention_mask, decoder_attention_mask, cache=cache)
        pos = torch.arange(past, past + decoder_input_ids.size(1))             # (T,)
        src_len = attention_mask.sum(dim=1, keepdim=True)                      # (B, 1)
        logits[..., EOS] += 1.5 * (pos[None, :] - src_len)                     # (B, T)
        return logits


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    cfg = ModelConfig(vocab_size=37, d_model=32, n_heads=4, n_encoder_layers=2, n_decoder_layers=2, d_ff=48,
                      dropout=0.0, max_positions=40)
    model = EndsNearSourceLength(cfg).eval()
    torch.manual_seed(1)
    lengths = [7, 3, 5, 1]  # distinct source lengths (before EOS)
    S = max(lengths) + 1
    ids = torch.full((4, S), PAD)
    for i, n in enumerate(lengths):
        ids[i, :n] = torch.randint(4, 37, (n,))
        ids[i, n] = EOS
    return model, ids, (ids != PAD).long()


def naive_greedy(model, ids, mask, max_len):
    """Re-run the whole decoder on the growing prefix, one sentence at a time (no cache)."""
    out = []
    for i in range(ids.size(0)):
        n = int(mask[i].sum())
        memory = model.encode(ids[i:i + 1, :n], mask[i:i + 1, :n])
        y = [BOS]
        for _ in range(max_len):
            tok = int(model.decode(torch.tensor([y]), memory, mask[i:i + 1, :n])[0, -1].argmax())
            if tok == EOS:
                break
            y.append(tok)
        out.append(y[1:])
    return out


def test_beam_one_equals_greedy(tiny):
    model, ids, mask = tiny
    beam = [row[0][0] for row in beam_search(model, ids, mask, bos_id=BOS, eos_id=EOS, beam_size=1, max_len=12)]
    assert beam == naive_greedy(model, ids, mask, 12)
    assert len({len(h) for h in beam}) > 1  # the rows really end at different steps
    from minimt.decode import greedy_decode
    assert beam == greedy_decode(model, ids, mask, bos_id=BOS, eos_id=EOS, max_len=12)


def test_batch_equals_alone_and_one_eos(tiny):
    model, ids, mask = tiny
    batch = beam_search_hypotheses(model, ids, mask, bos_id=BOS, eos_id=EOS, beam_size=4, alpha=0.6, max_len=12)
    n_finished = 0
    for i, row in enumerate(batch):
        n = int(mask[i].sum())
        alone = beam_search_hypotheses(model, ids[i:i + 1, :n], mask[i:i + 1, :n], bos_id=BOS, eos_id=EOS,
                                       beam_size=4, alpha=0.6, max_len=12)[0]
        assert [h.tokens for h in row] == [h.tokens for h in alone]
        assert [h.score for h in row] == pytest.approx([h.score for h in alone], abs=1e-4)
        for h in row:
            assert h.tokens.count(EOS) == (1 if h.finished else 0)
            assert h.tokens[-1] == EOS or not h.finished
            n_finished += h.finished
    assert n_finished > 0


def test_scores_are_the_models_log_probs(tiny):
    """The reported score = teacher-forced log p(hypothesis + EOS) / lp, recomputed independently."""
    model, ids, mask = tiny
    alpha = 0.6
    out = beam_search(model, ids, mask, bos_id=BOS, eos_id=EOS, beam_size=3, alpha=alpha, max_len=12, n_best=3)
    hyps = beam_search_hypotheses(model, ids, mask, bos_id=BOS, eos_id=EOS, beam_size=3, alpha=alpha, max_len=12)
    for i, (row, full) in enumerate(zip(out, hyps)):
        assert len(row) == 3
        scores = [s for _, s in row]
        assert scores == sorted(scores, reverse=True)
        for (tokens, score), h in zip(row, full):
            target = torch.tensor([h.tokens])  # with EOS when finished
            dec_in = torch.tensor([[BOS] + h.tokens[:-1]])
            with torch.no_grad():
                logp = model(ids[i:i + 1], mask[i:i + 1], dec_in).log_softmax(-1)
            total = logp.gather(-1, target[..., None]).sum().item()
            assert score == pytest.approx(total / length_penalty(len(h.tokens), alpha), abs=1e-4)
            assert tokens == [t for t in h.tokens if t != EOS]


@pytest.mark.parametrize("kwargs, match", [
    (dict(beam_size=0), "--beam 0"),
    (dict(beam_size=2, n_best=3), "--n-best 3"),
    (dict(alpha=-0.1), "--alpha -0.1"),
    (dict(max_len=0), "--max-len 0"),
])
def test_bad_arguments(kwargs, match):
    ids, mask = src(0)
    with pytest.raises(MinimtError, match=match):
        beam_search(HandSetModel(), ids, mask, bos_id=BOS, eos_id=EOS, **kwargs)


def test_default_limit_is_per_sentence_not_per_batch():
    """An untrained model rarely says EOS: its beams run into the limit, which must be the sentence's own."""
    torch.manual_seed(3)
    model = Transformer(ModelConfig(vocab_size=37, d_model=16, n_heads=2, n_encoder_layers=1, n_decoder_layers=1,
                                    d_ff=24, max_positions=64)).eval()
    g = torch.Generator().manual_seed(4)
    ids = torch.full((2, 20), PAD)
    ids[0, :3], ids[1, :] = torch.randint(4, 37, (3,), generator=g), torch.randint(4, 37, (20,), generator=g)
    mask = (ids != PAD).long()
    alone = beam_search_hypotheses(model, ids[:1, :3], mask[:1, :3], bos_id=BOS, eos_id=EOS, beam_size=3)[0]
    batch = beam_search_hypotheses(model, ids, mask, bos_id=BOS, eos_id=EOS, beam_size=3)
    assert any(not h.finished and len(h.tokens) == 2 * 3 + 10 for h in alone)  # it hit its own limit
    assert [h.tokens for h in batch[0]] == [h.tokens for h in alone]
    assert [h.score for h in batch[0]] == pytest.approx([h.score for h in alone], abs=1e-4)
    assert max(len(h.tokens) for h in batch[1]) == 2 * 20 + 10
    from minimt.decode import greedy_decode  # beam 1 keeps being greedy under the per-row limits
    greedy = greedy_decode(model, ids, mask, bos_id=BOS, eos_id=EOS)
    assert [row[0][0] for row in beam_search(model, ids, mask, bos_id=BOS, eos_id=EOS, beam_size=1)] == greedy
