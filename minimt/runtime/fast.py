"""Fast kernels for training, switched on by `minimt train` (and bench/), never by the lessons.

The teaching model (minimt/model.py, minimt/attention.py) is plain PyTorch: ``nn.Dropout`` and
the written-out `attention()`. Two of its operations have cheaper equivalents on some
machines; `enable_fast_kernels(model)` swaps them in, module by module, without touching the
weights (a checkpoint is the same either way):

1. Dropout on CPU (`FastDropout`): ``F.dropout`` draws one random number per element; we draw
   one 64-bit number per eight elements and compare bytes with a threshold (see `fast_dropout`).
2. Attention (`sdpa_attention`): PyTorch's fused ``F.scaled_dot_product_attention`` instead
   of the two batched matmuls and the softmax of `attention()`, where it measures faster —
   timed on whole training steps of the model (`choose_attention`): on this project's Zen 4 the
   written-out attention won narrowly in fp32 (the floor simulation) and by far in bf16.

tests/test_fast.py proves both equal to the plain versions: attention outputs and gradients
to float tolerance, dropout with the same keep-probability and scaling within statistical
bounds.
"""
from __future__ import annotations

import copy
import json
import time

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..attention import MultiHeadAttention, attention
from ..loss import summed_loss
from ..files import atomic_write_text, cache_dir

ATTENTION_CHOICES = ("auto", "sdpa", "explicit")


def fast_dropout(x: Tensor, p: float, training: bool) -> Tensor:
    """Inverted dropout: zero each element with probability p, scale the others by 1/(1-p).

    The same random process as ``F.dropout``, with a cheaper mask on CPU, where F.dropout draws
    one random number per element (``bernoulli_``): 2.4 ms for a (256, 8, 256) activation here,
    15% of a whole bf16 training step. Instead:
      - one random 64-bit integer holds eight independent uniform bytes, so we draw an eighth
        as many numbers and compare each byte with a threshold. The drop probability is
        therefore rounded to a multiple of 1/256 (0.1 → 26/256 = 0.1016); the scale uses the
        rounded value, so the expected output is still exactly x;
      - the mask is applied by multiplying with 0/1 in x's dtype, not with ``masked_fill``: a
        bf16 masked_fill is ~8x slower than a multiply on this CPU, and the backward pass would
        run it again on the gradient. 1/(1-p) stays a Python number: 1.1111… is not exact in
        bf16 (it would become 1.109, a 0.2% bias).
    Measured in bf16 training on Tatoeba batches (2 cores): +5% tokens/s against four 16-bit
    numbers per draw and masked_fill (docs/benchmarks.md).
    """
    if not training or p == 0:
        return x  # don't even call it when it does nothing
    if x.device.type != "cpu":
        return F.dropout(x, p, True)  # GPUs have a fused, fast kernel
    n, dropped = x.numel(), round(p * 256)              # how many of the 256 byte values mean "drop"
    bits = torch.randint(-2**63, 2**63 - 1, ((n + 7) // 8,), dtype=torch.int64)  # (n/8,) uniform
    r = bits.view(torch.int8)[:n].view(x.shape)         # (…x) uniform in [-128, 127]
    keep = (r >= dropped - 128).to(x.dtype)             # (…x) 1 with prob 1 - dropped/256, else 0
    return (x * keep).mul_(256 / (256 - dropped))       # in place: one tensor fewer, same gradient


class FastDropout(nn.Dropout):
    """``nn.Dropout`` with `fast_dropout`'s cheaper CPU mask (same keep-probability, rounded to 1/256)."""

    def forward(self, x: Tensor) -> Tensor:
        return fast_dropout(x, self.p, self.training)


def sdpa_attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None,
                   dropout_p: float = 0.0) -> tuple[Tensor, None]:
    """`attention()`'s result from the fused kernel (no weights: the kernel never forms them).

    Same rule as `attention()`: a query row with no allowed key outputs zeros. Such rows are
    let attend everywhere, then zeroed: no backend may see an all-False row (older versions
    give NaN; CUDA bf16 in torch 2.11 gave arbitrary numbers). ``is_causal`` is never passed
    with a mask: it would override the mask.
    """
    if mask is None:
        return F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p), None
    has_key = mask.any(dim=-1, keepdim=True)  # (B|1,1,T|1,1)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask | ~has_key, dropout_p=dropout_p)
    return out.masked_fill(~has_key, 0.0), None


def auto_attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None,
                   dropout_p: float = 0.0) -> tuple[Tensor, Tensor | None]:
    """The faster of the two per call, by a rule — used by bench/ only; `minimt train` measures
    (`choose_attention`), because this rule was timed on the kernel alone (torch 2.13, 2 CPU cores,
    B*T ~ 2k tokens, fwd+bwd): in float32 the fused kernel was ~2x faster than `attention()`
    on an AVX-512 CPU, but in bfloat16 on CPU it is 6-20x SLOWER, while `attention()`'s two
    batched matmuls run on the bf16 units. (On an AVX2-only CPU the written-out version was
    faster in fp32 too: pass ``attention="explicit"`` there.)"""
    if q.device.type != "cpu" or q.dtype == torch.float32:
        return sdpa_attention(q, k, v, mask, dropout_p)
    return attention(q, k, v, mask, dropout_p)


