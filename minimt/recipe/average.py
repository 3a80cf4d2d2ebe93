"""The weights averaged over the learning-rate decay (issue 12): one more model, for free.

With the budget schedule the last ``decay_fraction`` of a run lowers the learning rate to 0.
Over those steps the weights still wander around the valley the model has found; their plain
mean (all decay steps weighted equally, as in stochastic weight averaging) often sits nearer the
valley's floor than the last step does. `DecayAverage` keeps the running sum of the weights
after every decay step (one fp32 copy of the parameters, one add per step), and `minimt train`
validates the mean next to the last step's weights at the end. The one with the lower
validation loss becomes best.pt; latest.pt always keeps the last step's own weights (what
--resume continues from), together with the sum, so a resumed run averages exactly the same
steps as an uninterrupted one.
"""
from __future__ import annotations

import torch


class DecayAverage:
    """Running sum of a model's parameters over the steps it is told about."""

    def __init__(self, model: torch.nn.Module):
        self.names = [name for name, p in model.named_parameters() if p.requires_grad]
        self.reset()

    def reset(self) -> None:
        self.sums, self.count, self.first_step = None, 0, None

    @torch.no_grad()
    def add(self, model: torch.nn.Module, step: int) -> None:
        params = dict(model.named_parameters())
        current = [params[n].detach().float() for n in self.names]
        if self.sums is None:
            self.sums, self.first_step = [t.clone() for t in current], step
        else:
            torch._foreach_add_(self.sums, current)  # one fused add over every tensor
        self.count += 1

    def averaged_state(self, model: torch.nn.Module) -> dict:
        """The model's state_dict with every parameter replaced by its mean over the added steps."""
        state = {k: v.clone() for k, v in model.state_dict().items()}
        for name, total in zip(self.names, self.sums):
            state[name] = (total / self.count).to(state[name].dtype)
        return state

    def state_dict(self) -> dict:  # plain values and tensors only: checkpoints load with weights_only=True
        return {"names": list(self.names), "sums": list(self.sums or []), "count": self.count,
                "first_step": self.first_step}

    def load_state_dict(self, state: dict) -> None:
        if list(state["names"]) != self.names:
            raise ValueError("the checkpoint's weight average belongs to another model")
        self.sums = [t.clone() for t in state["sums"]] or None
        self.count, self.first_step = int(state["count"]), state["first_step"]
