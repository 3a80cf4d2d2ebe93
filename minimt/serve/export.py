"""Write a CTranslate2 model folder from a minimt checkpoint folder (lesson 10).

    export_ctranslate2("runs/minimt", "serve/minimt-ct2", quantization="int8")

The folder holds what CTranslate2 writes (``model.bin``, ``config.json``,
``shared_vocabulary.json``), our ``tokenizer.model`` (the engine takes pieces, not text), a
``minimt.json`` (where it came from, the model's position limit) and a README saying how to
load it. It is built in a temporary sibling folder and renamed into place at the end, so a
failed export leaves nothing behind.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import MinimtError

QUANTIZATIONS = ("float32", "int8", "int8_float32")
TOKENIZER_FILE = "tokenizer.model"
MINIMT_FILE = "minimt.json"

README = """# A minimt model for CTranslate2

Exported from `{checkpoint}` (step {step}) with `minimt export --to ctranslate2`,
weights {quantization}. English → French; the source and target share one SentencePiece
vocabulary (`tokenizer.model`).

With minimt:

    minimt translate --engine ctranslate2 --checkpoint {name} "How are you?"

With CTranslate2 alone (`pip install ctranslate2 sentencepiece`):

```python
import ctranslate2, sentencepiece as spm
sp = spm.SentencePieceProcessor(model_file="{name}/tokenizer.model")
translator = ctranslate2.Translator("{name}", device="cpu")
pieces = sp.encode("How are you?", out_type=str)        # EOS is added by the engine
out = translator.translate_batch([pieces], beam_size=1)
print(sp.decode(out[0].hypotheses[0]))
```

Sentences may have at most {max_positions} pieces with EOS (the position table's size).
"""


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise MinimtError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        raise MinimtError(f"--out {out}: folder exists and is not empty (choose a new one or empty it)")


def export_ctranslate2(checkpoint, out, *, quantization: str = "float32", name: str = "best") -> Path:
    """Export ``checkpoint`` (a minimt folder) to the CTranslate2 folder ``out``; return ``out``."""
    from ..checkpoint import load_checkpoint
    from .spec import build_spec
    try:
        from ctranslate2.converters.converter import Converter
    except ImportError:
        raise MinimtError("--to ctranslate2 needs the ctranslate2 package: pip install 'minimt[serve]'") from None

    if quantization not in QUANTIZATIONS:
        raise MinimtError(f"--quantization {quantization}: choose one of {', '.join(QUANTIZATIONS)}")
    out = Path(out)
    _check_out(out)
    model, tok, meta = load_checkpoint(checkpoint, name=name)  # one-line errors: missing tokenizer, …
    pieces = [tok.id_to_piece(i) for i in range(tok.vocab_size)]

    class MinimtConverter(Converter):  # CTranslate2's converter base: validate, quantise, save
        def _load(self):
            return build_spec(model.config, model.state_dict(), pieces)

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        tmp = work / "model"
        MinimtConverter().convert(str(tmp), quantization=quantization)
        shutil.copyfile(tok.model_path, tmp / TOKENIZER_FILE)
        info = {"source": str(meta["path"]), "step": meta.get("step"), "quantization": quantization,
                "max_positions": model.config.max_positions, "tokenizer_sha256": tok.sha256,
                "ctranslate2": __import__("ctranslate2").__version__}
        (tmp / MINIMT_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        (tmp / "README.md").write_text(README.format(
            checkpoint=checkpoint, step=meta.get("step"), quantization=quantization, name=out,
            max_positions=model.config.max_positions), encoding="utf-8")
        os.replace(tmp, out)  # atomic: an empty --out folder is replaced, a missing one created
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def is_ctranslate2_dir(path) -> bool:
    """True for a folder this module wrote (CTranslate2's model.bin + our tokenizer and minimt.json)."""
    p = Path(path)
    return all((p / f).is_file() for f in ("model.bin", TOKENIZER_FILE, MINIMT_FILE))
