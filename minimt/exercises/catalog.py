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

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str
    name: str  # the function (or value) the student's file must define
    title: str
    lesson: str  # the lesson it belongs to
    minutes: int  # typical class time
    kind: str  # "write" | "fix" | "predict"
    reference: tuple[str, str] | None = None  # minimt's own version: importing it is not allowed

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


L02, L03, L04 = "02 tokenization", "03 padding, masks, labels", "04 attention and masks"
L06, L07, L08, L09 = "06 the loss", "07 training", "08 decoding", "09 evaluation"

EXERCISES = [
    Exercise(1, "add_specials", "add_specials", "Encode a pair and add the special tokens", L02, 10, "write"),
    Exercise(2, "pad_batch", "pad_batch", "Pad a batch and build attention_mask", L03, 15, "write"),
    Exercise(3, "make_labels", "make_labels", "Labels padded with -100", L03, 10, "write"),
    Exercise(4, "shift_right", "shift_right", "Shift labels right into decoder_input_ids", L03, 10, "write",
             ("minimt.batch", "shift_right")),
    Exercise(5, "padding_mask", "padding_mask", "The padding mask (B,1,1,S)", L04, 10, "write",
             ("minimt.attention", "padding_mask")),
    Exercise(6, "causal_mask", "causal_mask", "The causal mask (1,1,T,T)", L04, 10, "write",
             ("minimt.attention", "causal_mask")),
    Exercise(7, "decoder_self_mask", "decoder_self_mask", "The decoder's mask: causal AND padding", L04, 10,
             "write", ("minimt.attention", "decoder_self_mask")),
    Exercise(8, "attention", "attention", "Scaled dot-product attention with a bool mask", L04, 25, "write",
             ("minimt.attention", "attention")),
    Exercise(9, "masked_cross_entropy", "masked_cross_entropy", "The loss as a masked mean", L06, 20, "write",
             ("minimt.loss", "cross_entropy_by_hand")),
    Exercise(10, "train_step", "train_step", "One training step", L07, 20, "write"),
    Exercise(11, "greedy_decode", "greedy_decode", "Greedy decoding", L08, 25, "write",
             ("minimt.decode", "greedy_decode")),
    Exercise(12, "exact_match", "exact_match", "Exact-match accuracy (no BLEU)", L09, 10, "write"),
    Exercise(13, "length_penalty", "best_hypothesis", "GNMT length penalty: pick the best hypothesis", L08, 15,
             "write"),
    Exercise(14, "beam_search", "beam_search", "Beam search with a length penalty", L08, 40, "write",
             ("minimt.beam", "beam_search")),
    Exercise(15, "fix_torch_masks", "torch_masks", "Fix it: masks for nn.Transformer", L04, 15, "fix"),
    Exercise(16, "fix_peeking_decoder", "decoder_self_mask", "Fix it: the decoder that peeks", L04, 10, "fix",
             ("minimt.attention", "decoder_self_mask")),
    Exercise(17, "fix_padding_loss", "make_targets", "Fix it: the loss that learns padding", L06, 10, "fix"),
    Exercise(18, "which_proof", "PREDICTIONS", "Break it: which proof catches which bug?", L07, 20, "predict"),
    Exercise(19, "corpus_bleu", "corpus_bleu", "Corpus BLEU: clipped precision, brevity penalty", L09, 30, "write"),
    Exercise(20, "logit_gradients", "logit_gradients", "Backprop by hand: d loss / d logits", L06, 20, "write"),
    Exercise(21, "corpus_chrf", "corpus_chrf", "Corpus chrF by hand: character n-grams, F-beta", L09, 20, "write"),
]

BY_NUMBER = {e.number: e for e in EXERCISES}
