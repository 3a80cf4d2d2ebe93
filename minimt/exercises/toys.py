"""A tiny stand-in translation model for the decoding exercises (greedy, beam search).

`ScriptedModel` has the Transformer's decoding interface — ``encode``, ``decode`` (with or
without a cache from ``new_cache()``), ``config.max_positions``, ``eval()`` — but its next-token
scores come from fixed random tables, so a grader can build hundreds of them in milliseconds
and every decoding answer can be compared with minimt's own decoder token for token:

    logits[b, t] = table[token t] + positions[t] + source summary of sentence b   (V scores)

EOS gets a bonus that grows with the position, so rows end at different lengths (some never,
within max_len). BOS and PAD are never predicted. It also counts how it is used: how many
source rows were encoded (encode once, not every step) and whether decode ran with gradients.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .cases import BOS, EOS, PAD


@dataclass
class ToyConfig:
    vocab_size: int
    max_positions: int = 64


class ToyCache:
    """Remembers how many positions were decoded; rows carry no state (the toy reads only the
    newest token), so reordering beams changes nothing here."""

    def __init__(self):
        self.length = 0

    def reorder(self, index: torch.Tensor) -> "ToyCache":
        return self

    select = reorder


class ScriptedModel(nn.Module):
    def __init__(self, vocab_size: int = 9, seed: int = 0, eos_growth: float = 1.0, max_positions: int = 64):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        V = vocab_size
        self.config = ToyConfig(V, max_positions)
        self.table = nn.Parameter(torch.randn(V, V, generator=g) * 1.5, requires_grad=False)  # token → scores
        self.source = nn.Parameter(torch.randn(V, V, generator=g) * 0.5, requires_grad=False)  # source → scores
        pos = torch.randn(max_positions, V, generator=g) * 0.5
        pos[:, EOS] += eos_growth * torch.arange(max_positions) - 2.0  # EOS more likely as t grows
        pos[:, BOS] = pos[:, PAD] = -1e4  # never generated
        self.positions = nn.Parameter(pos, requires_grad=False)
        self.rows_encoded = 0
        self.decoded_with_grad = False

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, **_) -> torch.Tensor:
        """(B,S) → memory (B,S,V): one-hot source tokens, zero at padding."""
        self.rows_encoded += input_ids.size(0)
        V = self.config.vocab_size
        return nn.functional.one_hot(input_ids, V).float() * attention_mask[..., None].float()

    def new_cache(self) -> ToyCache:
        return ToyCache()

    def decode(self, decoder_input_ids: torch.Tensor, memory: torch.Tensor, attention_mask: torch.Tensor,
               decoder_attention_mask=None, *, cache: ToyCache | None = None, return_attention: bool = False):
        """(B,T) → logits (B,T,V); with a cache the ids are only the new tokens."""
        self.decoded_with_grad |= torch.is_grad_enabled()
        B, T = decoder_input_ids.shape
        if memory.size(0) != B:
            raise ValueError(f"decode got {B} decoder rows but memory has {memory.size(0)} rows: "
                             "memory (B,S,D) must have one row per decoder row")
        past = 0 if cache is None else cache.length
        if past + T > self.config.max_positions:
            raise ValueError(f"decoder input of {past + T} positions, more than max_positions")
        summary = memory.sum(1) @ self.source                       # (B,V) what the source says
        logits = self.table[decoder_input_ids] + self.positions[past:past + T] + summary[:, None, :]
        if cache is not None:
            cache.length = past + T
        return logits                                               # (B,T,V)

    def forward(self, input_ids, attention_mask, decoder_input_ids, decoder_attention_mask=None):
        return self.decode(decoder_input_ids, self.encode(input_ids, attention_mask), attention_mask)


def sources(rng, B: int, vocab_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, attention_mask) for B random sources of distinct lengths, src + EOS, right-padded."""
    from .cases import attention_mask_from, lengths

    lens = [n + 1 for n in lengths(rng, B, 1, 6)]
    ids = torch.full((B, max(lens)), PAD, dtype=torch.long)
    for b, n in enumerate(lens):
        ids[b, : n - 1] = torch.tensor([rng.randrange(4, vocab_size) for _ in range(n - 1)])
        ids[b, n - 1] = EOS
    return ids, attention_mask_from(lens)