_KERNELS = {"auto": auto_attention, "sdpa": sdpa_attention, "explicit": attention}
CHOICE_FILE = "attention_kernels.json"


def _time_step(model: nn.Module, batch, autocast) -> float:
    """Seconds of one training step's forward and backward of ``model`` on ``batch`` (no update)."""
    t0 = time.perf_counter()
    with autocast():
        logits = model(batch.input_ids, batch.attention_mask,
                       batch.decoder_input_ids, batch.decoder_attention_mask)  # (B,T,V)
    loss_sum, n = summed_loss(logits, batch.labels)
    (loss_sum / max(n, 1)).backward()
    model.zero_grad(set_to_none=True)
    return time.perf_counter() - t0


def measure_attention(model: nn.Module, batches: list, autocast, *, reps: int = 2) -> dict:
    """Time whole training steps (forward + backward) of ``model`` with each attention kernel on
    these real batches, taking turns after one warm-up each, and return the faster.

    Whole steps on real batches, not the kernel alone on a made-up shape: the decoder's causal
    mask and the cross-attention decide which is faster. (Timing the kernel alone on (128, H, 16,
    hd) with a padding mask picked SDPA in fp32 here, 3.0 vs 8.1 ms, while whole training steps
    ran 1.4x faster with the written-out attention.) On a copy of the model, with the random
    numbers put back afterwards: the run's weights and its random stream are not touched."""
    probe = copy.deepcopy(model).train()
    seconds = {"explicit": 0.0, "sdpa": 0.0}
    with torch.random.fork_rng(devices=[]):  # the copy's dropout draws must not shift the run's stream
        for batch in batches:
            for rep in range(reps + 1):  # rep 0 warms up (allocator, oneDNN kernels, page faults)
                for name in (seconds if rep % 2 else reversed(list(seconds))):  # alternate who goes first
                    enable_fast_kernels(probe, attention=name)
                    t = _time_step(probe, batch, autocast)
                    if rep:
                        seconds[name] += t
    per_step = {name: 1e3 * t / (reps * len(batches)) for name, t in seconds.items()}
    return {"choice": min(per_step, key=per_step.get), **{f"{n}_ms": round(ms, 1) for n, ms in per_step.items()}}


def choose_attention(model: nn.Module, batches: list, *, device: torch.device, bf16: bool,
                     autocast) -> tuple[str, str]:
    """("sdpa" | "explicit", why): the faster attention kernel for training this model on this machine.

    Which one wins depends on the CPU, the precision and the shapes: bf16 SDPA on CPU is many
    times slower; in fp32 SDPA won on one AVX-512 CPU and lost on a Zen 3 (issue 12) — and lost
    here too once whole steps were timed. So on the CPU we measure (`measure_attention`), once:
    the answer is cached per CPU kernels, threads, torch version, precision, model shape and batch
    shapes in $MINIMT_CACHE/attention_kernels.json (delete it to measure again). On CUDA the fused
    kernel wins.
    """
    if device.type != "cpu":
        return "sdpa", f"fused kernel on {device.type}"
    dtype = torch.bfloat16 if bf16 else torch.float32
    capability = getattr(torch.backends.cpu, "get_cpu_capability", lambda: "cpu")()
    c = getattr(model, "config", None)
    shape = (f"d{c.d_model}h{c.n_heads}L{c.n_encoder_layers}+{c.n_decoder_layers}ff{c.d_ff}V{c.vocab_size}"
             if c is not None else type(model).__name__)
    sizes = ",".join(f"{tuple(b.input_ids.shape)}>{tuple(b.decoder_input_ids.shape)}" for b in batches)
    key = f"{capability}|threads {torch.get_num_threads()}|torch {torch.__version__}|{dtype}|{shape}|{sizes}"
    path = cache_dir() / CHOICE_FILE
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if key not in known or known[key].get("choice") not in ("sdpa", "explicit"):
        known[key] = measure_attention(model, batches, autocast)
        atomic_write_text(path, json.dumps(known, indent=1, sort_keys=True) + "\n")
        how = "measured now"
    else:
        how = "measured earlier"
    m = known[key]
    return m["choice"], (f"{how}: a training step's forward+backward took {m['explicit_ms']} ms with the "
                         f"written-out attention, {m['sdpa_ms']} ms with sdpa ({path})")


def enable_fast_kernels(model: nn.Module, *, attention: str = "auto", dropout: bool = True) -> nn.Module:
    """Swap the fast kernels into ``model`` in place (and return it); weights untouched.

    ``attention``: "auto" (the rule above), "sdpa" or "explicit" (the lessons' `attention()`).
    ``dropout``: replace every ``nn.Dropout`` by `FastDropout` (False: put plain ones back).
    """
    if attention not in _KERNELS:
        raise ValueError(f"attention={attention!r}: choose one of {', '.join(ATTENTION_CHOICES)}")
    for module in model.modules():
        if isinstance(module, MultiHeadAttention):
            module.kernel = _KERNELS[attention]
        for name, child in list(module.named_children()):
            if isinstance(child, nn.Dropout):
                new = (FastDropout if dropout else nn.Dropout)(child.p)
                setattr(module, name, new.train(child.training))  # a new module would start in train mode
    return model
