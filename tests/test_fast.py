"""minimt/runtime/fast.py: the fast kernels `minimt train` swaps in compute what the plain
model computes — attention outputs and gradients to float tolerance, dropout the same random
process (keep-probability and scaling within statistical bounds) — and leave the weights alone."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from minimt.attention import MultiHeadAttention, attention, causal_mask, padding_mask
from minimt.model import ModelConfig, Transformer
from minimt.runtime.fast import FastDropout, enable_fast_kernels, fast_dropout, sdpa_attention


def _qkv_mask(seed=0):
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(3, 2, 5, 8, generator=g, requires_grad=True) for _ in range(3))
    am = torch.tensor([[1] * 5, [1, 1, 1, 0, 0], [0] * 5])  # the last row: no key at all
    return q, k, v, padding_mask(am) & causal_mask(5)


@pytest.mark.parametrize("with_mask", [True, False])
def test_sdpa_equals_written_out_attention_forward_and_backward(with_mask):
    q, k, v, mask = _qkv_mask()
    mask = mask if with_mask else None
    want, _ = attention(q, k, v, mask)
    got, weights = sdpa_attention(q, k, v, mask)
    assert weights is None
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    if with_mask:
        assert (got[2] == 0).all()  # a query with no allowed key outputs zeros, as attention() rules
    grads_want = torch.autograd.grad(want.square().sum(), (q, k, v))
    grads_got = torch.autograd.grad(sdpa_attention(q, k, v, mask)[0].square().sum(), (q, k, v))
    for a, b in zip(grads_got, grads_want):
        assert torch.isfinite(a).all()
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


def test_enable_fast_kernels_keeps_weights_and_outputs():
    torch.manual_seed(0)
    c = ModelConfig(vocab_size=50, d_model=32, n_heads=4, n_encoder_layers=2, n_decoder_layers=2, d_ff=64)
    plain = Transformer(c).eval()
    fast = Transformer(c).eval()
    fast.load_state_dict(plain.state_dict())
    enable_fast_kernels(fast, attention="sdpa")
    assert all(isinstance(m, FastDropout) for m in fast.modules() if isinstance(m, nn.Dropout))
    assert all(m.kernel is sdpa_attention for m in fast.modules() if isinstance(m, MultiHeadAttention))
    assert plain.state_dict().keys() == fast.state_dict().keys()
    src = torch.randint(4, 50, (3, 7))
    am = torch.tensor([[1] * 7, [1] * 4 + [0] * 3, [1] * 2 + [0] * 5])
    tgt = torch.randint(4, 50, (3, 6))
    torch.testing.assert_close(fast(src, am, tgt), plain(src, am, tgt), atol=1e-5, rtol=1e-5)
    enable_fast_kernels(fast, attention="explicit", dropout=False)  # and back: the lessons' model
    assert all(type(m) is nn.Dropout for m in fast.modules() if isinstance(m, nn.Dropout))
    assert torch.equal(fast(src, am, tgt), plain(src, am, tgt))
    with pytest.raises(ValueError):
        enable_fast_kernels(fast, attention="flash")


def test_fast_dropout_is_the_same_process_as_nn_dropout():
    torch.manual_seed(0)
    x = torch.ones(400_000)
    plain = F.dropout(x, 0.1, True)
    fast = FastDropout(0.1).train()(x)
    # Same keep probability within 4 standard deviations of 400k draws (the fast one rounds p
    # to 26/256 = 0.1016), and both scale the kept values so the mean stays 1.
    sd = (0.1 * 0.9 / x.numel()) ** 0.5
    assert abs((plain == 0).float().mean().item() - 0.1) < 4 * sd
    assert abs((fast == 0).float().mean().item() - 26 / 256) < 4 * sd
    for y in (plain, fast):
        assert abs(y.mean().item() - 1.0) < 0.01


# --- dropout: the cheap CPU mask must be the same random process as F.dropout ---------------

def test_dropout_drops_p_of_every_lane_and_keeps_the_mean():
    torch.manual_seed(0)
    x = torch.full((2_000_003,), 2.0)  # odd size: the last 64-bit draw is only partly used
    y = fast_dropout(x, 0.1, True)
    zero = y == 0
    p = 26 / 256  # 0.1 rounded to a multiple of 1/256
    # Each 64-bit draw feeds 8 neighbours: a bias in one byte lane would show here
    # (250,000 samples per lane: 3 standard deviations = 0.0018).
    for lane in range(8):
        assert abs(zero[lane::8].float().mean().item() - p) < 0.0025, lane
    kept = y[~zero]
    assert torch.allclose(kept, torch.full_like(kept, 2.0 / (1 - p)))
    assert abs(y.mean().item() - 2.0) < 0.01  # inverted dropout: expectation unchanged
    # neighbours independent: P(both dropped) = p^2, not p
    both = (zero[0::8][:250_000] & zero[1::8][:250_000]).float().mean().item()
    assert abs(both - p * p) < 0.002


def test_dropout_gradient_is_zero_where_dropped_and_scaled_elsewhere():
    torch.manual_seed(1)
    x = torch.randn(64, 7, 16, requires_grad=True)
    y = fast_dropout(x, 0.25, True)
    y.sum().backward()
    scale = 256 / (256 - 64)
    assert torch.equal(x.grad == 0, y == 0)
    assert torch.allclose(x.grad[y != 0], torch.full_like(x.grad[y != 0], scale))
    assert torch.allclose(y[y != 0], x[y != 0] * scale)


def test_dropout_is_identity_in_eval_or_at_zero_and_seeded():
    x = torch.randn(10, 9)
    assert fast_dropout(x, 0.3, False) is x and fast_dropout(x, 0.0, True) is x
    torch.manual_seed(5)
    a = fast_dropout(x, 0.3, True)
    torch.manual_seed(5)
    assert torch.equal(a, fast_dropout(x, 0.3, True))
    assert not torch.equal(a, fast_dropout(x, 0.3, True))  # the next call draws new numbers


def _tiny_model_and_batches():
    from minimt.batch import make_batch
    from minimt.model import ModelConfig, Transformer
    torch.manual_seed(0)
    model = Transformer(ModelConfig(vocab_size=30, d_model=16, n_heads=2, n_encoder_layers=1,
                                    n_decoder_layers=1, d_ff=32))
    batches = [make_batch([[5, 6, 7], [8, 9]], [[10, 11], [12, 13, 14, 15]], pad_id=0, bos_id=2, eos_id=3),
               make_batch([[5] * 6], [[9] * 5], pad_id=0, bos_id=2, eos_id=3)]
    return model, batches


def _kernel_of(model):
    from minimt.attention import MultiHeadAttention
    return next(m for m in model.modules() if isinstance(m, MultiHeadAttention)).kernel


def test_attention_kernel_is_measured_once_per_machine_and_cached(tmp_path, monkeypatch):
    """`minimt train --attention auto` takes the kernel whose training steps measured faster here, once."""
    import contextlib
    from minimt.runtime import fast
    monkeypatch.setenv("MINIMT_CACHE", str(tmp_path))
    model, batches = _tiny_model_and_batches()
    calls = []

    def fake_step(probe, batch, autocast):
        calls.append(_kernel_of(probe))
        return 0.002 if _kernel_of(probe) is fast.attention else 0.005  # the written-out one "wins" here
    monkeypatch.setattr(fast, "_time_step", fake_step)
    cpu, kw = torch.device("cpu"), dict(autocast=contextlib.nullcontext)
    first = fast.choose_attention(model, batches, device=cpu, bf16=False, **kw)
    again = fast.choose_attention(model, batches, device=cpu, bf16=False, **kw)
    assert first[0] == again[0] == "explicit" and len(calls) == 2 * 2 * 3  # 2 batches x 2 kernels x 3, once
    assert calls.count(fast.attention) == calls.count(fast.sdpa_attention)  # both timed alike
    assert "measured now" in first[1] and "measured earlier" in again[1]
    assert _kernel_of(model) is fast.attention and all(type(m) is torch.nn.Dropout for m in model.modules()
                                                       if isinstance(m, torch.nn.Dropout))  # the run's model untouched
    monkeypatch.setattr(fast, "_time_step", lambda probe, *a: 0.001 if _kernel_of(probe) is fast.sdpa_attention else 0.009)
    assert fast.choose_attention(model, batches, device=cpu, bf16=True, **kw)[0] == "sdpa"  # another key: measured anew
    assert fast.choose_attention(model, batches[:1], device=cpu, bf16=False, **kw)[0] == "sdpa"  # other batch shapes too
    (tmp_path / fast.CHOICE_FILE).write_text("not json")
    assert fast.choose_attention(model, batches, device=cpu, bf16=False, **kw)[0] == "sdpa"  # a broken cache is re-measured


def test_attention_measurement_times_real_steps_and_leaves_the_run_alone():
    import contextlib
    from minimt.runtime.fast import measure_attention
    model, batches = _tiny_model_and_batches()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    m = measure_attention(model, batches, contextlib.nullcontext, reps=1)
    assert m["choice"] in ("explicit", "sdpa") and m["explicit_ms"] > 0 and m["sdpa_ms"] > 0
    other = "sdpa" if m["choice"] == "explicit" else "explicit"
    assert m[f"{m['choice']}_ms"] <= m[f"{other}_ms"]  # the faster one is chosen (a tie after rounding may go either way)
    assert torch.equal(torch.rand(3), expected_next)  # the run's random stream is where it was
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())  # weights untouched
    assert all(p.grad is None for p in model.parameters())
