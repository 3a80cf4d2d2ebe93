"""Exercise 20 — backprop by hand: d loss / d logits, and which positions get none (lesson 06).

Check your answer with:   minimt exercises check 20      (add --hint for a hint)
"""
import torch


def logit_gradients(logits, labels):
    """The gradient of minimt's loss with respect to the logits — without autograd.

    logits (B, T, V) float, labels (B, T) long with -100 at padding. The loss is the mean
    cross-entropy over the N real positions (labels != -100), exercise 9's masked mean.
    Return a (B, T, V) tensor of the same dtype: what ``loss.backward()`` would leave in
    ``logits.grad``. Work it out on paper first; the result is short:

        at a real position (b, t):   (softmax(logits[b, t]) - one_hot(labels[b, t])) / N
        at a -100 position:          exactly 0 (the loss does not depend on those logits)

    If no label is real (N = 0), every gradient is 0 — not NaN. Do not call
    ``.backward()`` or ``torch.autograd.grad``: the grader compares with them.

    Worked example: B=1, T=3, V=2, logits = [[[0, 0], [0, 0], [5, 1]]], labels = [[1, 0, -100]].
    N = 2. Position 0: softmax = [0.5, 0.5], one_hot(1) = [0, 1] → [0.5, -0.5] / 2 = [0.25, -0.25].
    Position 1: ([0.5, 0.5] - [1, 0]) / 2 = [-0.25, 0.25]. Position 2 is -100 → [0, 0].
    The right token's logit gets a negative gradient: gradient DESCENT raises it.
    """
    raise NotImplementedError
