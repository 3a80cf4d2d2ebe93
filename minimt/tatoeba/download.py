"""`minimt data tatoeba`: download the real Tatoeba English→French pairs and split them.

Steps, each one checkable:
1. download `fra-eng.zip` from manythings.org (or any .zip holding fra.txt, or a plain
   .tsv/.txt; a `file://` URL works too) into the cache, in chunks, to a ``.part`` file
   that is renamed only once complete — an interrupted download never looks finished;
   or read a local file (`import_file`), or tatoeba.org's sentence + links exports
   (`import_exports`, read by `minimt.tatoeba.exports`);
2. validate every line with the same checks as `minimt.data.load_pairs`;
3. drop exact duplicate pairs;
4. split *grouped by English sentence*, so no valid/test English sentence is in train
   (otherwise the model is tested on sentences it has memorised);
5. write train/valid/test.tsv atomically.

The data is CC-BY 2.0 FR; keep the attribution when you share it.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import http.client
import os
import random
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from pathlib import Path

from tqdm import tqdm

from .. import files
from ..data import parse_pairs, read_bytes
from ..errors import MinimtError
from . import exports as tatoeba_export

DEFAULT_URL = "https://www.manythings.org/anki/fra-eng.zip"
ATTRIBUTION = ("Sentence pairs from the Tatoeba Project (https://tatoeba.org), selected by "
               "https://www.manythings.org/anki/ — licence CC-BY 2.0 FR "
               "(https://creativecommons.org/licenses/by/2.0/fr/).")
EXPORT_ATTRIBUTION = ("Sentences and translation links from the Tatoeba Project "
                      "(https://tatoeba.org/downloads) — licence CC-BY 2.0 FR "
                      "(https://creativecommons.org/licenses/by/2.0/fr/).")
CHUNK = 1 << 16  # bytes per read


def download(url: str, cache: str | Path | None = None) -> Path:
    """Fetch ``url`` into ``cache/downloads/`` (reused if already there) and return its path."""
    name = Path(urllib.parse.urlparse(url).path).name or "download"
    # one sub-folder per URL, so two "fra-eng.zip" from different places never collide
    folder = Path(cache) if cache else files.cache_dir()
    dest = folder / "downloads" / hashlib.sha256(url.encode()).hexdigest()[:12] / name
    if dest.exists():
        print(f"using the cached download {dest}")
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(f"{dest.name}.{os.getpid()}.part")  # unique: two runs never share one
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "minimt (educational NMT)"})
        with urllib.request.urlopen(request, timeout=60) as response, open(part, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            done = 0
            with tqdm(total=total, unit="B", unit_scale=True, desc=name, disable=None) as bar:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    bar.update(len(chunk))
            if total is not None and done != total:
                raise MinimtError(f"could not download {url}: got {done} of {total} bytes")
        os.replace(part, dest)  # atomic: dest exists only once it is complete
    except urllib.error.HTTPError as e:
        raise MinimtError(f"could not download {url}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise MinimtError(f"could not download {url}: {e.reason}") from None
    except (OSError, ValueError, http.client.HTTPException) as e:  # timeouts, resets, bad URLs
        if isinstance(e, MinimtError):
            raise
        raise MinimtError(f"could not download {url}: {e}") from None
    finally:
        part.unlink(missing_ok=True)
    return dest


def _read_zip(path: Path) -> tuple[bytes, str]:
    with zipfile.ZipFile(path) as archive:
        # manythings zips hold fra.txt (sometimes under a folder) and _about.txt
        members = [m for m in archive.namelist() if Path(m).name == "fra.txt"]
        if not members:
            texts = [m for m in archive.namelist()
                     if m.endswith((".txt", ".tsv")) and not Path(m).name.startswith("_")]
            if len(texts) != 1:
                raise MinimtError(f"{path}: no fra.txt in this zip (it holds: "
                                  f"{', '.join(archive.namelist()) or 'nothing'})")
            members = texts
        return archive.read(members[0]), f"{path}/{members[0]}"


def read_corpus(path: Path) -> tuple[bytes, str]:
    """The raw TSV bytes inside a downloaded file, and a name for error messages."""
    if zipfile.is_zipfile(path):
        try:
            return _read_zip(path)
        except (zipfile.BadZipFile, OSError) as e:
            raise MinimtError(f"{path}: damaged zip ({e}); delete it and download again") from None
    data = read_bytes(path)
    if path.suffix in (".bz2", ".gz"):
        try:
            return (bz2 if path.suffix == ".bz2" else gzip).decompress(data), str(path)
        except (OSError, ValueError, EOFError, zlib.error) as e:
            raise MinimtError(f"{path}: damaged {path.suffix[1:]} file ({e}); delete it, "
                              "download again") from None
    if data[:4] == b"PK\x03\x04":
        raise MinimtError(f"{path}: damaged zip file; delete it and download again")
    return data, str(path)


def split_by_english(pairs: list[tuple[str, str]], n_valid: int, n_test: int,
                     seed: int = 0) -> dict[str, list[tuple[str, str]]]:
    """Split pairs so that all translations of one English sentence land in the same split.

    The groups (in order of first appearance) are shuffled with ``random.Random(seed)``;
    a group goes to valid if it fits valid's remaining quota, else to test if it fits
    test's, else to train. Each split keeps the corpus order. (Same rule as
    ../shared/data/tatoeba-eng-fra/make_split.py, so the same input gives the same files.)
    """
    if n_valid + n_test >= len(pairs):
        raise MinimtError(f"--valid {n_valid} --test {n_test}: the corpus has only {len(pairs)} "
                          "pairs, which leaves nothing to train on")
    groups: dict[str, list[int]] = {}
    for i, (english, _) in enumerate(pairs):
        groups.setdefault(english, []).append(i)
    keys = list(groups)
    random.Random(seed).shuffle(keys)
    quota = {"valid": n_valid, "test": n_test}
    chosen: dict[str, list[int]] = {"train": [], "valid": [], "test": []}
    for english in keys:
        idx = groups[english]
        for name in ("valid", "test"):
            if len(idx) <= quota[name]:
                quota[name] -= len(idx)
                chosen[name].extend(idx)
                break
        else:
            chosen["train"].extend(idx)
    return {name: [pairs[i] for i in sorted(idx)] for name, idx in chosen.items()}


def fetch_tatoeba(url: str = DEFAULT_URL, *, cache: str | Path | None = None,
                  out_dir: str | Path | None = None, n_valid: int = 2000, n_test: int = 2000,
                  seed: int = 0) -> dict[str, int]:
    """Download, validate, dedupe, split and write; returns the number of pairs per split."""
    path = download(url, cache)
    return import_file(path, cache=cache, out_dir=out_dir, n_valid=n_valid, n_test=n_test,
                       seed=seed, origin=f"Downloaded from {url}")


def import_file(path: str | Path, *, cache: str | Path | None = None,
                out_dir: str | Path | None = None, n_valid: int = 2000, n_test: int = 2000,
                seed: int = 0, origin: str | None = None) -> dict[str, int]:
    """Like `fetch_tatoeba` for a local file: a manythings zip / fra.txt, any
    ``english<TAB>french`` TSV (.bz2/.gz too), or a tatoeba.org sentence-pairs export."""
    data, source = read_corpus(Path(path))
    if tatoeba_export.is_pairs_export(data):  # eng_id, English, fra_id, French
        print(f"{source}: a tatoeba.org sentence-pairs export (English id, English, French id, French)")
        pairs, credit = tatoeba_export.parse_pairs_export(data, source), EXPORT_ATTRIBUTION
    else:
        pairs, credit = parse_pairs(data, source), ATTRIBUTION
    return write_split(pairs, source, cache=cache, out_dir=out_dir, n_valid=n_valid,
                       n_test=n_test, seed=seed, credit=f"{credit}\n{origin or f'Made from {path}'}")


def import_exports(sentence_files: list[str | Path], links_file: str | Path, *,
                   cache: str | Path | None = None, out_dir: str | Path | None = None,
                   n_valid: int = 2000, n_test: int = 2000, seed: int = 0) -> dict[str, int]:
    """tatoeba.org's eng/fra sentence files + links.tsv → the same split as `fetch_tatoeba`."""
    pairs, source = tatoeba_export.pairs_from_exports(sentence_files, links_file)
    made_from = ", ".join(map(str, [*sentence_files, links_file]))
    return write_split(pairs, source, cache=cache, out_dir=out_dir, n_valid=n_valid,
                       n_test=n_test, seed=seed, credit=f"{EXPORT_ATTRIBUTION}\nMade from {made_from}")


