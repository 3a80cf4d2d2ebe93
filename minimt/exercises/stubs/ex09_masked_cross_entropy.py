"""Exercise 9 — the loss with ignore_index, written as a masked mean (lesson 06).

Check your answer with:   minimt exercises check 9      (add --hint for a hint)
"""
import torch


def masked_cross_entropy(logits, labels):
    """Mean cross-entropy over the positions whose label is not -100 — by hand.

    logits (B, T, V) float: a score for every vocabulary entry at every decoder position;
    labels (B, T) long: the right token, or -100 where the row is padding. Return a scalar
    tensor (0-dim, with a graph, so ``loss.backward()`` works):

        loss = sum over real positions of  -log softmax(logits[b, t])[labels[b, t]]
               ------------------------------------------------------------------
                                 number of real positions

    Do not call F.cross_entropy / F.nll_loss: write what ``ignore_index=-100`` does.
    If no label is real, return 0 (not NaN). Ignored positions must get zero gradient.

    Worked example: B=1, T=2, V=2, logits = [[[0, 0], [5, 1]]], labels = [[1, -100]].
    Position 0: softmax = [0.5, 0.5], -log 0.5 = 0.6931. Position 1 is ignored. Loss = 0.6931.
    """
    raise NotImplementedError
