"""The explorer inside a notebook cell: the very same page, in an ``<iframe srcdoc>``.

An iframe keeps the page whole: its Content-Security-Policy still applies, its ids and styles
cannot clash with the notebook's (or with a second explorer in the same notebook), and its
script runs in notebook front-ends that run output scripts (Jupyter, VS Code).
"""
from __future__ import annotations

import html
import warnings


class Inline:
    """Anything with ``_repr_html_`` is drawn by Jupyter; no IPython needed to build one."""

    def __init__(self, page: str, height: int):
        self.page, self.height = page, height

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.page, quote=True)}" sandbox="allow-scripts" '
                f'style="width:100%;height:{self.height}px;border:1px solid #999" '
                'title="minimt explorer"></iframe>')


def inline(page: str, *, height: int = 900):
    """IPython's HTML object when IPython is there (``display`` knows it), else an ``Inline``."""
    shown = Inline(page, height)
    try:
        from IPython.display import HTML
    except ImportError:
        return shown
    with warnings.catch_warnings():  # IPython suggests its IFrame, which needs a URL: we have none, on purpose
        warnings.simplefilter("ignore")
        return HTML(shown._repr_html_())
