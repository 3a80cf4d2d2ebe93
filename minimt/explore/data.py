"""Everything the explorer page shows, computed by minimt itself, as plain JSON-able Python.

``explorer_data(model, tokenizer, pairs)`` runs the same code training runs — ``make_batch``,
the masks of ``minimt.attention``, ``Transformer.forward(return_attention=True)``, the loss —
and turns each tensor into a *grid*: rows of cells, each cell

    {"v": value as text, "p": piece under it, "k": kind (CSS class), "tip": why, "l": link keys}

so the page only draws what Python computed (tests/test_explore.py compares every value back
to the tensors). Link keys tie cells of one token together: ``b0s3`` = row 0, source position 3;
``b0t2`` = row 0, target position 2; ``b0c2`` = labels[2] and its shifted copy decoder_input_ids[3].
"""
from __future__ import annotations

import torch

from minimt.attention import decoder_self_mask, padding_mask
from minimt.batch import IGNORE_INDEX, make_batch
from minimt.decode import greedy_decode
from minimt.errors import MinimtError
from minimt.loss import cross_entropy_loss, per_token_loss

from . import reasons as R

STAGES = [  # (section id, title, one line on why) — in the lessons' order
    ("pieces", "1. pieces and ids", "SentencePiece cuts each sentence into pieces; each piece is a row of the vocabulary"),
    ("input_ids", "2. input_ids and attention_mask", "encoder input = source + EOS, padded on the right; the mask says 1 = real, 0 = padding"),
    ("labels", "3. labels", "what the decoder must predict = target + EOS, padded with -100 so the loss skips it"),
    ("decoder_input_ids", "4. decoder_input_ids: the shift right", "what the decoder reads = BOS + labels[:-1], -100 → PAD"),
    ("masks", "5. the boolean masks, broadcast (True = may attend)", "rows are queries, columns keys, for the chosen row"),
    ("attention", "6. attention weights", "each row sums to 1 over the keys its mask allows"),
    ("loss", "7. per-token loss", "cross-entropy at every position; -100 positions are skipped"),
    ("greedy", "8. greedy translation, step by step", "start from BOS, pick the most likely piece, append, repeat until EOS"),
]


def cell(v, tip: str, kind: str, piece: str = "", link: str = "", shown: str | None = None) -> dict:
    c = {"v": str(v), "k": kind, "tip": tip}
    if piece:
        c["p"] = piece
    if link:
        c["l"] = link
    if shown is not None:
        c["d"] = shown  # what the cell displays when it is not the value itself (✓ / ✗)
    return c


def _kind(i: int, tok) -> str:
    return {tok.pad_id: "pad", tok.bos_id: "special", tok.eos_id: "special", IGNORE_INDEX: "ignore"}.get(i, "token")


def _piece(tok, i: int) -> str:
    return "" if i == IGNORE_INDEX else tok.id_to_piece(i)


def batch_grids(batch, tok, max_length) -> dict:
    """The (B, S) and (B, T) tensors, every row (padding only makes sense next to the longest row)."""
    B, S = batch.input_ids.shape
    T = batch.labels.shape[1]
    ids, am = batch.input_ids.tolist(), batch.attention_mask.tolist()
    lab, dec, dam = batch.labels.tolist(), batch.decoder_input_ids.tolist(), batch.decoder_attention_mask.tolist()
    n_src = [sum(r) for r in am]
    # "shorter than the longest" is only true when some row is full; otherwise --max-length padded it
    to_max = max_length is not None and max(n_src) < S
    grids = {"input_ids": [], "attention_mask": [], "labels": [], "decoder_input_ids": [], "decoder_attention_mask": []}
    for b in range(B):
        grids["input_ids"].append([cell(i, R.input_id_reason(i, _piece(tok, i), s, eos_id=tok.eos_id, pad_id=tok.pad_id,
                                                             n_real=n_src[b], padded_to_max_length=to_max),
                                        _kind(i, tok), _piece(tok, i), f"b{b}s{s}") for s, i in enumerate(ids[b])])
        grids["attention_mask"].append([cell(m, R.attention_mask_reason(m, s, _piece(tok, ids[b][s])),
                                             "real" if m else "masked", link=f"b{b}s{s}") for s, m in enumerate(am[b])])
        grids["labels"].append([cell(i, R.label_reason(i, _piece(tok, i), t, eos_id=tok.eos_id,
                                                       read_piece=None if i == IGNORE_INDEX else _piece(tok, dec[b][t])),
                                     _kind(i, tok), _piece(tok, i), f"b{b}t{t} b{b}c{t}") for t, i in enumerate(lab[b])])
        grids["decoder_input_ids"].append([
            cell(i, R.decoder_input_reason(i, _piece(tok, i), t, bos_id=tok.bos_id, pad_id=tok.pad_id, eos_id=tok.eos_id,
                                           label_before=lab[b][t - 1] if t else None),
                 _kind(i, tok), _piece(tok, i), f"b{b}t{t}" + (f" b{b}c{t - 1}" if t else "")) for t, i in enumerate(dec[b])])
        grids["decoder_attention_mask"].append([cell(m, R.decoder_attention_mask_reason(m, t), "real" if m else "masked",
                                                     link=f"b{b}t{t}") for t, m in enumerate(dam[b])])
    return grids


