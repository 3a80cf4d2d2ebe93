"""Proofs for minimt/distributed.py: 2 gloo processes on the CPU give one process's step.

The global batch (4 pairs of distinct lengths) is split unequally: rank 0 gets 1 short pair,
rank 1 gets 3 longer ones, so the two ranks have different token counts — exactly the case a
per-rank mean loss gets wrong. Everything in float64 so the comparison can be tight.
"""
from __future__ import annotations

import os
import socket

import pytest
import torch
import torch.multiprocessing as mp

from minimt.runtime import distributed
from minimt.errors import MinimtError
from minimt.batch import make_batch
from minimt.loss import summed_loss
from minimt.model import ModelConfig, Transformer

CONFIG = dict(vocab_size=37, d_model=16, n_heads=2, n_encoder_layers=1, n_decoder_layers=2,
              d_ff=24, dropout=0.0, max_positions=32)
# (src, tgt) ids without specials; distinct lengths, ids >= 4 (0..3 are pad/unk/bos/eos)
PAIRS = [([5, 6], [7]),
         ([8, 9, 10, 11, 12], [13, 14, 15, 16, 17, 18]),
         ([19, 20, 21], [22, 23, 24, 25]),
         ([26, 27, 28, 29, 30, 31, 32], [33, 34, 35, 36, 5, 6, 7, 8, 9])]
SHARDS = [[0], [1, 2, 3]]  # global batch = the 4 pairs; rank 0 has 2 label tokens, rank 1 has 22
LR, SMOOTHING = 0.5, 0.1


def _model() -> Transformer:
    torch.manual_seed(0)
    return Transformer(ModelConfig(**CONFIG)).double()


def _batch(indices):
    src, tgt = [PAIRS[i][0] for i in indices], [PAIRS[i][1] for i in indices]
    return make_batch(src, tgt, pad_id=0, bos_id=2, eos_id=3)


def _step(model, batch, scale):
    """forward, loss = scale(summed loss, n), backward, clip, SGD step; returns the grads."""
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids,
                   batch.decoder_attention_mask)
    total, n = summed_loss(logits, batch.labels, label_smoothing=SMOOTHING)
    scale(total, n).backward()
    inner = distributed.unwrap(model)
    torch.nn.utils.clip_grad_norm_(inner.parameters(), 1.0)  # on the already-averaged grads
    grads = {k: p.grad.detach().clone() for k, p in inner.named_parameters()}
    opt.step()
    return grads


def _worker(rank: int, world: int, port: int, out_dir: str) -> None:
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank),
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    r, w, local, device = distributed.setup_distributed()
    try:
        assert (r, w, local, device) == (rank, world, rank, torch.device("cpu"))
        my_batches = distributed.shard_batches(SHARDS, r, w)
        assert len(my_batches) == 1
        batch = _batch(my_batches[0])

        model = distributed.wrap_ddp(_model(), device)
        grads = _step(model, batch, lambda total, n: distributed.scale_loss(
            total, distributed.global_token_count(n)))
        params = {k: p.detach().clone() for k, p in distributed.unwrap(model).named_parameters()}

        naive = distributed.wrap_ddp(_model(), device)  # the classic mistake: per-rank mean
        naive_grads = _step(naive, batch, lambda total, n: total / n)
        torch.save({"grads": grads, "params": params, "naive_grads": naive_grads,
                    "is_main": distributed.is_main(),
                    "stop": distributed.any_rank(r == 1)}, os.path.join(out_dir, f"rank{r}.pt"))
    finally:
        distributed.cleanup()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not torch.distributed.is_available() or not torch.distributed.is_gloo_available(),
                    reason="torch built without gloo")
def test_two_gloo_processes_match_one_process(tmp_path):
    mp.spawn(_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in range(2)]

    model = _model()  # one process, the whole global batch (padded together: other shapes)
    ref_grads = _step(model, _batch([0, 1, 2, 3]), lambda total, n: total / n)
    ref_params = dict(model.named_parameters())

    assert [r["is_main"] for r in ranks] == [True, False]
    assert [r["stop"] for r in ranks] == [True, True]  # one rank's "stop" stops both
    for r in ranks:
        for name, p in ref_params.items():
            torch.testing.assert_close(r["grads"][name], ref_grads[name], rtol=1e-9, atol=1e-12,
                                       msg=lambda m: f"grad {name}: {m}")
            torch.testing.assert_close(r["params"][name], p.detach(), rtol=1e-9, atol=1e-12,
                                       msg=lambda m: f"param {name}: {m}")
    # The test can fail: the per-rank mean loss gives a different (wrong) gradient.
    worst = max(((ranks[0]["naive_grads"][k] - g).abs().max() / g.abs().max()).item()
                for k, g in ref_grads.items() if g.abs().max() > 0)
    assert worst > 0.05


def test_not_distributed_is_one_process(monkeypatch):
    monkeypatch.delenv("RANK", raising=False)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert distributed.setup_distributed() == (0, 1, 0, None)
    assert distributed.is_main() and distributed.world_size() == 1
    assert distributed.global_token_count(7) == 7
    assert not distributed.any_rank(False) and distributed.any_rank(True)
    model = torch.nn.Linear(2, 2)
    assert distributed.wrap_ddp(model, None) is model and distributed.unwrap(model) is model
    total = torch.tensor(6.0)
    assert distributed.scale_loss(total, 3).item() == 2.0  # sum / n_tokens when alone


def test_more_processes_than_gpus_is_a_one_line_error(monkeypatch):
    # torchrun --nproc_per_node=2 on a 1-GPU machine: process 1 has no GPU of its own.
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(MinimtError, match=r"LOCAL_RANK=1 needs GPU 1, but this machine has 1; "
                                          r"use --nproc_per_node=1"):
        distributed.setup_distributed("auto")


@pytest.mark.parametrize("n,world", [(10, 2), (7, 2), (7, 3), (2, 3), (1, 4), (9, 1)])
def test_shard_batches_equal_steps_cover_everything(n, world):
    batches = [[i] for i in range(n)]
    shards = [distributed.shard_batches(batches, r, world) for r in range(world)]
    steps = {len(s) for s in shards}
    assert steps == {-(-n // world)}  # same number of steps on every rank, ceil(n / world)
    seen = [b[0] for s in shards for b in s]
    assert set(seen) == set(range(n))  # every batch trained on
    assert len(seen) - n == (-n) % world  # padding only what makes the count divisible
    if n % world == 0:
        assert sorted(seen) == list(range(n))  # no batch twice
    # step i of rank r is batch i*world + r of the (padded) list: ranks never share a step's batch
    for i in range(len(shards[0])):
        step = [shards[r][i][0] for r in range(world)]
        assert len(set(step)) == len(step) or n < world
    assert shards == [distributed.shard_batches(batches, r, world) for r in range(world)]  # deterministic


def test_shard_batches_bad_rank():
    from minimt.errors import MinimtError
    with pytest.raises(MinimtError, match="rank 2"):
        distributed.shard_batches([[0]], 2, 2)
    with pytest.raises(MinimtError, match="no batches"):
        distributed.shard_batches([], 0, 2)
