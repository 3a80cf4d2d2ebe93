"""docs/benchmarks.md from one bench.py run's results (every number below comes from that run)."""
from __future__ import annotations

from pathlib import Path

TARGETS = """Targets (issue 6): fp32 tokens/s with explicit masks >= 1.0x the nn.Transformer model's;
best mode >= 2.0x it in the same run; padding <= 5% of training tokens; test BLEU after 10
minutes on 2 cores >= 28 (and >= 5 above the baseline), after 30 minutes >= 40."""


def _table(rows: list[dict], cols: list[tuple[str, str]]) -> str:
    head = "| " + " | ".join(t for _, t in cols) + " |\n|" + "|".join(" --- " for _ in cols) + "|\n"
    def cell(v):
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 1 else f"{v:,.2f}"
        if isinstance(v, int):
            return f"{v:,}"
        return "" if v is None else str(v)
    return head + "".join("| " + " | ".join(cell(r.get(k)) for k, _ in cols) + " |\n" for r in rows)


def render(results: dict) -> str:
    m = results["machine"]
    note = f"\n\nNote on this run: {results['note']}" if results.get("note") else ""
    out = [f"""# Benchmarks

Written by `bench/bench.py --write-docs` — do not edit by hand; re-run the command instead.

- **Command:** `{results['command']}` ({results['date']})
- **Machine:** {m['cpu']} ({m['flags'] or 'no AVX-512/AMX flags found'}); {m['logical_cpus']} logical CPUs,
  **{m['threads']} torch threads used**; torch {m['torch']}, Python {m['python']}
- **malloc:** {m.get('malloc', 'glibc defaults')}
- **Data:** Tatoeba EN→FR `train.tsv` (joint 8k SentencePiece BPE tokenizer trained on it),
  batches from `minimt.batch.bucket_batches` with a 4,096-token budget, as `minimt train` makes them.

Caveat: timings on a CPU shared with other jobs are noisy. Every comparison below is made
*within one run*, with the variants taking turns batch block by batch block on the same
batches, so the ratios are fairer than the absolute numbers. Re-run on a quiet machine for
figures to quote.{note}

{TARGETS}

## Padding: length bucketing vs random batches (same 4,096-token budget, all training pairs)

"""]
    pad = [{"name": k, **v, "padding": f"{100 * v['padding']:.1f}%",
            "target_padding": f"{100 * v['target_padding']:.1f}%", "pairs_per_batch": f"{v['pairs_per_batch']:.1f}"}
           for k, v in results["padding"].items()]
    out.append(_table(pad, [("name", "batching"), ("padding", "padding (src+tgt)"),
                            ("target_padding", "padding (target)"), ("batches", "batches"),
                            ("pairs_per_batch", "pairs/batch"), ("distinct_shapes", "distinct (B,S,T) shapes")]))
    out.append("""
## Training throughput: minimt vs nn.Transformer (same size, same batches, alternating)

d_model 256, 4 heads, 3+3 pre-norm layers, FFN 1024, tied 8k embeddings, dropout 0.1, AdamW,
label smoothing 0.1, loss on fp32 logits (except "best"). Same model checked in this run:
{n:,} parameters each, and with minimt's weights copied into the nn.Transformer model the
logits agree to {diff:.1e} (eval mode, real positions). "Target tokens" are real label
tokens (what `minimt train` reports); "all tokens" add the real source tokens. Warm-up steps
(and torch.compile's compilation) are not timed. One difference is deliberate and shows in
the profile below: minimt drops out (p=0.1) the embeddings and each residual branch only — fairseq's
transformer defaults (attention_dropout=0, activation_dropout=0) — while nn.Transformer's layers also
drop out the attention weights and the 1,024-wide FFN activations, 2-3 more random masks per layer.
minimt's dropout (minimt.model.dropout) is the same random process as F.dropout with a cheaper mask
on CPU: eight uniform bytes per 64-bit random draw instead of one `bernoulli_` draw per element,
applied by a multiply instead of `masked_fill` (p rounded to a multiple of 1/256: 0.1 → 0.1016).
"best" = SDPA + bf16 autocast + fused AdamW + the loss either fused by torch.compile (fp32, same value) or,
with --no-compile, taken on the bf16 logits and summed in fp32 — which is what `minimt train --bf16` does.

""".format(n=results["same_model"]["parameters"], diff=results["same_model"]["max_logit_diff"]))
    out.append(_table([{**r, "vs_baseline_same_precision": r["vs_baseline_same_precision"] and f"{r['vs_baseline_same_precision']:.2f}x",
                        "vs_baseline_bf16": r["vs_baseline_bf16"] and f"{r['vs_baseline_bf16']:.2f}x"}
                       for r in results["throughput"]],
                      [("name", "variant"), ("tgt_per_s", "target tokens/s"), ("total_per_s", "all tokens/s"),
                       ("vs_baseline_same_precision", "vs nn.Transformer, same precision"),
                       ("vs_baseline_bf16", "vs nn.Transformer bf16"), ("steps", "timed steps"),
                       ("warmup_s", "warm-up s"), ("last_loss", "loss (last 5)")]))
    for name, err in (results.get("failed") or {}).items():
        out.append(f"\n{name}: could not run here ({err}).\n")
    if results.get("experiments"):
        out.append("""
## Candidate speed-ups (minimt SDPA bf16, one change at a time, alternating)

""")
        out.append(_table([{**r, "vs_first": f"{r['vs_first']:.2f}x"} for r in results["experiments"]],
                          [("name", "variant"), ("tgt_per_s", "target tokens/s"), ("vs_first", "vs reference"),
                           ("steps", "timed steps")]))
    if results.get("profile"):
        out.append("""
## Where a bf16 training step's time goes (torch.profiler, self CPU time, real batches)

""")
        names = list(results["profile"])
        out.append("By phase (timed without the profiler):\n\n")
        phases = {}
        for n in names:
            for ph, frac in results["profile"][n]["phases"].items():
                phases.setdefault(ph, {})[n] = f"{100 * frac:.1f}%"
        out.append(_table([{"phase": ph, **v} for ph, v in phases.items()],
                          [("phase", "phase")] + [(n, n) for n in names]))
        out.append("\nBy kind of op (self CPU time under torch.profiler; the for-loop AdamW's ops count as "
                   "elementwise here — the phase table above has the optimizer's share):\n\n")
        groups = {}
        for n in names:
            for g, ms, pct in results["profile"][n]["groups"]:
                groups.setdefault(g, {})[n] = f"{pct:.1f}%"
        groups = {g: v for g, v in groups.items() if any(float(x[:-1]) >= 0.05 for x in v.values())}
        out.append(_table([{"group": g, **v} for g, v in groups.items()],
                          [("group", "kind of op")] + [(n, n) for n in names]))
        for n in names:
            out.append(f"\nTop ops, {n}: " + ", ".join(f"`{op}` {pct:.1f}%"
                                                    for op, _, pct, _ in results["profile"][n]["ops"][:8]) + "\n")
    d = results["decode"]
    sps = d["sent_per_s"]
    out.append(f"""
## Greedy decoding: KV cache vs none

{d['sentences']} of the {d.get('of', d['sentences'])} Tatoeba test sentences (spread evenly over test.tsv, which is sorted by
length), batches of {d['batch_size']} sorted by length, fp32, with {d['model']}
(mean output {d['mean_output_tokens']:.1f} tokens). Identical outputs with and without the cache:
{d['identical_outputs']}/{d['sentences']} (asserted). Without the cache, step t re-runs the decoder
(and its cross-attention keys/values of the source) on all t positions; with it, on one.

""")
    out.append(_table([{"name": k, "sps": round(v, 1)} for k, v in sps.items()],
                      [("name", "decoder"), ("sps", "sentences/s")]))
    out.append(f"\nKV cache speed-up: **{d['cache_speedup']:.2f}x**.\n")
    if d.get("bands"):
        out.append("\nBy output length (the same sentences, re-batched by how many tokens they produce):\n\n")
        out.append(_table([{"band": b["band"], "n": b["sentences"], "mean": f"{b['mean_output_tokens']:.1f}",
                            "x": f"{b['speedup']:.2f}x"} for b in d["bands"]],
                          [("band", "output tokens"), ("n", "sentences"), ("mean", "mean output"),
                           ("x", "cache speed-up")]))
        out.append("\nThe cache saves the most when many tokens are generated: step t costs t positions without it.\n")
    out.append("\n## Quality at a time budget (Tatoeba test.tsv, greedy)\n\n")
    if results.get("quality"):
        out.append("""Both trained on `train.tsv` with the same recipe (8k tokenizer, 4,096-token bucketed
batches, AdamW lr 1e-3, 200 warmup steps + inverse-sqrt, bf16 autocast, label smoothing 0.1,
clip 1.0), one after the other with the same thread count; no evaluation inside the budget.
BLEU/chrF by sacreBLEU through `minimt.evaluate` (all French lines of an English sentence as
references, NFKC-normalised both sides); "1 ref" scores each test line on its own.

""")
        rows = []
        for q in results["quality"]:
            for who in ("minimt", "baseline"):
                r = q[who]
                rows.append({"budget": f"{q['minutes']:g} min, {q['threads']} threads",
                             "model": "minimt train" if who == "minimt" else "nn.Transformer",
                             **{k: r.get(k) for k in ("steps", "tokens_per_s", "bleu", "chrf", "bleu_1ref", "chrf_1ref")}})
        out.append(_table(rows, [("budget", "budget"), ("model", "model"), ("steps", "steps"),
                                 ("tokens_per_s", "target tokens/s"), ("bleu", "BLEU"), ("chrf", "chrF"),
                                 ("bleu_1ref", "BLEU (1 ref)"), ("chrf_1ref", "chrF (1 ref)")]))
        out.append(f"\nsacreBLEU signature: `{results['quality'][0]['minimt']['signature']}`. Peak RSS of "
                   f"`minimt train`: {max(q['minimt'].get('peak_rss_mb') or 0 for q in results['quality']):,} MB "
                   "(target: under 4 GB).\n")
    else:
        out.append("Not run in this run (it takes 2 x M minutes per budget): "
                   "`python bench/bench.py --quality 10,30 --write-docs`.\n")
    return "".join(out)


HAND_MARKER = "<!-- runs by hand below: kept when bench.py rewrites this file -->"


def write_docs(results: dict, path: Path) -> Path:
    """Write the report; whatever follows HAND_MARKER in the old file (runs made with their own
    commands, e.g. 30-minute trainings) is kept at the end."""
    from minimt.files import atomic_write_text
    kept = ""
    if path.exists() and HAND_MARKER in path.read_text(encoding="utf-8"):
        kept = HAND_MARKER + path.read_text(encoding="utf-8").split(HAND_MARKER, 1)[1]
    atomic_write_text(path, render(results).rstrip("\n") + "\n\n" + kept if kept else render(results))
    return path
