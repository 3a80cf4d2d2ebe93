"""Exercise 10 — one training step (lesson 07).

Check your answer with:   minimt exercises check 10      (add --hint for a hint)
"""
import torch

from minimt.loss import cross_entropy_loss  # you may use it (exercise 9 wrote it by hand)


def train_step(model, batch, optimizer, *, max_grad_norm=1.0):
    """Do one update of ``model`` on ``batch`` and return the loss as a Python float.

    ``model(input_ids, attention_mask, decoder_input_ids, decoder_attention_mask)`` returns
    logits (B, T, V); ``batch`` is a minimt Batch (input_ids, attention_mask, labels,
    decoder_input_ids, decoder_attention_mask). The steps:

        1. forward: logits from the model
        2. loss: cross-entropy of logits against batch.labels, ignoring -100
        3. optimizer.zero_grad(), then loss.backward()
        4. clip the gradients' total norm to max_grad_norm (torch.nn.utils.clip_grad_norm_)
        5. optimizer.step()
        6. return loss.item()

    A batch whose labels are ALL -100 has nothing to learn: return None and change nothing
    (do not even call optimizer.step(): momentum and weight decay would still move the weights).

    Worked example: a fresh model on a batch of 3 sentences returns about ln(V) (the loss of a
    uniform guess) and its parameters change; calling it again on a batch with labels all -100
    returns None and leaves every parameter exactly as it was.
    """
    raise NotImplementedError
