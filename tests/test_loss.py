"""Proofs for minimt/loss.py: -100 positions are ignored exactly, the mean is over real tokens."""
import math

import pytest
import torch

from minimt.loss import (IGNORE_INDEX, cross_entropy_by_hand, cross_entropy_loss, per_token_loss,
                         summed_loss)


def _example(B=3, T=5, V=11, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(B, T, V, generator=g, dtype=dtype)
    labels = torch.randint(0, V, (B, T), generator=g)
    lengths = [T, T - 2, 1][:B]  # distinct lengths, right padding with -100
    for b, n in enumerate(lengths):
        labels[b, n:] = IGNORE_INDEX
    return logits, labels


def _manual(logits, labels):
    """An independent reference: loop over positions, no masking tricks."""
    total, count = 0.0, 0
    for b in range(labels.size(0)):
        for t in range(labels.size(1)):
            y = int(labels[b, t])
            if y == IGNORE_INDEX:
                continue
            total += -float(torch.log_softmax(logits[b, t].double(), -1)[y])
            count += 1
    return total / count


def test_builtin_equals_by_hand_and_manual_loop():
    logits, labels = _example()
    a = cross_entropy_loss(logits, labels)
    b = cross_entropy_by_hand(logits, labels)
    assert abs(a.item() - b.item()) < 1e-6
    assert abs(a.item() - _manual(logits, labels)) < 1e-5


def test_t_equals_v_where_a_wrong_transpose_would_not_raise():
    # With T == V, passing (B, T, V) unflattened to F.cross_entropy is accepted silently
    # (it reads dim 1 = T as the classes) and gives a different number. Ours must not.
    logits, labels = _example(B=2, T=7, V=7, seed=1)
    ours = cross_entropy_loss(logits, labels)
    assert abs(ours.item() - _manual(logits, labels)) < 1e-5
    wrong = torch.nn.functional.cross_entropy(logits, labels, ignore_index=IGNORE_INDEX)
    assert abs(wrong.item() - ours.item()) > 1e-3  # the bug this flattening prevents is real


def test_ignored_positions_get_exactly_zero_gradient():
    logits, labels = _example(seed=2)
    logits.requires_grad_(True)
    cross_entropy_loss(logits, labels, label_smoothing=0.1).backward()
    ignored = labels == IGNORE_INDEX
    assert ignored.any() and (~ignored).any()
    assert torch.all(logits.grad[ignored] == 0)            # exactly zero, not small
    assert torch.all(logits.grad[~ignored].abs().sum(-1) > 0)


def test_more_padding_leaves_loss_unchanged():
    logits, labels = _example(seed=3)
    extra = 4
    noise = torch.randn(labels.size(0), extra, logits.size(-1)) * 50  # garbage logits in the pad
    longer_logits = torch.cat([logits, noise], dim=1)
    longer_labels = torch.cat([labels, torch.full((labels.size(0), extra), IGNORE_INDEX)], dim=1)
    for smoothing in (0.0, 0.1):
        a = cross_entropy_loss(logits, labels, smoothing)
        b = cross_entropy_loss(longer_logits, longer_labels, smoothing)
        assert abs(a.item() - b.item()) < 1e-6


def test_label_smoothing_with_ignored_equals_deleting_them():
    logits, labels = _example(seed=4)
    real = labels != IGNORE_INDEX
    with_ignored = cross_entropy_loss(logits, labels, label_smoothing=0.1)
    deleted = cross_entropy_loss(logits[real].unsqueeze(0), labels[real].unsqueeze(0), label_smoothing=0.1)
    assert abs(with_ignored.item() - deleted.item()) < 1e-6
    # and smoothing really changes something (the test would catch it being dropped)
    assert abs(with_ignored.item() - cross_entropy_loss(logits, labels).item()) > 1e-3


def test_all_ignored_is_zero_with_a_graph_and_no_nan():
    logits = torch.randn(2, 3, 5, requires_grad=True)
    labels = torch.full((2, 3), IGNORE_INDEX)
    for smoothing in (0.0, 0.1):
        loss = cross_entropy_loss(logits, labels, smoothing)
        assert loss.item() == 0.0 and not torch.isnan(loss)
        loss.backward()
        assert torch.all(logits.grad == 0)
        logits.grad = None
    assert cross_entropy_by_hand(logits, labels).item() == 0.0
    total, n = summed_loss(logits, labels)
    assert n == 0 and total.item() == 0.0


def test_batch_loss_is_the_token_weighted_mean_of_per_example_losses():
    logits, labels = _example(seed=5)
    per_example = [cross_entropy_loss(logits[b:b + 1], labels[b:b + 1]).item() for b in range(3)]
    counts = (labels != IGNORE_INDEX).sum(1).tolist()
    weighted = sum(l * n for l, n in zip(per_example, counts)) / sum(counts)
    plain_mean = sum(per_example) / 3
    batch = cross_entropy_loss(logits, labels).item()
    assert abs(batch - weighted) < 1e-6
    assert abs(batch - plain_mean) > 1e-3  # the per-sentence mean is a different number


def test_per_token_loss_is_zero_at_ignored_positions_and_averages_to_the_loss():
    logits, labels = _example(seed=6)
    tok = per_token_loss(logits, labels)
    real = labels != IGNORE_INDEX
    assert torch.all(tok[~real] == 0)
    assert abs(tok.sum().item() / real.sum().item() - cross_entropy_loss(logits, labels).item()) < 1e-6


def test_gradient_accumulation_with_unequal_token_counts_equals_full_batch():
    torch.manual_seed(0)
    B, T, D, V = 4, 6, 8, 13
    x = torch.randn(B, T, D, dtype=torch.float64)
    labels = torch.randint(0, V, (B, T))
    for b, n in enumerate([6, 5, 2, 1]):  # micro-batch 1 has 11 tokens, micro-batch 2 has 3
        labels[b, n:] = IGNORE_INDEX
    proj = torch.nn.Linear(D, V).double()

    proj.zero_grad()
    cross_entropy_loss(proj(x), labels).backward()
    full = [p.grad.clone() for p in proj.parameters()]

    proj.zero_grad()
    parts = [summed_loss(proj(x[i:i + 2]), labels[i:i + 2]) for i in (0, 2)]
    n_total = sum(n for _, n in parts)
    assert [n for _, n in parts] == [11, 3]
    for total, _ in parts:
        (total / n_total).backward()  # divide by the total count of the whole batch
    accumulated = [p.grad.clone() for p in proj.parameters()]
    for a, b in zip(full, accumulated):
        assert torch.allclose(a, b, atol=1e-12, rtol=1e-10)

    # the naive average of micro-batch means is measurably different
    proj.zero_grad()
    for i in (0, 2):
        (cross_entropy_loss(proj(x[i:i + 2]), labels[i:i + 2]) / 2).backward()
    naive = [p.grad.clone() for p in proj.parameters()]
    assert not torch.allclose(full[0], naive[0], atol=1e-6)


def test_uniform_logits_give_ln_v():
    V = 17
    logits = torch.zeros(2, 4, V)
    labels = torch.randint(0, V, (2, 4))
    labels[1, 2:] = IGNORE_INDEX
    assert abs(cross_entropy_loss(logits, labels).item() - math.log(V)) < 1e-6


@pytest.mark.parametrize("dtype", [torch.bfloat16])
def test_bf16_logits_no_nan(dtype):
    logits, labels = _example(seed=7, dtype=dtype)
    loss = cross_entropy_loss(logits, labels)
    assert torch.isfinite(loss)
    assert abs(loss.float().item() - cross_entropy_by_hand(logits, labels).item()) < 0.05
