"""minimt's weights → a CTranslate2 ``TransformerSpec``, one named tensor at a time (lesson 10).

CTranslate2 (OpenNMT's inference engine) runs this exact architecture. We describe our model
with its own specification classes (``ctranslate2.specs``) and hand every minimt tensor to the
slot that computes the same thing; CTranslate2 then validates the spec, quantises it and writes
``model.bin``. Nothing in the maths changes — each line below says which minimt code it mirrors.

    minimt (minimt/model.py)                    CTranslate2 spec
    embedding.weight (V,D)                      encoder.embeddings[0], decoder.embeddings,
                                                decoder.projection  (one table: tied, aliased on save)
    × √D  in Transformer._embed                 scale_embeddings = True
    positions = sinusoidal_positions(P, D)      encoder/decoder.position_encodings.encodings
    norm1 → attention → + residual (pre-norm)   pre_norm=True, self_attention.layer_norm
    in_proj [W_q; W_k; W_v] (3D,D)              self-attention linear[0] (fused qkv, same order)
    cross in_proj: W_q | [W_k; W_v]             attention.linear[0] | attention.linear[1]
    out_proj                                    linear[-1]
    FeedForward up/down, ReLU                   ffn.linear_0 / ffn.linear_1, Activation.RELU
    encoder_norm / decoder_norm                 encoder.layer_norm / decoder.layer_norm
    nn.LayerNorm eps 1e-5                       config layer_norm_epsilon = 1e-5
    source = ids + [EOS]  (decode.translate)    config add_source_eos = True
    decoder starts from [BOS]  (greedy_decode)  config decoder_start_token = "<s>"
"""
from __future__ import annotations

import torch

from ..errors import MinimtError
from ..model import sinusoidal_positions

LAYER_NORM_EPS = 1e-5  # torch.nn.LayerNorm's default, which every minimt norm uses
# The ModelConfig fields this mapping knows. A field added later (learned positions, untied
# output, another activation…) is a feature nobody has mapped yet: refuse rather than guess.
MAPPED_FIELDS = {"vocab_size", "d_model", "n_heads", "n_encoder_layers", "n_decoder_layers", "d_ff",
                 "dropout", "max_positions", "pad_id"}


class _Weights:
    """The checkpoint's state dict; ``take(name)`` hands a tensor out once, as float32 numpy.

    At the end, ``leftover()`` lists what no spec slot took: a tensor we do not know how to map
    is a feature the engine would silently drop, so export refuses instead."""

    def __init__(self, state: dict):
        self.state, self.used = state, set()

    def take(self, name: str):
        if name not in self.state:
            raise MinimtError(f"checkpoint has no tensor {name!r}: not the model shape CTranslate2's "
                              "TransformerSpec expresses")
        self.used.add(name)
        return self.state[name].detach().to(torch.float32).cpu().numpy()

    def leftover(self) -> list[str]:
        return sorted(set(self.state) - self.used)


def _norm(spec, w: _Weights, prefix: str) -> None:
    spec.gamma, spec.beta = w.take(f"{prefix}.weight"), w.take(f"{prefix}.bias")


def _linear(spec, w: _Weights, prefix: str) -> None:
    spec.weight, spec.bias = w.take(f"{prefix}.weight"), w.take(f"{prefix}.bias")  # (out,in), like nn.Linear


def _self_attention(spec, w: _Weights, prefix: str) -> None:
    # MultiHeadAttention keeps [W_q; W_k; W_v] in one (3D, D) matrix; CTranslate2's self-attention
    # takes the same fused matrix in the same order (minimt/attention.py, _project).
    spec.linear[0].weight, spec.linear[0].bias = w.take(f"{prefix}.in_proj.weight"), w.take(f"{prefix}.in_proj.bias")
    _linear(spec.linear[-1], w, f"{prefix}.out_proj")


def _cross_attention(spec, w: _Weights, prefix: str, d: int) -> None:
    # Cross-attention: queries from the decoder, keys/values from the memory — CTranslate2 keeps
    # W_q apart (linear[0]) and W_k, W_v fused (linear[1]); we cut our (3D, D) matrix at D.
    W, b = w.take(f"{prefix}.in_proj.weight"), w.take(f"{prefix}.in_proj.bias")
    spec.linear[0].weight, spec.linear[0].bias = W[:d], b[:d]
    spec.linear[1].weight, spec.linear[1].bias = W[d:], b[d:]
    _linear(spec.linear[-1], w, f"{prefix}.out_proj")


