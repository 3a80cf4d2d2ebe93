"""Attention and its three masks, written out (lesson 04).

One convention everywhere in minimt: a boolean attention mask says **True = may attend**
(the same as ``F.scaled_dot_product_attention``). It is built from the Hugging Face
``attention_mask`` (1 = real token, 0 = padding) and broadcast to scores of shape (B,H,T,S):
query positions T down the rows, key positions S across the columns.

    padding_mask(attention_mask)          (B,1,1,S)  hide padded *keys* (encoder self, cross)
    causal_mask(T)                        (1,1,T,T)  hide future keys (decoder self)
    decoder_self_mask(decoder_attn_mask)  (B,1,T,T)  both at once: causal AND padding

!!! PyTorch's ``nn.MultiheadAttention`` / ``nn.Transformer`` mean the OPPOSITE: their bool
``key_padding_mask`` and ``attn_mask`` say True = IGNORE. ``to_key_padding_mask`` is the one
place that converts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

def _check_mask(mask: Tensor | None) -> None:
    if mask is not None and mask.dtype != torch.bool:
        raise TypeError(
            f"attention mask must be torch.bool with True = may attend, got {mask.dtype}; "
            "build it with padding_mask()/causal_mask()/decoder_self_mask() "
            "(an int attention_mask of 1/0 becomes attention_mask.bool())")


def attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None,
              dropout_p: float = 0.0) -> tuple[Tensor, Tensor]:
    """Scaled dot-product attention, every step visible.

    q (B,H,T,D), k and v (B,H,S,D); ``mask`` bool, broadcastable to (B,H,T,S), True = may attend.
    Returns ``(out (B,H,T,D), weights (B,H,T,S))``; ``weights`` are the softmax probabilities
    before dropout (what the plots show). Each row sums to 1 over its allowed keys and is
    exactly 0 on masked keys.

    The rule for a query row with NO allowed key (e.g. a source that is all padding): its
    weights and its output are zeros. A plain softmax over all −inf would give NaN, and NaN in
    one row poisons every gradient of the batch.
    """
    _check_mask(mask)
    scale = 1.0 / math.sqrt(q.size(-1))  # keeps score variance ~1 so softmax is not saturated
    scores = (q @ k.transpose(-2, -1)) * scale  # (B,H,T,S)
    if mask is not None:
        # One boolean mask applied ONCE with the dtype's most negative finite number: adding
        # several -1e9 masks, or -inf, overflows or gives NaN in bf16/fp16.
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
    weights = scores.softmax(dim=-1)  # over the keys: each query's weights sum to 1
    if mask is not None:
        # A row whose keys are all masked saw only equal minimum scores → a uniform softmax.
        # Zero it (and make masked keys exactly 0). torch.where passes no gradient to the
        # discarded branch, so backward stays finite too.
        weights = torch.where(mask, weights, 0.0)
    dropped = F.dropout(weights, dropout_p) if dropout_p > 0 else weights
    return dropped @ v, weights  # (B,H,T,D), (B,H,T,S)


def padding_mask(attention_mask: Tensor) -> Tensor:
    """(B,S) 1/0 attention_mask → (B,1,1,S) bool, True = this key is a real token.

    We mask KEYS (columns), never queries: a query at a padded position still attends to the
    real tokens and produces some vector, but nobody reads it — the loss ignores it (label
    -100) and no real query attends to it. Masking padded query rows too would leave those
    rows with no allowed key at all, which is where NaNs come from.
    The two 1s broadcast over heads (H) and over query positions (T).
    """
    return attention_mask.bool()[:, None, None, :]  # (B,1,1,S)


def causal_mask(T: int, device=None, *, offset: int = 0) -> Tensor:
    """(1,1,T,offset+T) bool: query t may attend to key positions 0..offset+t.

    With offset 0 (training): the lower triangle, diagonal included — a position sees itself,
    the token it was given, but not the next one, which is the token it must predict.
    With a key/value cache (lesson 08) the T new queries sit at absolute positions
    offset..offset+T-1 and the keys include the ``offset`` cached ones: shift the diagonal.
    """
    return torch.ones(T, offset + T, dtype=torch.bool, device=device).tril(diagonal=offset)[None, None]


def decoder_self_mask(decoder_attention_mask: Tensor) -> Tensor:
    """(B,T) 1/0 → (B,1,T,T) bool = causal AND key padding, one mask applied once.

    With right padding the causal part already hides padded keys from every real query
    (pads come after the real tokens); the padding part makes that explicit and keeps the
    mask correct for any padding pattern.
    """
    T = decoder_attention_mask.size(1)
    return causal_mask(T, decoder_attention_mask.device) & padding_mask(decoder_attention_mask)


def to_key_padding_mask(attention_mask: Tensor) -> Tensor:
    """HF attention_mask (B,S), 1 = real → ``key_padding_mask`` for ``nn.MultiheadAttention``.

    !!! OPPOSITE CONVENTION: in nn.MultiheadAttention / nn.Transformer a bool
    ``key_padding_mask`` (and bool ``attn_mask``) True means IGNORE this key. So real tokens
    become False and padding becomes True. minimt only needs this to compare with PyTorch.
    """
    return ~attention_mask.bool()  # (B,S), True = padding = ignore


@dataclass
class KVCache:
    """Keys and values one attention module has already computed, (B,H,L,Dh) each.

    ``static=False`` (decoder self-attention): every call appends the new tokens' keys/values.
    ``static=True`` (cross-attention): the encoder memory's keys/values, computed on the first
    call and reused afterwards (the memory passed later is not read again).
    """
    k: Tensor | None = None
    v: Tensor | None = None
    static: bool = False

    def reorder(self, index: Tensor) -> None:
        """Row b becomes old row index[b] (index may be longer than B: it can also expand)."""
        if self.k is not None:
            self.k = self.k.index_select(0, index)
            self.v = self.v.index_select(0, index)


class MultiHeadAttention(nn.Module):
    """Multi-head attention for self- and cross-attention.

    One fused (3D, D) input projection, laid out like nn.MultiheadAttention's ``in_proj``
    (rows: query, key, value), so self-attention does one matmul for Q, K and V, and
    cross-attention one for Q (from the decoder) and one for K and V together (from the memory).

    ``self.kernel`` is the function that mixes the values: `attention` above, the code the
    lessons read. `minimt train` may swap in PyTorch's fused kernel where that measures
    faster (minimt/runtime/fast.py, proven equal in tests/test_fast.py); asking for the
    weights always runs `attention` itself.
    """

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"n_heads={n_heads} does not divide d_model={d_model}")
        self.d_model, self.n_heads, self.dropout = d_model, n_heads, dropout
        self.in_proj = nn.Linear(d_model, 3 * d_model)  # [W_q; W_k; W_v]
        self.out_proj = nn.Linear(d_model, d_model)
        self.kernel = attention  # (q, k, v, mask, dropout_p) -> (out, weights or None)

    def _split(self, x: Tensor) -> Tensor:  # (B,L,D) → (B,H,L,Dh)
        B, L, _ = x.shape
        return x.view(B, L, self.n_heads, -1).transpose(1, 2)

    def _project(self, x_q: Tensor, x_kv: Tensor | None, cache: KVCache | None):
        D, W, b = self.d_model, self.in_proj.weight, self.in_proj.bias
        if cache is not None and cache.static and cache.k is not None:
            return self._split(F.linear(x_q, W[:D], b[:D])), cache.k, cache.v  # memory's K,V reused
        if x_kv is None or x_kv is x_q:  # self-attention: one matmul for Q, K and V
            q, k, v = F.linear(x_q, W, b).chunk(3, dim=-1)
        else:  # cross-attention: Q from the decoder, K and V (one matmul) from the memory
            q = F.linear(x_q, W[:D], b[:D])
            k, v = F.linear(x_kv, W[D:], b[D:]).chunk(2, dim=-1)
        q, k, v = self._split(q), self._split(k), self._split(v)  # (B,H,·,Dh)
        if cache is not None:
            if not cache.static and cache.k is not None:  # append this step's keys/values
                k, v = torch.cat([cache.k, k], dim=2), torch.cat([cache.v, v], dim=2)
            cache.k, cache.v = k, v
        return q, k, v

    def forward(self, x_q: Tensor, x_kv: Tensor | None, mask: Tensor | None, *,
                need_weights: bool = False, cache: KVCache | None = None):
        """x_q (B,T,D) queries; x_kv (B,S,D) keys/values source (None or x_q: self-attention);
        mask bool broadcastable to (B,H,T,S_total), True = may attend (S_total includes
        cached keys). Returns ``(out (B,T,D), weights (B,H,T,S) or None)``."""
        _check_mask(mask)
        q, k, v = self._project(x_q, x_kv, cache)
        p = self.dropout if self.training else 0.0
        if need_weights:
            out, weights = attention(q, k, v, mask, p)
        else:
            out, weights = self.kernel(q, k, v, mask, p)[0], None
        B, H, T, Dh = out.shape
        out = out.transpose(1, 2).reshape(B, T, H * Dh)  # (B,T,D): heads side by side
        return self.out_proj(out), weights

    @classmethod
    def from_torch(cls, mha: nn.MultiheadAttention) -> MultiHeadAttention:
        """A MultiHeadAttention holding the same weights as ``mha`` (to prove equality)."""
        if not mha._qkv_same_embed_dim or mha.in_proj_bias is None:
            raise ValueError("from_torch needs nn.MultiheadAttention with kdim=vdim=embed_dim and bias=True")
        ours = cls(mha.embed_dim, mha.num_heads, mha.dropout)
        with torch.no_grad():
            ours.in_proj.weight.copy_(mha.in_proj_weight)
            ours.in_proj.bias.copy_(mha.in_proj_bias)
            ours.out_proj.weight.copy_(mha.out_proj.weight)
            ours.out_proj.bias.copy_(mha.out_proj.bias)
        return ours
