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

from .errors import MinimtError

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the repository, when minimt runs from a clone
PACKAGED_DATA_DIR = Path(__file__).resolve().parent / "_corpus"  # data/ as `pip install .` installs it


def _find_data_dir() -> Path:
    """The embedded corpus: the repository's data/ in a clone (`pip install -e .` included),
    else its copy inside the installed package (`pip install .` or a wheel: pyproject.toml
    ships data/ as the subpackage minimt._corpus)."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "data").is_dir():
        return PROJECT_ROOT / "data"
    return PACKAGED_DATA_DIR


DATA_DIR = _find_data_dir()  # the embedded corpus shipped with minimt


def corpus_is_installed() -> bool:
    """True when DATA_DIR is the copy inside an installed package, not a clone's data/."""
    return DATA_DIR == PACKAGED_DATA_DIR


def writable_data_dir() -> Path:
    """DATA_DIR, for `minimt data generate` — but only in a clone.

    The copy inside site-packages is not the source of the corpus: rewriting it would change
    what this one machine trains on, silently, until the next install undoes it."""
    if corpus_is_installed():
        raise MinimtError(f"the embedded corpus is installed inside the package ({DATA_DIR}), not in "
                          "a clone: pass --out DIR, or regenerate data/ in a clone (pip install -e .)")
    return DATA_DIR


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
