"""Serving a minimt model with CTranslate2, OpenNMT's inference engine (lesson 10).

    export.py   minimt checkpoint folder → CTranslate2 model folder (``minimt export``)
    spec.py     which minimt tensor goes into which slot of CTranslate2's TransformerSpec
    engine.py   translate with the exported folder, the same output as ``minimt translate``

``ctranslate2`` is an optional dependency (``pip install 'minimt[serve]'``): importing this
package does not need it, only exporting and translating do.
"""
from .engine import translate_with_ctranslate2
from .export import QUANTIZATIONS, export_ctranslate2, is_ctranslate2_dir

__all__ = ["translate_with_ctranslate2", "export_ctranslate2", "is_ctranslate2_dir", "QUANTIZATIONS"]
