"""`minimt train`: the training loop, from a TSV corpus to a checkpoint folder (lesson 07).

One training step is five lines (see `train_step`; lesson 07 writes the same loop out):

    logits = model(batch)                         # forward  (B, T, V)
    loss = sum of token losses / real tokens      # -100 positions ignored (minimt/loss.py)
    loss.backward()                               # gradients of every weight
    clip_grad_norm_(params, 1.0)                  # one bad batch cannot blow the weights up
    optimizer.step(); scheduler.step()            # update, then move the learning rate

Everything else here is bookkeeping around it: batches of similar lengths (little padding),
a time or step budget, evaluation on held-out sentences (loss, then free greedy decoding scored
with BLEU and chrF), checkpoints, and an exact `--resume`. The pieces live next door: the
arguments and run bookkeeping in train_setup.py, the corpus in train_corpus.py, the
measuring (validation loss, BLEU/chrF, the final report) in train_eval.py.

Also runnable as ``python -m minimt.train`` (the form ``torchrun`` needs). All printing and
file writing happen on rank 0 only (``is_main``); under torchrun each process trains on its
share of every epoch's batches and DDP averages the gradients (see minimt/distributed.py).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from .errors import MinimtError
from .loss import summed_loss
from .malloc import keep_freed_memory, limit_kernel_cache
from . import distributed as dist
from .train_corpus import prepare_corpus
from .train_eval import ARTICLE_SENTENCE, final_report, score, translate_all, validation_loss
from .train_setup import (Meter, add_arguments, append_metrics, check_args, default_bf16, eval_line,
                          keep_metrics_up_to, plain_args, progress_bar, resolve_device,
                          restore_run_args, rng_state, seed_everything, set_rng_state)
from .schedule import make_optimizer, make_scheduler


# ---------------------------------------------------------------- one step

def train_step(model, batch, optimizer, scheduler, *, label_smoothing: float, clip: float,
               autocast) -> float | None:
    """Forward, loss, backward, clip, update, schedule. Returns the loss (None if skipped)."""
    model.train()
    with autocast():
        logits = model(batch.input_ids, batch.attention_mask,
                       batch.decoder_input_ids, batch.decoder_attention_mask)  # (B, T, V)
    # Sum of the per-token losses and the number of real tokens (-100 positions count for
    # nothing). The mean is their ratio; with several processes the count is the global one.
    # (With --bf16 the logits stay bf16 here: log-softmax over the vocabulary is ~10% of a
    # step, and summed_loss adds the per-token losses up in fp32.)
    loss_sum, n_tokens = summed_loss(logits, batch.labels, label_smoothing)
    n_global = dist.global_token_count(n_tokens, logits.device)  # = n_tokens in a single process
    if n_global == 0:
        # Nothing to learn from. Not even a zero-gradient step: AdamW's momentum and weight
        # decay would still move the weights.
        return None
    loss = dist.scale_loss(loss_sum, n_global)  # = loss_sum / n_tokens: mean over real tokens
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    scheduler.step()
    return loss_sum.item() / max(n_tokens, 1)


# ---------------------------------------------------------------- the run

def _autocast_factory(device: torch.device, bf16: bool):
    def autocast():
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=bf16)
    return autocast


def train(args: argparse.Namespace, *, on_step=None) -> dict:
    """Run training as configured by ``args`` (the parsed `minimt train` arguments).

    ``on_step(step, loss)``, if given, is called after every optimiser step (tests use it to
    interrupt a run). Returns a summary: steps, last evaluation, test scores, translations.
    """
    from .batch import bucket_batches, make_batch
    from .checkpoint import read_checkpoint_file, save_checkpoint
    from .model import ModelConfig, Transformer

    rank, world_size, _, dist_device = dist.setup_distributed(args.device)  # (0, 1, 0, None) w/o torchrun
    is_main = rank == 0
    out = Path(args.out)
    resume_state = None
    if args.resume:
        if not (out / "latest.pt").is_file():
            raise MinimtError(f"--resume: no checkpoint {out / 'latest.pt'} to continue (run without --resume first)")
        resume_state = read_checkpoint_file(out / "latest.pt")
        restore_run_args(args, resume_state.get("args") or {}, is_main)
    check_args(args)
    device = dist_device or resolve_device(args.device)
    if args.bf16 is None:
        args.bf16 = default_bf16(device)
    if args.threads:
        torch.set_num_threads(args.threads)
    keep_freed_memory()   # big (tokens x vocab) tensors: reuse freed memory, no page faults (malloc.py)
    limit_kernel_cache()  # one oneDNN kernel per batch shape: cap the cache (malloc.py)
    autocast = _autocast_factory(device, args.bf16)
    say = (lambda *a: print(*a, file=sys.stderr)) if is_main else (lambda *a: None)

    corpus = prepare_corpus(args, out if args.resume else None, say)
    tok = corpus.tokenizer
    seed_everything(args.seed)
    if resume_state is not None:
        config = ModelConfig.from_dict(resume_state["config"])
    else:
        config = ModelConfig(vocab_size=tok.vocab_size, d_model=args.d_model, n_heads=args.heads,
                             n_encoder_layers=args.layers, n_decoder_layers=args.layers,
                             d_ff=args.d_ff, dropout=args.dropout)
    model = Transformer(config).to(device)
    optimizer = make_optimizer(model, lr=args.lr, weight_decay=args.weight_decay)
    scheduler = make_scheduler(optimizer, warmup=args.warmup)
    n_params = sum(p.numel() for p in model.parameters())

    metrics_path = out / "metrics.jsonl"
    step, epoch, position, best = 0, 0, 0, {"bleu": -1.0, "chrf": -1.0, "step": None}
    if resume_state is not None:
        model.load_state_dict(resume_state["model"])
        optimizer.load_state_dict(resume_state["optimizer"])
        scheduler.load_state_dict(resume_state["scheduler"])
        step, epoch, position = resume_state["step"], resume_state["epoch"], resume_state["position"]
        best = dict(resume_state.get("best") or best)
        set_rng_state(resume_state["rng"], device)
        if is_main:
            keep_metrics_up_to(metrics_path, step)
        say(f"resuming {out / 'latest.pt'} at step {step} (epoch {epoch}, batch {position})")
    elif is_main:
        out.mkdir(parents=True, exist_ok=True)
        for stale in ("metrics.jsonl", "best.pt", "latest.pt"):  # a fresh run never mixes with an old one
            (out / stale).unlink(missing_ok=True)

    if world_size > 1:  # every rank built the same initial weights; now each needs its own dropout noise
        torch.manual_seed(args.seed + 1000 * rank + step)

    def batch_of(indices, pairs_ids):
        return make_batch([pairs_ids[i][0] for i in indices], [pairs_ids[i][1] for i in indices],
                          pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id).to(device)

    def epoch_batches(e):  # same order on every rank (same seed); each rank takes its share
        order = bucket_batches(corpus.train_lengths, args.max_tokens, shuffle=True, seed=args.seed + e)
        return dist.shard_batches(order, rank, world_size)

    valid_ids = corpus.valid_ids[:args.eval_sentences]
    valid_lengths = [(len(s), len(t)) for s, t in valid_ids]
    valid_batches = [batch_of(b, valid_ids) for b in
                     bucket_batches(valid_lengths, args.max_tokens, shuffle=False)]
    valid_src = [en for en, _ in corpus.valid[:args.eval_sentences]]
    valid_ref = [fr for _, fr in corpus.valid[:args.eval_sentences]]
    signature_shown = [False]

    def evaluate_and_save() -> dict | None:
        """Valid loss + greedy BLEU/chrF, then latest.pt (and best.pt). Rank 0 only; others wait."""
        if not is_main:
            dist.barrier()
            return None
        v_loss, v_nll = validation_loss(model, valid_batches, label_smoothing=args.label_smoothing, autocast=autocast)
        hyps = translate_all(model, tok, valid_src + [ARTICLE_SENTENCE], autocast=autocast)
        scores = score(hyps[:-1], valid_ref, show_signature=not signature_shown[0])
        signature_shown[0] = True
        record = {"step": step, "epoch": epoch, "valid_loss": round(v_loss, 5), "valid_nll": round(v_nll, 5),
                  **scores, "article": hyps[-1]}  # how "How are you?" comes out, eval after eval
        append_metrics(metrics_path, record)
        is_best = (scores["bleu"], scores["chrf"]) > (best["bleu"], best.get("chrf", -1.0))  # chrF breaks ties
        if is_best:
            best.update(bleu=scores["bleu"], chrf=scores["chrf"], step=step)
        extra = {"epoch": epoch, "position": position, "seed": args.seed, "rng": rng_state(device),
                 "best": dict(best), "metrics": record, "args": plain_args(args)}
        kw = dict(model=model, config=config, tokenizer=tok, step=step, optimizer=optimizer,
                  scheduler=scheduler, extra=extra)
        save_checkpoint(out, name="latest", **kw)
        if is_best:
            save_checkpoint(out, name="best", **kw)
        dist.barrier()
        return record

    say(f"model: {n_params / 1e6:.2f}M parameters ({config.to_dict()}); device {device}"
        f"{', bf16 autocast' if args.bf16 else ''}; {len(corpus.train_ids)} training pairs; "
        f"batches of <= {args.max_tokens} tokens; budget: "
        + " or ".join(x for x in (args.minutes and f"{args.minutes:g} min", args.steps and f"{args.steps} steps") if x))
    if dist.is_distributed():  # under torchrun: say how many processes share the work, and how
        say(f"distributed: {world_size} processes, backend {torch.distributed.get_backend()}, "
            f"each batch of <= {args.max_tokens} tokens per process")
    ddp_model = dist.wrap_ddp(model, device)  # the model itself in a single process
    by_time = args.minutes is not None
    bar = progress_bar(args, step, is_main)
    start = time.perf_counter()

    def budget_spent() -> bool:
        spent = (args.steps is not None and step >= args.steps) or \
                (by_time and time.perf_counter() - start >= args.minutes * 60)
        return dist.any_rank(spent, device)  # all ranks stop at the same step

    meter = Meter()
    last_eval, evaluated_at = None, None  # evaluated_at: the same on every rank (last_eval: rank 0 only)
    batches = epoch_batches(epoch)
    while not budget_spent():
        batch = batch_of(batches[position], corpus.train_ids)
        lr = scheduler.get_last_lr()[0]  # the lr this step uses
        t0 = time.perf_counter()
        loss = train_step(ddp_model, batch, optimizer, scheduler, label_smoothing=args.label_smoothing,
                          clip=args.clip, autocast=autocast)
        position += 1
        if position == len(batches):  # next epoch: a new shuffled order (seed + epoch)
            epoch, position = epoch + 1, 0
            batches = epoch_batches(epoch)
        if loss is None:
            continue
        step += 1
        meter.add(loss, batch.n_tokens, time.perf_counter() - t0)
        if step % args.log_every == 0 or step == args.steps:
            record = meter.record(step=step, epoch=epoch, lr=lr, elapsed=time.perf_counter() - start)
            if is_main:
                append_metrics(metrics_path, record)
            bar.set_postfix(loss=f"{record['train_loss']:.3f}", lr=f"{lr:.1e}",
                            tok_s=f"{record['tokens_per_s']:.0f}", refresh=False)
        bar.update(min(int(time.perf_counter() - start), bar.total) - bar.n if by_time else 1)
        if on_step is not None:
            on_step(step, loss)
        if step % args.eval_every == 0:
            last_eval, evaluated_at = evaluate_and_save(), step
            if last_eval:
                bar.write(eval_line(last_eval), file=sys.stderr)
    bar.close()
    if meter.steps and is_main:  # the last, partial window of a --minutes run
        append_metrics(metrics_path, meter.record(step=step, epoch=epoch, lr=lr, elapsed=time.perf_counter() - start))
    if evaluated_at != step:  # the final evaluation and checkpoint, unless the last step just had them
        last_eval = evaluate_and_save()
        if last_eval:
            say(eval_line(last_eval))
    say(f"trained {step} steps ({epoch} full epochs) in {(time.perf_counter() - start) / 60:.1f} min; "
        f"{meter.train_tokens / max(meter.train_seconds, 1e-9):,.0f} target tokens/s in the training steps"
        + (f" of each of {world_size} processes" if world_size > 1 else ""))
    summary = {"steps": step, "epochs": epoch, "seconds": round(time.perf_counter() - start, 1),
               "train_seconds": round(meter.train_seconds, 1), "valid": last_eval, "best": dict(best)}
    if is_main:
        summary.update(final_report(model, tok, corpus, out, metrics_path, best, step, device, autocast, say))
    dist.cleanup()
    return summary


# ---------------------------------------------------------------- command line

def run(args: argparse.Namespace) -> int:
    train(args)
    return 0


def register(sub) -> None:
    parser = sub.add_parser("train", help="train a translation model (defaults: embedded corpus, ~8 minutes on CPU)",
                            description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    """``python -m minimt.train`` (and ``torchrun -m minimt.train``): same arguments as `minimt train`."""
    from .cli import OneLineParser
    import os
    os.environ.setdefault("MPLBACKEND", "Agg")
    parser = OneLineParser(prog="python -m minimt.train", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except MinimtError as e:
        print(f"minimt train: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
