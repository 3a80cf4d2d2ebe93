"""Checkpoints: a folder anyone can inspect, loaded without running anyone's code (lesson 07).

A checkpoint folder holds three things, each written atomically (a crash leaves the old
file or the new one, never half of one):

    config.json       the model's shape, the tokenizer's sha256, versions, seed — human-readable
    tokenizer.model   the SentencePiece model the ids belong to (ids are meaningless without it)
    latest.pt         weights + training state (optimizer, scheduler, step, RNG states, metrics)
    best.pt           the same, for the step with the best validation BLEU

The .pt files hold only tensors and plain Python containers (dict, list, tuple, int, float,
str, None). That lets us load them with ``torch.load(..., weights_only=True)``, which refuses
anything else. A plain ``torch.load`` unpickles — and a pickle can run arbitrary code the
moment it is loaded, so a checkpoint downloaded from a stranger could do anything.
"""
from __future__ import annotations

import json
import pickle
import platform
import re
from pathlib import Path

import torch

from . import __version__
from .errors import MinimtError
from .files import atomic_path, atomic_write_bytes, atomic_write_text
from .lang import pick
from .model import ModelConfig, Transformer
from .tokenizer import Tokenizer

CONFIG_FILE = "config.json"
TOKENIZER_FILE = "tokenizer.model"


def _versions() -> dict:
    import sentencepiece
    return {"minimt": __version__, "torch": torch.__version__,
            "sentencepiece": sentencepiece.__version__, "python": platform.python_version()}


