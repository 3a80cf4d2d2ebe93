"""The Chinese lessons and teacher notes speak the glossary's language, with Chinese punctuation.

1. No rival rendering of a glossary term (the article minimt grew from says 标记/标记化 for
   token/tokenization; other material says 令牌, 掩膜 …): one concept, one word, the one in
   minimt/glossary_zh.tsv. A rival word may appear inside “…”, where the text quotes it.
2. Prose (the markdown cells of lessons/zh/, the teacher notes) uses full-width punctuation
   next to Chinese characters: 。，；：？！（） — half-width ones stay in code, `inline code`
   and indented code blocks.
"""
import re
from pathlib import Path

import pytest

from minimt.lang import glossary

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted((ROOT / "lessons" / "zh").glob("[0-9][0-9]_*.py")) + sorted(
    (ROOT / "docs" / "teacher_notes" / "zh").glob("*.md"))
# rival word → the glossary's English term whose Chinese rendering must be used instead
RIVALS = {"令牌": "token", "标记化": "tokenization", "词汇表": "vocabulary", "掩膜": "mask", "遮罩": "mask",
          "丢弃法": "dropout", "层标准化": "layer normalization", "残差链接": "residual connection",
          "教师强迫": "teacher forcing", "反向传递": "backpropagation", "位置嵌入": "positional encoding",
          "集束搜索": "beam search", "学习速率": "learning rate"}
CJK = "\u3400-\u9fff"
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"[{CJK}][,;:?!()]|[,;:?!()][{CJK}]")


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, prose) without code: markdown comment lines of a lesson, or a note's non-code lines."""
    lines, out, in_code = path.read_text(encoding="utf-8").splitlines(), [], False
    for number, line in enumerate(lines, 1):
        if path.suffix == ".py":
            if line.startswith("# %%"):
                in_code = "[markdown]" not in line
                continue
            if in_code or not line.startswith("#") or line.startswith("#     "):
                continue  # code, a comment inside code, or an indented code block of a markdown cell
            text = line[1:]
        else:
            if line.startswith("```"):
                in_code = not in_code
            if in_code or line.startswith("    "):
                continue
            text = line
        out.append((number, re.sub(r"`[^`]*`", "`…`", text)))  # inline code keeps its half-width punctuation
    return out


def rivals_in(text: str) -> list[str]:
    unquoted = re.sub(r"“[^”]*”", "", text)
    return [word for word in RIVALS if word in unquoted]


@pytest.mark.parametrize("path", TEXTS, ids=[p.name for p in TEXTS])
def test_one_word_per_concept(path):
    text = path.read_text(encoding="utf-8")
    found = rivals_in(text)
    terms = glossary()
    assert not found, f"{path.relative_to(ROOT)}: " + "; ".join(
        f"{word!r} — the glossary says {terms[RIVALS[word]]!r} for {RIVALS[word]!r}" for word in found)


@pytest.mark.parametrize("path", TEXTS, ids=[p.name for p in TEXTS])
def test_full_width_punctuation_in_prose(path):
    bad = [(n, line.strip()) for n, line in prose_lines(path) if HALF_WIDTH_NEXT_TO_CJK.search(line)]
    assert not bad, f"{path.relative_to(ROOT)}: half-width punctuation next to Chinese, use 。，；：？！（）: " + \
        "; ".join(f"line {n}: {line[:60]!r}" for n, line in bad[:5])


def test_rivals_name_glossary_terms():
    terms = glossary()
    assert all(english in terms for english in RIVALS.values())
    assert not any(word in terms.values() for word in RIVALS)


def test_the_checks_can_fail(tmp_path):
    lesson = tmp_path / "01_x.py"
    lesson.write_text("# %% [markdown]\n# 这是令牌,不是词元。\n#     code, fine: x\n\n# %%\nprint('a,b')  # 注释,可以\n",
                      encoding="utf-8")
    assert rivals_in(lesson.read_text(encoding="utf-8")) == ["令牌"]
    assert rivals_in("文章说“标记化”，我们说分词。") == []
    flagged = [n for n, line in prose_lines(lesson) if HALF_WIDTH_NEXT_TO_CJK.search(line)]
    assert flagged == [2]
    assert not HALF_WIDTH_NEXT_TO_CJK.search(prose_lines(lesson)[0][1].replace(",", "，"))
