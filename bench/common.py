"""What every benchmark shares: the Tatoeba corpus, its batches, one training step, a timer.

The batches are made exactly as `minimt train` makes them (joint 8k SentencePiece tokenizer
trained on train.tsv, `bucket_batches` with a 4,096-token budget, `make_batch`), and one
training step is the one in minimt/train.py: forward under optional bf16 autocast, the
summed cross-entropy (label smoothing 0.1) on fp32 logits ÷ real tokens, backward, clip 1.0,
AdamW. The SAME step function trains minimt and the nn.Transformer baseline.
"""
from __future__ import annotations

import contextlib
import os
import platform
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/bench.py` from a checkout without pip install
    sys.path.insert(0, str(ROOT))

from minimt.batch import Batch, bucket_batches, make_batch  # noqa: E402
from minimt.loss import summed_loss  # noqa: E402

DATA = Path(os.environ.get("MINIMT_TATOEBA", ROOT.parent / "shared" / "data" / "tatoeba-eng-fra"))
VOCAB, MAX_TOKENS, LABEL_SMOOTHING, LR = 8000, 4096, 0.1, 1e-3


@dataclass
class Corpus:
    tokenizer: object
    pairs: list            # [(en, fr)] kept
    ids: list              # [(src ids, tgt ids)] without specials

    @property
    def lengths(self) -> list[tuple[int, int]]:
        return [(len(s), len(t)) for s, t in self.ids]


def load_corpus(split: str = "train", *, tokenizer=None, max_len: int = 255) -> Corpus:
    """Tatoeba pairs of ``split`` encoded with the 8k joint tokenizer of train.tsv (cached)."""
    from minimt.data import load_pairs
    from minimt.tokenizer import Tokenizer
    path = DATA / f"{split}.tsv"
    if not path.is_file():
        raise SystemExit(f"bench: {path} not found (set MINIMT_TATOEBA to the tatoeba-eng-fra folder)")
    pairs = load_pairs(path)
    if tokenizer is None:
        tokenizer = Tokenizer.train(pairs if split == "train" else load_pairs(DATA / "train.tsv"), VOCAB)
    kept, ids = [], []
    for en, fr in pairs:  # same filter as minimt train: both sides + EOS fit the 256 positions
        s, t = tokenizer.encode(en), tokenizer.encode(fr)
        if 0 < len(s) < max_len + 1 and 0 < len(t) < max_len + 1:
            kept.append((en, fr))
            ids.append((s, t))
    return Corpus(tokenizer, kept, ids)


def to_batch(corpus: Corpus, indices, *, multiple_of: int = 1) -> Batch:
    tok = corpus.tokenizer
    b = make_batch([corpus.ids[i][0] for i in indices], [corpus.ids[i][1] for i in indices],
                   pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)
    return pad_to_multiple(b, multiple_of, tok.pad_id) if multiple_of > 1 else b


def pad_to_multiple(b: Batch, m: int, pad_id: int) -> Batch:
    """Right-pad S and T to a multiple of m (fewer distinct shapes, a little more padding)."""
    def grow(x, value):
        extra = -x.size(1) % m
        return torch.cat([x, x.new_full((x.size(0), extra), value)], 1) if extra else x
    return Batch(grow(b.input_ids, pad_id), grow(b.attention_mask, 0), grow(b.labels, -100),
                 grow(b.decoder_input_ids, pad_id), grow(b.decoder_attention_mask, 0))


def random_batches(lengths, max_tokens: int, seed: int = 0) -> list[list[int]]:
    """The same token budget as `bucket_batches`, but pairs in random order (no length sorting)."""
    from minimt.batch import pack_batches
    order = list(range(len(lengths)))
    random.Random(seed).shuffle(order)
    return pack_batches(order, lengths, max_tokens)


def train_batches(corpus: Corpus, n: int, *, seed: int = 0, multiple_of: int = 1) -> list[Batch]:
    """The first n batches of epoch ``seed`` of `minimt train`'s batch order."""
    order = bucket_batches(corpus.lengths, MAX_TOKENS, shuffle=True, seed=seed)
    return [to_batch(corpus, b, multiple_of=multiple_of) for b in order[:n]]


def make_optimizer(model):
    from minimt.schedule import make_optimizer as minimt_optimizer
    return minimt_optimizer(model, lr=LR)  # AdamW (0.9, 0.98), wd 0.01 on matrices


def autocast(bf16: bool, device: str = "cpu"):
    return torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=bf16)


def fp32_summed_loss(logits, labels):
    return summed_loss(logits.float(), labels, LABEL_SMOOTHING)


def _ce_sum(logits, labels):  # no data-dependent Python branch: one graph for torch.compile
    V = logits.size(-1)
    return torch.nn.functional.cross_entropy(logits.float().reshape(-1, V), labels.reshape(-1),
                                             ignore_index=-100, label_smoothing=LABEL_SMOOTHING,
                                             reduction="sum")


_compiled_loss = None


def compiled_summed_loss(logits, labels):
    """The same fp32 loss, fused by torch.compile (log-softmax, nll and smoothing in one pass)."""
    global _compiled_loss
    if _compiled_loss is None:
        _compiled_loss = torch.compile(_ce_sum, dynamic=True)
    return _compiled_loss(logits, labels)


def train_step(model, optimizer, batch: Batch, *, bf16: bool, loss: str = "fp32") -> float:
    """One step exactly as minimt/train.py's train_step (for any model with minimt's forward).

    ``loss``: "fp32" = summed_loss(logits.float()) as minimt train; "bf16" = on the autocast
    logits as they are; "compiled" = the fp32 loss under torch.compile."""
    model.train()
    device = batch.input_ids.device.type
    with autocast(bf16, device):
        logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids,
                       batch.decoder_attention_mask)  # (B,T,V)
    n = int((batch.labels != -100).sum())
    if loss == "bf16":
        loss_sum, _ = summed_loss(logits, batch.labels, LABEL_SMOOTHING)
    elif loss == "compiled":
        loss_sum = compiled_summed_loss(logits, batch.labels)
    else:
        loss_sum = fp32_summed_loss(logits, batch.labels)[0]
    mean = loss_sum / max(n, 1)
    optimizer.zero_grad(set_to_none=True)
    mean.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return mean.item()


def batch_tokens(b: Batch) -> tuple[int, int, int]:
    """(real target tokens, real source+target tokens, padded positions src+tgt)."""
    tgt = int(b.decoder_attention_mask.sum())
    src = int(b.attention_mask.sum())
    return tgt, src + tgt, b.input_ids.numel() + b.labels.numel()


@dataclass
class Meter:
    """Seconds and tokens of the measured steps (warm-up steps are not added)."""
    seconds: float = 0.0
    steps: int = 0
    tgt: int = 0
    total: int = 0
    losses: list = field(default_factory=list)

    def add(self, seconds: float, b: Batch) -> None:
        tgt, total, _ = batch_tokens(b)
        self.seconds, self.steps = self.seconds + seconds, self.steps + 1
        self.tgt, self.total = self.tgt + tgt, self.total + total

    @property
    def tgt_per_s(self) -> float:
        return self.tgt / self.seconds if self.seconds else float("nan")

    @property
    def total_per_s(self) -> float:
        return self.total / self.seconds if self.seconds else float("nan")


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    flags = ""
    with contextlib.suppress(OSError):
        text = Path("/proc/cpuinfo").read_text()
        flags = " ".join(f for f in ("avx512f", "avx512_bf16", "amx_bf16", "amx_tile") if f" {f}" in text)
    return {"cpu": cpu, "flags": flags, "logical_cpus": os.cpu_count(), "threads": torch.get_num_threads(),
            "torch": torch.__version__, "python": platform.python_version()}
