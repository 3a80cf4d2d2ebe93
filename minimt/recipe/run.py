"""One `minimt train` run, put together from the teaching path: corpus, model, optimiser,
the loop (minimt/train.py), evaluation, checkpoints and an exact --resume.

All printing and file writing happen on rank 0 only (``is_main``); under torchrun every
process builds the same model from the same seed, takes its share of every epoch's batches,
and stops at the same step.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from ..batch import bucket_batches, make_batch
from ..checkpoint import save_checkpoint
from ..model import ModelConfig, Transformer
from ..runtime import distributed as dist
from ..runtime.device import default_bf16, describe, resolve_device
from ..runtime.fast import choose_attention, enable_fast_kernels
from ..runtime.memory import keep_freed_memory, limit_kernel_cache
from ..runtime.progress import Clock, TrainingBar, append_metrics, eval_line, keep_metrics_up_to
from ..runtime.run_folder import how_to_resume
from ..runtime.seeding import rng_state, seed_everything, set_rng_state
from ..schedule import make_optimizer, make_scheduler
from ..train import Place, train
from .average import DecayAverage
from .corpus import prepare_corpus
from .report import Validator, final_report


def autocast_for(device: torch.device, bf16: bool):
    def autocast():
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=bf16)
    return autocast


class Batches:
    """An epoch's batches, each padded when the loop reaches it (not all at once: memory)."""

    def __init__(self, index_lists: list, make):
        self.index_lists, self.make = index_lists, make

    def __len__(self) -> int:
        return len(self.index_lists)

    def __getitem__(self, i: int):
        return self.make(self.index_lists[i])


def build_model(args, vocab_size: int, resume_state: dict | None) -> tuple[ModelConfig, Transformer]:
    if resume_state is not None:
        config = ModelConfig.from_dict(resume_state["config"])
    else:
        config = ModelConfig(vocab_size=vocab_size, d_model=args.d_model, n_heads=args.heads,
                             n_encoder_layers=args.layers, n_decoder_layers=args.layers,
                             d_ff=args.d_ff, dropout=args.dropout)
    return config, Transformer(config)