def _ffn(spec, w: _Weights, prefix: str, norm: str) -> None:
    _norm(spec.layer_norm, w, norm)              # pre-norm: the FFN's LayerNorm comes first
    _linear(spec.linear_0, w, f"{prefix}.up")    # FeedForward: down(relu(up(x)))
    _linear(spec.linear_1, w, f"{prefix}.down")


def build_spec(config, state: dict, pieces: list[str]):
    """A validated-later ``ctranslate2.specs.TransformerSpec`` holding minimt's weights.

    ``config`` is the ModelConfig, ``state`` the model's state dict, ``pieces`` the vocabulary
    (piece i = id i), registered on both sides: the tokenizer is joint (minimt/tokenizer.py)."""
    from ctranslate2.specs import common_spec, transformer_spec

    unknown = sorted(set(config.to_dict()) - MAPPED_FIELDS)
    if unknown:
        raise MinimtError(f"model config has {', '.join(unknown)}: a feature this CTranslate2 export "
                          "does not map (minimt/serve/spec.py)")
    if config.pad_id != 0:  # the engine pads internally; our vocabulary must keep minimt's fixed ids
        raise MinimtError(f"model config pad_id={config.pad_id}: the export needs minimt's pad id 0")
    spec = transformer_spec.TransformerSpec.from_config(
        (config.n_encoder_layers, config.n_decoder_layers), config.n_heads,
        pre_norm=True,                                  # EncoderLayer/DecoderLayer: norm before each sub-layer
        activation=common_spec.Activation.RELU)         # FeedForward: F.relu
    w, d = _Weights(state), config.d_model
    table = w.take("embedding.weight")                  # (V,D)
    # minimt's own sine/cosine table (interleaved sin, cos columns), set as given: CTranslate2's
    # built-in sinusoid puts all sines first, then all cosines — a different (equally valid)
    # layout these weights were not trained with. P = max_positions rows → the engine's length limit.
    positions = sinusoidal_positions(config.max_positions, d).numpy()
    for side in (spec.encoder, spec.decoder):
        side.scale_embeddings = True                    # Transformer._embed: embedding(ids) * √D
        side.position_encodings.encodings = positions   # … + self.positions[offset:L]
    spec.encoder.embeddings[0].weight = table
    spec.decoder.embeddings.weight = table
    spec.decoder.projection.weight = table              # decode(): F.linear(norm(y), embedding.weight)
    # (no projection bias: the tied projection has none; CTranslate2 stores the table once)

    for i, layer in enumerate(spec.encoder.layer):
        p = f"encoder_layers.{i}"
        _norm(layer.self_attention.layer_norm, w, f"{p}.norm1")
        _self_attention(layer.self_attention, w, f"{p}.self_attn")
        _ffn(layer.ffn, w, f"{p}.ffn", f"{p}.norm2")
    _norm(spec.encoder.layer_norm, w, "encoder_norm")   # Transformer.encode: memory = encoder_norm(x)
    for i, layer in enumerate(spec.decoder.layer):
        p = f"decoder_layers.{i}"
        _norm(layer.self_attention.layer_norm, w, f"{p}.norm1")
        _self_attention(layer.self_attention, w, f"{p}.self_attn")
        _norm(layer.attention.layer_norm, w, f"{p}.norm2")  # normalises the queries; memory is already normed
        _cross_attention(layer.attention, w, f"{p}.cross_attn", d)
        _ffn(layer.ffn, w, f"{p}.ffn", f"{p}.norm3")
    _norm(spec.decoder.layer_norm, w, "decoder_norm")

    left = w.leftover()
    if left:
        raise MinimtError(f"checkpoint has tensors CTranslate2's TransformerSpec cannot express: "
                          f"{', '.join(left[:4])}{' …' if len(left) > 4 else ''}")
    if table.shape[0] != len(pieces):
        raise MinimtError(f"embedding has {table.shape[0]} rows but the tokenizer {len(pieces)} pieces")

    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.config.unk_token, spec.config.bos_token, spec.config.eos_token = pieces[1], pieces[2], pieces[3]
    spec.config.add_source_eos = True                   # decode.translate: tokenizer.encode(text) + [EOS]
    spec.config.add_source_bos = False                  # … and no BOS on the source (docs/design.md)
    spec.config.decoder_start_token = pieces[2]         # greedy_decode/beam_search start from [BOS]
    spec.config.layer_norm_epsilon = LAYER_NORM_EPS
    return spec
