"""From English text to French text: encode, pad, decode, detokenise (lesson 08).

`translate` is what every user of a trained model calls — `minimt translate`, `minimt
evaluate`, the training run's validation and the lessons. It puts lessons 02, 03 and 08
together: each sentence becomes ``ids + [EOS]`` (as in training), sentences of similar
length are padded into one batch (`batch.pad_source`: padding never changes a result, only
the cost), then greedy decoding (``beam_size == 1``) or beam search runs, and the ids become
text again. `translate_n_best` keeps several hypotheses of one sentence, with their scores.
"""
from __future__ import annotations

import torch

from .batch import pad_source
from .beam import beam_search
from .decode import check_decoding_args, greedy_decode
from .errors import MinimtError


def encode_sources(model, tokenizer, sentences: list[str], first_number: int = 1) -> list[list[int]]:
    """``ids + [EOS]`` per sentence ([] for a blank one); one that does not fit the model's
    positions is a MinimtError naming it (sentence numbers start at ``first_number``)."""
    limit = model.config.max_positions
    encoded = []
    for i, text in enumerate(sentences):
        ids = tokenizer.encode(text) + [tokenizer.eos_id] if text.strip() else []  # src + [EOS]
        if len(ids) > limit:
            raise MinimtError(f"sentence {first_number + i}: {len(ids)} pieces with EOS, more than the "
                              f"model's max_positions={limit}; split it: {text[:40]!r}")
        encoded.append(ids)
    return encoded


@torch.no_grad()
def translate(model, tokenizer, sentences: list[str], *, beam_size: int = 1, alpha: float = 0.6,
              max_len: int | None = None, batch_size: int = 64, first_number: int = 1) -> list[str]:
    """Translate sentences (greedy when ``beam_size == 1``, else beam search); order kept.

    An empty (or blank) sentence translates as "". A sentence longer than the model's
    positions raises MinimtError naming it.
    """
    check_decoding_args(model, beam_size=beam_size, alpha=alpha, max_len=max_len, batch_size=batch_size)
    encoded = encode_sources(model, tokenizer, sentences, first_number)
    device = next(model.parameters()).device
    results = [""] * len(sentences)
    # Similar lengths together: less padding.
    order = sorted((i for i, ids in enumerate(encoded) if ids), key=lambda i: len(encoded[i]))
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        input_ids, attention_mask = pad_source([encoded[i] for i in chunk], pad_id=tokenizer.pad_id)  # (B,S)
        input_ids, attention_mask = input_ids.to(device), attention_mask.to(device)
        specials = dict(bos_id=tokenizer.bos_id, eos_id=tokenizer.eos_id, max_len=max_len)
        if beam_size == 1:
            outputs = greedy_decode(model, input_ids, attention_mask, **specials)
        else:
            outputs = [hyps[0][0] for hyps in beam_search(model, input_ids, attention_mask, beam_size=beam_size,
                                                          alpha=alpha, n_best=1, **specials)]
        for i, ids in zip(chunk, outputs):
            results[i] = tokenizer.decode(ids)
    return results


@torch.no_grad()
def translate_n_best(model, tokenizer, sentence: str, *, beam_size: int, n_best: int, alpha: float = 0.6,
                     max_len: int | None = None) -> list[tuple[str, float]]:
    """The ``n_best`` translations of one sentence, best first, with their length-normalised
    log-probabilities (beam.py)."""
    check_decoding_args(model, beam_size=beam_size, n_best=n_best, alpha=alpha, max_len=max_len)
    encoded = encode_sources(model, tokenizer, [sentence])[0]
    if not encoded:
        return [("", 0.0)]
    device = next(model.parameters()).device
    input_ids, attention_mask = pad_source([encoded], pad_id=tokenizer.pad_id)  # (1,S)
    rows = beam_search(model, input_ids.to(device), attention_mask.to(device), bos_id=tokenizer.bos_id,
                       eos_id=tokenizer.eos_id, beam_size=beam_size, alpha=alpha, max_len=max_len, n_best=n_best)
    return [(tokenizer.decode(ids), float(score)) for ids, score in rows[0]]