def run_training(args: argparse.Namespace, resume_state: dict | None = None, *, on_step=None,
                 plain_args: dict | None = None, stop=None) -> dict:
    """Train as configured by ``args`` (checked by minimt/commands/train.py); ``resume_state``
    is the latest.pt to continue; ``stop`` (truthy once Ctrl-C/SIGTERM came) ends the run after
    the current step with a checkpoint. Returns a summary: steps, last evaluation, test scores."""
    rank, world_size, _, dist_device = dist.setup_distributed(args.device)  # (0, 1, 0, None) w/o torchrun
    is_main, out = rank == 0, Path(args.out)
    device = dist_device or resolve_device(args.device)
    if args.bf16 is None:
        args.bf16 = default_bf16(device)
    if args.threads:
        torch.set_num_threads(args.threads)
    keep_freed_memory()   # big (tokens x vocab) tensors: reuse freed memory (runtime/memory.py)
    limit_kernel_cache()  # one oneDNN kernel per batch shape: cap the cache (runtime/memory.py)
    autocast = autocast_for(device, args.bf16)
    say = (lambda *a: print(*a, file=sys.stderr)) if is_main else (lambda *a: None)

    corpus = prepare_corpus(args, out if resume_state is not None else None, say)
    tok = corpus.tokenizer
    seed_everything(args.seed)
    config, model = build_model(args, tok.vocab_size, resume_state)
    model = model.to(device)
    optimizer = make_optimizer(model, lr=args.lr, weight_decay=args.weight_decay)
    clock = Clock(args.minutes, (resume_state or {}).get("elapsed_s", 0.0))
    scheduler = make_scheduler(optimizer, warmup=args.warmup, decay_fraction=args.decay_fraction,
                               **({} if args.schedule == "inverse-sqrt" else
                                  {"total_steps": args.steps} if args.steps else {"progress": clock.progress}))

    metrics_path = out / "metrics.jsonl"
    place, best = Place(), {"bleu": -1.0, "chrf": -1.0, "step": None}
    average = DecayAverage(model)  # the weights' mean over the decay (recipe/average.py)
    if resume_state is not None:
        model.load_state_dict(resume_state["model"])
        if resume_state.get("average"):
            average.load_state_dict(resume_state["average"])
        optimizer.load_state_dict(resume_state["optimizer"])
        scheduler.load_state_dict(resume_state["scheduler"])
        place = Place(resume_state["step"], resume_state["epoch"], resume_state["position"])
        best = dict(resume_state.get("best") or best)
        set_rng_state(resume_state["rng"], device)
        if is_main:
            keep_metrics_up_to(metrics_path, place.step)
        say(f"resuming {out / 'latest.pt'} at step {place.step} (epoch {place.epoch}, batch {place.position})")
    elif is_main:
        out.mkdir(parents=True, exist_ok=True)
        for stale in ("metrics.jsonl", "best.pt", "latest.pt"):  # a fresh run never mixes with an old one
            (out / stale).unlink(missing_ok=True)
    if world_size > 1:  # every rank built the same initial weights; now each needs its own dropout noise
        torch.manual_seed(args.seed + 1000 * rank + place.step)

    def batch_of(indices, pairs_ids):
        return make_batch([pairs_ids[i][0] for i in indices], [pairs_ids[i][1] for i in indices],
                          pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id).to(device)

    def epoch_batches(e):  # same order on every rank (same seed); each rank takes its share
        order = bucket_batches(corpus.train_lengths, args.max_tokens, shuffle=True, seed=args.seed + e)
        return Batches(dist.shard_batches(order, rank, world_size), lambda b: batch_of(b, corpus.train_ids))

    if args.attention == "auto":  # the faster kernel for this model here, measured once (runtime/fast.py)
        lengths = corpus.train_lengths  # (a property: computed once here)
        by_length = sorted(bucket_batches(lengths, args.max_tokens, shuffle=True, seed=args.seed),
                           key=lambda b: max(lengths[i][1] for i in b))
        probes = [batch_of(by_length[len(by_length) * q // 3], corpus.train_ids) for q in (1, 2)]  # typical lengths
        kernel, why = choose_attention(model, probes, device=device, bf16=args.bf16, autocast=autocast)
    else:
        kernel, why = args.attention, "--attention"
    if dist.is_distributed() and args.attention == "auto":  # every process runs the same kernel: rank 0's
        kernel = "explicit" if dist.any_rank(is_main and kernel == "explicit", device) else "sdpa"
    say(f"attention kernel: {kernel} ({why})")
    enable_fast_kernels(model, attention=kernel)  # same maths, cheaper kernels (modules swapped in place)

    valid_ids = corpus.valid_ids[:args.eval_sentences]
    valid_batches = [batch_of(b, valid_ids) for b in
                     bucket_batches([(len(s), len(t)) for s, t in valid_ids], args.max_tokens, shuffle=False)]
    validate = Validator(model, tok, corpus.valid[:args.eval_sentences], valid_batches,
                         label_smoothing=args.label_smoothing, autocast=autocast)
    last_eval = {"record": None, "step": None}  # the same step on every rank; the record on rank 0 only

    def save(p: Place, record: dict | None, is_best: bool = False) -> None:
        """latest.pt (and best.pt): weights, optimiser, schedule, RNG and place — all --resume needs."""
        extra = {"epoch": p.epoch, "position": p.position, "seed": args.seed, "rng": rng_state(device),
                 "best": dict(best), "metrics": record or {}, "args": plain_args or {}, "elapsed_s": clock.elapsed(),
                 "average": average.state_dict() if average.count else None}
        kw = dict(model=model, config=config, tokenizer=tok, step=p.step, optimizer=optimizer,
                  scheduler=scheduler, extra=extra)
        save_checkpoint(out, name="latest", **kw)
        if is_best:
            save_checkpoint(out, name="best", **kw)

    def evaluate_and_save(p: Place) -> None:
        """Valid loss + greedy BLEU/chrF, then the checkpoints. Rank 0 only; others wait."""
        last_eval["step"] = p.step
        with clock.paused():  # a --minutes budget buys training: evaluations are not counted
            _evaluate_and_save(p)

    def _evaluate_and_save(p: Place) -> None:
        if is_main:
            record = validate(p.step, p.epoch)
            append_metrics(metrics_path, record)
            # best.pt = the lowest validation loss (plain cross-entropy), not the highest BLEU: on 500
            # sentences BLEU moves by a few tenths between evaluations by chance, and with the budget
            # schedule the model at the end of the decay is nearly always the best one — by loss.
            is_best = record["valid_nll"] < best.get("valid_nll", float("inf"))
            if is_best:
                best.update(bleu=record["bleu"], chrf=record["chrf"], valid_nll=record["valid_nll"], step=p.step)
            save(p, record, is_best)
            last_eval["record"] = record
            bar.write(eval_line(record))
        dist.barrier()

    def on_log(record: dict) -> None:
        if is_main:
            append_metrics(metrics_path, record)
            bar.show(record)

    def weigh_the_average(p: Place) -> None:
        """Validate the weights averaged over the decay; best.pt takes them if their loss is lower."""
        last = {k: v.clone() for k, v in model.state_dict().items()}
        model.load_state_dict(average.averaged_state(model))
        record = validate(p.step, p.epoch)
        first = average.first_step
        append_metrics(metrics_path, {"step": p.step, "averaged_steps": [first, p.step], "avg_valid_loss": record["valid_loss"],
                                      "avg_valid_nll": record["valid_nll"], "avg_bleu": record["bleu"], "avg_chrf": record["chrf"],
                                      "article_source": record["article_source"], "article": record["article"]})
        better = record["valid_nll"] < best.get("valid_nll", float("inf"))
        bar.write(f"weights averaged over the decay (steps {first}–{p.step}, {average.count} of them): valid nll "
                  f"{record['valid_nll']:.4f} vs {best.get('valid_nll', float('nan')):.4f} (step {best['step']}), "
                  f"BLEU {record['bleu']:.1f} — " + ("best.pt takes the average" if better else "kept best.pt"))
        if better:
            best.update(bleu=record["bleu"], chrf=record["chrf"], valid_nll=record["valid_nll"], step=p.step,
                        averaged_from=first)
            save_checkpoint(out, name="best", model=model, config=config, tokenizer=tok, step=p.step,
                            extra={"epoch": p.epoch, "seed": args.seed, "best": dict(best), "metrics": record,
                                   "args": plain_args or {}, "averaged_steps": [first, p.step]})
        else:
            model.load_state_dict(last)

    n_params = sum(p.numel() for p in model.parameters())
    say(f"model: {n_params / 1e6:.2f}M parameters ({config.to_dict()}); device {device}"
        f"{', bf16 autocast' if args.bf16 else ''}; {len(corpus.train_ids)} training pairs; "
        f"batches of <= {args.max_tokens} tokens; budget: "
        + " or ".join(x for x in (args.minutes and f"{args.minutes:g} min", args.steps and f"{args.steps} steps") if x))
    if dist.is_distributed():  # under torchrun: say how many processes share the work, and how
        say(f"distributed: {world_size} processes, backend {torch.distributed.get_backend()}, "
            f"each batch of <= {args.max_tokens} tokens per process")
    start = time.perf_counter()
    clock.start()

    def budget_spent(step: int) -> bool:
        spent = (args.steps is not None and step >= args.steps) or clock.progress() >= 1.0 or bool(stop)
        return dist.any_rank(spent, device)  # all ranks stop at the same step (and a Ctrl-C on one stops all)

    next_quarter = [int(clock.progress() * 4) + 1]  # --minutes without --eval-every: evaluate each quarter

    def eval_due(step: int) -> bool:
        if args.eval_every:
            return step % args.eval_every == 0
        due = clock.progress() * 4 >= next_quarter[0] and next_quarter[0] < 4  # the 4th is the final one
        if dist.any_rank(due, device):
            next_quarter[0] = int(clock.progress() * 4) + 1
            return True
        return False

    def in_decay(step: int) -> bool:
        """Did step ``step`` (1-based, just done) run with the decaying learning rate?"""
        if args.schedule != "budget":
            return False
        progress = (step - 1) / args.steps if args.steps else clock.progress()
        return progress > 1.0 - args.decay_fraction

    if average.count and not in_decay(average.first_step):
        average.reset()  # resumed into a larger budget: the old decay is no longer the decay

    def after_step(step: int, loss: float) -> None:
        if is_main and in_decay(step):  # (only rank 0 evaluates and saves)
            average.add(model, step)
        if on_step is not None:
            on_step(step, loss)

    if hasattr(stop, "arm"):
        stop.arm()  # from the first step on, Ctrl-C finishes the step and keeps the work
    bar = TrainingBar(minutes=args.minutes, steps=args.steps, step=place.step, enabled=is_main, clock=clock)
    meter = train(dist.wrap_ddp(model, device), optimizer, scheduler, epoch_batches, place,
                  label_smoothing=args.label_smoothing, clip=args.clip, autocast=autocast,
                  budget_spent=budget_spent, log_every=args.log_every, eval_due=eval_due,
                  on_log=on_log, on_eval=evaluate_and_save, on_step=after_step, bar=bar)
    bar.close()
    if stop:  # Ctrl-C / SIGTERM: keep the work, skip the evaluation, say how to go on
        if is_main:
            save(place, None)
            say(how_to_resume(out, place.step))
        dist.cleanup()
        return {"steps": place.step, "epochs": place.epoch, "stopped": True, "valid": last_eval["record"]}
    if last_eval["step"] != place.step:  # the final evaluation and checkpoint, unless the last step just had them
        evaluate_and_save(place)
    if is_main and average.count >= 2:
        weigh_the_average(place)
    say(f"trained {place.step} steps ({place.epoch} full epochs) in {(time.perf_counter() - start) / 60:.1f} min "
        f"on {describe(device, args.bf16)}, {kernel} attention; "
        f"{meter.train_tokens / max(meter.train_seconds, 1e-9):,.0f} target tokens/s in the training steps"
        + (f" of each of {world_size} processes" if world_size > 1 else ""))
    summary = {"steps": place.step, "epochs": place.epoch, "seconds": round(time.perf_counter() - start, 1),
               "train_seconds": round(meter.train_seconds, 1), "valid": last_eval["record"], "best": dict(best)}
    if is_main:
        summary.update(final_report(model, tok, corpus, out, metrics_path, best, place.step, device, autocast, say))
    dist.cleanup()
    return summary
