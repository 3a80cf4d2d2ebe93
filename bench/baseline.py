"""The yardstick: the same encoder–decoder built from PyTorch's own ``torch.nn.Transformer``.

Same size and recipe as minimt's `Transformer` (d_model, heads, layers, FFN, vocabulary, one
embedding table shared by encoder input, decoder input and output projection, embeddings
scaled by √D, sinusoidal positions, pre-norm layers with final norms, dropout, xavier init),
so a tokens/s or BLEU comparison measures the implementation, not the architecture.

!!! MASK CONVENTION IS REVERSED HERE !!!
minimt (and Hugging Face, and F.scaled_dot_product_attention) use boolean masks with
True = MAY ATTEND, and ``attention_mask`` with 1 = real token. ``nn.Transformer``'s boolean
``src_key_padding_mask`` / ``tgt_key_padding_mask`` / ``memory_key_padding_mask`` and its bool
``tgt_mask`` mean True = IGNORE this key. So below, ``~attention_mask.bool()`` (padding → True)
and the causal mask is the UPPER triangle (future → True). Passing minimt's masks unconverted
would let every token attend only to padding and the future — silently.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from minimt.model import ModelConfig, sinusoidal_positions


class TorchTransformer(nn.Module):
    """nn.Transformer wrapped to take minimt's batch tensors: forward(...) → logits (B,T,V)."""

    def __init__(self, c: ModelConfig):
        super().__init__()
        self.config = c
        self.embedding = nn.Embedding(c.vocab_size, c.d_model)
        self.register_buffer("positions", sinusoidal_positions(c.max_positions, c.d_model), persistent=False)
        layer = nn.TransformerEncoderLayer(c.d_model, c.n_heads, c.d_ff, c.dropout,
                                           batch_first=True, norm_first=True)
        # enable_nested_tensor=False: the nested-tensor path only exists for inference with
        # post-norm layers; asking for it with norm_first=True just prints a warning.
        encoder = nn.TransformerEncoder(layer, c.n_encoder_layers, norm=nn.LayerNorm(c.d_model),
                                        enable_nested_tensor=False)
        self.transformer = nn.Transformer(
            d_model=c.d_model, nhead=c.n_heads, num_encoder_layers=c.n_encoder_layers,
            num_decoder_layers=c.n_decoder_layers, dim_feedforward=c.d_ff, dropout=c.dropout,
            custom_encoder=encoder, batch_first=True, norm_first=True)  # decoder gets a final norm too
        for p in self.transformer.parameters():  # nn.Transformer's own init, made explicit
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)
        nn.init.normal_(self.embedding.weight, std=c.d_model ** -0.5)  # as minimt (embedding × √D)

    def _embed(self, ids: Tensor, offset: int = 0) -> Tensor:  # (B,L) → (B,L,D)
        L = ids.size(1)
        x = self.embedding(ids) * math.sqrt(self.config.d_model) + self.positions[offset:offset + L]
        return F.dropout(x, self.config.dropout, self.training)

    def encode(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        # !!! True = IGNORE (padding) — the opposite of minimt's attention_mask / bool masks.
        src_key_padding_mask = ~attention_mask.bool()  # (B,S)
        return self.transformer.encoder(self._embed(input_ids), src_key_padding_mask=src_key_padding_mask)

    def decode(self, decoder_input_ids: Tensor, memory: Tensor, attention_mask: Tensor,
               decoder_attention_mask: Tensor | None = None) -> Tensor:
        T = decoder_input_ids.size(1)
        # !!! True = IGNORE: the causal mask hides the FUTURE, i.e. the upper triangle above
        # the diagonal (minimt's causal_mask is the lower triangle, True = may attend).
        tgt_mask = torch.ones(T, T, dtype=torch.bool, device=decoder_input_ids.device).triu(1)  # (T,T)
        tgt_key_padding_mask = None if decoder_attention_mask is None else ~decoder_attention_mask.bool()
        memory_key_padding_mask = ~attention_mask.bool()  # (B,S), True = source padding = ignore
        y = self.transformer.decoder(self._embed(decoder_input_ids), memory, tgt_mask=tgt_mask,
                                     tgt_key_padding_mask=tgt_key_padding_mask,
                                     memory_key_padding_mask=memory_key_padding_mask,
                                     tgt_is_causal=True)
        return F.linear(y, self.embedding.weight)  # (B,T,V): tied output projection

    def forward(self, input_ids, attention_mask, decoder_input_ids, decoder_attention_mask=None):
        memory = self.encode(input_ids, attention_mask)
        return self.decode(decoder_input_ids, memory, attention_mask, decoder_attention_mask)


@torch.no_grad()
def copy_from_minimt(theirs: TorchTransformer, ours) -> TorchTransformer:
    """Load a minimt `Transformer`'s weights into ``theirs`` (the layouts match one to one: an
    attention's fused in_proj is [W_q; W_k; W_v] in both). Proves "same model": equal logits."""
    def mha(dst, src):
        dst.in_proj_weight.copy_(src.in_proj.weight)
        dst.in_proj_bias.copy_(src.in_proj.bias)
        dst.out_proj.load_state_dict(src.out_proj.state_dict())

    theirs.embedding.load_state_dict(ours.embedding.state_dict())
    t = theirs.transformer
    for dst, src in zip(t.encoder.layers, ours.encoder_layers):
        mha(dst.self_attn, src.self_attn)
        dst.linear1.load_state_dict(src.ffn.up.state_dict())
        dst.linear2.load_state_dict(src.ffn.down.state_dict())
        dst.norm1.load_state_dict(src.norm1.state_dict())
        dst.norm2.load_state_dict(src.norm2.state_dict())
    for dst, src in zip(t.decoder.layers, ours.decoder_layers):
        mha(dst.self_attn, src.self_attn)
        mha(dst.multihead_attn, src.cross_attn)
        dst.linear1.load_state_dict(src.ffn.up.state_dict())
        dst.linear2.load_state_dict(src.ffn.down.state_dict())
        for k in (1, 2, 3):
            getattr(dst, f"norm{k}").load_state_dict(getattr(src, f"norm{k}").state_dict())
    t.encoder.norm.load_state_dict(ours.encoder_norm.state_dict())
    t.decoder.norm.load_state_dict(ours.decoder_norm.state_dict())
    return theirs


@torch.no_grad()
def greedy_decode_baseline(model: TorchTransformer, input_ids: Tensor, attention_mask: Tensor, *,
                           bos_id: int, eos_id: int, max_len: int) -> list[list[int]]:
    """Greedy decoding the way nn.Transformer users write it: no KV cache, the whole prefix is
    run through the decoder again for every new token. Returns ids without BOS/EOS per row."""
    model.eval()
    B = input_ids.size(0)
    memory = model.encode(input_ids, attention_mask)
    ys = torch.full((B, 1), bos_id, dtype=torch.long, device=input_ids.device)
    done = torch.zeros(B, dtype=torch.bool, device=input_ids.device)
    for _ in range(max_len):
        nxt = model.decode(ys, memory, attention_mask)[:, -1].argmax(-1)  # (B,)
        nxt = torch.where(done, torch.full_like(nxt, eos_id), nxt)
        ys = torch.cat([ys, nxt[:, None]], dim=1)
        done |= nxt == eos_id
        if done.all():
            break
    out = []
    for row in ys[:, 1:].tolist():
        out.append(row[:row.index(eos_id)] if eos_id in row else row)
    return out
