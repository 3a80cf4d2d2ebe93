"""One seed for every random generator a run uses, and their state for an exact --resume."""
from __future__ import annotations

import random

import torch


def seed_everything(seed: int) -> None:
    """One seed for every generator the run uses: python's random and torch (CPU and CUDA)."""
    random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA


def rng_state(device) -> dict:
    state = {"torch": torch.get_rng_state(), "python": random.getstate()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def set_rng_state(state: dict, device) -> None:
    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"], device)