def write_split(pairs: list[tuple[str, str]], source: str, *, cache: str | Path | None,
                out_dir: str | Path | None, n_valid: int, n_test: int, seed: int,
                credit: str) -> dict[str, int]:
    """Validated pairs → dedupe, split by English sentence, write train/valid/test.tsv and
    ATTRIBUTION.txt (``credit``) atomically; returns the number of pairs per split."""
    unique = list(dict.fromkeys(pairs))  # exact duplicates dropped, first occurrence kept
    parts = split_by_english(unique, n_valid, n_test, seed)
    train_english = {en for en, _ in parts["train"]}
    for name in ("valid", "test"):
        assert not train_english & {en for en, _ in parts[name]}, f"{name} overlaps train"

    out = Path(out_dir) if out_dir else (Path(cache) if cache else files.cache_dir()) / "tatoeba"
    for name, split in parts.items():
        files.atomic_write_text(out / f"{name}.tsv", "".join(f"{en}\t{fr}\n" for en, fr in split))
    files.atomic_write_text(out / "ATTRIBUTION.txt", credit + "\n")

    print(f"{source}: {len(pairs):,} pairs, {len(pairs) - len(unique):,} exact duplicates dropped")
    for name, split in parts.items():
        n_en = len({en for en, _ in split})
        print(f"{out / (name + '.tsv')}: {len(split):,} pairs, {n_en:,} distinct English sentences")
    print(credit.splitlines()[0])
    return {name: len(split) for name, split in parts.items()}
