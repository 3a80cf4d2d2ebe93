"""The explorer as ONE self-contained HTML page: style, script and data inline, nothing fetched.

A Content-Security-Policy of ``default-src 'none'`` forbids every network request (images,
fonts, scripts, fetch); the page's own style and script are allowed by their sha256 hash,
so even an injected inline script would not run. Data goes in a ``<script type="application/json">``,
which a browser never executes.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEGEND = [("token", "390", "▁How", "a piece of the sentence"), ("special", "3", "</s>", "special: BOS 2, EOS 3"),
          ("pad", "0", "<pad>", "padding (PAD id 0)"), ("ignore", "-100", "", "-100: skipped by the loss"),
          ("real", "1", "", "1 = real token"), ("masked", "0", "", "0 = padding"),
          ("allowed", "✓", "", "True: may attend"), ("blocked", "✗", "", "False: may not attend")]


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _legend() -> str:
    cells = "".join(f'<td class="c {k}"><b>{html.escape(v)}</b><small>{html.escape(p)}</small></td>'
                    for k, v, p, _ in LEGEND)
    words = "".join(f"<th>{html.escape(t)}</th>" for *_, t in LEGEND)
    return f'<table class="legend grid" aria-label="legend"><tr>{cells}</tr><tr>{words}</tr></table>'


def _sections(data: dict) -> str:
    out = []
    for s in data["stages"]:
        if s["id"] == "greedy" and data["rows"][0]["greedy"] is None:
            continue
        extra = ""
        if s["id"] == "attention":
            extra = ('<p><label>layer <select id="layer"></select></label>'
                     '<label>head <select id="head"></select></label></p>')
        out.append(f'<section id="{s["id"]}"><h2>{html.escape(s["title"])}</h2>'
                   f'<p class="why">{html.escape(s["why"])}</p>{extra}</section>')
    return "\n".join(out)


def render_page(data: dict, *, title: str = "minimt explorer") -> str:
    """The whole page for ``explorer_data(...)``'s result."""
    css = (HERE / "explorer.css").read_text(encoding="utf-8")
    js = (HERE / "explorer.js").read_text(encoding="utf-8")
    # "<" as \u003c: no "</script>" or "<!--" inside the data can end the JSON block early
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    csp = f"default-src 'none'; script-src {_sha256(js)}; style-src {_sha256(css)}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{css}</style></head>
<body>
<header><h1>{html.escape(title)}</h1>
<p id="model-note"></p>
<p><label>row <select id="row"></select></label>
<span class="help">Point at a cell, or Tab to a grid and move with the arrow keys: it says what it is and why.</span></p>
</header>
<main>{_legend()}
{_sections(data)}
</main>
<div id="tip" role="status" aria-live="polite" hidden></div>
<script type="application/json" id="minimt-data">{blob}</script>
<script>{js}</script>
</body></html>
"""


def page_data(page: str) -> dict:
    """The data block of a page written by ``render_page`` (tests read the numbers back with it)."""
    start = page.index('<script type="application/json" id="minimt-data">')
    start = page.index(">", start) + 1
    return json.loads(page[start:page.index("</script>", start)])
