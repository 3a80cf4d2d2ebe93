"""The proofs, on a model small enough to run in a blink — and switches that break it.

minimt's tests prove that the masks and labels are right (tests/test_model.py, test_loss.py).
Here the same four proofs run on a one-layer encoder–decoder whose masks and targets come from
swappable functions, so a class can BREAK one piece and watch which proof catches it:

    padding_invariance    a sentence's logits are the same alone and padded inside a batch
    causality             changing decoder inputs at positions >= t leaves logits before t alone
    no_label_leak         changing target token t leaves the logits that must PREDICT it alone
    loss_ignores_padding  noise written into the logits at padded positions leaves the loss alone

    minimt exercises prove                         all proofs pass
    minimt exercises prove --break drop_causal_mask   watch causality (and no_label_leak) fail

The "fix it" exercises plug the student's function in (their mask or their targets) and run
the proofs on it; the "which proof" exercise asks the student to predict the table first.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from typing import Callable

import torch

from minimt.attention import attention, causal_mask, padding_mask
from minimt.batch import make_batch
from minimt.loss import cross_entropy_loss

from .cases import BOS, EOS, PAD
from .language import fit, say, width

# What each switch breaks and what each proof checks, in both languages: show them with
# language.in_language(...), which picks the language in use at that moment (not at import).
SWITCHES = {
    "flip_padding_polarity": say(
        en="padding_mask returns attention_mask == 0 (True at padding: the nn.MultiheadAttention key_padding_mask "
           "habit) where minimt needs True = may attend",
        zh="padding_mask 返回 attention_mask == 0（在填充处为 True：这是 nn.MultiheadAttention 的 key_padding_mask "
           "的习惯），而 minimt 要的是 True = 可以关注"),
    "drop_causal_mask": say(
        en="the decoder's self-attention uses the padding mask only, no causal mask",
        zh="解码器的自注意力只用了填充掩码，没有因果掩码"),
    "forget_shift": say(
        en="decoder_input_ids = labels (-100 → pad) instead of [BOS] + labels[:-1]",
        zh="decoder_input_ids = labels（-100 → pad），而不是 [BOS] + labels[:-1]"),
    "pad_in_labels": say(
        en="labels are padded with pad_id (0) instead of -100",
        zh="标签用 pad_id（0）填充，而不是 -100"),
}
PROOFS = {
    "padding_invariance": say(
        en="a sentence's logits are the same alone and inside a batch with longer sentences",
        zh="一个句子的 logits 单独计算和放进有更长句子的批次里计算，结果相同"),
    "causality": say(
        en="changing decoder inputs at positions >= t leaves the logits at positions < t unchanged",
        zh="改动位置 >= t 的解码器输入，位置 < t 的 logits 不变"),
    "no_label_leak": say(
        en="changing target token t leaves the logits at positions <= t (those that predict it) unchanged",
        zh="改动第 t 个目标词元，位置 <= t 的 logits（也就是预测它的那些）不变"),
    "loss_ignores_padding": say(
        en="random noise in the logits at padded positions leaves the loss unchanged",
        zh="在填充位置的 logits 里加随机噪声，损失不变"),
}
V, D, TOL = 13, 8, 1e-9


def make_targets(targets, *, bos_id, eos_id, pad_id):
    """minimt's own (labels, decoder_input_ids) for target id lists (via make_batch)."""
    b = make_batch([[4]] * len(targets), targets, pad_id=pad_id, bos_id=bos_id, eos_id=eos_id)
    return b.labels, b.decoder_input_ids


def decoder_self_mask_from(padding: Callable) -> Callable:
    return lambda dam: causal_mask(dam.size(1)) & padding(dam)


@dataclass
class Pipeline:
    """The pieces a proof runs: the two mask builders and the target builder (all swappable)."""
    padding_mask: Callable = padding_mask
    decoder_self_mask: Callable = decoder_self_mask_from(padding_mask)
    make_targets: Callable = make_targets


