"""`minimt lessons --lang zh`: the Chinese lessons (lessons/zh/), the English one where none exists yet.

The real Chinese lessons are written beside the English ones; here a dummy one lives only in a
temporary copy of lessons/, so these tests hold whatever lessons/zh/ holds today.
"""
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from minimt.commands import course, main

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
FIRST_TWO = sorted(LESSONS.glob("[0-9][0-9]_*.py"))[:2]


def dummy_zh(english: Path) -> str:
    """A 'translation' of ``english``: its header line, a Chinese title, the same code."""
    digest = hashlib.sha256(english.read_bytes()).hexdigest()[:12]
    text = english.read_text(encoding="utf-8")
    first_cell_title = next(line for line in text.splitlines() if line.startswith("# # "))
    return (f"# translates: {english.name} sha256:{digest}\n"
            + text.replace(first_cell_title, "# # 第 01 课 —— 原始句对：翻译模型从什么学起", 1))


@pytest.fixture
def lessons(tmp_path, monkeypatch):
    """lessons/ with two English lessons and the Chinese version of the first only."""
    root = tmp_path / "lessons"
    (root / "zh").mkdir(parents=True)
    for path in FIRST_TWO:
        shutil.copy2(path, root / path.name)
    (root / "zh" / FIRST_TWO[0].name).write_text(dummy_zh(FIRST_TWO[0]), encoding="utf-8")
    monkeypatch.setattr(course, "lessons_dir", lambda: root)
    for name in ("MINIMT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return root


def test_lang_zh_copies_the_chinese_lesson_and_the_english_where_none(lessons, tmp_path, capsys):
    out = tmp_path / "mine"
    assert main(["lessons", "--out", str(out), "--format", "py", "--lang", "zh"]) == 0
    said = capsys.readouterr().out
    first, second = FIRST_TWO
    assert (out / first.name).read_bytes() == (lessons / "zh" / first.name).read_bytes()
    assert (out / second.name).read_bytes() == second.read_bytes()
    assert f"复制的是英文版：{second.name}" in said and "已写入" in said
    # English stays English
    en = tmp_path / "en"
    assert main(["lessons", "--out", str(en), "--format", "py", "--lang", "en"]) == 0
    assert (en / first.name).read_bytes() == first.read_bytes()
    assert "Chinese" not in capsys.readouterr().out


def test_the_locale_chooses_chinese_too(lessons, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["lessons", "--out", str(tmp_path / "m"), "--format", "py"]) == 0
    assert (tmp_path / "m" / FIRST_TWO[0].name).read_text(encoding="utf-8").startswith("# translates: ")
    assert main(["lessons", "--out", str(tmp_path / "n"), "--lang", "de"]) == 2
    assert "--lang 'de'" in capsys.readouterr().err


def test_a_chinese_notebook_opens_with_its_title_and_keeps_the_header_as_metadata(lessons, tmp_path):
    pytest.importorskip("jupytext")
    written, _ = course.copy_lessons(tmp_path, "ipynb", lang="zh")
    nb = json.loads((tmp_path / FIRST_TWO[0].with_suffix(".ipynb").name).read_text(encoding="utf-8"))
    first = "".join(nb["cells"][0]["source"])
    assert first.startswith("# 第 01 课") and "如何运行这个笔记本" in first
    assert nb["metadata"]["minimt"]["translates"].startswith(FIRST_TWO[0].name + " sha256:")
    assert not any("# translates:" in "".join(c["source"]) for c in nb["cells"])
    english = json.loads((tmp_path / FIRST_TWO[1].with_suffix(".ipynb").name).read_text(encoding="utf-8"))
    assert "How to run this notebook" in "".join(english["cells"][0]["source"])


def test_the_dummy_has_the_english_code(lessons):
    """The dummy above is what tests/test_zh_lessons.py accepts, so these tests copy a real shape."""
    import test_zh_lessons as z
    zh = lessons / "zh" / FIRST_TWO[0].name
    assert z.code_tokens(zh) == z.code_tokens(FIRST_TWO[0])
