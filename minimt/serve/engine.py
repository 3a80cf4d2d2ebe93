"""Translate with an exported model in CTranslate2, giving what ``minimt translate`` gives (lesson 10).

    translate_with_ctranslate2("serve/minimt-ct2", ["How are you?"], beam=4)  # → ["Comment ça va ?"]

Three details make the engine's output the same as minimt's decoders (minimt/decode.py, beam.py):

* **Length limits.** minimt gives each sentence its own limit, ``min(P, 2·len + 10)`` generated
  tokens with EOS (``decode.default_max_len``); CTranslate2 takes one ``max_decoding_length``
  per call. So each call gets sentences with the same limit: we sort by length anyway (less
  padding), and cut a batch where the limit changes.
* **The length penalty.** minimt ranks finished hypotheses by GNMT's
  ``log p / ((5 + |y|) / 6) ** alpha``; CTranslate2's ``length_penalty`` divides by
  ``|y| ** alpha`` instead. Both apply the penalty only to *finished* hypotheses (the beam itself
  moves on raw log-probabilities), so we ask the engine for raw scores (``length_penalty=0``) of
  all ``beam`` finished hypotheses and rank them with minimt's own formula.
* **Pieces, not ids.** The engine's vocabulary is our piece list (piece i = id i), so ids go in
  as pieces and come back as pieces; EOS is added by the engine (``add_source_eos``).
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from ..decode import check_decoding_args
from ..errors import MinimtError
from .export import MINIMT_FILE, TOKENIZER_FILE, is_ctranslate2_dir


def length_penalty(length: int, alpha: float) -> float:  # the same formula as minimt/beam.py
    return ((5.0 + length) / 6.0) ** alpha


def default_threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@lru_cache(maxsize=4)
def load_engine(model_dir: str, device: str = "cpu", threads: int = 1, compute_type: str = "default"):
    """(ctranslate2.Translator, Tokenizer, max_positions) for an exported folder; cached per settings."""
    import ctranslate2
    from ..tokenizer import Tokenizer
    path = Path(model_dir)
    if not is_ctranslate2_dir(path):
        raise MinimtError(f"{path}: not a CTranslate2 folder exported by minimt "
                          f"(make one with: minimt export --checkpoint DIR --to ctranslate2 --out {path})")
    info = json.loads((path / MINIMT_FILE).read_text(encoding="utf-8"))
    translator = ctranslate2.Translator(str(path), device=device, compute_type=compute_type,
                                        inter_threads=1, intra_threads=threads)
    return translator, Tokenizer(path / TOKENIZER_FILE), int(info["max_positions"])


def _limit(n_src: int, max_len: int | None, max_positions: int) -> int:
    """Generated tokens allowed, EOS included: decode.row_max_lens for one row (n_src counts EOS)."""
    return max_len if max_len is not None else min(max_positions, 2 * n_src + 10)


def translate_ids(translator, tok, sources: list[list[int]], *, beam: int = 1, n_best: int = 1,
                  alpha: float = 0.6, max_len: int | None = None, max_positions: int = 256,
                  batch_size: int = 64) -> list[list[tuple[list[int], float]]]:
    """Per source id list (without EOS), the ``n_best`` best (ids, score), best first.

    Greedy's score is the raw log-probability; beam's is minimt's length-normalised one."""
    pieces = [[tok.id_to_piece(i) for i in ids] for ids in sources]
    limits = [_limit(len(ids) + 1, max_len, max_positions) for ids in sources]
    order = sorted(range(len(sources)), key=lambda i: (limits[i], len(sources[i])))
    results: list[list[tuple[list[int], float]]] = [[] for _ in sources]
    start = 0
    while start < len(order):  # one call per run of equal limits, at most batch_size sentences
        end = start + 1
        while end < len(order) and end - start < batch_size and limits[order[end]] == limits[order[start]]:
            end += 1
        chunk, limit = order[start:end], limits[order[start]]
        outs = translator.translate_batch(
            [pieces[i] for i in chunk], beam_size=beam, num_hypotheses=beam, length_penalty=0.0,
            max_decoding_length=limit, min_decoding_length=0,  # minimt may say EOS first ("")
            max_input_length=0, return_end_token=True, return_scores=True)  # we check lengths ourselves
        for i, out in zip(chunk, outs):
            hyps = []
            for h, raw in zip(out.hypotheses, out.scores):
                ids = [tok.sp.piece_to_id(p) for p in h]  # EOS included when it finished
                score = raw if beam == 1 else raw / length_penalty(len(ids), alpha)
                hyps.append((ids[:-1] if ids and ids[-1] == tok.eos_id else ids, score))
            hyps.sort(key=lambda h: h[1], reverse=True)  # stable, like beam.py's sort
            results[i] = hyps[:n_best]
        start = end
    return results


def translate_with_ctranslate2(model_dir, sentences: list[str], beam: int = 1, n_best: int = 1,
                               max_len: int | None = None, device: str = "cpu", threads: int | None = None,
                               alpha: float = 0.6, compute_type: str = "default",
                               batch_size: int = 64) -> list[str]:
    """One output string per input line, as ``minimt translate`` prints them.

    An empty line gives ""; with ``n_best > 1`` a line's output is ``n_best`` lines
    ``translation<TAB>score`` joined by newlines (score = length-normalised log-probability)."""
    check_decoding_args(beam_size=beam, n_best=n_best, alpha=alpha, max_len=max_len, batch_size=batch_size)
    translator, tok, max_positions = load_engine(str(model_dir), device, threads or default_threads(),
                                                 compute_type)
    if max_len is not None and max_len > max_positions:  # decode.check_decoding_args's rule, for this model
        raise MinimtError(f"--max-len {max_len}: larger than the model's max_positions={max_positions}")
    texts = [s.strip() for s in sentences]
    todo = [i for i, t in enumerate(texts) if t]
    sources = [tok.encode(texts[i]) for i in todo]
    for i, ids in zip(todo, sources):
        if len(ids) + 1 > max_positions:
            raise MinimtError(f"sentence {i + 1}: {len(ids) + 1} pieces with EOS, more than the "
                              f"model's {max_positions} positions; split it")
    out = [""] * len(texts)
    rows = translate_ids(translator, tok, sources, beam=beam, n_best=n_best, alpha=alpha,
                         max_len=max_len, max_positions=max_positions, batch_size=batch_size)
    for i, hyps in zip(todo, rows):
        if n_best == 1:
            out[i] = tok.decode(hyps[0][0])
        else:
            out[i] = "\n".join(f"{tok.decode(ids)}\t{score:.4f}" for ids, score in hyps)
    return out