def pipeline(switch: str | None = None, **overrides) -> Pipeline:
    pipe = Pipeline()
    if switch == "flip_padding_polarity":
        flipped = lambda am: (am == 0)[:, None, None, :]  # noqa: E731 - the planted bug, on one line
        pipe = Pipeline(flipped, decoder_self_mask_from(flipped))
    elif switch == "drop_causal_mask":
        pipe = Pipeline(decoder_self_mask=padding_mask)
    elif switch == "forget_shift":
        def no_shift(targets, *, bos_id, eos_id, pad_id):
            labels, _ = make_targets(targets, bos_id=bos_id, eos_id=eos_id, pad_id=pad_id)
            return labels, labels.masked_fill(labels == -100, pad_id)
        pipe = Pipeline(make_targets=no_shift)
    elif switch == "pad_in_labels":
        def pad_labels(targets, *, bos_id, eos_id, pad_id):
            labels, dec = make_targets(targets, bos_id=bos_id, eos_id=eos_id, pad_id=pad_id)
            return labels.masked_fill(labels == -100, pad_id), dec
        pipe = Pipeline(make_targets=pad_labels)
    elif switch is not None:
        raise KeyError(switch)
    return replace(pipe, **overrides)


class ProofModel(torch.nn.Module):
    """One encoder self-attention, one decoder self-attention, one cross-attention (float64)."""

    def __init__(self, seed: int = 0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        r = lambda *shape, s=1.0: torch.randn(*shape, generator=g, dtype=torch.float64) * s  # noqa: E731
        self.emb, self.pos, self.out = r(V, D), r(32, D, s=0.5), r(D, V)
        self.w = {name: r(3, D, D, s=1 / math.sqrt(D)) for name in ("enc", "dec", "cross")}

    def _attend(self, x, mem, mask, name):  # x (B,T,D), mem (B,S,D), mask broadcastable to (B,1,T,S)
        wq, wk, wv = self.w[name]
        out, _ = attention((x @ wq)[:, None], (mem @ wk)[:, None], (mem @ wv)[:, None], mask)
        return out[:, 0]  # (B,T,D)

    def forward(self, pipe: Pipeline, input_ids, attention_mask, decoder_input_ids, decoder_attention_mask):
        x = self.emb[input_ids] + self.pos[: input_ids.size(1)]                       # (B,S,D)
        x = x + self._attend(x, x, pipe.padding_mask(attention_mask), "enc")
        y = self.emb[decoder_input_ids] + self.pos[: decoder_input_ids.size(1)]       # (B,T,D)
        y = y + self._attend(y, y, pipe.decoder_self_mask(decoder_attention_mask), "dec")
        y = y + self._attend(y, x, pipe.padding_mask(attention_mask), "cross")
        return torch.tanh(y) @ self.out                                               # (B,T,V)


@dataclass
class ProofResult:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        words = say(en="pass", zh="通过"), say(en="FAIL", zh="未通过")
        word = fit(words[0] if self.passed else words[1], max(map(width, words)))
        return f"{word}  {self.name:<21} {self.detail}"


def _pad(rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """src rows + EOS, right-padded: (input_ids, attention_mask)."""
    b = make_batch(rows, [[4]] * len(rows), pad_id=PAD, bos_id=BOS, eos_id=EOS)
    return b.input_ids, b.attention_mask


def _data(seed: int = 0):
    rng = random.Random(seed)
    src = [[rng.randrange(4, V) for _ in range(n)] for n in (3, 6, 5)]  # sentence 0 is the shortest
    tgt = [[rng.randrange(4, V) for _ in range(n)] for n in (3, 7, 4)]
    return src, tgt


def _logits(model, pipe, src, tgt, dec=None):
    ids, am = _pad(src)
    labels, dec_built = pipe.make_targets([list(t) for t in tgt], bos_id=BOS, eos_id=EOS, pad_id=PAD)
    dam = torch.zeros_like(labels)
    for b, t in enumerate(tgt):
        dam[b, : len(t) + 1] = 1  # from the true lengths, whatever the builder did
    with torch.no_grad():
        return model(pipe, ids, am, dec_built if dec is None else dec, dam), labels, dam, dec_built


def _gap(a: torch.Tensor, b: torch.Tensor) -> float:
    d = (a - b).abs().max().item()
    return float("nan") if math.isnan(d) or torch.isnan(a).any() or torch.isnan(b).any() else d


def prove(name: str, pipe: Pipeline, seed: int = 0) -> ProofResult:
    model, (src, tgt) = ProofModel(seed), _data(seed)
    n0 = len(tgt[0]) + 1  # sentence 0's real decoder positions
    if name == "padding_invariance":
        alone = _logits(model, pipe, src[:1], tgt[:1])[0][0, :n0]
        batched = _logits(model, pipe, src, tgt)[0][0, :n0]
        gap = _gap(alone, batched)
        if gap <= TOL:
            return ProofResult(name, True, say(en="sentence 0's logits are identical alone and padded in a batch",
                                               zh="句子 0 的 logits 单独计算和填充后放进批次里计算完全相同"))
        return ProofResult(name, False, say(
            en=f"sentence 0's logits changed by {gap:.3g} when longer sentences joined the batch (only padding was "
               "added to it): the model reads padding",
            zh=f"更长的句子加入批次后（句子 0 只是多了填充），句子 0 的 logits 变了 {gap:.3g}：模型读到了填充"))
    if name == "causality":
        logits, _, _, dec = _logits(model, pipe, src, tgt)
        for t in range(1, n0):
            changed = dec.clone()
            changed[0, t:] = (changed[0, t:] + 1 - 4) % (V - 4) + 4  # other real tokens from t on
            gap = _gap(logits[0, :t], _logits(model, pipe, src, tgt, changed)[0][0, :t])
            if not gap <= TOL:
                return ProofResult(name, False, say(
                    en=f"changing decoder inputs {t}.. of sentence 0 changed the logits at positions < {t} by "
                       f"{gap:.3g}: an earlier position sees a later one",
                    zh=f"改动句子 0 从 {t} 起的解码器输入，位置 < {t} 的 logits 变了 {gap:.3g}："
                       "前面的位置看到了后面的位置"))
        return ProofResult(name, True, say(en="no position's logits depend on later decoder inputs",
                                           zh="没有哪个位置的 logits 依赖后面的解码器输入"))
    if name == "no_label_leak":
        logits = _logits(model, pipe, src, tgt)[0]
        for t in range(len(tgt[0])):
            changed = [list(r) for r in tgt]
            changed[0][t] = (changed[0][t] + 1 - 4) % (V - 4) + 4
            gap = _gap(logits[0, : t + 1], _logits(model, pipe, src, changed)[0][0, : t + 1])
            if not gap <= TOL:
                return ProofResult(name, False, say(
                    en=f"changing target token {t} of sentence 0 changed the logits at positions <= {t}, which must "
                       f"predict it, by {gap:.3g}: the decoder sees the answer",
                    zh=f"改动句子 0 的第 {t} 个目标词元，要预测它的位置 <= {t} 的 logits 变了 {gap:.3g}："
                       "解码器看到了答案"))
        return ProofResult(name, True, say(en="the logits that predict target token t never see token t",
                                           zh="预测第 t 个目标词元的 logits 从来看不到它"))
    if name == "loss_ignores_padding":
        _, labels, dam, _ = _logits(model, pipe, src, tgt)
        g = torch.Generator().manual_seed(seed)
        logits = torch.randn(*labels.shape, V, generator=g, dtype=torch.float64)
        noisy = torch.where(dam.bool()[..., None], logits, logits + 5 * torch.randn(logits.shape, generator=g,
                                                                                    dtype=torch.float64))
        a, b = cross_entropy_loss(logits, labels).item(), cross_entropy_loss(noisy, labels).item()
        if abs(a - b) <= TOL:
            return ProofResult(name, True, say(en=f"the loss is {a:.4f} with or without noise at padded positions",
                                               zh=f"填充位置有没有噪声，损失都是 {a:.4f}"))
        return ProofResult(name, False, say(
            en=f"noise at padded positions changed the loss from {a:.4f} to {b:.4f}: padded label positions are "
               "counted (they must be -100)",
            zh=f"填充位置的噪声把损失从 {a:.4f} 变成了 {b:.4f}：填充的标签位置被算进去了（它们必须是 -100）"))
    raise KeyError(name)


def run_proofs(pipe: Pipeline, names=tuple(PROOFS)) -> list[ProofResult]:
    return [prove(n, pipe) for n in names]


def failing(switch: str | None) -> set[str]:
    """Which proofs fail with ``switch`` on (the answer to exercise 18)."""
    return {r.name for r in run_proofs(pipeline(switch)) if not r.passed}
