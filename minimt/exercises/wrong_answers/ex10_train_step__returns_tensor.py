# expect: return loss.item()
import torch

from minimt.loss import cross_entropy_loss


def train_step(model, batch, optimizer, *, max_grad_norm=1.0):
    if not (batch.labels != -100).any():
        return None
    logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask)
    loss = cross_entropy_loss(logits, batch.labels)
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
    optimizer.step()
    return loss
