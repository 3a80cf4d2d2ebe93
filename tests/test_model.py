"""Proofs for minimt.model: padding invariance, causality, masks in place, cache == teacher forcing."""

import pytest
import torch

from minimt.runtime.fast import enable_fast_kernels
from minimt.errors import MinimtError
from minimt.model import ModelConfig, Transformer

V, D, PAD = 37, 24, 0  # vocab, width: different from every sequence length used below


def tiny(seed=0, **kw):
    torch.manual_seed(seed)
    cfg = dict(vocab_size=V, d_model=D, n_heads=2, n_encoder_layers=2, n_decoder_layers=2,
               d_ff=40, dropout=0.1, max_positions=20)
    return Transformer(ModelConfig(**{**cfg, **kw})).eval()


def ids(lengths, L, seed):
    """(B,L) random non-pad ids, right-padded to L, and the (B,L) 1/0 attention_mask."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(4, V, (len(lengths), L), generator=g)
    mask = (torch.arange(L)[None] < torch.tensor(lengths)[:, None]).long()
    return x.masked_fill(mask == 0, PAD), mask


@pytest.fixture(scope="module")
def model():
    return tiny()


def test_shapes_and_attention_dict(model):
    src, src_m = ids([6, 3], 6, 1)
    tgt, tgt_m = ids([5, 2], 5, 2)
    logits, attn = model(src, src_m, tgt, tgt_m, return_attention=True)
    assert logits.shape == (2, 5, V)
    assert [w.shape for w in attn["encoder"]] == [(2, 2, 6, 6)] * 2
    assert [w.shape for w in attn["decoder_self"]] == [(2, 2, 5, 5)] * 2
    assert [w.shape for w in attn["cross"]] == [(2, 2, 5, 6)] * 2
    torch.testing.assert_close(logits, model(src, src_m, tgt, tgt_m))  # fast path == explicit path
    for w in attn["encoder"] + attn["decoder_self"] + attn["cross"]:
        torch.testing.assert_close(w.sum(-1), torch.ones(w.shape[:-1]))  # rows sum to 1
    for w in attn["cross"] + attn["encoder"]:
        assert (w[1, :, :, 3:] == 0).all()  # source pads: exactly zero weight
    for w in attn["decoder_self"]:
        assert (w.triu(diagonal=1) == 0).all()  # no weight on the future
        assert (w[1, :, :, 2:] == 0).all()  # target pads


@pytest.mark.parametrize("side", ["source", "target"])
def test_padding_invariance(model, side):
    """A sentence's logits alone == inside a batch padded to a much longer sentence."""
    src, src_m = ids([4], 4, 3)
    tgt, tgt_m = ids([3], 3, 4)
    alone = model(src, src_m, tgt, tgt_m)
    long_src, long_src_m = ids([4, 11], 11, 5)
    long_tgt, long_tgt_m = ids([3, 9], 9, 6)
    if side == "source":
        long_src[0, :4] = src[0]
        batch = model(long_src, long_src_m, tgt.repeat(2, 1), tgt_m.repeat(2, 1))
    else:
        long_tgt[0, :3] = tgt[0]
        batch = model(src.repeat(2, 1), src_m.repeat(2, 1), long_tgt, long_tgt_m)
    torch.testing.assert_close(batch[0, :3], alone[0], atol=1e-5, rtol=1e-5)
    memory_alone = model.encode(src, src_m)
    if side == "source":
        torch.testing.assert_close(model.encode(long_src, long_src_m)[0, :4], memory_alone[0],
                                   atol=1e-5, rtol=1e-5)


def test_noise_in_padded_positions_changes_nothing(model):
    src, src_m = ids([9, 5, 2], 9, 7)
    tgt, tgt_m = ids([4, 7, 3], 7, 8)
    clean = model(src, src_m, tgt, tgt_m)
    noisy_src = torch.where(src_m.bool(), src, torch.randint(4, V, src.shape))
    noisy_tgt = torch.where(tgt_m.bool(), tgt, torch.randint(4, V, tgt.shape))
    noisy = model(noisy_src, src_m, noisy_tgt, tgt_m)
    real = tgt_m.bool()
    assert not torch.equal(noisy_src, src) and not torch.equal(noisy_tgt, tgt)
    torch.testing.assert_close(noisy[real], clean[real], atol=1e-5, rtol=1e-5)
    # Guard: the same noise WITHOUT the masks does change the output (masks are not no-ops).
    unmasked = model(noisy_src, torch.ones_like(src_m), noisy_tgt, torch.ones_like(tgt_m))
    assert not torch.allclose(unmasked[real], clean[real], atol=1e-3)


def test_causality(model):
    src, src_m = ids([8, 6], 8, 9)
    tgt, tgt_m = ids([7, 7], 7, 10)
    base = model(src, src_m, tgt, tgt_m)
    for t in (1, 3, 6):
        changed = tgt.clone()
        changed[:, t:] = torch.randint(4, V, changed[:, t:].shape)
        out = model(src, src_m, changed, tgt_m)
        torch.testing.assert_close(out[:, :t], base[:, :t], atol=1e-6, rtol=1e-6)
        assert not torch.allclose(out[:, t:], base[:, t:])  # and the future does move


