"""minimt — a from-scratch, educational English→French Transformer.

The public API, in lesson order (each name is importable as ``from minimt import X``):

    data        load_pairs, embedded_path
    tokenizer   Tokenizer
    batch       Batch, make_batch, bucket_batches, padding_fraction
    attention   attention, padding_mask, causal_mask, decoder_self_mask, MultiHeadAttention
    model       ModelConfig, Transformer
    loss        cross_entropy_loss, cross_entropy_by_hand
    decode      greedy_decode, beam_search
    checkpoint  load_checkpoint, save_checkpoint

Names are imported lazily, so ``import minimt`` is instant and a lesson pays only for
what it uses. (The function ``attention`` shares its name with its module, so import it as
``from minimt.attention import attention``.)
"""
from __future__ import annotations

import importlib

from .errors import MinimtError

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
}

__all__ = ["MinimtError", *_EXPORTS]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'minimt' has no attribute {name!r}")
