"""minimt.lang: one rule for the language (flag > MINIMT_LANG > locale > en), one glossary."""
import pytest

from minimt.errors import MinimtError
from minimt.lang import choose_language, glossary


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("MINIMT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_default_is_english(clean_env):
    assert choose_language() == "en"


def test_locale_then_env_then_flag(clean_env):
    clean_env.setenv("LANG", "zh_CN.UTF-8")
    assert choose_language() == "zh"
    clean_env.setenv("LC_ALL", "en_US.UTF-8")  # LC_ALL outranks LANG, as in POSIX
    assert choose_language() == "en"
    clean_env.setenv("MINIMT_LANG", "zh")
    assert choose_language() == "zh"
    assert choose_language("en") == "en"


@pytest.mark.parametrize("flag", ["fr", "ZH", ""])
def test_unknown_language_is_a_one_line_error(clean_env, flag):
    with pytest.raises(MinimtError, match="--lang"):
        choose_language(flag)


def test_glossary_has_one_rendering_per_term():
    terms = glossary()
    assert terms["attention_mask"] == "注意力掩码" and terms["labels"] == "标签"
    assert len(terms) >= 40
    # one Chinese word must not stand for two English terms (a reader could not tell them apart)
    chinese = [zh for zh in terms.values() if zh not in ("logits", "softmax", "ignore_index")]
    assert len(chinese) == len(set(chinese))
