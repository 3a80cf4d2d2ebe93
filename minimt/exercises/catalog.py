"""The exercise ladder: one entry per exercise, in the order a class climbs it.

Each exercise has four parts, kept in separate places so a student never sees a solution
by accident:

    stubs/exNN_slug.py          what `minimt exercises start N` copies for the student
    solutions/exNN_slug.py      the teacher's reference solution (`minimt exercises solution N`)
    graders/exNN_slug.py        HINTS and grade(answer): property checks on seeded random cases
    wrong_answers/exNN_slug__*.py  typical mistakes, with the message the grader must give

Kinds: "write" (fill in a stub), "fix" (a working-looking function with a planted bug:
find it, fix it) and "predict" (break a mask with a switch, say which proof catches it).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from .language import Said, in_language, say

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str
    name: str  # the function (or value) the student's file must define
    titled: Said  # its title, both languages: read it as .title (the language in use)
    lessoned: Said  # the lesson it belongs to, both languages: read it as .lesson
    minutes: int  # typical class time
    kind: str  # "write" | "fix" | "predict"
    reference: tuple[str, str] | None = None  # minimt's own version: importing it is not allowed

    # Both are read when shown, not when the catalog is imported: `--lang zh` is chosen after the import.
    @property
    def title(self) -> str:
        return in_language(self.titled)

    @property
    def lesson(self) -> str:
        return in_language(self.lessoned)

    @property
    def filename(self) -> str:
        return f"ex{self.number:02d}_{self.slug}.py"

    @property
    def stub_path(self) -> Path:
        return HERE / "stubs" / self.filename

    @property
    def solution_path(self) -> Path:
        return HERE / "solutions" / self.filename

    def grader(self):
        return import_module(f"minimt.exercises.graders.ex{self.number:02d}_{self.slug}")

    def wrong_answers(self) -> list[Path]:
        return sorted((HERE / "wrong_answers").glob(f"ex{self.number:02d}_{self.slug}__*.py"))


L02 = say(en="02 tokenization", zh="02 分词")
L03 = say(en="03 padding, masks, labels", zh="03 填充、掩码、标签")
L04 = say(en="04 attention and masks", zh="04 注意力与掩码")
L06 = say(en="06 the loss", zh="06 损失")
L07 = say(en="07 training", zh="07 训练")
L08 = say(en="08 decoding", zh="08 解码")
L09 = say(en="09 evaluation", zh="09 评估")

EXERCISES = [
    Exercise(1, "add_specials", "add_specials",
             say(en="Encode a pair and add the special tokens", zh="编码一个句对，加上特殊词元"),
             L02, 10, "write"),
    Exercise(2, "pad_batch", "pad_batch",
             say(en="Pad a batch and build attention_mask", zh="填充一个批次，构造注意力掩码（attention_mask）"),
             L03, 15, "write"),
    Exercise(3, "make_labels", "make_labels",
             say(en="Labels padded with -100", zh="用 -100 填充的标签"),
             L03, 10, "write"),
    Exercise(4, "shift_right", "shift_right",
             say(en="Shift labels right into decoder_input_ids", zh="把标签右移成解码器输入 ID（decoder_input_ids）"),
             L03, 10, "write", ("minimt.batch", "shift_right")),
    Exercise(5, "padding_mask", "padding_mask",
             say(en="The padding mask (B,1,1,S)", zh="填充掩码 (B,1,1,S)"),
             L04, 10, "write", ("minimt.attention", "padding_mask")),
    Exercise(6, "causal_mask", "causal_mask",
             say(en="The causal mask (1,1,T,T)", zh="因果掩码 (1,1,T,T)"),
             L04, 10, "write", ("minimt.attention", "causal_mask")),
    Exercise(7, "decoder_self_mask", "decoder_self_mask",
             say(en="The decoder's mask: causal AND padding", zh="解码器的掩码：因果掩码与填充掩码同时成立"),
             L04, 10, "write", ("minimt.attention", "decoder_self_mask")),
    Exercise(8, "attention", "attention",
             say(en="Scaled dot-product attention with a bool mask", zh="带布尔掩码的缩放点积注意力"),
             L04, 25, "write", ("minimt.attention", "attention")),
    Exercise(9, "masked_cross_entropy", "masked_cross_entropy",
             say(en="The loss as a masked mean", zh="损失：掩码平均"),
             L06, 20, "write", ("minimt.loss", "cross_entropy_by_hand")),
    Exercise(10, "train_step", "train_step",
             say(en="One training step", zh="一个训练步"),
             L07, 20, "write"),
    Exercise(11, "greedy_decode", "greedy_decode",
             say(en="Greedy decoding", zh="贪心解码"),
             L08, 25, "write", ("minimt.decode", "greedy_decode")),
    Exercise(12, "exact_match", "exact_match",
             say(en="Exact-match accuracy (no BLEU)", zh="完全匹配准确率（不用 BLEU）"),
             L09, 10, "write"),
    Exercise(13, "length_penalty", "best_hypothesis",
             say(en="GNMT length penalty: pick the best hypothesis", zh="GNMT 长度惩罚：选出最好的候选"),
             L08, 15, "write"),
    Exercise(14, "beam_search", "beam_search",
             say(en="Beam search with a length penalty", zh="带长度惩罚的束搜索"),
             L08, 40, "write", ("minimt.beam", "beam_search")),
    Exercise(15, "fix_torch_masks", "torch_masks",
             say(en="Fix it: masks for nn.Transformer", zh="改错：给 nn.Transformer 的掩码"),
             L04, 15, "fix"),
    Exercise(16, "fix_peeking_decoder", "decoder_self_mask",
             say(en="Fix it: the decoder that peeks", zh="改错：偷看答案的解码器"),
             L04, 10, "fix", ("minimt.attention", "decoder_self_mask")),
    Exercise(17, "fix_padding_loss", "make_targets",
             say(en="Fix it: the loss that learns padding", zh="改错：学会了填充的损失"),
             L06, 10, "fix"),
    Exercise(18, "which_proof", "PREDICTIONS",
             say(en="Break it: which proof catches which bug?", zh="破坏它：哪个证明抓住哪个错误？"),
             L07, 20, "predict"),
    Exercise(19, "corpus_bleu", "corpus_bleu",
             say(en="Corpus BLEU: clipped precision, brevity penalty", zh="语料级 BLEU：截断精确率、简短惩罚"),
             L09, 30, "write"),
    Exercise(20, "logit_gradients", "logit_gradients",
             say(en="Backprop by hand: d loss / d logits", zh="手写反向传播：d loss / d logits"),
             L06, 20, "write"),
    Exercise(21, "corpus_chrf", "corpus_chrf",
             say(en="Corpus chrF by hand: character n-grams, F-beta", zh="手写语料级 chrF：字符 n 元语法、F-beta"),
             L09, 20, "write"),
]

BY_NUMBER = {e.number: e for e in EXERCISES}
