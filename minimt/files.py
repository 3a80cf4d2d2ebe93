"""Small file helpers shared by every stage: atomic writes and the cache folder.

Atomic = write to a temporary file in the same folder, then ``os.replace`` it over the
target. A crash (or Ctrl-C) mid-write leaves either the old file or the new one, never a
half-written checkpoint or tokenizer that would fail mysteriously later.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"  # the embedded corpus shipped with minimt


def cache_dir() -> Path:
    """Where trained tokenizers and downloads live: $MINIMT_CACHE, else ~/.cache/minimt."""
    env = os.environ.get("MINIMT_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "minimt"
    base.mkdir(parents=True, exist_ok=True)
    return base


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success move it over ``path``.

    >>> with atomic_path("out.png") as tmp:
    ...     fig.savefig(tmp)          # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a written file should look like any other
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 text with '\\n' line endings (never the platform's), atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))