@pytest.mark.parametrize("fast", [True, False])
def test_cached_steps_reproduce_teacher_forcing(fast):
    model = enable_fast_kernels(tiny(), attention="sdpa") if fast else tiny()  # plain = the lessons' model
    src, src_m = ids([8, 5, 3], 8, 11)
    tgt, tgt_m = ids([6, 6, 4], 6, 12)
    full = model(src, src_m, tgt, tgt_m)
    memory = model.encode(src, src_m)
    cache = model.new_cache()
    steps = [model.decode(tgt[:, t:t + 1], memory, src_m, tgt_m[:, t:t + 1], cache=cache)
             for t in range(tgt.size(1))]
    assert cache.length == 6 and cache.self_kv[0].k.shape == (3, 2, 6, D // 2)
    torch.testing.assert_close(torch.cat(steps, 1), full, atol=1e-5, rtol=1e-5)


def test_cache_in_chunks_and_reorder(model):
    src, src_m = ids([8, 5], 8, 13)
    tgt, _ = ids([6, 6], 6, 14)
    memory = model.encode(src, src_m)
    cache = model.new_cache()
    first = model.decode(tgt[:, :4], memory, src_m, cache=cache)  # a prefix of 4, then 2 more
    rest = model.decode(tgt[:, 4:], memory, src_m, cache=cache)
    torch.testing.assert_close(torch.cat([first, rest], 1), model.decode(tgt, memory, src_m),
                               atol=1e-5, rtol=1e-5)
    # reorder: swap rows and duplicate row 0 (what beam search does), then continue.
    index = torch.tensor([1, 0, 0])
    cache = model.new_cache()
    model.decode(tgt[:, :3], memory, src_m, cache=cache)
    cache.reorder(index)
    step = model.decode(tgt[index, 3:4], memory[index], src_m[index], cache=cache)
    want = model.decode(tgt[index, :4], memory[index], src_m[index])[:, 3:4]
    torch.testing.assert_close(step, want, atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="reorder"):
        model.decode(tgt[:, 4:5], memory, src_m, cache=cache)  # 2 rows given, cache holds 3


def test_too_long_inputs_raise(model):
    src, src_m = ids([20], 20, 15)
    model(src, src_m, src[:, :20], src_m[:, :20])  # exactly max_positions works
    with pytest.raises(MinimtError, match="input_ids: 21 positions.*max_positions=20"):
        model.encode(torch.ones(1, 21, dtype=torch.long), torch.ones(1, 21, dtype=torch.long))
    with pytest.raises(MinimtError, match="decoder_input_ids"):
        model(src, src_m, torch.ones(1, 21, dtype=torch.long))
    memory, cache = model.encode(src, src_m), model.new_cache()
    model.decode(src, memory, src_m, cache=cache)
    with pytest.raises(MinimtError, match="decoder_input_ids: 21 positions"):
        model.decode(src[:, :1], memory, src_m, cache=cache)


@pytest.mark.parametrize("bad, field", [
    (dict(n_heads=5), "n_heads=5 does not divide d_model=24"), (dict(d_model=0), "d_model"),
    (dict(vocab_size=-3), "vocab_size"), (dict(n_decoder_layers=0), "n_decoder_layers"),
    (dict(dropout=1.0), "dropout"), (dict(d_ff=2.5), "d_ff"), (dict(pad_id=37), "pad_id"),
    (dict(max_positions=0), "max_positions")])
def test_config_errors(bad, field):
    with pytest.raises(MinimtError, match=field) as e:
        ModelConfig(**{"vocab_size": V, "d_model": D, **bad})
    assert "\n" not in str(e.value)


def test_config_round_trip():
    cfg = ModelConfig(vocab_size=V, d_model=D, n_heads=3)
    assert ModelConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(MinimtError, match="unknown field.*colour"):
        ModelConfig.from_dict({**cfg.to_dict(), "colour": 1})


def test_embedding_scale_matches_positions():
    model = Transformer(ModelConfig(vocab_size=500, d_model=64, max_positions=100))
    model.eval()
    x = model._embed(torch.randint(0, 500, (4, 100)), 0, "input_ids").detach()  # what layer 1 sees
    tokens = x - model.positions  # the scaled token embeddings alone
    ratio = tokens.std() / model.positions.std()
    assert 0.5 < ratio < 3.0, ratio  # O(1): neither signal drowns the other
    assert abs(tokens.std().item() - 1.0) < 0.1
    assert abs(model.embedding.weight.std().item() - 64 ** -0.5) < 0.01  # init std D^-0.5


def test_tied_embedding_and_dropout_modes():
    model = tiny()
    n_embedding = sum(p.numel() for n, p in model.named_parameters() if "embedding" in n)
    assert n_embedding == V * D  # one table: no separate output projection
    src, src_m = ids([5, 3], 5, 16)
    tgt, tgt_m = ids([4, 2], 4, 17)
    model.train()
    assert not torch.equal(model(src, src_m, tgt, tgt_m), model(src, src_m, tgt, tgt_m))
    model.eval()
    assert torch.equal(model(src, src_m, tgt, tgt_m), model(src, src_m, tgt, tgt_m))


def test_gradients_finite_and_reach_every_parameter():
    model = tiny(dropout=0.0).train()
    src, src_m = ids([6, 2], 6, 18)
    tgt, tgt_m = ids([5, 3], 5, 19)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = model(src, src_m, tgt, tgt_m)
    assert torch.isfinite(logits).all()
    logits.float().logsumexp(-1).sum().backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
