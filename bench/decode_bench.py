"""Greedy decoding sentences/s with and without minimt's KV cache (same outputs, asserted)."""
from __future__ import annotations

import time

import torch


def source_batches(corpus, n: int, batch_size: int):
    """The first n test sources (+EOS), sorted by length, padded into (B,S) batches."""
    tok = corpus.tokenizer
    rows = sorted((s + [tok.eos_id] for s, _ in corpus.ids[:n]), key=len)
    out = []
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        S = max(map(len, chunk))
        ids = torch.full((len(chunk), S), tok.pad_id, dtype=torch.long)
        mask = torch.zeros(len(chunk), S, dtype=torch.long)
        for r, row in enumerate(chunk):
            ids[r, :len(row)], mask[r, :len(row)] = torch.tensor(row), 1
        out.append((ids, mask))
    return out


def decode_speed(model, corpus, *, n: int = 200, batch_size: int = 50, log=print) -> dict:
    """Alternates cached / uncached decoding batch by batch; fp32 (no autocast)."""
    from minimt.decode import greedy_decode
    tok = corpus.tokenizer
    batches = source_batches(corpus, n, batch_size)
    names = ["cache", "no cache"]
    seconds = dict.fromkeys(names, 0.0)
    outputs = {k: [] for k in names}
    model.eval()
    for k, (ids, mask) in enumerate(batches):
        order = names[k % len(names):] + names[:k % len(names)]
        for name in order:
            t0 = time.perf_counter()
            out = greedy_decode(model, ids, mask, bos_id=tok.bos_id, eos_id=tok.eos_id,
                                use_cache=name == "cache")
            seconds[name] += time.perf_counter() - t0
            outputs[name].extend(out)
    same = sum(a == b for a, b in zip(outputs["cache"], outputs["no cache"]))
    result = {"sentences": len(outputs["cache"]), "batch_size": batch_size,
              "mean_output_tokens": sum(map(len, outputs["cache"])) / len(outputs["cache"]),
              "identical_outputs": same,
              "sent_per_s": {k: len(outputs[k]) / s for k, s in seconds.items()}}
    result["cache_speedup"] = result["sent_per_s"]["cache"] / result["sent_per_s"]["no cache"]
    log(f"  decode: {result['sent_per_s']}; identical outputs {same}/{len(outputs['cache'])}")
    assert same == len(outputs["cache"]), (
        f"greedy_decode with and without the KV cache disagree on {len(outputs['cache']) - same} sentence(s)")
    return result
