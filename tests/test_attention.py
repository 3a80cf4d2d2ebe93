"""Proofs for minimt.attention: the written-out attention and its masks equal PyTorch's."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from minimt.attention import (MultiHeadAttention, attention, causal_mask, decoder_self_mask,
                              padding_mask, to_key_padding_mask)

B, H, T, S, D = 3, 2, 5, 7, 8  # all different, so a swapped axis fails loudly


def lengths_mask(lengths, L):  # HF attention_mask (B,L): 1 = real, right padding
    return (torch.arange(L)[None, :] < torch.tensor(lengths)[:, None]).long()


def qkv(seed=0, T=T, S=S):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(B, H, T, D, generator=g), torch.randn(B, H, S, D, generator=g),
            torch.randn(B, H, S, D, generator=g))


def test_mask_shapes_and_values():
    am = lengths_mask([7, 4, 2], S)
    pm = padding_mask(am)
    assert pm.shape == (B, 1, 1, S) and pm.dtype == torch.bool
    assert pm[1, 0, 0].tolist() == [True] * 4 + [False] * 3
    cm = causal_mask(T)
    assert cm.shape == (1, 1, T, T) and cm.dtype == torch.bool
    assert torch.equal(cm[0, 0], torch.tril(torch.ones(T, T)).bool())  # diagonal included
    assert cm[0, 0, 2, 2] and not cm[0, 0, 2, 3]
    dm = decoder_self_mask(lengths_mask([5, 3, 1], T))
    assert dm.shape == (B, 1, T, T)
    assert dm[1, 0, 4].tolist() == [True, True, True, False, False]  # padded query row: real keys only
    assert dm[1, 0, 1].tolist() == [True, True, False, False, False]


def test_key_padding_mask_is_inverted():
    am = lengths_mask([7, 4, 2], S)
    kpm = to_key_padding_mask(am)
    assert kpm.dtype == torch.bool and kpm[2].tolist() == [False] * 2 + [True] * 5
    assert torch.equal(~kpm, padding_mask(am)[:, 0, 0])  # round trip


@pytest.mark.parametrize("kind", ["none", "padding", "causal", "both", "random"])
def test_attention_equals_sdpa(kind):
    Tq = S if kind in ("causal", "both") else T
    q, k, v = qkv(1, T=Tq)
    am = lengths_mask([7, 5, 3], S)
    mask = {"none": None, "padding": padding_mask(am), "causal": causal_mask(S),
            "both": decoder_self_mask(am), "random": torch.rand(B, H, Tq, S) > 0.5}[kind]
    if kind == "random":
        mask[..., 0] = True  # every row keeps one key (SDPA's rule for empty rows varies by version)
    out, w = attention(q, k, v, mask)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert out.shape == (B, H, Tq, D) and w.shape == (B, H, Tq, S)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w.sum(-1), torch.ones(B, H, Tq))  # softmax over the keys
    if mask is not None:
        assert (w.masked_select(~mask.expand_as(w)) == 0).all()  # masked keys exactly 0
        inverted, _ = attention(q, k, v, ~mask | torch.eye(Tq, S, dtype=torch.bool))
        assert not torch.allclose(inverted, out)  # the mask is not a no-op


def test_bool_mask_equals_additive_float_mask():
    q, k, v = qkv(2)
    mask = padding_mask(lengths_mask([7, 5, 3], S))
    additive = torch.zeros(mask.shape).masked_fill(~mask, torch.finfo(torch.float32).min)
    torch.testing.assert_close(attention(q, k, v, mask)[0],
                               F.scaled_dot_product_attention(q, k, v, attn_mask=additive))


@pytest.mark.parametrize("dtype", [torch.long, torch.int32, torch.float32, torch.uint8])
def test_non_bool_mask_is_type_error(dtype):
    q, k, v = qkv()
    with pytest.raises(TypeError, match="True = may attend"):
        attention(q, k, v, torch.ones(B, 1, 1, S, dtype=dtype))
    with pytest.raises(TypeError, match="True = may attend"):
        MultiHeadAttention(16, 2)(torch.randn(2, 3, 16), None, torch.ones(2, 1, 1, 3, dtype=dtype))


def test_all_masked_row_is_zero_with_finite_grads():
    q, k, v = (t.requires_grad_() for t in qkv(3))
    mask = padding_mask(lengths_mask([7, 0, 3], S))  # row 1: a source that is all padding
    out, w = attention(q, k, v, mask)
    assert (out[1] == 0).all() and (w[1] == 0).all() and torch.isfinite(out).all()
    (out.sum() + w.sum()).backward()
    for t in (q, k, v):
        assert torch.isfinite(t.grad).all()
    assert (q.grad[1] == 0).all()


def test_all_masked_row_fast_path_matches():
    torch.manual_seed(0)
    mha = MultiHeadAttention(16, 2).eval()
    x = torch.randn(2, 4, 16, requires_grad=True)
    mask = padding_mask(lengths_mask([4, 0], 4))
    fast, _ = mha(x, None, mask)
    slow, _ = mha(x, None, mask, need_weights=True)
    torch.testing.assert_close(fast, slow)
    fast.sum().backward()
    assert torch.isfinite(x.grad).all()


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_low_precision_no_nan(dtype):
    q, k, v = (t.to(dtype) for t in qkv(4))
    mask = decoder_self_mask(lengths_mask([5, 3, 1], T))
    q, k, v = q, k[:, :, :T], v[:, :, :T]
    out, w = attention(q, k, v, mask)
    assert torch.isfinite(out).all() and torch.isfinite(w).all()
    assert (w.masked_select(~mask.expand_as(w)) == 0).all()
    torch.testing.assert_close(w.float().sum(-1), torch.ones(B, H, T), atol=2e-2, rtol=0)


def torch_pair(d=16, h=4):
    torch.manual_seed(0)
    ref = nn.MultiheadAttention(d, h, batch_first=True).eval()  # always batch_first=True
    with torch.no_grad():  # non-zero biases so a mis-copied bias would show
        ref.in_proj_bias.normal_()
        ref.out_proj.bias.normal_()
    return ref, MultiHeadAttention.from_torch(ref).eval()


def test_self_attention_equals_nn_multihead_attention():
    ref, ours = torch_pair()
    x = torch.randn(B, S, 16)
    am = lengths_mask([7, 4, 2], S)
    # PyTorch: key_padding_mask True = IGNORE (the converter flips ours), need_weights per head.
    want, want_w = ref(x, x, x, key_padding_mask=to_key_padding_mask(am), average_attn_weights=False)
    got, got_w = ours(x, None, padding_mask(am), need_weights=True)
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(got_w, want_w, atol=1e-5, rtol=1e-5)
    # The decoder's combined mask against attn_mask (True = IGNORE) + key_padding_mask.
    am_t = lengths_mask([7, 5, 3], S)
    want, _ = ref(x, x, x, attn_mask=~causal_mask(S)[0, 0], key_padding_mask=to_key_padding_mask(am_t))
    got, _ = ours(x, x, decoder_self_mask(am_t))
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)


def test_cross_attention_equals_nn_multihead_attention():
    ref, ours = torch_pair()
    y, memory = torch.randn(B, T, 16), torch.randn(B, S, 16)
    am = lengths_mask([7, 4, 2], S)
    want, want_w = ref(y, memory, memory, key_padding_mask=to_key_padding_mask(am), average_attn_weights=False)
    got, got_w = ours(y, memory, padding_mask(am), need_weights=True)
    assert got_w.shape == (B, 4, T, S)
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(got_w, want_w, atol=1e-5, rtol=1e-5)
    assert (got_w[1, :, :, 4:] == 0).all()


def test_dropout_only_in_training():
    mha = MultiHeadAttention(16, 2, dropout=0.5)
    x = torch.randn(2, 6, 16)
    mha.eval()
    a, _ = mha(x, None, None)
    assert torch.equal(a, mha(x, None, None)[0])
    mha.train()
    assert not torch.allclose(mha(x, None, None)[0], a)
