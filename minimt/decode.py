"""Greedy decoding, with and without the key/value cache (lesson 08).

Generation is the decoder run one token at a time: start from [BOS], pick the most likely
next token, append it, repeat until EOS. Without a cache every step re-runs the decoder on
the whole prefix (step t costs t positions); with ``model.new_cache()`` each step feeds only
the newest token and reuses the keys/values of the earlier ones (and of the encoder memory),
so it costs one position. Both give the same tokens (tests/test_decode.py).
"""
from __future__ import annotations

import torch
from torch import Tensor

from .errors import MinimtError


def default_max_len(model, src_len: int) -> int:
    """Room for a translation about twice the source, within the model's positions."""
    return min(model.config.max_positions, 2 * src_len + 10)


def check_decoding_args(model=None, *, beam_size: int = 1, n_best: int = 1, alpha: float = 0.6,
                        max_len: int | None = None, batch_size: int = 1) -> None:
    """The one check of decoding settings (greedy, beam, translate, the commands), named as flags.

    ``max_len`` counts generated tokens, EOS included: the decoder reads BOS and the first
    max_len-1 of them, so max_len may equal the model's max_positions but not exceed it.
    """
    if beam_size < 1:
        raise MinimtError(f"--beam {beam_size}: the beam size must be at least 1 (1 = greedy)")
    if not 1 <= n_best <= beam_size:
        raise MinimtError(f"--n-best {n_best}: must be between 1 and the beam size ({beam_size}); "
                          "a beam of K keeps only K hypotheses")
    if not alpha >= 0:
        raise MinimtError(f"--alpha {alpha:g}: the length penalty exponent must be >= 0 (0 = none)")
    if batch_size < 1:
        raise MinimtError(f"--batch-size {batch_size}: must be at least 1")
    if max_len is not None:
        if max_len < 1:
            raise MinimtError(f"--max-len {max_len}: must be at least 1")
        if model is not None and max_len > model.config.max_positions:
            raise MinimtError(f"--max-len {max_len}: larger than the model's max_positions="
                              f"{model.config.max_positions}")


def row_max_lens(model, attention_mask: Tensor, max_len: int | None = None) -> list[int]:
    """Each row's limit on generated tokens (EOS included).

    Without ``max_len`` a row's limit comes from ITS OWN source length (the real tokens,
    ``attention_mask[i].sum()``), never from the padded width: a sentence must decode the
    same alone and inside a batch with a longer one. An explicit ``max_len`` is one cap for all.
    """
    if max_len is not None:
        check_decoding_args(model, max_len=max_len)
        return [max_len] * attention_mask.size(0)
    return [default_max_len(model, n) for n in attention_mask.sum(dim=1).tolist()]


@torch.no_grad()
def greedy_decode(model, input_ids: Tensor, attention_mask: Tensor, *, bos_id: int, eos_id: int,
                  max_len: int | None = None, use_cache: bool = True) -> list[list[int]]:
    """input_ids/attention_mask (B,S) → B lists of generated ids (no BOS, no EOS).

    ``max_len`` counts generated tokens, EOS included; when None, each row's limit is
    ``row_max_lens`` (from its own length). Rows stop independently: a row that produced EOS,
    or reached its limit, leaves the batch (its cache rows too); the loop ends when none is left.
    """
    limits = row_max_lens(model, attention_mask, max_len)                # one per row
    was_training = model.training
    model.eval()  # dropout off: decoding must be deterministic
    try:
        B = input_ids.size(0)
        memory = model.encode(input_ids, attention_mask)               # (B,S,D), computed once
        tokens = torch.full((B, 1), bos_id, dtype=torch.long, device=input_ids.device)  # (B,1)
        rows = torch.arange(B, device=input_ids.device)  # which original row each active row is
        cache = model.new_cache() if use_cache else None
        out: list[list[int]] = [[] for _ in range(B)]
        for step in range(1, max(limits, default=0) + 1):
            if cache is not None:  # only the newest token; the cache holds the rest
                logits = model.decode(tokens[:, -1:], memory, attention_mask, cache=cache)
            else:                  # the whole prefix, every step
                logits = model.decode(tokens, memory, attention_mask)
            next_ids = logits[:, -1].argmax(dim=-1)                      # (B_active,)
            going = []  # a row ends at EOS, or (without EOS) once it has made its limit
            for row, tok in zip(rows.tolist(), next_ids.tolist()):
                if tok != eos_id:
                    out[row].append(tok)
                going.append(tok != eos_id and step < limits[row])
            alive = torch.tensor(going, device=input_ids.device)                # (B_active,)
            if not alive.any():
                break
            if not alive.all():  # drop finished rows everywhere, so no work is spent on them
                keep = alive.nonzero().squeeze(1)
                rows, memory, attention_mask = rows[keep], memory[keep], attention_mask[keep]
                tokens, next_ids = tokens[keep], next_ids[keep]
                if cache is not None:
                    cache.reorder(keep)
            tokens = torch.cat([tokens, next_ids[:, None]], dim=1)      # (B_active, t+1)
        return out
    finally:
        model.train(was_training)