def mask_grids(batch, b: int) -> dict:
    """Row b's three boolean masks, broadcast to (queries, keys): what attention really applies."""
    S, T = batch.input_ids.shape[1], batch.labels.shape[1]
    enc = padding_mask(batch.attention_mask)[b, 0].expand(S, S).tolist()            # (1,S) → (S,S)
    dec = decoder_self_mask(batch.decoder_attention_mask)[b, 0].tolist()             # (T,T)
    cross = padding_mask(batch.attention_mask)[b, 0].expand(T, S).tolist()           # (1,S) → (T,S)
    src_real, tgt_real = batch.attention_mask[b].bool().tolist(), batch.decoder_attention_mask[b].bool().tolist()

    def c(ok, tip, link):
        return cell(ok, tip, "allowed" if ok else "blocked", link=link, shown="✓" if ok else "✗")
    return {
        "encoder": [[c(enc[q][k], R.encoder_mask_reason(enc[q][k], q, k, key_real=src_real[k], query_real=src_real[q]),
                       f"b{b}s{q}") for k in range(S)] for q in range(S)],
        "decoder_self": [[c(dec[q][k], R.decoder_mask_reason(dec[q][k], q, k, key_real=tgt_real[k]), f"b{b}t{q}")
                          for k in range(T)] for q in range(T)],
        "cross": [[c(cross[q][k], R.cross_mask_reason(cross[q][k], q, k), f"b{b}t{q}") for k in range(S)]
                  for q in range(T)],
    }


def loss_grid(losses, labels, tok, b: int) -> list[dict]:
    out = []
    for t, (x, i) in enumerate(zip(losses, labels)):
        real = i != IGNORE_INDEX
        out.append(cell(f"{x:.3f}" if real else "—", R.loss_reason(i, _piece(tok, i), t, x if real else None),
                        "loss" if real else "ignore", _piece(tok, i), f"b{b}t{t} b{b}c{t}"))
    return out


@torch.no_grad()
def greedy_steps(model, tok, src_ids: list[int]) -> dict:
    """Greedy decoding of one source, written out: each step re-reads the whole prefix.

    ``greedy_decode`` (with its KV cache) gives the reference ids; this loop only adds the
    probabilities the page shows, and must pick the same pieces (checked here and in tests)."""
    x = torch.tensor([src_ids])                                  # (1, S) real tokens + EOS, no padding
    am = torch.ones_like(x)
    ref = greedy_decode(model, x, am, bos_id=tok.bos_id, eos_id=tok.eos_id)[0]
    limit = min(model.config.max_positions, 2 * len(src_ids) + 10)  # greedy_decode's own limit per row
    memory = model.encode(x, am)                                 # (1, S, D)
    tokens, steps = [tok.bos_id], []
    while True:
        probs = model.decode(torch.tensor([tokens]), memory, am)[0, -1].float().softmax(-1)   # (V,)
        top_p, top_i = probs.topk(4)
        chosen = int(top_i[0])
        read = [tok.id_to_piece(i) for i in tokens]
        runners = [(tok.id_to_piece(int(i)), float(p)) for p, i in zip(top_p[1:], top_i[1:])]
        steps.append(cell(chosen, R.greedy_step_reason(len(steps) + 1, read, tok.id_to_piece(chosen), chosen,
                                                      float(top_p[0]), runners, eos_id=tok.eos_id),
                          _kind(chosen, tok), tok.id_to_piece(chosen)) | {"prob": round(float(top_p[0]), 4)})
        if chosen == tok.eos_id or len(steps) == limit:
            break
        tokens.append(chosen)
    ours = [int(s["v"]) for s in steps if int(s["v"]) != tok.eos_id]
    if ours != ref:
        raise RuntimeError(f"step-by-step greedy {ours} differs from greedy_decode {ref}")
    return {"steps": steps, "ids": ref, "text": tok.decode(ref)}


