"""Exercise 10: one training step — forward, loss, backward, clip, step; skip a batch with no real token.

The reference step is written here (minimt's training loop does the same, with more around it):
the student's step and the reference step run side by side on copies of one tiny Transformer.
"""
from __future__ import annotations

import copy
import random

import torch

from minimt.batch import IGNORE_INDEX, make_batch
from minimt.loss import cross_entropy_loss
from minimt.model import ModelConfig, Transformer

from .. import cases
from ..grading import call, fail
from ..language import say

HINTS = [
    say(en="logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask); "
           "loss = cross_entropy_loss(logits, batch.labels) (from minimt.loss, or F.cross_entropy over (B*T, V) with "
           "ignore_index=-100).",
        zh="logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask)；"
           "loss = cross_entropy_loss(logits, batch.labels)（来自 minimt.loss，或者在 (B*T, V) 上用 F.cross_entropy，"
           "ignore_index=-100）。"),
    say(en="Order: optimizer.zero_grad() → loss.backward() → torch.nn.utils.clip_grad_norm_(model.parameters(), "
           "max_grad_norm) → optimizer.step(). Return loss.item().",
        zh="顺序：optimizer.zero_grad() → loss.backward() → torch.nn.utils.clip_grad_norm_(model.parameters(), "
           "max_grad_norm) → optimizer.step()。返回 loss.item()。"),
    say(en="If (batch.labels != -100) has no True, return None before doing anything: momentum and weight decay "
           "would move the weights even with zero gradients.",
        zh="如果 (batch.labels != -100) 里一个 True 都没有，什么都别做，直接返回 None：即使梯度为 0，"
           "动量和权重衰减（weight decay）也会让权重移动。"),
]

V = 23


def reference_step(model, batch, optimizer, *, max_grad_norm=1.0, clip=True):
    if batch.n_tokens == 0:
        return None
    logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask)
    loss = cross_entropy_loss(logits, batch.labels)
    optimizer.zero_grad()
    loss.backward()
    if clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
    optimizer.step()
    return loss.item()


def _setup(seed: int):
    torch.manual_seed(seed)
    model = Transformer(ModelConfig(vocab_size=V, d_model=16, n_heads=2, n_encoder_layers=1, n_decoder_layers=1,
                                    d_ff=24, dropout=0.0, max_positions=32))
    # SGD with momentum and weight decay: a skipped step must leave it untouched, and clipping shows
    opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9, weight_decay=0.1)
    return model, opt


def _batch(rng: random.Random, empty: bool = False):
    B = cases.batch_size(rng)
    b = make_batch(cases.rows(rng, B, vocab=V), cases.rows(rng, B, vocab=V), pad_id=cases.PAD, bos_id=cases.BOS,
                   eos_id=cases.EOS)
    if empty:
        b.labels = torch.full_like(b.labels, IGNORE_INDEX)
    return b


def _max_diff(m1, m2) -> tuple[float, str]:
    worst, name = 0.0, ""
    for (n, p), q in zip(m1.named_parameters(), m2.parameters()):
        d = (p.detach() - q.detach()).abs().max().item()
        if d > worst:
            worst, name = d, n
    return worst, name


def _params(model):
    return [p.detach().clone() for p in model.parameters()]


def grade(train_step) -> int:
    rng = random.Random(10)
    n = 0
    for case in range(6):
        model, opt = _setup(case)
        ref_model, ref_opt = copy.deepcopy((model, opt))  # one deepcopy keeps the optimizer → model link
        for step in range(3):
            empty = step == 2
            batch = _batch(rng, empty)
            labels = batch.labels.tolist()
            context = say(en=f"train_step(model, batch, optimizer, max_grad_norm=0.05), step {step + 1} of a fresh "
                             f"model; batch labels={labels}",
                          zh=f"train_step(model, batch, optimizer, max_grad_norm=0.05)，新模型的第 {step + 1} 步；"
                             f"批次的 labels={labels}")
            before_model, before_opt = copy.deepcopy((model, opt))
            got = call(train_step, model, batch, opt, max_grad_norm=0.05, context=context)
            want = reference_step(ref_model, batch, ref_opt, max_grad_norm=0.05)
            if empty:
                if got is not None:
                    fail(say(en=f"returned {got!r} for a batch whose labels are all -100: return None — there is nothing "
                                "to learn, and no step may be taken",
                             zh=f"对一个标签全是 -100 的批次返回了 {got!r}：应返回 None —— 没有可学的东西，"
                                "也不能走这一步"), context)
                if _max_diff(model, before_model)[0] != 0:
                    fail(say(en="on a batch whose labels are all -100, the parameters changed: skip the step (return None) "
                                "when no label is real — momentum and weight decay move the weights even with a zero "
                                "gradient",
                             zh="在一个标签全是 -100 的批次上，参数变了：没有真实标签时要跳过这一步（返回 None）"
                                "—— 即使梯度为 0，动量和权重衰减也会让权重移动"), context)
                n += 1
                continue
            if isinstance(got, torch.Tensor):
                fail(say(en="returned a tensor: return loss.item(), a Python float (a tensor keeps the whole graph "
                            "alive, and logging thousands of them fills the memory)",
                         zh="返回了一个张量：应返回 loss.item()，一个 Python 浮点数（张量会让整张计算图一直存活，"
                            "记录成千上万个就会占满内存）"), context)
            if not isinstance(got, (float, int)):
                kind = type(got).__name__
                fail(say(en=f"should return the loss as a float, got {kind}",
                         zh=f"应以浮点数返回损失，实际得到 {kind}"), context)
            if abs(got - want) > 1e-4 * max(1.0, abs(want)):
                fail(say(en=f"returned loss {got:.5g} but the loss of this batch (before the update) is {want:.5g}: "
                            "cross-entropy over the real label tokens (ignore_index=-100)",
                         zh=f"返回的损失是 {got:.5g}，但这个批次（更新之前）的损失是 {want:.5g}："
                            "应是真实标签词元上的交叉熵（ignore_index=-100）"), context)
            diff, name = _max_diff(model, ref_model)
            if diff > 1e-5:
                if _max_diff(model, before_model)[0] == 0:
                    fail(say(en="no parameter changed: call optimizer.step() after loss.backward()",
                             zh="没有任何参数变化：在 loss.backward() 之后调用 optimizer.step()"), context)
                no_clip_model, no_clip_opt = before_model, before_opt
                reference_step(no_clip_model, batch, no_clip_opt, clip=False)
                if _max_diff(model, no_clip_model)[0] <= 1e-5:
                    fail(say(en="the parameters moved as if the gradients were not clipped: call "
                                "torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm) after backward() "
                                "and before step()",
                             zh="参数的移动就像梯度没有被裁剪一样：在 backward() 之后、step() 之前调用 "
                                "torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)"), context)
                if step == 1:
                    fail(say(en=f"the first step was right but after the second, {name} is off by {diff:.3g}: the gradients "
                                "of step 1 were still there — call optimizer.zero_grad() before backward()",
                             zh=f"第一步是对的，但第二步之后 {name} 差了 {diff:.3g}：第 1 步的梯度还留着 "
                                "—— 在 backward() 之前调用 optimizer.zero_grad()"), context)
                fail(say(en=f"after one step, {name} is off by {diff:.3g}: the order is forward → loss → zero_grad → "
                            "backward → clip → step",
                         zh=f"走了一步之后，{name} 差了 {diff:.3g}：顺序是 前向 → 损失 → zero_grad → "
                            "backward → 裁剪 → step"), context)
            n += 1
    return n
