"""Which device to train or translate on, and whether bf16 autocast pays there."""
from __future__ import annotations

import torch

from ..errors import MinimtError


def resolve_device(name: str) -> torch.device:
    """'auto' → cuda if available, else mps, else cpu. An unknown or absent device is an error."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    kind = name.split(":")[0]
    if kind not in ("cpu", "cuda", "mps"):
        raise MinimtError(f"--device {name}: unknown device (choose auto, cpu, cuda, cuda:N or mps)")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise MinimtError(f"--device {name}: not a valid device name (e.g. cuda:0)") from None
    if kind == "cuda" and not torch.cuda.is_available():
        raise MinimtError(f"--device {name}: CUDA is not available on this machine (try --device cpu)")
    if kind == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise MinimtError(f"--device {name}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    if kind == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise MinimtError(f"--device {name}: Apple MPS is not available on this machine (try --device cpu)")
    return device


def default_bf16(device: torch.device) -> bool:
    """bf16 autocast only where it is native (fast): CUDA with bf16, a CPU with AVX512-BF16 or AMX.

    Elsewhere bf16 matmuls are emulated and *slower* than float32, so the default is off.
    """
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        cpu = getattr(torch, "cpu", None)
        checks = [getattr(cpu, name, None) for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")]
        try:
            return any(bool(check()) for check in checks if check is not None)
        except Exception:  # noqa: BLE001 - private torch API: never fail training over it
            return False
    return False


def describe(device: torch.device, bf16: bool) -> str:
    """Precision and kernels, for comparing a run with the README: e.g. "cpu AVX2 fp32",
    "cpu AVX512 +AMX bf16", "cuda NVIDIA H100 bf16", "mps fp32"."""
    precision = "bf16" if bf16 else "fp32"
    if device.type == "cuda":
        return f"cuda {torch.cuda.get_device_name(device)} {precision}"
    if device.type != "cpu":
        return f"{device.type} {precision}"
    try:
        kernels = torch.backends.cpu.get_cpu_capability()  # what ATen dispatches to: AVX2, AVX512, DEFAULT…
    except AttributeError:  # torch < 2.1
        kernels = "cpu"
    amx = getattr(torch.cpu, "_is_amx_tile_supported", None)
    try:
        kernels += " +AMX" if amx is not None and amx() else ""
    except Exception:  # noqa: BLE001 - private torch API: never fail over a label
        pass
    return f"cpu {kernels} {precision}"
