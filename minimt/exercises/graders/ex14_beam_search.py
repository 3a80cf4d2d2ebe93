"""Exercise 14: beam search with the GNMT length penalty, one sentence, on a scripted toy model
(against minimt.beam.beam_search, which follows the same fairseq recipe batched and cached)."""
from __future__ import annotations

import random

import torch

from minimt.beam import beam_search as reference, length_penalty
from minimt.decode import greedy_decode

from .. import cases, toys
from ..grading import call, fail, rows_of
from ..language import say

HINTS = [
    say(en="Keep two lists: beams = [(tokens, raw log-prob)] starting with [([], 0.0)], and finished = "
           "[(tokens, penalised score)]. Each step: one model.decode on all beams' prefixes [BOS] + tokens.",
        zh="维护两个列表：beams = [(tokens, 原始对数概率)]，从 [([], 0.0)] 开始；finished = "
           "[(tokens, 惩罚后的分数)]。每一步：对所有束的前缀 [BOS] + tokens 调用一次 model.decode。"),
    say(en="cand = beam log-probs[:, None] + log_probs (n, V); cand.flatten().topk(min(2k, n*V)) gives scores and "
           "flat indices; beam, token = divmod(index, V).",
        zh="cand = 各束的对数概率[:, None] + log_probs (n, V)；cand.flatten().topk(min(2k, n*V)) 给出分数和"
           "展平后的下标；beam, token = divmod(index, V)。"),
    say(en="The score compares FINISHED hypotheses only: raw log-prob / ((5 + n) / 6) ** alpha with n = step (EOS "
           "included). Beams are still ranked by raw log-prob. Return max(finished, key=score).",
        zh="这个分数只用来比较已经结束的候选：原始对数概率 / ((5 + n) / 6) ** alpha，n = 步数（含 EOS）。"
           "束之间仍然按原始对数概率排序。返回 max(finished, key=score)。"),
]


def _true_score(model, input_ids, attention_mask, tokens, eos, alpha, ended) -> float:
    """The length-penalised log-probability the model gives to ``tokens`` (+ EOS if ended)."""
    seq = tokens + [eos] if ended else tokens
    with torch.no_grad():
        memory = model.encode(input_ids, attention_mask)
        dec = torch.tensor([[cases.BOS] + seq[:-1]])
        log_probs = model.decode(dec, memory, attention_mask)[0].log_softmax(-1)  # (n, V)
    total = float(log_probs[torch.arange(len(seq)), torch.tensor(seq)].sum()) if seq else 0.0
    return total / length_penalty(len(seq), alpha)


