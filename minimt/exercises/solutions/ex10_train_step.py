"""Exercise 10 — reference solution."""
import torch

from minimt.loss import cross_entropy_loss


def train_step(model, batch, optimizer, *, max_grad_norm=1.0):
    if not (batch.labels != -100).any():
        return None  # nothing to learn: no step at all (weight decay/momentum would still move weights)
    logits = model(batch.input_ids, batch.attention_mask,
                   batch.decoder_input_ids, batch.decoder_attention_mask)  # (B, T, V)
    loss = cross_entropy_loss(logits, batch.labels)    # mean over real label tokens
    optimizer.zero_grad()                              # forget the previous step's gradients
    loss.backward()                                    # d loss / d every parameter
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)  # one bad batch can't blow up the weights
    optimizer.step()                                   # the update
    return loss.item()                                 # a float: the graph can be freed
