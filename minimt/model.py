"""The encoder–decoder Transformer (lesson 05).

    input_ids (B,S) ─ embed·√D + positions ─ N × [self-attn, FFN] ─ norm ─→ memory (B,S,D)
    decoder_input_ids (B,T) ─ embed·√D + positions ─ N × [causal self-attn, cross-attn(memory),
        FFN] ─ norm ─ × embeddingᵀ ─→ logits (B,T,V)

Pre-norm layers (LayerNorm before each sub-layer, residual around it) train stably without a
long warmup. Dropout is plain ``nn.Dropout`` (zero each value with probability p, scale the rest
by 1/(1-p)); `minimt train` swaps in a cheaper CPU mask of the same kind (minimt/runtime/fast.py). One embedding table serves the encoder input, the decoder input and the output
projection: the tokenizer's vocabulary is joint (English and French), so one table is enough.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .attention import KVCache, MultiHeadAttention, causal_mask, decoder_self_mask, padding_mask
from .errors import MinimtError


@dataclass
class ModelConfig:
    vocab_size: int
    d_model: int = 256
    n_heads: int = 4
    n_encoder_layers: int = 3
    n_decoder_layers: int = 3
    d_ff: int = 1024
    dropout: float = 0.1
    max_positions: int = 256
    pad_id: int = 0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "dropout":
                if not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
                    raise MinimtError(f"ModelConfig.dropout={value!r}: must be in [0, 1)")
            elif not isinstance(value, int) or isinstance(value, bool):
                raise MinimtError(f"ModelConfig.{f.name}={value!r}: must be an integer")
            elif f.name == "pad_id":
                if not 0 <= value < self.vocab_size:
                    raise MinimtError(f"ModelConfig.pad_id={value}: must be in [0, vocab_size={self.vocab_size})")
            elif value < 1:
                raise MinimtError(f"ModelConfig.{f.name}={value}: must be positive")
        if self.d_model % self.n_heads:
            raise MinimtError(f"ModelConfig.n_heads={self.n_heads} does not divide d_model={self.d_model}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise MinimtError(f"ModelConfig: unknown field(s) {', '.join(sorted(unknown))}")
        if "vocab_size" not in d:
            raise MinimtError("ModelConfig: missing field vocab_size")
        return cls(**d)


def sinusoidal_positions(n: int, d: int) -> Tensor:
    """(n, d): PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(same) — values in [-1, 1]."""
    position = torch.arange(n, dtype=torch.float32)[:, None]                      # (n,1)
    freq = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n, d)
    pe[:, 0::2] = torch.sin(position * freq)
    pe[:, 1::2] = torch.cos(position * freq[: d // 2])
    return pe


class FeedForward(nn.Module):
    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.up, self.down = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)

    def forward(self, x: Tensor) -> Tensor:  # (B,L,D) → (B,L,D), applied to each position alone
        return self.down(F.relu(self.up(x)))


class EncoderLayer(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.dropout = nn.Dropout(c.dropout)  # used after each sub-layer (it holds no weights)
        self.norm1, self.self_attn = nn.LayerNorm(c.d_model), MultiHeadAttention(c.d_model, c.n_heads)
        self.norm2, self.ffn = nn.LayerNorm(c.d_model), FeedForward(c.d_model, c.d_ff)

    def forward(self, x, mask, need_weights=False):  # x (B,S,D), mask (B,1,1,S)
        h, w = self.self_attn(self.norm1(x), None, mask, need_weights=need_weights)
        x = x + self.dropout(h)
        x = x + self.dropout(self.ffn(self.norm2(x)))
        return x, w


class DecoderLayer(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.dropout = nn.Dropout(c.dropout)
        self.norm1, self.self_attn = nn.LayerNorm(c.d_model), MultiHeadAttention(c.d_model, c.n_heads)
        self.norm2, self.cross_attn = nn.LayerNorm(c.d_model), MultiHeadAttention(c.d_model, c.n_heads)
        self.norm3, self.ffn = nn.LayerNorm(c.d_model), FeedForward(c.d_model, c.d_ff)

    def forward(self, y, memory, self_mask, cross_mask, caches=(None, None), need_weights=False):
        # y (B,T,D), memory (B,S,D), self_mask (B|1,1,T,T_total), cross_mask (B,1,1,S)
        h, w_self = self.self_attn(self.norm1(y), None, self_mask, need_weights=need_weights, cache=caches[0])
        y = y + self.dropout(h)
        h, w_cross = self.cross_attn(self.norm2(y), memory, cross_mask, need_weights=need_weights, cache=caches[1])
        y = y + self.dropout(h)
        y = y + self.dropout(self.ffn(self.norm3(y)))
        return y, w_self, w_cross


class DecoderCache:
    """What the decoder has computed so far, for step-by-step generation.

    Make one with ``model.new_cache()`` and pass it to every ``model.decode(..., cache=cache)``
    call of one generation; each call then takes only the NEW decoder tokens (B,t):
      - ``self_kv[i]``: layer i's self-attention keys/values, (B,H,length,Dh), grown by t per call;
      - ``cross_kv[i]``: layer i's cross-attention keys/values of the encoder memory, computed on
        the first call and reused (later calls still need ``attention_mask`` for the cross mask,
        but do not read ``memory`` again);
      - ``key_mask``: (B,length) bool, which past decoder positions are real (None = all real);
      - ``length``: positions already processed = the position index of the next token.
    ``reorder(index)`` (beam search): in place, row b becomes old row ``index[b]``; ``index`` may
    be longer than B (e.g. ``arange(B).repeat_interleave(k)`` expands to k beams). The caller
    reorders ``memory``/``attention_mask`` the same way.
    """

    def __init__(self, n_layers: int):
        self.self_kv = [KVCache() for _ in range(n_layers)]
        self.cross_kv = [KVCache(static=True) for _ in range(n_layers)]
        self.key_mask: Tensor | None = None
        self.length = 0

    @property
    def batch_size(self) -> int | None:
        k = self.self_kv[0].k if self.self_kv else None
        return None if k is None else k.size(0)

    def reorder(self, index: Tensor) -> DecoderCache:
        for c in (*self.self_kv, *self.cross_kv):
            c.reorder(index)
        if self.key_mask is not None:
            self.key_mask = self.key_mask.index_select(0, index)
        return self


class Transformer(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        c = self.config = config
        self.embedding = nn.Embedding(c.vocab_size, c.d_model)
        self.dropout = nn.Dropout(c.dropout)  # on the embeddings + positions
        self.register_buffer("positions", sinusoidal_positions(c.max_positions, c.d_model), persistent=False)
        self.encoder_layers = nn.ModuleList(EncoderLayer(c) for _ in range(c.n_encoder_layers))
        self.decoder_layers = nn.ModuleList(DecoderLayer(c) for _ in range(c.n_decoder_layers))
        self.encoder_norm, self.decoder_norm = nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model)
        for name, p in self.named_parameters():
            if p.dim() == 2 and name != "embedding.weight":
                nn.init.xavier_uniform_(p)
            elif name.endswith("bias"):
                nn.init.zeros_(p)
        # Embeddings are multiplied by √D, so init them with std D^-0.5: the scaled embedding
        # then has std 1, the same order as the sinusoidal positions (values in [-1,1], std ≈
        # 0.7) — neither drowns the other. The same table is the output projection: a unit-
        # variance final-norm output dotted with rows of std D^-0.5 gives logits of std ≈ 1.
        nn.init.normal_(self.embedding.weight, std=c.d_model ** -0.5)

    def _embed(self, ids: Tensor, offset: int, what: str) -> Tensor:  # (B,L) → (B,L,D)
        L = offset + ids.size(1)
        if L > self.config.max_positions:
            raise MinimtError(f"{what}: {L} positions, longer than the model's "
                              f"max_positions={self.config.max_positions}")
        x = self.embedding(ids) * math.sqrt(self.config.d_model) + self.positions[offset:L]
        return self.dropout(x)

    def encode(self, input_ids: Tensor, attention_mask: Tensor, *, return_attention: bool = False):
        """input_ids (B,S), attention_mask (B,S) 1/0 → memory (B,S,D) [, list of (B,H,S,S)]."""
        x, mask, ws = self._embed(input_ids, 0, "input_ids"), padding_mask(attention_mask), []
        for layer in self.encoder_layers:
            x, w = layer(x, mask, return_attention)
            ws.append(w)
        memory = self.encoder_norm(x)
        return (memory, ws) if return_attention else memory

    def new_cache(self) -> DecoderCache:
        return DecoderCache(len(self.decoder_layers))

    def decode(self, decoder_input_ids: Tensor, memory: Tensor, attention_mask: Tensor,
               decoder_attention_mask: Tensor | None = None, *, cache: DecoderCache | None = None,
               return_attention: bool = False):
        """decoder_input_ids (B,T) → logits (B,T,V) [, {"decoder_self": [(B,H,T,T_total)], "cross": [(B,H,T,S)]}].

        memory (B,S,D) and attention_mask (B,S) describe the source. With a ``cache`` the ids
        are only the new tokens (positions cache.length..), and ``decoder_attention_mask``
        (optional) covers only them too."""
        B, T = decoder_input_ids.shape
        past = 0 if cache is None else cache.length
        if cache is not None and cache.batch_size not in (None, B):
            raise ValueError(f"cache holds {cache.batch_size} rows but {B} were given; reorder it first")
        y = self._embed(decoder_input_ids, past, "decoder_input_ids")
        keys_real = None if decoder_attention_mask is None else decoder_attention_mask.bool()  # (B,T)
        if cache is None:
            self_mask = (decoder_self_mask(decoder_attention_mask) if keys_real is not None
                         else causal_mask(T, y.device))  # (B|1,1,T,T)
        else:
            if keys_real is not None or cache.key_mask is not None:
                old = cache.key_mask if cache.key_mask is not None else y.new_ones(B, past, dtype=torch.bool)
                new = keys_real if keys_real is not None else y.new_ones(B, T, dtype=torch.bool)
                cache.key_mask = torch.cat([old, new], dim=1)  # (B,past+T)
            self_mask = None if T == 1 else causal_mask(T, y.device, offset=past)  # one new query sees all
            if cache.key_mask is not None:
                key_mask = cache.key_mask[:, None, None, :]  # (B,1,1,past+T)
                self_mask = key_mask if self_mask is None else self_mask & key_mask
        cross_mask = padding_mask(attention_mask)  # (B,1,1,S): never attend to source padding
        ws_self, ws_cross = [], []
        for i, layer in enumerate(self.decoder_layers):
            caches = (None, None) if cache is None else (cache.self_kv[i], cache.cross_kv[i])
            y, w_self, w_cross = layer(y, memory, self_mask, cross_mask, caches, return_attention)
            ws_self.append(w_self)
            ws_cross.append(w_cross)
        if cache is not None:
            cache.length = past + T
        logits = F.linear(self.decoder_norm(y), self.embedding.weight)  # (B,T,V), tied projection
        return (logits, {"decoder_self": ws_self, "cross": ws_cross}) if return_attention else logits

    def forward(self, input_ids: Tensor, attention_mask: Tensor, decoder_input_ids: Tensor,
                decoder_attention_mask: Tensor | None = None, *, return_attention: bool = False):
        """Teacher forcing: (B,S) source, (B,T) shifted target → logits (B,T,V)
        [, {"encoder": [(B,H,S,S)], "decoder_self": [(B,H,T,T)], "cross": [(B,H,T,S)]} per layer]."""
        if not return_attention:
            memory = self.encode(input_ids, attention_mask)
            return self.decode(decoder_input_ids, memory, attention_mask, decoder_attention_mask)
        memory, ws_enc = self.encode(input_ids, attention_mask, return_attention=True)
        logits, attn = self.decode(decoder_input_ids, memory, attention_mask, decoder_attention_mask,
                                   return_attention=True)
        return logits, {"encoder": ws_enc, **attn}