def grade(beam_search) -> int:
    rng = random.Random(14)
    n = 0
    for case in range(40):
        V = rng.choice([9, 11])
        ids, am = toys.sources(rng, 2, V)
        ids, am = ids[1:], am[1:]  # one sentence, sometimes with padding after it
        k = [1, 2, 3, 4][case % 4]
        alpha = rng.choice([0.0, 0.6, 1.0, 2.0])
        max_len = rng.randint(2, 8)
        args = dict(bos_id=cases.BOS, eos_id=cases.EOS, beam_size=k, alpha=alpha, max_len=max_len)
        context = f"beam_search(model, input_ids={ids.tolist()}, attention_mask={am.tolist()}, " + \
                  ", ".join(f"{a}={v}" for a, v in args.items()) + ")"
        model = toys.ScriptedModel(V, seed=100 + case)
        out = call(beam_search, model, ids.clone(), am.clone(), context=context, **args)
        if not isinstance(out, (tuple, list)) or len(out) != 2 or rows_of([out[0]]) is None:
            fail(say(en="should return a tuple (tokens, score) for the one sentence",
                     zh="应为这一个句子返回一个元组 (tokens, score)"), context)
        tokens, score = rows_of([out[0]])[0], out[1]
        want_tokens, want_score = reference(model, ids, am, n_best=1, **args)[0][0]
        if tokens[:1] == [cases.BOS]:
            fail(say(en=f"the tokens {tokens} start with BOS: return only the generated tokens",
                     zh=f"词元 {tokens} 以 BOS 开头：只返回生成的词元"), context)
        if tokens[-1:] == [cases.EOS]:
            fail(say(en=f"the tokens {tokens} end with EOS: return them without EOS (the score still counts it)",
                     zh=f"词元 {tokens} 以 EOS 结尾：返回时去掉 EOS（分数里仍然算上它）"), context)
        if not isinstance(score, (int, float)) or isinstance(score, bool):
            kind = type(score).__name__
            fail(say(en=f"the score should be a float, got {kind}", zh=f"分数应该是 float，得到的是 {kind}"), context)
        if tokens != want_tokens:
            if tokens == reference(model, ids, am, n_best=1, **{**args, "alpha": 0.0})[0][0][0] and alpha > 0:
                fail(say(en=f"returned {tokens} but the best under the length penalty is {want_tokens} (score "
                            f"{want_score:.4g}): you chose by raw log-probability — compare finished hypotheses by "
                            "log-prob / ((5 + n) / 6) ** alpha",
                         zh=f"返回了 {tokens}，但按长度惩罚最好的是 {want_tokens}（分数 {want_score:.4g}）："
                            "你是按原始对数概率选的 —— 已经结束的候选要按 对数概率 / ((5 + n) / 6) ** alpha 比较"),
                     context)
            greedy = greedy_decode(model, ids, am, bos_id=cases.BOS, eos_id=cases.EOS, max_len=max_len,
                                   use_cache=False)[0]
            if k > 1 and tokens == greedy:
                fail(say(en=f"returned greedy's {tokens}, but with beam_size={k} beam search finds {want_tokens} "
                            f"(score {want_score:.4g}): keep the k best beams at every step, not only the best one",
                         zh=f"返回的是贪心解码的 {tokens}，但 beam_size={k} 时束搜索找到的是 {want_tokens}"
                            f"（分数 {want_score:.4g}）：每一步都要保留 k 个最好的束，而不只是最好的那一个"),
                     context)
            fail(say(en=f"returned {tokens} (score {score:.4g}) but beam search gives {want_tokens} (score "
                        f"{want_score:.4g}): follow the recipe in the docstring step by step",
                     zh=f"返回了 {tokens}（分数 {score:.4g}），但束搜索给出的是 {want_tokens}（分数 "
                        f"{want_score:.4g}）：照着文档字符串里的步骤一步一步来"), context)
        if abs(score - want_score) > 1e-4:
            raw = [_true_score(model, ids, am, tokens, cases.EOS, 0.0, ended) for ended in (True, False)]
            if alpha > 0 and min(abs(score - r) for r in raw) < 1e-4:
                fail(say(en=f"the score of {tokens} is its raw log-probability ({score:.5g}): divide it by the "
                            f"length penalty ((5 + n) / 6) ** alpha, here giving {want_score:.5g} — and choose "
                            "between finished hypotheses by that penalised score",
                         zh=f"{tokens} 的分数是它的原始对数概率（{score:.5g}）：要除以长度惩罚 "
                            f"((5 + n) / 6) ** alpha，这里得到 {want_score:.5g} —— 并且用这个惩罚后的分数"
                            "在已经结束的候选之间做选择"), context)
            fail(say(en=f"the score of {tokens} is {score:.5g} but should be {want_score:.5g}: log p(generated "
                        "tokens, EOS included if it ended) / ((5 + n) / 6) ** alpha, n counting those tokens",
                     zh=f"{tokens} 的分数是 {score:.5g}，应为 {want_score:.5g}：log p(生成的词元，如果已结束则含 "
                        "EOS) / ((5 + n) / 6) ** alpha，n 是这些词元的个数"), context)
        n += 1
    return n
