"""The first one-line errors a learner meets — a bad corpus line, a missing checkpoint — in both languages.

Each is written once, as a pair, where it is raised: ``MinimtError(pick(en=f"...", zh=f"..."))``.
This file reads minimt/data.py and minimt/checkpoint.py (AST) and fails on a MinimtError whose text
is not such a pair, on a pair whose halves use different placeholders (a Chinese message that lost
the file:line), on a Chinese half without Chinese or with half-width punctuation in its prose, and
on a term said otherwise than the glossary says it. Then it runs a few of the errors in each language.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from minimt.commands import main
from minimt.data import load_pairs
from minimt.errors import MinimtError
from minimt.lang import glossary, pick

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "minimt" / "data.py", ROOT / "minimt" / "checkpoint.py"]
CJK = re.compile(r"[\u4e00-\u9fff]")
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,;:?!]|[,;:?!] ?[\u4e00-\u9fff]|[\u4e00-\u9fff]\.(?!\w)")
# an English word in the en half → the glossary term its zh half must then use
TERMS = {"checkpoint": "checkpoint", "tokenizer": "tokenizer", "vocab": "vocabulary", "tab": "tab",
         "sentence pair": "sentence pair", "corpus": "corpus", "weights": "weight"}  # not weights_only


def placeholders(node: ast.expr) -> list[str]:
    """The {…} of an f-string, as source, sorted: both halves of a pair must show the same values."""
    return sorted(ast.unparse(v) for v in ast.walk(node) if isinstance(v, ast.FormattedValue))


def literal_text(node: ast.expr) -> str:
    """The written text of a str / f-string, placeholders left out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    raise AssertionError(f"not a string: {ast.unparse(node)}")


def problems(source: str, name: str) -> list[str]:
    """Everything wrong with the messages of one module's source (empty: all written as pairs)."""
    found, terms = [], glossary()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        where = f"{name}:{node.lineno}"
        if getattr(node.func, "id", None) == "MinimtError":
            arg = node.args[0] if node.args else None
            if not (isinstance(arg, ast.Call) and getattr(arg.func, "id", None) == "pick"):
                found.append(f"{where}: MinimtError text not written as pick(en=..., zh=...)")
        if getattr(node.func, "id", None) != "pick":
            continue
        halves = {k.arg: k.value for k in node.keywords}
        if set(halves) != {"en", "zh"} or node.args:
            found.append(f"{where}: pick needs en= and zh=")
            continue
        texts = {}
        for lang, value in halves.items():  # a half may be `a or f"..."`: check every string in it
            strings = [v for v in ast.walk(value) if isinstance(v, (ast.Constant, ast.JoinedStr))
                       and not (isinstance(v, ast.Constant) and not isinstance(v.value, str))]
            strings = [s for s in strings if not any(s in ast.walk(j) and s is not j for j in strings)]
            if not strings:
                found.append(f"{where}: the {lang} half has no text")
            text = texts[lang] = "".join(literal_text(s) for s in strings)
            if lang == "en" and CJK.search(text):
                found.append(f"{where}: Chinese in the en half")
            if lang == "zh":
                if not CJK.search(text):
                    found.append(f"{where}: the zh half is not Chinese: {text!r}")
                if HALF_WIDTH.search(text):
                    found.append(f"{where}: half-width punctuation in Chinese prose: {HALF_WIDTH.findall(text)}")
        if placeholders(halves["en"]) != placeholders(halves["zh"]):
            found.append(f"{where}: placeholders differ: en {placeholders(halves['en'])} "
                         f"zh {placeholders(halves['zh'])}")
        for word, term in TERMS.items():
            if re.search(rf"\b{word}(?!_)", texts["en"]) and terms[term] not in texts["zh"]:
                found.append(f"{where}: say {terms.get(term)} for {word!r} (glossary)")
    return sorted(found, key=lambda f: int(f.split(":")[1]))  # in the order of the source


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_error_is_a_pair_with_the_same_placeholders(path):
    assert problems(path.read_text(encoding="utf-8"), path.name) == []
    assert "pick(" in path.read_text(encoding="utf-8")


