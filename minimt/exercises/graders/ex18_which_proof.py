"""Exercise 18 (break it): predict which proofs each planted bug breaks, then watch them fail."""
from __future__ import annotations

from .. import proofs
from ..grading import NotDone, fail
from ..language import in_language, say

HINTS = [
    say(en="Run `minimt exercises prove --break NAME` for each switch and read which proofs print FAIL — but predict "
           "first, then check: the surprise is the lesson.",
        zh="对每个开关运行 `minimt exercises prove --break NAME`，看哪些证明打印出“未通过”—— 但要先预测，"
           "再去验证：让你意外的地方，正是这一课要教的。"),
    say(en="A switch can break more than one proof, and a proof can catch more than one bug. Write a set of proof names "
           "per switch, e.g. {'causality'}; set() if no proof catches it.",
        zh="一个开关可能破坏不止一个证明，一个证明也可能抓住不止一个错误。每个开关写一个由证明名组成的集合，"
           "例如 {'causality'}；如果没有证明能抓住它，就写 set()。"),
]

# Why each switch breaks what it breaks, in both languages (shown with in_language, at grading time).
WHY = {
    "flip_padding_polarity": say(
        en="with True at the pads, every real token attends only to padding (and a sentence without padding attends "
           "to nothing): its logits depend on how much padding the batch adds. Causality still holds — the causal "
           "triangle is still there.",
        zh="填充处为 True，每个真实词元就只关注填充（没有填充的句子则什么都关注不到）：它的 logits 取决于批次"
           "给它加了多少填充。因果性仍然成立 —— 因果掩码的三角形还在。"),
    "drop_causal_mask": say(
        en="every position sees every later decoder input (causality), and decoder input t+1 IS label t, so the answer "
           "leaks too (no_label_leak).",
        zh="每个位置都能看到后面所有的解码器输入（causality），而解码器输入 t+1 正是标签 t，所以答案也泄露了"
           "（no_label_leak）。"),
    "forget_shift": say(
        en="the decoder reads labels[t] at position t — exactly what it must predict there. Causality still holds (no "
           "position sees a LATER input): the leak is in the data, not the mask.",
        zh="解码器在位置 t 读到的是 labels[t] —— 正是它在那里要预测的东西。因果性仍然成立（没有位置看到更后面的"
           "输入）：泄露出在数据里，不在掩码里。"),
    "pad_in_labels": say(
        en="the model is untouched, so its proofs pass; the loss now counts 'predict <pad>' at every padded position.",
        zh="模型本身没动，所以关于模型的证明都通过；但损失现在把每个填充位置上的“预测 <pad>”也算了进去。"),
}


def _as_set(value) -> set[str] | None:
    if isinstance(value, str):
        return {value}
    try:
        return set(value)
    except TypeError:
        return None


def grade(predictions) -> int:
    if not isinstance(predictions, dict):
        kind = type(predictions).__name__
        fail(say(en=f"PREDICTIONS should be a dict {{switch: set of proof names}}, got {kind}",
                 zh=f"PREDICTIONS 应该是一个字典 {{开关: 证明名的集合}}，得到的是 {kind}"))
    for switch in proofs.SWITCHES:
        if switch not in predictions:
            fail(say(en=f"PREDICTIONS has no entry for {switch!r}: keep the four keys of the stub",
                     zh=f"PREDICTIONS 里没有 {switch!r} 这一项：请保留练习模板里的四个键"))
        if predictions[switch] is None:
            raise NotDone(say(en=f"PREDICTIONS[{switch!r}] is still None: write the set of proofs you expect to fail, "
                                 "e.g. {'causality'}, or set() for none",
                              zh=f"PREDICTIONS[{switch!r}] 还是 None：写出你预计会失败的证明的集合，"
                                 "例如 {'causality'}；一个都不会失败就写 set()"))
    extra = set(predictions) - set(proofs.SWITCHES)
    if extra:
        unknown, known = sorted(extra), list(proofs.SWITCHES)
        fail(say(en=f"PREDICTIONS has unknown switch(es) {unknown}: the switches are {known}",
                 zh=f"PREDICTIONS 里有未知的开关 {unknown}：开关只有 {known}"))
    n = 0
    for switch in proofs.SWITCHES:
        guess = _as_set(predictions[switch])
        if guess is None or not all(isinstance(p, str) for p in guess):
            given = predictions[switch]
            fail(say(en=f"PREDICTIONS[{switch!r}] should be a set of proof names, got {given!r}",
                     zh=f"PREDICTIONS[{switch!r}] 应该是证明名的集合，得到的是 {given!r}"))
        unknown = guess - set(proofs.PROOFS)
        if unknown:
            names = ", ".join(proofs.PROOFS)
            fail(say(en=f"PREDICTIONS[{switch!r}] names unknown proof(s) {sorted(unknown)}: the proofs are {names}",
                     zh=f"PREDICTIONS[{switch!r}] 里有未知的证明 {sorted(unknown)}：证明只有 {names}"))
        results = proofs.run_proofs(proofs.pipeline(switch))
        actual = {r.name for r in results if not r.passed}
        if guess != actual:
            what, why = in_language(proofs.SWITCHES[switch]), in_language(WHY[switch])
            predicted = sorted(guess) or say(en="no failure", zh="没有失败")
            failing = sorted(actual) or say(en="none", zh="没有")
            lines = "\n".join("  " + r.line() for r in results)
            fail(say(en=f"with {switch} ({what}) you predicted {predicted}, but the proofs that fail are {failing}. "
                        f"What the proofs print:\n{lines}\n  why: {why}",
                     zh=f"打开 {switch}（{what}）时，你预测的是 {predicted}，但实际失败的证明是 {failing}。"
                        f"证明打印的结果：\n{lines}\n  原因：{why}"))
        n += 1
    return n
