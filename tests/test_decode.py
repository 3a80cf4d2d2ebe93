"""Proofs for minimt.decode: the cache changes the cost, never the tokens; rows stop on their own."""
import pytest
import torch

from minimt.decode import greedy_decode
from minimt.translate import translate
from minimt.errors import MinimtError
from minimt.model import ModelConfig, Transformer

V, PAD, BOS, EOS = 37, 0, 2, 3


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return Transformer(ModelConfig(vocab_size=V, d_model=24, n_heads=2, n_encoder_layers=2,
                                   n_decoder_layers=2, d_ff=40, max_positions=30)).eval()


def source(lengths, seed=0):
    g = torch.Generator().manual_seed(seed)
    L = max(lengths)
    mask = (torch.arange(L)[None] < torch.tensor(lengths)[:, None]).long()
    return torch.randint(4, V, (len(lengths), L), generator=g).masked_fill(mask == 0, PAD), mask


def test_cached_equals_uncached_with_rows_stopping_at_different_steps(model):
    src, mask = source([9, 4, 6])
    never = greedy_decode(model, src, mask, bos_id=BOS, eos_id=-1, max_len=12)
    assert [len(r) for r in never] == [12, 12, 12]
    eos = never[0][3]  # a token the model really produces at step 3 of row 0: call it EOS
    cached = greedy_decode(model, src, mask, bos_id=BOS, eos_id=eos, max_len=12)
    uncached = greedy_decode(model, src, mask, bos_id=BOS, eos_id=eos, max_len=12, use_cache=False)
    assert cached == uncached
    for row, full in zip(cached, never):  # each row stops at ITS first EOS, EOS not included
        want = full[:full.index(eos)] if eos in full else full
        assert row == want and eos not in row
    assert len(cached[0]) <= 3


def test_greedy_is_padding_invariant(model):
    src, mask = source([5, 11, 3], seed=1)
    batch = greedy_decode(model, src, mask, bos_id=BOS, eos_id=EOS, max_len=10)
    for r, n in enumerate([5, 11, 3]):
        alone = greedy_decode(model, src[r:r + 1, :n], mask[r:r + 1, :n], bos_id=BOS, eos_id=EOS, max_len=10)
        assert alone[0] == batch[r]


def test_max_len_checks_and_mode_restored(model):
    src, mask = source([4, 2])
    with pytest.raises(MinimtError, match="--max-len 0"):
        greedy_decode(model, src, mask, bos_id=BOS, eos_id=EOS, max_len=0)
    with pytest.raises(MinimtError, match="max_positions=30"):
        greedy_decode(model, src, mask, bos_id=BOS, eos_id=EOS, max_len=31)
    out = greedy_decode(model, src, mask, bos_id=BOS, eos_id=-1, max_len=30)  # the largest that fits
    assert [len(r) for r in out] == [30, 30]
    model.train()
    greedy_decode(model, src, mask, bos_id=BOS, eos_id=EOS, max_len=3)
    assert model.training
    model.eval()


class CharTokenizer:
    """a..z ↔ 4..29; enough of the Tokenizer API for translate()."""
    pad_id, unk_id, bos_id, eos_id, vocab_size = PAD, 1, BOS, EOS, V

    def encode(self, text):
        return [4 + (ord(c) - 97) % 26 for c in text if c.isalpha()]

    def decode(self, ids):
        return "".join(chr(97 + (i - 4) % 26) for i in ids if i >= 4)


def test_translate_keeps_order_and_handles_empty(model):
    tok = CharTokenizer()
    sentences = ["hello there", "", "a", "how are you", "   ", "comment ca va", "bonjour"]
    batched = translate(model, tok, sentences, batch_size=2, max_len=8)
    assert batched[1] == "" and batched[4] == ""
    singles = [translate(model, tok, [s], max_len=8)[0] for s in sentences]
    assert batched == singles
    ids = [tok.encode(s) + [EOS] for s in sentences[3:4]]
    src = torch.tensor(ids)
    direct = greedy_decode(model, src, torch.ones_like(src), bos_id=BOS, eos_id=EOS, max_len=8)
    assert batched[3] == tok.decode(direct[0])


def test_translate_errors(model):
    tok = CharTokenizer()
    with pytest.raises(MinimtError, match="sentence 2: 31 pieces"):
        translate(model, tok, ["ok", "x" * 30])
    translate(model, tok, ["x" * 29], max_len=2)  # 29 + EOS = 30 positions: fits
    with pytest.raises(MinimtError, match="--beam 0"):
        translate(model, tok, ["ok"], beam_size=0)
    with pytest.raises(MinimtError, match="--alpha"):
        translate(model, tok, ["ok"], alpha=-1)


def test_translate_beam_one_equals_greedy(model):
    pytest.importorskip("minimt.beam")
    tok = CharTokenizer()
    sentences = ["hello there", "a", "how are you"]
    greedy = translate(model, tok, sentences, max_len=8)
    assert translate(model, tok, sentences, beam_size=2, max_len=8) is not None
    from minimt.beam import beam_search
    src = torch.tensor([tok.encode("a") + [EOS]])
    best = beam_search(model, src, torch.ones_like(src), bos_id=BOS, eos_id=EOS, beam_size=1, max_len=8)
    assert tok.decode(best[0][0][0]) == greedy[1]


@pytest.fixture(scope="module")
def untrained():
    """A random model rarely says EOS, so the default length limit is what ends its rows."""
    torch.manual_seed(3)
    return Transformer(ModelConfig(vocab_size=V, d_model=16, n_heads=2, n_encoder_layers=1,
                                   n_decoder_layers=1, d_ff=24, max_positions=64)).eval()


def short_and_long():
    """A 3-token sentence alone, and the same sentence in a batch beside a 20-token one."""
    src, mask = source([3, 20], seed=4)
    return (src[:1, :3], mask[:1, :3]), (src, mask)


@pytest.mark.parametrize("use_cache", [True, False])
def test_default_limit_is_per_row_not_per_batch(untrained, use_cache):
    (one, one_mask), (both, both_mask) = short_and_long()
    alone = greedy_decode(untrained, one, one_mask, bos_id=BOS, eos_id=EOS, use_cache=use_cache)
    batch = greedy_decode(untrained, both, both_mask, bos_id=BOS, eos_id=EOS, use_cache=use_cache)
    assert len(alone[0]) == 2 * 3 + 10  # it really hit its own limit (no EOS) ...
    assert batch[0] == alone[0]         # ... and the long neighbour did not raise it
    assert len(batch[1]) == 2 * 20 + 10
    capped = greedy_decode(untrained, both, both_mask, bos_id=BOS, eos_id=EOS, max_len=7, use_cache=use_cache)
    assert [len(r) for r in capped] == [7, 7]  # an explicit max_len is one cap for every row
