"""Exercise 11: greedy decoding, row by row EOS, on a scripted toy model (against minimt.decode)."""
from __future__ import annotations

import random

from minimt.decode import greedy_decode as reference

from .. import cases, toys
from ..grading import call, fail, rows_of

HINTS = [
    "memory = model.encode(input_ids, attention_mask) ONCE. tokens = a (B, 1) tensor of BOS. Then loop at most "
    "max_len times: logits = model.decode(tokens, memory, attention_mask); next = logits[:, -1].argmax(-1); "
    "tokens = torch.cat([tokens, next[:, None]], dim=1).",
    "Keep a `finished` flag per row: a row is finished once it produced EOS; stop the loop when all are. "
    "Only append a token to a row's output while that row is not finished, and never append EOS itself.",
    "Wrap it in torch.no_grad(): no backward pass follows, so the graph would only cost memory.",
]


def _diagnose(b: int, got: list[int], want: list[int], max_len: int, bos: int, eos: int) -> str:
    if got[:1] == [bos]:
        return f"row {b} starts with BOS ({bos}): return only the generated tokens, without BOS"
    if got == want + [eos]:
        return f"row {b} ends with EOS ({eos}): return the tokens without EOS (EOS only says 'stop')"
    if len(got) > max_len:
        return (f"row {b} has {len(got)} tokens, more than max_len={max_len}: max_len counts the generated "
                "tokens, EOS included")
    if len(got) > len(want) and got[: len(want)] == want:
        return (f"row {b} goes on after its EOS: it should be {want}, and you returned {got} — once a row has "
                "produced EOS it is finished; later tokens must not be added to it")
    if len(got) < len(want) and want[: len(got)] == got:
        return (f"row {b} stops too early: {got} but greedy gives {want} — a row ends at its OWN EOS (or after "
                "max_len tokens): keep decoding until every row has finished")
    t = next(i for i, (x, y) in enumerate(zip(got + [None], want + [None])) if x != y)
    return (f"row {b}: generated token {t} is {got[t] if t < len(got) else 'missing'} but greedy picks "
            f"{want[t] if t < len(want) else 'EOS'} — each step takes the argmax of the LAST position's logits, "
            "logits[:, -1], given BOS + every token generated so far")


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
            fail(f"should return a list of {B} lists of ints (one per sentence), got {type(out).__name__}", context)
        want = reference(toys.ScriptedModel(V, seed=case), input_ids, attention_mask, bos_id=cases.BOS,
                         eos_id=cases.EOS, max_len=max_len, use_cache=False)
        for b in range(B):
            if got[b] != want[b]:
                fail(_diagnose(b, got[b], want[b], max_len, cases.BOS, cases.EOS), context)
        if model.rows_encoded > B:
            fail(f"model.encode saw {model.rows_encoded} source rows for {B} sentences: the source does not change "
                 "while decoding — encode it once, before the loop", context)
        if model.decoded_with_grad:
            fail("model.decode ran with gradients enabled: decode inside `with torch.no_grad():` (no backward pass "
                 "follows; the graph only costs memory and time)", context)
        n += 1
    return n
