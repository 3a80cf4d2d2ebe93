"""The explorer: one offline HTML page where every cell of every tensor says what it is and why.

    from minimt.explore import explore_html, write_explorer, show
    write_explorer("explore.html", [("How are you?", "Comment ça va ?")], max_length=6)
    show(batch=4)                      # in a notebook: the same page, inline

Modules: ``reasons`` (the sentences, shared with lessons), ``data`` (tensors → grids),
``page`` (the HTML), ``notebook`` (``show``).
"""
from __future__ import annotations

import random
from pathlib import Path

from minimt.errors import MinimtError
from minimt.files import atomic_write_text

ARTICLE_PAIR = ("How are you?", "Comment ça va ?")


def fresh_model(tokenizer, seed: int = 0):
    """A freshly initialised default-size model (what the page shows without a checkpoint)."""
    import torch
    from minimt.model import ModelConfig, Transformer
    torch.manual_seed(seed)
    return Transformer(ModelConfig(vocab_size=tokenizer.vocab_size)).eval()


def corpus_pairs(n: int, *, seed: int = 0, data=None) -> list[tuple[str, str]]:
    """``n`` pairs drawn from a corpus (the embedded train split by default) with ``seed``."""
    from minimt.data import embedded_path, load_pairs
    if n < 1:
        raise MinimtError(f"--batch {n}: must be at least 1")
    corpus = load_pairs(data or embedded_path("train"))
    if n > len(corpus):
        raise MinimtError(f"--batch {n}: the corpus has only {len(corpus)} pairs")
    return random.Random(seed).sample(corpus, n)


def explore_html(pairs=None, *, model=None, tokenizer=None, checkpoint=None, max_length=None,
                 batch=None, seed: int = 0, data=None) -> str:
    """The explorer page (a str) for ``pairs``, or ``batch`` pairs from the corpus, or the article's pair.

    ``checkpoint`` (a folder from ``minimt train``) or ``model`` + ``tokenizer``; with neither, a
    freshly initialised model and the embedded corpus's tokenizer (the page says so)."""
    from .data import explorer_data
    from .page import render_page
    if max_length is not None and max_length < 2:
        raise MinimtError(f"--max-length {max_length}: must be at least 2 (one token + EOS)")
    pairs = list(pairs or []) + (corpus_pairs(batch, seed=seed, data=data) if batch is not None else [])
    pairs = pairs or [ARTICLE_PAIR]
    if checkpoint is not None:
        from minimt.checkpoint import load_checkpoint
        model, tokenizer, meta = load_checkpoint(checkpoint)
        note = f"trained model: {meta['path']} (step {meta.get('step', '?')})"
    elif model is not None:
        if tokenizer is None:
            raise MinimtError("explore_html: a model needs its tokenizer (tokenizer=...)")
        note = "model given by the caller"
    else:
        from minimt.tokenizer import Tokenizer
        tokenizer = tokenizer or Tokenizer.default()
        model = fresh_model(tokenizer)
        note = ("freshly initialised model (untrained, seed 0): the attention weights, losses and translation "
                "are those of random weights — pass --checkpoint DIR to see a trained one")
    return render_page(explorer_data(model, tokenizer, pairs, max_length=max_length, model_note=note))


def write_explorer(path, pairs=None, **kwargs) -> Path:
    """Write ``explore_html(pairs, **kwargs)`` to ``path`` atomically (all or nothing)."""
    page = explore_html(pairs, **kwargs)  # computed first: a bad input leaves no file behind
    path = Path(path)
    try:
        atomic_write_text(path, page)
    except OSError as e:
        raise MinimtError(f"--out {path}: cannot write ({e.strerror or e})") from None
    return path


def show(pairs=None, *, height: int = 900, **kwargs):
    """The same page, inline in a notebook cell (see ``minimt.explore.notebook``)."""
    from .notebook import inline
    return inline(explore_html(pairs, **kwargs), height=height)
