"""minimt — a from-scratch, educational English→French Transformer.

Read the course in this order; each module is a lesson's code and imports only the ones
before it (and the helpers `errors`, `files`, `lang` — English or 中文):

    01 data         load_pairs, embedded_path, ARTICLE_PAIR
    02 tokenizer    Tokenizer, the special ids
    03 batch        IGNORE_INDEX, Batch, make_batch, pad_source, shift_right, bucket_batches
    04 attention    attention, padding_mask, causal_mask, decoder_self_mask, MultiHeadAttention
    05 model        ModelConfig, Transformer
    06 loss         cross_entropy_loss, cross_entropy_by_hand
    07 schedule     make_optimizer, make_scheduler
       checkpoint   save_checkpoint, load_checkpoint
       train        train_step, train (the loop)
    08 decode       greedy_decode (with the KV cache), check_decoding_args
       beam         beam_search
       translate    translate, translate_n_best
    09 evaluate     corpus_scores (minimt's one BLEU/chrF), group_references

Everything else sits in rooms you never need to open to understand the model:

    plots/       the pictures of every stage            (imports the teaching path)
    exercises/   the self-grading exercises             (imports the teaching path)
    recipe/      what `minimt train` trains and reports (imports the teaching path, runtime)
    commands/    one module per `minimt` subcommand     (imports anything; nothing imports it)
    runtime/     device, seeding, progress, distributed (imports only errors/files) —
                 and memory settings, fast kernels      (memory, fast: never imported by the path)
    corpus/      the embedded-corpus generator          (imports data, errors, files)
    tatoeba/     the Tatoeba download and export import (imports data, errors, files)
    serve/       export to CTranslate2, translate with it   (imports the teaching path)
    explore/     one offline HTML page, every cell explained (imports the teaching path)

The teaching path may use runtime's device, seeding, progress and distributed modules, but
never runtime.memory or runtime.fast (speed tricks), nor any other room. The one exception:
``python -m minimt.train`` — the bottom of train.py hands over to commands/train.py inside
``if __name__ == "__main__":``. tests/test_layout.py reads COURSE and ROOMS below and fails on
an import cycle or an import that points the wrong way.

Names are imported lazily, so ``import minimt`` is instant and a lesson pays only for
what it uses. (The functions ``attention`` and ``translate`` share their names with their modules, so
import them as ``from minimt.attention import attention``, ``from minimt.translate import translate``.)
"""
from __future__ import annotations

import importlib

from .errors import MinimtError

HELPERS = ("errors", "files", "lang")
COURSE = ("data", "tokenizer", "batch", "attention", "model", "loss", "schedule", "checkpoint", "train",
          "decode", "beam", "translate", "evaluate")
# room: the rooms (and teaching modules, "path") its modules may import, besides the helpers.
ROOMS = {
    "runtime": (),
    "runtime.fast": ("path",),
    "corpus": ("data",),
    "tatoeba": ("data",),
    "plots": ("path",),
    "exercises": ("path",),
    "recipe": ("path", "runtime", "plots"),
    "serve": ("path",),
    "explore": ("path",),
    "commands": ("path", "runtime", "recipe", "plots", "corpus", "tatoeba", "exercises", "serve", "explore"),
}
PATH_MAY_USE = ("runtime.device", "runtime.seeding", "runtime.progress", "runtime.distributed")

_EXPORTS = {
    "load_pairs": "data", "embedded_path": "data",
    "Tokenizer": "tokenizer",
    "Batch": "batch", "make_batch": "batch", "bucket_batches": "batch", "padding_fraction": "batch",
    "padding_mask": "attention", "causal_mask": "attention",
    "decoder_self_mask": "attention", "MultiHeadAttention": "attention",
    "ModelConfig": "model", "Transformer": "model",
    "cross_entropy_loss": "loss", "cross_entropy_by_hand": "loss",
    "greedy_decode": "decode", "beam_search": "beam",
    "load_checkpoint": "checkpoint", "save_checkpoint": "checkpoint",
    "corpus_scores": "evaluate",
}

__all__ = ["MinimtError", *_EXPORTS]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'minimt' has no attribute {name!r}")