def _rounded(w: torch.Tensor) -> list:
    return [[[[round(x, 3) for x in q] for q in h] for h in layer] for layer in w.tolist()]


@torch.no_grad()
def explorer_data(model, tok, pairs, *, max_length=None, model_note: str = "", greedy: bool = True) -> dict:
    """All the page's numbers for ``pairs`` (list of (English, French)), through ``model`` in eval mode."""
    src = [tok.encode(en) for en, _ in pairs]
    tgt = [tok.encode(fr) for _, fr in pairs]
    for k, (s, t) in enumerate(zip(src, tgt)):
        if not s or not t:
            raise MinimtError(f"row {k}: the {'English' if not s else 'French'} text has no pieces")
        longest = max(len(s), len(t)) + 1  # + EOS
        if max_length is not None and longest > max_length:  # the explorer shows whole rows: no truncation
            raise MinimtError(f"row {k}: {longest} tokens with EOS ({pairs[k][0]!r} → {pairs[k][1]!r}), "
                              f"more than --max-length {max_length}")
    batch = make_batch(src, tgt, pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id,
                       max_length=max_length, vocab_size=tok.vocab_size)
    model.eval()
    logits, attn = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids,
                         batch.decoder_attention_mask, return_attention=True)   # (B,T,V), {kind: [(B,H,Q,K)]}
    losses = per_token_loss(logits, batch.labels).tolist()                    # (B,T), 0 where -100
    B, S = batch.input_ids.shape
    T = batch.labels.shape[1]
    rows = []
    for b in range(B):
        n = int(batch.attention_mask[b].sum())
        row_labels = batch.labels[b:b + 1]
        rows.append({
            "pieces": {"English": [cell(i, R.piece_reason(i, tok.id_to_piece(i), j, "English"), "token", tok.id_to_piece(i))
                                   for j, i in enumerate(src[b])],
                       "French": [cell(i, R.piece_reason(i, tok.id_to_piece(i), j, "French"), "token", tok.id_to_piece(i))
                                  for j, i in enumerate(tgt[b])]},
            "masks": mask_grids(batch, b),
            "attention": {kind: _rounded(torch.stack([w[b] for w in attn[kind]])) for kind in attn},  # (L,H,Q,K)
            "loss": loss_grid(losses[b], batch.labels[b].tolist(), tok, b),
            "loss_mean": round(float(cross_entropy_loss(logits[b:b + 1], row_labels)), 4),
            "greedy": greedy_steps(model, tok, batch.input_ids[b, :n].tolist()) if greedy else None,
        })
    c = model.config
    return {
        "pairs": [list(p) for p in pairs], "B": B, "S": S, "T": T, "max_length": max_length,
        "model_note": model_note, "config": c.to_dict(),
        "special": {"pad": tok.pad_id, "unk": tok.unk_id, "bos": tok.bos_id, "eos": tok.eos_id},
        "stages": [{"id": i, "title": t, "why": w} for i, t, w in STAGES],
        "batch": batch_grids(batch, tok, max_length),
        "rows": rows,
        "batch_loss": round(float(cross_entropy_loss(logits, batch.labels)), 4),
        "weight_tip": R.WEIGHT_TIP,
    }
