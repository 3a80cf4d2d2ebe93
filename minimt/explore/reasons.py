"""Why each cell holds its value, in words: the one source of these sentences.

The explorer shows them on hover and keyboard focus; lessons and exercises can print the
same ones (``from minimt.explore.reasons import label_reason``), so a learner reads one
explanation of "-100" everywhere. Each function takes plain ints and strings — no tensors —
and returns one sentence. Positions are 0-based, as in the tensors.
"""
from __future__ import annotations

IGNORE_INDEX = -100  # = minimt.batch.IGNORE_INDEX (kept literal: this module imports nothing)

PAD_SHORTER = "this row is shorter than the longest in the batch"
LABEL_IGNORED = "padding, skipped by the loss"


def _piece(piece: str, i: int) -> str:
    return f"'{piece}' (id {i})"


def piece_reason(i: int, piece: str, pos: int, side: str) -> str:
    """Stage 1: a piece of the raw sentence and its id (no special tokens yet)."""
    space = "; ▁ marks a space before it (a new word)" if piece.startswith("▁") else "; it continues the word before"
    return f"{_piece(piece, i)}: piece {pos} of the {side} sentence, its row in the vocabulary{space}"


def pad_reason(pad_id: int, *, padded_to_max_length: bool) -> str:
    """A PAD cell of input_ids: why the row has padding at all."""
    why = ("every row is padded up to --max-length" if padded_to_max_length else PAD_SHORTER)
    return f"PAD (id {pad_id}): {why}"


def input_id_reason(i: int, piece: str, pos: int, *, eos_id: int, pad_id: int, n_real: int,
                    padded_to_max_length: bool) -> str:
    """input_ids[b, pos]: source piece, the EOS that closes it, or PAD."""
    if pos >= n_real:
        return pad_reason(pad_id, padded_to_max_length=padded_to_max_length)
    if i == eos_id:
        return f"EOS (id {i}): closes the source; the encoder input is source + EOS, no BOS"
    return f"{_piece(piece, i)}: source piece {pos}, looked up in the embedding table"


def attention_mask_reason(value: int, pos: int, piece: str) -> str:
    """attention_mask[b, pos] (1 = real, 0 = padding)."""
    if value:
        return f"1: position {pos} holds a real token ('{piece}'), so attention may look at it"
    return f"0: position {pos} is padding, so no query may attend to it"


def label_reason(i: int, piece: str, pos: int, *, eos_id: int, read_piece: str | None) -> str:
    """labels[b, pos]: the piece to predict, EOS, or -100."""
    if i == IGNORE_INDEX:
        return f"-100: {LABEL_IGNORED} (-100 is not an id: cross-entropy's ignore_index)"
    after = f", after reading decoder_input_ids[{pos}] = '{read_piece}'" if read_piece is not None else ""
    if i == eos_id:
        return f"EOS (id {i}): the decoder must say the sentence is over at position {pos}{after}"
    return f"{_piece(piece, i)}: what the decoder must predict at position {pos}{after}"


def decoder_input_reason(i: int, piece: str, pos: int, *, bos_id: int, pad_id: int, eos_id: int,
                         label_before: int | None) -> str:
    """decoder_input_ids[b, pos] = [BOS] + labels[:-1], -100 → PAD; ``label_before`` = labels[b, pos-1]."""
    if pos == 0:
        return f"BOS (id {bos_id}): every decoder input starts with BOS; no label is shifted into position 0"
    if label_before == IGNORE_INDEX:
        return (f"PAD (id {pad_id}): labels[{pos - 1}] is -100, turned back into PAD "
                "(-100 is not an id the embedding could look up)")
    if i == eos_id:
        return (f"EOS (id {i}): labels[{pos - 1}] shifted one place right; labels[{pos}] is -100, "
                "so this position is padding for the decoder and the loss")
    return f"{_piece(piece, i)}: labels[{pos - 1}] shifted one place right (teacher forcing)"


def decoder_attention_mask_reason(value: int, pos: int) -> str:
    if value:
        return f"1: labels[{pos}] is real, so decoder position {pos} is a real token"
    return f"0: labels[{pos}] is -100, so decoder position {pos} is padding"


def encoder_mask_reason(allowed: bool, q: int, k: int, *, key_real: bool, query_real: bool) -> str:
    """padding_mask broadcast to (S, S): may source query q attend to source key k?"""
    if not allowed:
        return f"False: key {k} is padding"
    tail = "" if query_real else f"; query {q} is padding itself, its output is never used"
    return f"True: key {k} is a real token{tail}"


def decoder_mask_reason(allowed: bool, q: int, k: int, *, key_real: bool) -> str:
    """decoder_self_mask (causal ∧ padding): may target query q attend to target key k?"""
    if allowed:
        return f"True: key {k} is at or before query {q} and is a real token"
    if k > q and not key_real:
        return f"False: key {k} is after query {q} (causal) and is padding"
    if k > q:
        return f"False: key {k} is after query {q} (causal)"
    return f"False: key {k} is padding"


def cross_mask_reason(allowed: bool, q: int, k: int) -> str:
    """Cross-attention mask: may target query q attend to source key k? (padding only, no causality)"""
    if allowed:
        return f"True: source key {k} is a real token; every target position may read every real source token"
    return f"False: source key {k} is padding"


def loss_reason(label: int, piece: str, pos: int, loss: float | None) -> str:
    """Per-token cross-entropy at position pos (None where the label is -100)."""
    if label == IGNORE_INDEX or loss is None:
        return f"ignored: labels[{pos}] is -100 ({LABEL_IGNORED}, not counted in the mean)"
    return (f"{loss:.3f} = -log p('{piece}'): the model gave the right piece probability "
            f"{_exp_neg(loss):.3f} at position {pos}")


def greedy_step_reason(step: int, read: list[str], chosen: str, chosen_id: int, p: float,
                       runners_up: list[tuple[str, float]], *, eos_id: int) -> str:
    """One step of greedy decoding: what was read, what was picked, what came next."""
    alts = ", ".join(f"'{s}' {q:.3f}" for s, q in runners_up)
    end = " — EOS: decoding stops" if chosen_id == eos_id else ""
    return (f"step {step}: read {' '.join(read)}; picked the most likely piece '{chosen}' "
            f"(p = {p:.3f}){end}; next best {alts}")


def _exp_neg(x: float) -> float:
    import math
    return math.exp(-x)


# Words the page fills in itself (numbers known only in the browser): {layer} {head} {q} {qp} {k} {kp} {w} {mask}
WEIGHT_TIP = "layer {layer}, head {head}: query {q} '{qp}' → key {k} '{kp}': weight {w}. Mask: {mask}"
