"""Exercise 15 (fix it): masks for nn.Transformer, whose bool masks mean True = IGNORE.

The grader checks each mask against the converted minimt masks and, when one is wrong, runs
the padding-invariance / causality proofs on a tiny nn.Transformer fed with the student's masks,
so the message shows what the bug does to a real model.
"""
from __future__ import annotations

import random

import torch

from .. import cases
from ..grading import call, fail, idx

HINTS = [
    "nn.Transformer (and nn.MultiheadAttention) read a bool mask as True = IGNORE this key — the opposite of "
    "minimt's True = may attend. So a key padding mask is ~attention_mask.bool(): True at the pads.",
    "Is tgt_mask right? For nn.Transformer the FUTURE must be True (ignored): triu(diagonal=1) is correct there.",
    "The decoder's cross-attention has its own padding mask argument: memory_key_padding_mask. nn.Transformer "
    "does not reuse src_key_padding_mask for it.",
]

KEYS = ("src_key_padding_mask", "tgt_mask", "tgt_key_padding_mask", "memory_key_padding_mask")


def _model():
    torch.manual_seed(15)
    model = torch.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16,
                                 dropout=0.0, batch_first=True).double()
    model.train()  # dropout is 0, so train mode is deterministic — and it avoids eval's nested-tensor fast path
    emb = torch.randn(16, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(15))
    return model, emb


def _run(torch_masks, model, emb, src_ids, am, tgt_ids, dam):
    masks = call(torch_masks, am.clone(), dam.clone(), context="the proof on nn.Transformer")
    kwargs = {k: v for k, v in masks.items() if k in KEYS} if isinstance(masks, dict) else {}
    with torch.no_grad():
        return model(emb[src_ids], emb[tgt_ids], **kwargs)  # (B,T,8)


def proof_lines(torch_masks) -> str:
    """The two proofs on nn.Transformer with the student's masks, as text for a failure message."""
    model, emb = _model()
    lens_s, lens_t = [3, 6, 5], [3, 5, 2]
    src = torch.tensor([[5 + (i * 7 + b) % 10 if i < n else 0 for i in range(6)] for b, n in enumerate(lens_s)])
    tgt = torch.tensor([[5 + (i * 3 + b) % 10 if i < n else 0 for i in range(5)] for b, n in enumerate(lens_t)])
    am, dam = cases.attention_mask_from(lens_s, 6), cases.attention_mask_from(lens_t, 5)
    out = _run(torch_masks, model, emb, src, am, tgt, dam)
    alone = _run(torch_masks, model, emb, src[:1, :3], am[:1, :3], tgt[:1, :3], dam[:1, :3])
    gap = (out[0, :3] - alone[0]).abs().max().item()
    nan = " (nan: every key of some query was ignored)" if gap != gap else ""
    lines = ["  proof padding_invariance on nn.Transformer: " + (
        "pass" if gap <= 1e-9 else f"FAIL — sentence 0's outputs changed by {gap:.3g} when padding was added{nan}")]
    changed = tgt.clone()
    changed[0, 2:] = 15
    gap = (out[0, :2] - _run(torch_masks, model, emb, src, am, changed, dam)[0, :2]).abs().max().item()
    lines.append("  proof causality on nn.Transformer: " + (
        "pass" if gap <= 1e-9 else f"FAIL — changing decoder inputs 2.. changed the outputs at positions 0-1 by {gap:.3g}"))
    return "\n".join(lines)


def _check_padding(torch_masks, name, got, real, context):
    want = ~real.bool()  # True = pad = ignore
    if not isinstance(got, torch.Tensor) or tuple(got.shape) != tuple(want.shape):
        fail(f"{name} should be a tensor of shape {tuple(want.shape)} (batch, positions), got "
             f"{tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__}", context)
    if got.dtype != torch.bool:
        fail(f"{name} has dtype {got.dtype}: use bool masks (mixing float and bool masks is deprecated in PyTorch "
             "and has caused silent bugs)", context)
    if not torch.equal(got, want):
        i = tuple(int(j) for j in (got != want).nonzero()[0])
        what = "a real token" if real[i] else "padding"
        fail(f"{name}{idx(i)} is {bool(got[i])} at {what}: in nn.Transformer a bool key_padding_mask means "
             "True = IGNORE, the opposite of minimt's masks — padding must be True, real tokens False\n"
             + proof_lines(torch_masks), context)


def grade(torch_masks) -> int:
    rng = random.Random(15)
    n = 0
    for case in range(20):
        B = cases.batch_size(rng)
        am = cases.random_attention_mask(rng, B, lo=1, hi=8)
        dam = cases.random_attention_mask(rng, B, lo=1, hi=7)
        context = f"torch_masks(attention_mask={am.tolist()}, decoder_attention_mask={dam.tolist()})"
        got = call(torch_masks, am.clone(), dam.clone(), context=context)
        if not isinstance(got, dict):
            fail(f"should return a dict of nn.Transformer keyword arguments, got {type(got).__name__}", context)
        if "src_key_padding_mask" in got:
            _check_padding(torch_masks, "src_key_padding_mask", got["src_key_padding_mask"], am, context)
        if "memory_key_padding_mask" not in got:
            fail("memory_key_padding_mask is missing: without it the decoder's cross-attention reads the source's "
                 "padding — nn.Transformer does not reuse src_key_padding_mask for it\n" + proof_lines(torch_masks),
                 context)
        for key in KEYS:
            if key not in got:
                fail(f"the dict has no {key!r}: return all four of {', '.join(KEYS)}", context)
        _check_padding(torch_masks, "src_key_padding_mask", got["src_key_padding_mask"], am, context)
        _check_padding(torch_masks, "memory_key_padding_mask", got["memory_key_padding_mask"], am, context)
        _check_padding(torch_masks, "tgt_key_padding_mask", got["tgt_key_padding_mask"], dam, context)
        T = dam.size(1)
        tm = got["tgt_mask"]
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        if not isinstance(tm, torch.Tensor) or tuple(tm.shape) != (T, T):
            fail(f"tgt_mask should be a ({T}, {T}) tensor (queries × keys), got "
                 f"{tuple(tm.shape) if isinstance(tm, torch.Tensor) else type(tm).__name__}", context)
        ignored = tm if tm.dtype == torch.bool else torch.isneginf(tm)  # float masks: -inf = ignore
        if not torch.equal(ignored, future):
            fail("tgt_mask must IGNORE the future (True, or -inf, above the diagonal) and nothing else: for "
                 "nn.Transformer that is torch.ones(T, T, dtype=torch.bool).triu(1)\n" + proof_lines(torch_masks),
                 context)
        n += 1
    return n
