"""Training on several processes with ``torchrun`` and DistributedDataParallel (issue 6).

    torchrun --nproc_per_node=2 -m minimt.train --data train.tsv ...      # 2 processes, 1 machine

``torchrun`` starts N copies of the same program and gives each one environment variables:
``RANK`` (0..N-1 over all machines), ``WORLD_SIZE`` (N) and ``LOCAL_RANK`` (its index on
this machine: which GPU it drives). Every copy builds the same model from the same seed,
reads the same data, makes the same seeded batch list, and then takes its own share of it
(`shard_batches`). DistributedDataParallel (DDP) does the rest: after ``loss.backward()``
it all-reduces the gradients (sums them over processes and divides by N), so every process
applies the same update and the copies stay identical. Backend: gloo on CPU, nccl on GPUs.

THE ONE SUBTLE PART — the loss normalisation. A single process averages the loss over the
real tokens of the whole batch: ``loss = sum_of_token_losses / n_tokens``. With N processes,
each one sees only its own part, with its own token count n_r (they differ: batches have
different lengths). If each process used its *local* mean, sum_r / n_r, a token in a short
batch would weigh more than a token in a long one — not the single-process gradient. So:

    n_global = all_reduce_sum(n_r)                      every process knows the total
    loss_r   = sum_r / n_global * world_size            (see `scale_loss`)

DDP *averages* the gradients (divides by world_size), so the world_size factor cancels:

    (1/N) * Σ_r ∇(sum_r * N / n_global) = ∇(Σ_r sum_r) / n_global

which is exactly the gradient of one process on the whole global batch.
tests/test_distributed.py proves it: 2 gloo processes, one step, same parameters as one process.

Nothing here runs at import; outside torchrun every helper is a no-op and one process works alone.
"""
from __future__ import annotations

import os
from typing import Sequence, TypeVar

import torch
import torch.distributed as dist
from torch import nn

from ..errors import MinimtError

T = TypeVar("T")


def setup_distributed(device_name: str = "auto") -> tuple[int, int, int, torch.device | None]:
    """Join the process group torchrun set up → ``(rank, world_size, local_rank, device)``.

    Outside torchrun (no ``RANK``/``WORLD_SIZE`` in the environment) returns ``(0, 1, 0, None)``:
    the caller chooses its device as usual. Under torchrun each process uses GPU ``local_rank``
    with nccl when CUDA is available (and ``device_name`` is not "cpu"), else the CPU with gloo.
    One process per GPU: nccl refuses two processes on the same GPU, so more processes on a
    machine than it has GPUs is an error here, not a CUDA traceback later.
    """
    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        return 0, 1, 0, None
    try:
        rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    except ValueError as e:
        raise MinimtError(f"RANK/WORLD_SIZE/LOCAL_RANK must be integers (set by torchrun): {e}") from None
    if device_name != "cpu" and torch.cuda.is_available():
        if local_rank >= torch.cuda.device_count():
            raise MinimtError(f"torchrun: process LOCAL_RANK={local_rank} needs GPU {local_rank}, but this machine "
                              f"has {torch.cuda.device_count()}; use --nproc_per_node={torch.cuda.device_count()} "
                              "(one process per GPU), or --device cpu for gloo on the CPU")
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)  # before init: nccl binds each process to its own GPU
        backend = "nccl"
    else:
        device, backend = torch.device("cpu"), "gloo"
    if not dist.is_initialized():
        dist.init_process_group(backend=backend, rank=rank, world_size=world_size)  # env://
    return rank, world_size, local_rank, device


def is_distributed() -> bool:
    return dist.is_available() and dist.is_initialized()


def world_size() -> int:
    return dist.get_world_size() if is_distributed() else 1


def is_main() -> bool:
    """True on the process that logs, validates and writes checkpoints (rank 0, or alone)."""
    return not is_distributed() or dist.get_rank() == 0


def shard_batches(batches: Sequence[T], rank: int, world_size: int) -> list[T]:
    """This rank's batches: every ``world_size``-th one, starting at ``rank``.

    All ranks must pass the SAME list (same data, same seed, same epoch): step i then trains
    on batches ``i*N .. i*N+N-1`` of it, one per rank — one global step covers N batches.
    Every rank must do the same number of steps (a rank that stops early leaves the others
    waiting for its gradients forever), so when ``len(batches)`` is not a multiple of N the
    list is padded deterministically by repeating its first batches (as
    ``torch.utils.data.DistributedSampler`` does); with an epoch-shuffled list, which batches
    repeat changes from epoch to epoch.
    """
    if world_size < 1 or not 0 <= rank < world_size:
        raise MinimtError(f"shard_batches: rank {rank} is not in 0..{world_size - 1}")
    if not batches:
        raise MinimtError("shard_batches: no batches to share")
    items = list(batches)
    remainder = len(items) % world_size
    if remainder:
        need = world_size - remainder
        items += (items * (need // len(items) + 1))[:need]  # wraps even if len < world_size
    return items[rank::world_size]


def wrap_ddp(model: nn.Module, device: torch.device | None) -> nn.Module:
    """DistributedDataParallel(model) under torchrun, the model itself otherwise.

    DDP broadcasts rank 0's parameters when it wraps (so all copies start equal, even after
    a resume that only rank 0 read) and averages gradients during ``backward()``.
    Checkpoint ``unwrap(model)``, never the wrapper (its keys gain a ``module.`` prefix).
    """
    if not is_distributed():
        return model
    device_ids = [device.index] if device is not None and device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(model, device_ids=device_ids)


def unwrap(model: nn.Module) -> nn.Module:
    """The plain minimt model inside a DDP wrapper (for saving, validation, decoding)."""
    return model.module if isinstance(model, nn.parallel.DistributedDataParallel) else model


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    """Sum ``tensor`` over all processes, in place, and return it (alone: unchanged)."""
    if is_distributed():
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor


def global_token_count(n_local: int, device=None) -> int:
    """Real label tokens of this step over all ranks (each rank passes its own count)."""
    return int(all_reduce_sum(torch.tensor([n_local], dtype=torch.long, device=device)).item())


def scale_loss(summed_loss: torch.Tensor, n_global: int) -> torch.Tensor:
    """This rank's loss to backpropagate: ``sum / n_global * world_size`` (see the module
    docstring: DDP's averaging divides the world_size back out). Alone: ``sum / n_tokens``."""
    return summed_loss * (world_size() / n_global)


def any_rank(flag: bool, device=None) -> bool:
    """True if ``flag`` is True on ANY rank — e.g. "my --minutes budget is spent". All ranks
    must stop at the same step; clocks differ a little, so they vote after every step."""
    t = torch.tensor([1 if flag else 0], dtype=torch.long, device=device)
    return bool(all_reduce_sum(t).item() > 0)


def barrier() -> None:
    if is_distributed():
        dist.barrier()


def cleanup() -> None:
    """Leave the process group (call at the end of training, also after an error)."""
    if is_distributed():
        dist.destroy_process_group()
