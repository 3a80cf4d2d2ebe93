"""Chinese picture titles: one table covers every title a plot module writes, a CJK font draws them
without a missing glyph, and without such a font the pictures stay English (never boxes)."""
import ast
import os
import re
import warnings
from pathlib import Path

import pytest
import torch

from minimt import plots
from minimt.plots import _style, titles_zh
from minimt.plots.titles_zh import TITLES, plot_language, translate

PLOTS = Path(plots.__file__).parent
TITLE_CALLS = {"set_title", "suptitle", "set_xlabel", "set_ylabel"}
TITLE_KEYWORDS = {"title", "xlabel", "ylabel", "label", "value_label"}
REQUIRE_FONT = os.environ.get("MINIMT_REQUIRE_CJK_FONT") == "1"  # CI (.ci/run) installs fonts-noto-cjk


def _strings(node):
    """The literal text of every string constant and f-string under ``node`` ({} for a value),
    leaving out dictionary keys (corpus['bleu']) and comparisons (key == 'bleu'): never drawn."""
    for sub in _walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value
        elif isinstance(sub, ast.JoinedStr):
            yield "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in sub.values)


def _walk(node):
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(node, ast.Compare) or (isinstance(node, ast.Subscript) and child is node.slice):
            continue
        yield from _walk(child)


def _title_expressions(tree):
    """Expressions a plot module hands to a title, axis label, colorbar or legend label; the names
    in them are followed to what they were assigned in the module (head_titles, shown, ...)."""
    exprs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in TITLE_CALLS:
                exprs += node.args[:1]
            exprs += [k.value for k in node.keywords if k.arg in TITLE_KEYWORDS]
        elif isinstance(node, (ast.FunctionDef,)):  # defaults: value_label="attention weight", title=None
            args = node.args.args[-len(node.args.defaults):] if node.args.defaults else []
            exprs += [d for a, d in zip(args, node.args.defaults) if a.arg in TITLE_KEYWORDS]
            exprs += [d for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults)
                      if d is not None and a.arg in TITLE_KEYWORDS]
    assigned = {}
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AugAssign, ast.For)) else []
        value = node.iter if isinstance(node, ast.For) else getattr(node, "value", None)
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    assigned.setdefault(name.id, []).append(value)
    seen, todo = [], [(e, True) for e in exprs]
    while todo:
        expr, direct = todo.pop()
        if any(expr is s for s, _ in seen):
            continue
        seen.append((expr, direct))
        for name in ast.walk(expr):
            if isinstance(name, ast.Name) and name.id in assigned and name.id not in ("plt", "fig", "ax", "np"):
                todo += [(value, False) for value in assigned[name.id]]
    return seen


# Words a title fragment may hold that need no translation: data, code names, markup.
def _needs_words(fragment: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2,}", fragment)) and fragment.strip() not in {"{}"}