def test_the_scan_sees_a_message_in_one_language_only():
    bad = '''
raise MinimtError(f"{where}: no tab")
raise MinimtError(pick(en=f"{where}: no tab", zh=f"缺少制表符"))
raise MinimtError(pick(en=f"{path}: checkpoint file not found", zh=f"{path}：找不到文件"))
raise MinimtError(pick(en="x", zh="没有,这个"))
raise MinimtError(pick(en="blank line", zh="blank line"))
'''
    found = problems(bad, "bad.py")
    expected = ["2: MinimtError text not written as pick", "3: placeholders differ", "4: say 检查点 for 'checkpoint'",
                "5: half-width punctuation", "6: the zh half is not Chinese"]
    assert len(found) == len(expected) and all(f.startswith(f"bad.py:{e}") for f, e in zip(found, expected)), found


def test_pick_follows_the_language_and_survives_a_bad_setting(monkeypatch):
    for name in ("MINIMT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert pick(en="a", zh="甲") == "a"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert pick(en="a", zh="甲") == "甲"
    monkeypatch.setenv("MINIMT_LANG", "fr")  # not a language minimt speaks: the error still comes, in English
    assert pick(en="a", zh="甲") == "a"


BAD_LINES = [  # (file content, English phrase, Chinese phrase): the corpus errors of lesson 01
    (b"Hi.\tSalut !\nno tab here\n", "no tab between English and French", "没有制表符"),
    (b"Hi.\t  \n", "empty French side", "法语一侧是空的"),
    (b"Hi.\tSalut !\n\nGo.\tVa !\n", "blank line", "空行"),
    (b"Hi.\tSalut !\r\n", "CRLF line endings", "行尾是 CRLF"),
    (b"Hi.\tSa\xe9lut\n", "not UTF-8", "不是 UTF-8"),
    (b"Hi.\tSa\x0blut\n", "control character U+000B at column 7", "第 7 列有控制字符 U+000B"),
]


@pytest.mark.parametrize("data,en,zh", BAD_LINES, ids=[b[1] for b in BAD_LINES])
def test_a_bad_corpus_line_in_each_language(tmp_path, monkeypatch, data, en, zh):
    path = tmp_path / "corpus.tsv"
    path.write_bytes(data)
    messages = {}
    for lang in ("en", "zh"):
        monkeypatch.setenv("MINIMT_LANG", lang)
        with pytest.raises(MinimtError) as info:
            load_pairs(path)
        messages[lang] = str(info.value)
    assert en in messages["en"] and not CJK.search(messages["en"])
    assert zh in messages["zh"] and en not in messages["zh"]
    for message in messages.values():  # both name the same file:line, on one line
        assert "\n" not in message and message.startswith(f"{path}:")
    assert messages["en"].split(": ")[0] == messages["zh"].split("：")[0]


def test_a_missing_checkpoint_from_the_command_line(tmp_path, monkeypatch, capsys):
    """`minimt translate --checkpoint nowhere`: one line, exit 2, in the language chosen by the locale."""
    monkeypatch.delenv("MINIMT_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    nowhere = tmp_path / "nowhere"
    said = {}
    for lang, locale in (("en", "C.UTF-8"), ("zh", "zh_CN.UTF-8")):
        monkeypatch.setenv("LANG", locale)
        assert main(["translate", "--checkpoint", str(nowhere), "How are you?"]) == 2
        said[lang] = capsys.readouterr().err.strip()
        assert len(said[lang].splitlines()) == 1 and str(nowhere) in said[lang]
    assert "checkpoint folder not found" in said["en"]
    assert "找不到检查点文件夹" in said["zh"] and f"minimt train --out {nowhere}" in said["zh"]
    assert said["en"].startswith("minimt translate: error: ") and said["zh"].startswith("minimt translate: 错误: ")
