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
from ..language import say

HINTS = [
    say(en="nn.Transformer (and nn.MultiheadAttention) read a bool mask as True = IGNORE this key — the opposite of "
           "minimt's True = may attend. So a key padding mask is ~attention_mask.bool(): True at the pads.",
        zh="nn.Transformer（以及 nn.MultiheadAttention）把布尔掩码读作 True = 忽略这个键 —— 和 minimt 的 "
           "True = 可以关注正好相反。所以键的填充掩码是 ~attention_mask.bool()：在填充处为 True。"),
    say(en="Is tgt_mask right? For nn.Transformer the FUTURE must be True (ignored): triu(diagonal=1) is correct there.",
        zh="tgt_mask 对吗？对 nn.Transformer 来说，未来的位置必须是 True（被忽略）：那里用 triu(diagonal=1) 是对的。"),
    say(en="The decoder's cross-attention has its own padding mask argument: memory_key_padding_mask. nn.Transformer "
           "does not reuse src_key_padding_mask for it.",
        zh="解码器的交叉注意力有它自己的填充掩码参数：memory_key_padding_mask。nn.Transformer 不会拿 "
           "src_key_padding_mask 来代替它。"),
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
    masks = call(torch_masks, am.clone(), dam.clone(),
                 context=say(en="the proof on nn.Transformer", zh="在 nn.Transformer 上的证明"))
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
    nan = say(en=" (nan: every key of some query was ignored)", zh="（nan：某个查询的所有键都被忽略了）") \
        if gap != gap else ""
    lines = [say(en="  proof padding_invariance on nn.Transformer: ", zh="  在 nn.Transformer 上的证明 "
                 "padding_invariance：") + (
        say(en="pass", zh="通过") if gap <= 1e-9 else
        say(en=f"FAIL — sentence 0's outputs changed by {gap:.3g} when padding was added{nan}",
            zh=f"未通过 —— 加入填充后，句子 0 的输出变了 {gap:.3g}{nan}"))]
    changed = tgt.clone()
    changed[0, 2:] = 15
    gap = (out[0, :2] - _run(torch_masks, model, emb, src, am, changed, dam)[0, :2]).abs().max().item()
    lines.append(say(en="  proof causality on nn.Transformer: ", zh="  在 nn.Transformer 上的证明 causality：") + (
        say(en="pass", zh="通过") if gap <= 1e-9 else
        say(en=f"FAIL — changing decoder inputs 2.. changed the outputs at positions 0-1 by {gap:.3g}",
            zh=f"未通过 —— 改动从 2 起的解码器输入，位置 0-1 的输出变了 {gap:.3g}")))
    return "\n".join(lines)


def _check_padding(torch_masks, name, got, real, context):
    want = ~real.bool()  # True = pad = ignore
    if not isinstance(got, torch.Tensor) or tuple(got.shape) != tuple(want.shape):
        shape, has = tuple(want.shape), tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__
        fail(say(en=f"{name} should be a tensor of shape {shape} (batch, positions), got {has}",
                 zh=f"{name} 应该是形状为 {shape}（批次, 位置）的张量，得到的是 {has}"), context)
    if got.dtype != torch.bool:
        fail(say(en=f"{name} has dtype {got.dtype}: use bool masks (mixing float and bool masks is deprecated in "
                    "PyTorch and has caused silent bugs)",
                 zh=f"{name} 的数据类型是 {got.dtype}：请用布尔掩码（PyTorch 已不推荐混用浮点掩码和布尔掩码，"
                    "这曾造成过不报错的隐蔽错误）"), context)
    if not torch.equal(got, want):
        i = tuple(int(j) for j in (got != want).nonzero()[0])
        what = say(en="a real token", zh="真实词元") if real[i] else say(en="padding", zh="填充")
        value, proofs = bool(got[i]), proof_lines(torch_masks)
        fail(say(en=f"{name}{idx(i)} is {value} at {what}: in nn.Transformer a bool key_padding_mask means "
                    f"True = IGNORE, the opposite of minimt's masks — padding must be True, real tokens False\n{proofs}",
                 zh=f"{name}{idx(i)} 在{what}处是 {value}：在 nn.Transformer 里，布尔的 key_padding_mask 表示 "
                    f"True = 忽略，和 minimt 的掩码正好相反 —— 填充必须是 True，真实词元是 False\n{proofs}"), context)


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
            kind = type(got).__name__
            fail(say(en=f"should return a dict of nn.Transformer keyword arguments, got {kind}",
                     zh=f"应返回一个由 nn.Transformer 关键字参数组成的字典，得到的是 {kind}"), context)
        if "src_key_padding_mask" in got:
            _check_padding(torch_masks, "src_key_padding_mask", got["src_key_padding_mask"], am, context)
        if "memory_key_padding_mask" not in got:
            proofs = proof_lines(torch_masks)
            fail(say(en="memory_key_padding_mask is missing: without it the decoder's cross-attention reads the "
                        f"source's padding — nn.Transformer does not reuse src_key_padding_mask for it\n{proofs}",
                     zh="缺少 memory_key_padding_mask：没有它，解码器的交叉注意力会读到源句子的填充 —— "
                        f"nn.Transformer 不会拿 src_key_padding_mask 来代替它\n{proofs}"), context)
        for key in KEYS:
            if key not in got:
                every = ", ".join(KEYS)
                fail(say(en=f"the dict has no {key!r}: return all four of {every}",
                         zh=f"字典里没有 {key!r}：四个都要返回：{every}"), context)
        _check_padding(torch_masks, "src_key_padding_mask", got["src_key_padding_mask"], am, context)
        _check_padding(torch_masks, "memory_key_padding_mask", got["memory_key_padding_mask"], am, context)
        _check_padding(torch_masks, "tgt_key_padding_mask", got["tgt_key_padding_mask"], dam, context)
        T = dam.size(1)
        tm = got["tgt_mask"]
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        if not isinstance(tm, torch.Tensor) or tuple(tm.shape) != (T, T):
            has = tuple(tm.shape) if isinstance(tm, torch.Tensor) else type(tm).__name__
            fail(say(en=f"tgt_mask should be a ({T}, {T}) tensor (queries × keys), got {has}",
                     zh=f"tgt_mask 应该是 ({T}, {T}) 的张量（查询 × 键），得到的是 {has}"), context)
        ignored = tm if tm.dtype == torch.bool else torch.isneginf(tm)  # float masks: -inf = ignore
        if not torch.equal(ignored, future):
            proofs = proof_lines(torch_masks)
            fail(say(en="tgt_mask must IGNORE the future (True, or -inf, above the diagonal) and nothing else: for "
                        f"nn.Transformer that is torch.ones(T, T, dtype=torch.bool).triu(1)\n{proofs}",
                     zh="tgt_mask 必须忽略未来的位置（对角线上方为 True 或 -inf），其他都不能忽略：对 "
                        f"nn.Transformer 来说就是 torch.ones(T, T, dtype=torch.bool).triu(1)\n{proofs}"), context)
        n += 1
    return n
