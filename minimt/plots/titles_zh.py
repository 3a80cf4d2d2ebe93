"""Chinese picture titles: ONE table, English text → Chinese text, applied as a figure is saved.

The plot modules draw in English. When the chosen language is Chinese (`minimt.lang.choose_language`,
or `plot_language("zh")` around a block) *and* a CJK font is installed, `save_figure` calls
`localise(fig)`: every title, axis label, suptitle, colorbar label and legend entry found in
`TITLES` is replaced by its Chinese text, drawn in that font. Without a CJK font the picture stays
English: better English than boxes of missing glyphs. minimt ships no font; it looks one up
(Noto Sans CJK, from the OS package fonts-noto-cjk) with matplotlib's font_manager.

A key is a template: ``{name}`` matches any text (a number, a sentence…) and is copied into the
Chinese text unchanged — except a name starting with ``text``, whose content is itself looked up
here (a caller's title inside a plot module's frame, the "· = word start" note). A line that
matches no key stays English. tests/test_titles_zh.py fails when a plot module sets a title with
no entry here.
"""
from __future__ import annotations

import contextlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..lang import choose_language

TITLES = {
    # --- _style.py, _cells.py: the shared notes and labels
    "· = word start (SentencePiece's ▁)": "· = 词首标记（SentencePiece 的 ▁）",
    "▁ = start of a word (SentencePiece)": "▁ = 词首标记（SentencePiece）",
    "-log p(label)": "-log p(标签)",
    "row {i}": "第 {i} 行",
    "sentence {b}": "第 {b} 句",
    # _cells.CELL's legend labels
    "token": "词元", "▁… starts a word": "▁… 开始一个词", "continues the word": "接着上一个片段，同一个词",
    "special (<s> BOS, </s> EOS)": "特殊词元（<s> BOS，</s> EOS）", "padding (pad_id)": "填充（pad_id）",
    "-100: ignored by the loss": "-100：损失忽略它", "1 = real token": "1 = 真实词元", "0 = padding": "0 = 填充",
    # --- tokens.py
    "Shift right: decoder_input_ids = [BOS] + labels[:-1]  (-100 → pad)":
        "右移：decoder_input_ids = [BOS] + labels[:-1]（-100 → pad）",
    # --- attention_maps.py
    "keys (attended to)": "键（被关注的词元）",
    "keys (attended to)   [{text}]": "键（被关注的词元）   [{text}]",
    "queries (attending)": "查询（发出关注的词元）",
    "attention weight": "注意力权重",
    "layer {i}, head {h}": "第 {i} 层，第 {h} 个注意力头",
    "layer {i}, mean of heads": "第 {i} 层，各注意力头的平均",
    "masked: may not attend (weight 0 by construction)": "被掩码：不允许关注（权重按构造为 0）",
    "Cross-attention: \"{sentence}\" → \"{translation}\" (row = token being produced)":
        "交叉注意力：“{sentence}” → “{translation}”（每行 = 正在生成的词元）",
    "Cross-attention averaged over heads": "交叉注意力（各注意力头平均）",
    "Cross-attention averaged over heads and layers": "交叉注意力（各注意力头、各层平均）",
    "Encoder self-attention: \"{sentence}\"": "编码器自注意力：“{sentence}”",
    "Decoder self-attention (causal: nothing above the diagonal)": "解码器自注意力（因果：对角线以上全为空）",
    # --- masks.py
    "→ (B,H,T,S) head 0": "→ (B,H,T,S) 第 0 个注意力头",
    "→ (B,H,T,S) head 0 (… of {n})": "→ (B,H,T,S) 第 0 个注意力头（共 {n} 个）",
    "head {h}": "第 {h} 个注意力头",
    "head {h} (… of {n})": "第 {h} 个注意力头（共 {n} 个）",
    "padding mask (B,1,1,S)": "填充掩码 (B,1,1,S)",
    "padding mask": "填充掩码",
    "causal mask": "因果掩码", "decoder self-attention": "解码器自注意力", "causal ∧ padding": "因果 ∧ 填充",
    "cross-attention mask": "交叉注意力掩码", "cross-attention": "交叉注意力",
    "(B,H,T,S), head 0": "(B,H,T,S)，第 0 个注意力头",
    "‖d loss / d logits‖ per label token ({n} real tokens)": "每个标签词元的 ‖d loss / d logits‖（{n} 个真实词元）",
    'The whole pipeline, one pair: "{english}" → "{french}" (badge = lesson)':
        "完整流程，一个句对：“{english}” → “{french}”（徽标 = 第几课）",
    "causal (T,T)": "因果掩码 (T,T)",
    "decoder mask = causal ∧ padding": "解码器掩码 = 因果 ∧ 填充",
    "Attention masks for a padded batch (B={B}, H={H}): green = True = may attend; rows = queries, "
    "columns = keys{text}":
        "一个填充批次的注意力掩码（B={B}，H={H}）：绿色 = True = 可以关注；行 = 查询，列 = 键{text}",
    # --- token_loss.py
    "Loss per label token — mean over the {n} real tokens = {mean}": "每个标签词元的损失 —— {n} 个真实词元的平均 = {mean}",
    # --- curves.py
    "Cross-entropy (teacher forcing)": "交叉熵（教师强制）",
    "step": "步",
    "loss per real token": "每个真实词元的损失",
    "Free decoding on valid (greedy)": "验证集上的自由解码（贪心解码）",
    "score (0-100)": "得分（0-100）",
    "Learning rate (warmup, then decay)": "学习率（先预热，再衰减）",
    "lr": "学习率",
    "train loss": "训练损失", "valid loss": "验证损失", "valid BLEU": "验证集 BLEU", "valid chrF": "验证集 chrF",
    "valid loss, weights averaged over the decay": "验证损失（衰减阶段的平均权重）",
    "valid BLEU, averaged weights": "验证集 BLEU（平均权重）", "valid chrF, averaged weights": "验证集 chrF（平均权重）",
    "Training curves ({file}, {n} records)": "训练曲线（{file}，{n} 条记录）",
    # --- scores.py
    "Scores per sentence": "每个句子的得分",
    "{text} — corpus BLEU {bleu}, chrF {chrf} ({n} sentences)": "{text} —— 语料级 BLEU {bleu}，chrF {chrf}（{n} 个句子）",
    "bars: sentence chrF ({text}); sentence-level BLEU is unreliable on short sentences (without smoothing: no shared 4-gram → 0)":
        "条形：句子级 chrF（{text}）；句子级 BLEU 在短句上不可靠（不做平滑时，没有共同的 4-gram 就是 0）",
    "first {n} of {total} sentences": "共 {total} 个句子中的前 {n} 个",
    "{n} sentences": "{n} 个句子",
    "sentence chrF (0-100; character n-grams, partial credit for near misses)":
        "句子级 chrF（0-100；按字符 n-gram 计分，差一点也能得部分分）",
    "corpus chrF {chrf}": "语料级 chrF {chrf}",
    # --- minimt inspect's six pictures (minimt/commands/inspect.py)
    "2. pieces: SentencePiece splits each sentence": "2. 子词片段：SentencePiece 切分每个句子",
    "3. ids: each piece's row in the vocabulary": "3. ID：每个子词片段在词表中的行号",
    "4. input_ids = source + EOS, padded with PAD (0)": "4. input_ids = 源句 + EOS，用 PAD (0) 填充",
    "5. attention_mask: 1 = real token, 0 = padding": "5. attention_mask：1 = 真实词元，0 = 填充",
    "6. labels = target + EOS, padded with -100": "6. labels = 目标句 + EOS，用 -100 填充",
    "7. decoder_input_ids = [BOS] + labels[:-1], -100 → PAD": "7. decoder_input_ids = [BOS] + labels[:-1]，-100 → PAD",
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_override: list[str] = []  # the innermost plot_language(...) block's language, if any


@contextlib.contextmanager
def plot_language(lang: str):
    """Draw the pictures of this block in ``lang`` ("en" or "zh"), whatever the environment says
    (`minimt inspect --lang zh` uses it: a flag beats MINIMT_LANG)."""
    _override.append(choose_language(lang))
    try:
        yield
    finally:
        _override.pop()


def current_language() -> str:
    return _override[-1] if _override else choose_language()


@lru_cache(maxsize=None)
def _compiled() -> list[tuple[re.Pattern, str, str]]:
    """(pattern, English key, Chinese text), the longest keys first so the most specific wins."""
    out = []
    for key, zh in TITLES.items():
        parts, pos, pattern = [], 0, ""
        for m in _PLACEHOLDER.finditer(key):
            pattern += re.escape(key[pos:m.start()]) + f"(?P<{m.group(1)}>.*?)"
            pos = m.end()
        pattern += re.escape(key[pos:])
        out.append((re.compile(pattern, re.DOTALL), key, zh))
    return sorted(out, key=lambda t: -len(t[1]))


SHAPE_LINE = re.compile(r"\s*\((?:[A-Z0-9]+,\s*)*[A-Z0-9]+\)\s*")


def _line(line: str, strict: bool) -> str | None:
    """One line in Chinese, or None when no key covers it."""
    if not line.strip() or SHAPE_LINE.fullmatch(line):
        return line  # nothing to translate: blank, or a shape such as "(B,1,1,S)" / "(T,T)"
    for pattern, _key, zh in _compiled():
        m = pattern.fullmatch(line)
        if m is None:
            continue
        values = {}
        for name, value in m.groupdict().items():
            if name.startswith("text") and value:
                inner = _inner(value, strict)
                if inner is None and (strict and not has_cjk(value)):
                    break
                value = value if inner is None else inner  # a caller's own words (e.g. Chinese) stay
            values[name] = value
        else:
            return _PLACEHOLDER.sub(lambda p: values[p.group(1)], zh)
    return None


def _inner(value: str, strict: bool) -> str | None:
    """A ``{text…}`` value in Chinese: as it is, or without the punctuation that joins it on ("; ")."""
    lead = re.match(r"[\s;:,]*", value).group(0)
    inner = translate(value[len(lead):], strict=strict)
    return None if inner is None else lead.replace("; ", "；").replace(";", "；") + inner


def translate(text: str, strict: bool = False) -> str | None:
    """``text`` in Chinese, line by line, or None when some line has no entry in TITLES.

    A ``{text…}`` value with no entry (a caller's own title, English or Chinese) is kept as it is,
    unless ``strict`` (the tests: every word a plot module writes must have its Chinese)."""
    lines = [_line(line, strict) for line in text.split("\n")]
    return None if any(line is None for line in lines) else "\n".join(lines)


# ---------------------------------------------------------------- the font

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK KR",
                "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed CJK font matplotlib can use, or None."""
    from matplotlib import font_manager
    for attempt in range(2):
        installed = {f.name for f in font_manager.fontManager.ttflist}
        for family in CJK_FAMILIES:
            if family in installed:
                return family
        if attempt == 0:  # matplotlib's font cache predates the font (installed after matplotlib): add it
            for path in font_manager.findSystemFonts():
                if re.search(r"NotoSansCJK|SourceHanSans|wqy", Path(path).name, re.IGNORECASE):
                    with contextlib.suppress(Exception):
                        font_manager.fontManager.addfont(path)
    return None


def has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in "WF" and not c.isspace() for c in text)


def _texts(fig):
    """The title-like texts of a figure: titles, axis and colorbar labels, suptitle, legends."""
    for ax in fig.axes:
        yield from (ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label)
        legend = ax.get_legend()
        if legend is not None:
            yield from legend.get_texts()
    for legend in fig.legends:
        yield from legend.get_texts()
    if getattr(fig, "_suptitle", None) is not None:
        yield fig._suptitle


def localise(fig, lang: str | None = None) -> int:
    """Put ``fig``'s titles into ``lang`` (default: `current_language()`); return how many changed.

    English, or no CJK font installed: nothing changes (a text already written in Chinese by a
    lesson keeps its own words, and gets the CJK font whenever one exists)."""
    lang = lang or current_language()
    font = cjk_font()
    if font is None:
        return 0
    changed = 0
    for text in _texts(fig):
        old = text.get_text()
        new = translate(old) if lang == "zh" and old else None
        if new is not None and new != old:
            text.set_text(new)
            changed += 1
        if has_cjk(text.get_text()):
            # the CJK font first: its Latin letters, digits and arrows match the Chinese; DejaVu fills the rest
            text.set_fontfamily([font, "DejaVu Sans"])
    return changed