def plot_module_fragments():
    """(module, fragment): each literal piece of text between values in a title-like expression."""
    out = set()
    for path in sorted(PLOTS.glob("*.py")):
        if path.name in ("titles_zh.py", "__init__.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for expr, direct in _title_expressions(tree):
            for text in _strings(expr):
                for line in text.split("\n"):
                    for fragment in line.split("{}"):
                        # text reached through a variable: only phrases (a single word there is a dict
                        # key, a colour, an option), never a file name
                        if (_needs_words(fragment) and (direct or " " in fragment.strip())
                                and not re.fullmatch(r"[\w.]+\.(png|jsonl)", fragment.strip())):
                            out.add((path.name, fragment))
    return sorted(out)


KEY_TEXT = "\n".join(re.sub(r"\{\w+\}", "{}", k) for k in TITLES)


def test_every_title_a_plot_module_writes_has_a_chinese_entry():
    fragments = plot_module_fragments()
    assert len(fragments) > 30, "the scan found too few titles: has the plot code moved?"
    missing = [f"{module}: {fragment!r}" for module, fragment in fragments if fragment not in KEY_TEXT]
    assert not missing, ("these plot titles have no Chinese in minimt/plots/titles_zh.py's TITLES "
                         "(add 'English template': 'Chinese', {name} for values):\n  " + "\n  ".join(missing))


def test_table_values_keep_the_placeholders_and_are_chinese():
    for key, zh in TITLES.items():
        assert sorted(re.findall(r"\{(\w+)\}", key)) == sorted(re.findall(r"\{(\w+)\}", zh)), key
        assert titles_zh.has_cjk(zh), f"{key!r} → {zh!r} has no Chinese"
        # full-width punctuation in Chinese prose: no ASCII , ; : ! ? right after a Chinese character
        assert not re.search(r"[\u4e00-\u9fff][,;:!?]", zh), f"half-width punctuation in {zh!r}"


# ---------------------------------------------------------------- what really gets drawn

@pytest.fixture
def figures(monkeypatch):
    kept = []
    monkeypatch.setattr(_style, "_close", kept.append)
    yield kept
    import matplotlib.pyplot as plt
    for fig in kept:
        plt.close(fig)


def draw_every_plot(tmp_path):
    """Each plot module's pictures once, with ▁ pieces and masks, so every optional note appears."""
    import json
    src = [["▁How", "▁are", "▁you", "?", "</s>"], ["▁Hi", "!", "</s>", "<pad>", "<pad>"]]
    tgt = [["<s>", "▁Comment", "▁ça", "▁va", "▁?"], ["<s>", "▁Il", "▁pleut", "</s>", "<pad>"]]
    labels = [[45, 67, 89, 90, 3], [12, 13, 3, -100, -100]]
    dec = [[2, 45, 67, 89, 90], [2, 12, 13, 3, 0]]
    pieces = {0: "<pad>", 2: "<s>", 3: "</s>", 45: "▁Comment", 67: "▁ça", 89: "▁va", 90: "▁?", 12: "▁Il", 13: "▁pleut"}
    w = torch.softmax(torch.randn(3, 5, 5), dim=-1)
    allowed = torch.ones(5, 5, dtype=torch.bool).tril()
    plots.plot_tokens(src, title="2. pieces: SentencePiece splits each sentence", path=tmp_path / "t.png")
    plots.plot_id_grid(labels, pieces=pieces.get, pad_id=0, title="6. labels = target + EOS, padded with -100",
                       path=tmp_path / "i.png")
    plots.plot_mask_grid([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], pieces=src,
                         title="5. attention_mask: 1 = real token, 0 = padding", path=tmp_path / "m.png")
    plots.plot_shift(labels, dec, label_pieces=pieces.get, input_pieces=pieces.get, path=tmp_path / "s.png")
    plots.plot_broadcast_masks(torch.tensor([[1] * 5, [1, 1, 1, 0, 0]]), torch.tensor([[1] * 5, [1, 1, 1, 1, 0]]),
                               n_heads=4, max_heads_shown=2, src_pieces=src, tgt_pieces=tgt, path=tmp_path / "b.png")
    plots.plot_attention(w[0], query_pieces=tgt[0], key_pieces=src[0], mask=allowed,
                         title="Cross-attention averaged over heads", path=tmp_path / "a.png")
    plots.plot_attention_grid([w, w], query_pieces=tgt[0], key_pieces=src[0], mask=allowed,
                              title="Decoder self-attention (causal: nothing above the diagonal)", path=tmp_path / "g.png")
    plots.plot_token_loss(torch.rand(2, 5), labels, pieces=pieces.get, path=tmp_path / "l.png")
    plots.plot_sentence_scores(["Il pleut.", "Bonjour"], [["Il pleut."], ["Salut."]], path=tmp_path / "c.png",
                               max_rows=1)
    records = [{"step": s, "train_loss": 5 - s, "lr": 1e-3} for s in (1, 2)]
    records[1].update(valid_loss=4.0, bleu=3.0, chrf=20.0)
    (tmp_path / "metrics.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    plots.plot_training_curves(tmp_path, path=tmp_path / "curves.png")


def test_every_title_drawn_in_english_has_its_chinese(tmp_path, figures, monkeypatch):
    monkeypatch.setenv("MINIMT_LANG", "en")
    draw_every_plot(tmp_path)
    assert len(figures) == 10
    untranslated = sorted({t.get_text() for fig in figures for t in titles_zh._texts(fig)
                           if t.get_text() and translate(t.get_text(), strict=True) is None})
    assert not untranslated, f"drawn but not in titles_zh.TITLES: {untranslated}"


def test_values_and_callers_titles_survive_translation():
    assert translate("layer 3, head 1") == "第 3 层，第 1 个注意力头"
    assert translate("head 1 (… of 8)") == "第 1 个注意力头（共 8 个）"  # the longer key wins
    line = "Scores per sentence — corpus BLEU 12.3, chrF 45.6 (7 sentences)"
    assert translate(line) == "每个句子的得分 —— 语料级 BLEU 12.3，chrF 45.6（7 个句子）"
    # a zh lesson's own title inside a plot module's frame stays its own; an English one too, unless strict
    assert translate("测试集 — corpus BLEU 1.0, chrF 2.0 (3 sentences)").startswith("测试集 —— 语料级")
    assert translate("Beam 4 — corpus BLEU 1.0, chrF 2.0 (3 sentences)").startswith("Beam 4 —— ")
    assert translate("Beam 4 — corpus BLEU 1.0, chrF 2.0 (3 sentences)", strict=True) is None
    assert translate("a title nobody wrote down") is None  # stays English


def test_without_a_cjk_font_the_pictures_stay_english(tmp_path, figures, monkeypatch):
    monkeypatch.setattr(titles_zh, "cjk_font", lambda: None)
    with plot_language("zh"):
        plots.plot_mask_grid([[1, 0]], title="5. attention_mask: 1 = real token, 0 = padding", path=tmp_path / "m.png")
    assert figures[0].axes[0].get_title() == "5. attention_mask: 1 = real token, 0 = padding"


def test_english_is_untouched_even_with_the_font(tmp_path, figures, monkeypatch):
    monkeypatch.setenv("MINIMT_LANG", "en")
    plots.plot_mask_grid([[1, 0]], title="5. attention_mask: 1 = real token, 0 = padding", path=tmp_path / "m.png")
    assert figures[0].axes[0].get_title() == "5. attention_mask: 1 = real token, 0 = padding"


def font_or_skip():
    font = titles_zh.cjk_font()
    if font is None:
        assert not REQUIRE_FONT, "MINIMT_REQUIRE_CJK_FONT=1 but no CJK font found (apt-get install fonts-noto-cjk)"
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    return font


def test_a_chinese_title_renders_with_no_missing_glyph(tmp_path, figures, monkeypatch):
    font = font_or_skip()
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)": that fails here
        with plot_language("zh"):
            path = plots.plot_shift([[45, 3]], [[2, 45]], label_pieces={45: "▁ça", 3: "</s>"}.get,
                                    input_pieces={45: "▁ça", 2: "<s>"}.get, path=tmp_path / "s.png",
                                    title="7. decoder_input_ids = [BOS] + labels[:-1], -100 → PAD")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    fig = figures[0]
    title = fig._suptitle
    assert title.get_text() == "7. decoder_input_ids = [BOS] + labels[:-1]，-100 → PAD"
    legend = [t.get_text() for t in fig.axes[-1].get_legend().get_texts()] if fig.axes[-1].get_legend() else []
    chinese = [t for t in titles_zh._texts(fig) if titles_zh.has_cjk(t.get_text())]
    assert len(chinese) >= 2, legend
    # every character of every Chinese text has a glyph in the font the text is drawn with
    for text in chinese:
        assert text.get_fontfamily()[0] == font
        face = FT2Font(font_manager.findfont(font_manager.FontProperties(family=font), fallback_to_default=False))
        cmap = face.get_charmap()
        missing = [c for c in text.get_text() if titles_zh.has_cjk(c) and ord(c) not in cmap]
        assert not missing, f"{font} has no glyph for {missing} in {text.get_text()!r}"