def save_checkpoint(out_dir, *, model, config, tokenizer, step: int, optimizer=None, scheduler=None,
                    extra: dict | None = None, name: str = "latest") -> Path:
    """Write config.json, tokenizer.model and ``{name}.pt`` into ``out_dir``; return the .pt path.

    ``extra`` must contain only plain values and tensors (e.g. ``{"epoch": 3, "rng": ...,
    "metrics": {...}, "seed": 0}``); anything else would make ``weights_only=True`` refuse it.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    extra = dict(extra or {})
    config_dict = config.to_dict()
    info = {
        "model": config_dict,
        "tokenizer_sha256": tokenizer.sha256,
        "tokenizer_vocab_size": tokenizer.vocab_size,
        "seed": extra.get("seed"),
        "versions": _versions(),
    }
    atomic_write_text(out_dir / CONFIG_FILE, json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    tok_src, tok_dst = Path(tokenizer.model_path), out_dir / TOKENIZER_FILE
    if not tok_dst.exists() or tok_dst.read_bytes() != tok_src.read_bytes():
        atomic_write_bytes(tok_dst, tok_src.read_bytes())

    state = {
        "model": model.state_dict(),
        "config": config_dict,  # the shape these weights need, stored with them
        "tokenizer_sha256": tokenizer.sha256,
        "step": int(step),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        **extra,
    }
    path = out_dir / f"{name}.pt"
    with atomic_path(path) as tmp:
        torch.save(state, tmp)
    return path


def read_checkpoint_file(path, *, device="cpu") -> dict:
    """``torch.load(path, weights_only=True)``, with one-line errors for a missing or unsafe file."""
    path = Path(path)
    if not path.is_file():
        raise MinimtError(pick(en=f"{path}: checkpoint file not found",
                               zh=f"{path}：找不到检查点文件"))
    try:
        return torch.load(path, map_location=device, weights_only=True)
    except pickle.UnpicklingError as e:
        found = re.search(r"Unsupported global: GLOBAL (\S+)", str(e))
        if found:  # a class or function reference: loading it would run code
            raise MinimtError(pick(en=f"refusing to load {path}: it contains pickled code, which weights_only=True "
                                      f"does not allow (it references {found.group(1)})",
                                   zh=f"拒绝加载 {path}：它含有被 pickle 的代码，weights_only=True 不允许"
                                      f"（它引用了 {found.group(1)}）")) from None
        raise MinimtError(pick(en=f"{path}: not a readable checkpoint (corrupt or not made by torch.save)",
                               zh=f"{path}：不是可读的检查点（文件损坏，或不是 torch.save 写的）")) from None
    except (RuntimeError, EOFError, OSError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise MinimtError(pick(en=f"{path}: not a readable checkpoint ({first[:160]})",
                               zh=f"{path}：不是可读的检查点（{first[:160]}）")) from None


def find_checkpoint(ckpt_dir, name: str = "best") -> Path:
    """``ckpt_dir/{name}.pt``; "best" falls back to "latest" (a run stopped before its first eval)."""
    ckpt_dir = Path(ckpt_dir)
    if not ckpt_dir.is_dir():
        raise MinimtError(pick(en=f"{ckpt_dir}: checkpoint folder not found (train one with: minimt train --out {ckpt_dir})",
                               zh=f"{ckpt_dir}：找不到检查点文件夹（先训练一个：minimt train --out {ckpt_dir}）"))
    path = ckpt_dir / f"{name}.pt"
    if not path.is_file() and name == "best" and (ckpt_dir / "latest.pt").is_file():
        path = ckpt_dir / "latest.pt"
    if not path.is_file():
        raise MinimtError(pick(en=f"{path}: checkpoint file not found",
                               zh=f"{path}：找不到检查点文件"))
    return path


def load_checkpoint(ckpt_dir, *, device="cpu", name: str = "best"):
    """Rebuild ``(model, tokenizer, meta)`` from a checkpoint folder; the model is in eval mode.

    ``meta`` is everything in the .pt file except the weights (step, optimizer and scheduler
    state, RNG states, metrics…) plus ``meta["path"]``, the file that was read.
    """
    ckpt_dir = Path(ckpt_dir)
    path = find_checkpoint(ckpt_dir, name)
    for needed in (CONFIG_FILE, TOKENIZER_FILE):
        if not (ckpt_dir / needed).is_file():
            raise MinimtError(pick(en=f"{ckpt_dir / needed}: missing from the checkpoint folder",
                                   zh=f"{ckpt_dir / needed}：检查点文件夹里缺少这个文件"))
    try:
        info = json.loads((ckpt_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise MinimtError(pick(en=f"{ckpt_dir / CONFIG_FILE}: not valid JSON ({e})",
                               zh=f"{ckpt_dir / CONFIG_FILE}：不是有效的 JSON（{e}）")) from None
    state = read_checkpoint_file(path, device=device)
    if not isinstance(state, dict) or "model" not in state or "config" not in state:
        raise MinimtError(pick(en=f"{path}: not a minimt checkpoint (no 'model' weights or 'config')",
                               zh=f"{path}：不是 minimt 的检查点（没有 'model' 权重或 'config'）"))

    tokenizer = Tokenizer(ckpt_dir / TOKENIZER_FILE)
    config = ModelConfig.from_dict(state["config"])
    if tokenizer.vocab_size != config.vocab_size:
        raise MinimtError(pick(en=f"{ckpt_dir / TOKENIZER_FILE} has vocab size {tokenizer.vocab_size} but the "
                                  f"weights in {path.name} have vocab size {config.vocab_size}: they do not belong together",
                               zh=f"{ckpt_dir / TOKENIZER_FILE} 的词表大小是 {tokenizer.vocab_size}，而 {path.name} "
                                  f"里权重的词表大小是 {config.vocab_size}：两者不是一套"))
    want_sha = state.get("tokenizer_sha256") or info.get("tokenizer_sha256")
    if want_sha and tokenizer.sha256 != want_sha:
        raise MinimtError(pick(en=f"{ckpt_dir / TOKENIZER_FILE} is not the tokenizer {path.name} was trained with "
                                  f"(sha256 {tokenizer.sha256[:12]}… vs {want_sha[:12]}…)",
                               zh=f"{ckpt_dir / TOKENIZER_FILE} 不是训练 {path.name} 时用的分词器"
                                  f"（sha256 {tokenizer.sha256[:12]}… 与 {want_sha[:12]}…）"))

    model = Transformer(config)
    try:
        model.load_state_dict(state["model"])
    except RuntimeError as e:
        detail = " ".join(str(e).split())[:200]
        raise MinimtError(pick(en=f"{path}: weights do not fit the stored model config ({detail})",
                               zh=f"{path}：权重和保存的模型配置对不上（{detail}）")) from None
    model.to(device).eval()
    meta = {k: v for k, v in state.items() if k != "model"}
    meta["path"] = str(path)
    meta["info"] = info
    return model, tokenizer, meta
