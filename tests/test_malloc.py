"""minimt.malloc: glibc is told to keep freed memory; the switch to leave it alone works."""
import sys

import pytest
import torch

from minimt.runtime import memory as malloc


def test_env_switch_leaves_malloc_alone(monkeypatch):
    monkeypatch.setenv("MINIMT_KEEP_FREED_MEMORY", "0")
    assert malloc.keep_freed_memory() is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_tuning_is_accepted_and_big_tensors_still_work(monkeypatch):
    monkeypatch.delenv("MINIMT_KEEP_FREED_MEMORY", raising=False)
    import ctypes.util
    if "musl" in (ctypes.util.find_library("c") or ""):
        pytest.skip("musl has no mallopt")
    assert malloc.keep_freed_memory() is True  # glibc accepted both settings
    # a (tokens x vocab)-sized tensor, freed and made again: same values, nothing breaks
    for _ in range(2):
        x = torch.ones(2_200, 8_000, dtype=torch.bfloat16)
        assert x.sum(dtype=torch.float32).item() == 2_200 * 8_000
        del x
