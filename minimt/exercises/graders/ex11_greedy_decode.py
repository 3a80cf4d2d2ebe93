"""Exercise 11: greedy decoding, row by row EOS, on a scripted toy model (against minimt.decode)."""
from __future__ import annotations

import random

from minimt.decode import greedy_decode as reference

from .. import cases, toys
from ..grading import call, fail, rows_of
from ..language import say

HINTS = [
    say(en="memory = model.encode(input_ids, attention_mask) ONCE. tokens = a (B, 1) tensor of BOS. Then loop at most "
           "max_len times: logits = model.decode(tokens, memory, attention_mask); next = logits[:, -1].argmax(-1); "
           "tokens = torch.cat([tokens, next[:, None]], dim=1).",
        zh="memory = model.encode(input_ids, attention_mask) 只算一次。tokens = 一个全是 BOS 的 (B, 1) 张量。"
           "然后最多循环 max_len 次：logits = model.decode(tokens, memory, attention_mask)；"
           "next = logits[:, -1].argmax(-1)；tokens = torch.cat([tokens, next[:, None]], dim=1)。"),
    say(en="Keep a `finished` flag per row: a row is finished once it produced EOS; stop the loop when all are. "
           "Only append a token to a row's output while that row is not finished, and never append EOS itself.",
        zh="每一行记一个 `finished` 标志：一行生成了 EOS 就算结束；所有行都结束时停止循环。"
           "只在一行还没结束时往它的输出里追加词元，而且永远不要把 EOS 本身加进去。"),
    say(en="Wrap it in torch.no_grad(): no backward pass follows, so the graph would only cost memory.",
        zh="把它包在 torch.no_grad() 里：后面不会有反向传播，计算图只会白白占内存。"),
]


def _diagnose(b: int, got: list[int], want: list[int], max_len: int, bos: int, eos: int) -> str:
    if got[:1] == [bos]:
        return say(en=f"row {b} starts with BOS ({bos}): return only the generated tokens, without BOS",
                   zh=f"第 {b} 行以 BOS（{bos}）开头：只返回生成的词元，不带 BOS")
    if got == want + [eos]:
        return say(en=f"row {b} ends with EOS ({eos}): return the tokens without EOS (EOS only says 'stop')",
                   zh=f"第 {b} 行以 EOS（{eos}）结尾：返回的词元不带 EOS（EOS 只表示“停”）")
    n_got = len(got)
    if n_got > max_len:
        return say(en=f"row {b} has {n_got} tokens, more than max_len={max_len}: max_len counts the generated "
                      "tokens, EOS included",
                   zh=f"第 {b} 行有 {n_got} 个词元，超过了 max_len={max_len}：max_len 数的是生成的词元，包括 EOS")
    if len(got) > len(want) and got[: len(want)] == want:
        return say(en=f"row {b} goes on after its EOS: it should be {want}, and you returned {got} — once a row has "
                      "produced EOS it is finished; later tokens must not be added to it",
                   zh=f"第 {b} 行在它的 EOS 之后还在继续：应为 {want}，你返回的是 {got} —— 一行生成 EOS 就结束了，"
                      "之后的词元不能再加进去")
    if len(got) < len(want) and want[: len(got)] == got:
        return say(en=f"row {b} stops too early: {got} but greedy gives {want} — a row ends at its OWN EOS (or after "
                      "max_len tokens): keep decoding until every row has finished",
                   zh=f"第 {b} 行停得太早：{got}，而贪心解码得到 {want} —— 一行在它自己的 EOS 处结束"
                      "（或在 max_len 个词元之后）：要一直解码到每一行都结束")
    t = next(i for i, (x, y) in enumerate(zip(got + [None], want + [None])) if x != y)
    want_t = want[t] if t < len(want) else "EOS"
    if t < len(got):
        got_t = got[t]
    else:
        got_t = say(en="missing", zh="缺失")
    return say(en=f"row {b}: generated token {t} is {got_t} but greedy picks "
                  f"{want_t} — each step takes the argmax of the LAST position's logits, "
                  "logits[:, -1], given BOS + every token generated so far",
               zh=f"第 {b} 行：生成的第 {t} 个词元是 {got_t}，但贪心解码（greedy decoding）选的是 {want_t} "
                  "—— 每一步在给定 BOS + 目前生成的所有词元后，取最后一个位置 logits[:, -1] 的 argmax")


def grade(greedy_decode) -> int:
    rng = random.Random(11)
    n = 0
    for case in range(30):
        V = rng.choice([9, 11])
        B = rng.randint(2, 4)
        max_len = rng.randint(4, 9)
        input_ids, attention_mask = toys.sources(rng, B, V)
        model = toys.ScriptedModel(V, seed=case)
        context = (f"greedy_decode(model, input_ids={input_ids.tolist()}, attention_mask=..., bos_id={cases.BOS}, "
                   f"eos_id={cases.EOS}, max_len={max_len})")
        out = call(greedy_decode, model, input_ids.clone(), attention_mask.clone(), bos_id=cases.BOS,
                   eos_id=cases.EOS, max_len=max_len, context=context)
        got = rows_of(out) if isinstance(out, (list, tuple)) else None
        if got is None or len(got) != B:
            kind = type(out).__name__
            fail(say(en=f"should return a list of {B} lists of ints (one per sentence), got {kind}",
                     zh=f"应返回由 {B} 个整数列表组成的列表（每个句子一个），实际得到 {kind}"), context)
        want = reference(toys.ScriptedModel(V, seed=case), input_ids, attention_mask, bos_id=cases.BOS,
                         eos_id=cases.EOS, max_len=max_len, use_cache=False)
        for b in range(B):
            if got[b] != want[b]:
                fail(_diagnose(b, got[b], want[b], max_len, cases.BOS, cases.EOS), context)
        if model.rows_encoded > B:
            rows = model.rows_encoded
            fail(say(en=f"model.encode saw {rows} source rows for {B} sentences: the source does not change "
                        "while decoding — encode it once, before the loop",
                     zh=f"{B} 个句子，model.encode 却编码了 {rows} 行源句：解码时源句不会变 —— "
                        "在循环之前编码一次就够了"), context)
        if model.decoded_with_grad:
            fail(say(en="model.decode ran with gradients enabled: decode inside `with torch.no_grad():` (no backward pass "
                        "follows; the graph only costs memory and time)",
                     zh="model.decode 运行时开着梯度：请在 `with torch.no_grad():` 里解码（后面没有反向传播，"
                        "计算图只会浪费内存和时间）"), context)
        n += 1
    return n
