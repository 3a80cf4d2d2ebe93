"""`minimt inspect --lang zh`: every English section has its Chinese one, with the same numbers.

The walkthrough's Chinese is not a word-for-word copy, so the check is on what must not differ:
the sections (keys), the values they show ({placeholders}), and every number printed.
"""
import re
from collections import Counter

import pytest

from minimt.commands import main
from minimt.commands.inspect_text import TEXT
from minimt.lang import glossary
from minimt.plots import _style, titles_zh
from minimt.tokenizer import Tokenizer

from test_tokenizer import tiny_corpus

PAIR = ["How are you?", "Comment ça va ?"]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return str(Tokenizer.train(tiny_corpus(), 120, out_dir=tmp_path_factory.mktemp("tok")).model_path)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIMT_CACHE", str(tmp_path / "cache"))
    for name in ("MINIMT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{(\w+)(?:![rsa])?\}", text))


def flat(lang: str) -> dict[str, str]:
    out = {}
    for key, value in TEXT[lang].items():
        if isinstance(value, dict):
            for n, (name, why) in value.items():
                out[f"{key}.{n}.name"], out[f"{key}.{n}.why"] = name, why
        else:
            out[key] = value
    return out


def test_every_section_exists_in_both_languages_with_the_same_values():
    en, zh = flat("en"), flat("zh")
    assert en.keys() == zh.keys(), f"only English: {en.keys() - zh.keys()}, only Chinese: {zh.keys() - en.keys()}"
    for key in en:
        assert placeholders(en[key]) == placeholders(zh[key]), f"{key}: {en[key]!r} vs {zh[key]!r}"
        assert Counter(NUMBER.findall(en[key])) == Counter(NUMBER.findall(zh[key])), f"numbers differ in {key}"


def test_the_chinese_reads_as_chinese():
    terms = glossary()
    text = "\n".join(flat("zh").values())
    # the glossary's terms, with the English in parentheses where the text first uses them
    for english in ("tokenizer", "attention_mask", "labels", "decoder_input_ids", "padding", "shift right",
                    "padding mask", "causal mask", "cross-attention", "cross-entropy", "teacher forcing"):
        zh = terms[english]
        assert zh in text, f"the walkthrough never says {zh} ({english})"
        first = text.index(zh)
        assert english in text[first:first + len(zh) + len(english) + 4], \
            f"first use of {zh} should read {zh}（{english}）"
    # full-width punctuation in prose: no ASCII comma, semicolon or colon touching a Chinese character
    bad = re.findall(r"[\u4e00-\u9fff][,;:]|[,;:] ?[\u4e00-\u9fff]", text)
    assert not bad, f"half-width punctuation in Chinese prose: {bad}"


def walkthrough(capsys, *argv):
    assert main(["inspect", *argv, "--out", "pics"]) == 0
    return capsys.readouterr().out


@pytest.fixture
def no_pictures(monkeypatch):
    """The text only (drawing six PNGs per run is most of the time): the pictures' test draws them."""
    from minimt.commands import inspect
    monkeypatch.setattr(inspect, "draw", lambda stages, tok, out_dir: [])


@pytest.mark.parametrize("argv", [[*PAIR, "--max-length", "16"],
                                  [*PAIR, "I see the cat.", "Je vois le chat."],
                                  ["Tom wants 3 dogs.", "Tom veut 3 chiens."]])
def test_both_languages_print_the_same_numbers(model, capsys, argv, no_pictures):
    en = walkthrough(capsys, *argv, "--tokenizer", model, "--lang", "en")
    zh = walkthrough(capsys, *argv, "--tokenizer", model, "--lang", "zh")
    assert en != zh and titles_zh.has_cjk(zh) and not titles_zh.has_cjk(en.replace("→", "").replace("↘", ""))
    assert Counter(NUMBER.findall(en)) == Counter(NUMBER.findall(zh))
    assert sum(1 for line in en.splitlines() if line.strip()) == sum(1 for line in zh.splitlines() if line.strip())
    for n in range(1, 8):  # the seven stages, in order, in both
        assert re.search(rf"^{n}\. ", zh, re.M) and re.search(rf"^{n}\. ", en, re.M)
    assert "[101, 2026, 2003, 2073, 102]" in zh and "仅作示意" in zh  # the article's ids, said to be illustrative
    for said in ("原文没有讲", "右移", "因果掩码", "ignore_index=-100"):  # what the article leaves out
        assert said in zh


def test_chinese_columns_line_up_on_screen(model, capsys, no_pictures):
    """A Chinese character is two columns wide in a terminal: ids still sit right under their column."""
    from minimt.commands.inspect import _width
    zh = walkthrough(capsys, *PAIR, "--tokenizer", model, "--lang", "zh").splitlines()
    pos = next(i for i, line in enumerate(zh) if line.strip().startswith("位置"))
    row = zh[pos + 1]
    def right_edges(line):  # screen columns just after each word
        return [_width(line[:k + 1]) for k in range(len(line)) if line[k] != " " and
                (k + 1 == len(line) or line[k + 1] == " ")]
    assert right_edges(zh[pos])[-3:] == right_edges(row)[-3:]


def test_the_language_comes_from_flag_env_then_locale(model, capsys, monkeypatch, no_pictures):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "原始句对" in walkthrough(capsys, *PAIR, "--tokenizer", model)
    monkeypatch.setenv("MINIMT_LANG", "en")
    assert "raw pair" in walkthrough(capsys, *PAIR, "--tokenizer", model)
    assert "原始句对" in walkthrough(capsys, *PAIR, "--tokenizer", model, "--lang", "zh")
    assert main(["inspect", *PAIR, "--tokenizer", model, "--lang", "fr"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--lang 'fr'" in err


def test_lang_zh_pictures_have_chinese_titles_when_a_font_exists(model, capsys, monkeypatch):
    kept = []
    monkeypatch.setattr(_style, "_close", kept.append)
    walkthrough(capsys, *PAIR, "--tokenizer", model, "--lang", "zh")
    titles = [fig.axes[0].get_title() or fig._suptitle.get_text() for fig in kept]
    assert len(titles) == 6
    if titles_zh.cjk_font() is None:
        assert titles[0].startswith("2. pieces"), "no CJK font: English titles, not boxes"
    else:
        assert all(titles_zh.has_cjk(t) for t in titles), titles
    import matplotlib.pyplot as plt
    for fig in kept:
        plt.close(fig)
