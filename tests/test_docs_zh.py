"""README.zh-CN.md and docs/teaching.zh-CN.md: the same set-up commands as the English README, every
lesson in the table, links that resolve, the glossary's terms and full-width punctuation in prose."""
import re
import shlex
from pathlib import Path

import pytest

from minimt.lang import glossary

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.zh-CN.md", ROOT / "docs" / "teaching.zh-CN.md"]
SETUP = ["pip install -e . && minimt train", 'pip install -e ".[test]" && python -m pytest -q']


def prose(text: str) -> str:
    """The Chinese prose: no code blocks, indented commands or `code`."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("    "))
    return re.sub(r"`[^`]*`", "", text)


def test_the_english_readme_links_the_chinese_one_in_its_first_lines():
    assert "(README.zh-CN.md)" in "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:5])


def test_same_setup_commands_and_every_lesson():
    english, chinese = (ROOT / "README.md").read_text(encoding="utf-8"), DOCS[0].read_text(encoding="utf-8")
    for command in SETUP:
        assert command in english and command in chinese, command
    for lesson in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py")):
        assert f"(lessons/{lesson.name})" in chinese and f"(lessons/zh/{lesson.name})" in chinese, lesson.name


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_links_resolve(doc):
    for target in re.findall(r"\]\(([^)#]+)\)", doc.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("lessons/zh/"):  # the Chinese lessons land one by one
            continue
        assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which does not exist"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_glossary_terms_and_full_width_punctuation(doc):
    text = prose(doc.read_text(encoding="utf-8"))
    terms = glossary()
    for english in ("tokenizer", "attention_mask", "labels", "padding", "exercise", "grader", "hint"):
        if english in text or terms[english] in text:
            assert terms[english] in text, f"{doc.name}: say {terms[english]} for {english}"
    bad = re.findall(r"[\u4e00-\u9fff][,;:?!]|[,;:?!] ?[\u4e00-\u9fff]|[\u4e00-\u9fff]\.(?!\w)", text)
    assert not bad, f"{doc.name}: half-width punctuation in Chinese prose: {bad[:5]}"


def test_the_teaching_guide_names_the_english_version_it_follows():
    first = DOCS[1].read_text(encoding="utf-8").splitlines()[0]
    assert re.fullmatch(r"<!-- translates: docs/teaching\.md sha256:[0-9a-f]{12} .*-->", first), first


def test_the_commands_shown_parse():
    """Every `minimt …` command of the Chinese README (indented lines) is one minimt's parser accepts."""
    from minimt.commands import build_parser
    parser = build_parser()
    lines = [part.split("#")[0].strip() for line in DOCS[0].read_text(encoding="utf-8").splitlines()
             if line.startswith("    ") for part in line.split("&&") if part.strip().startswith("minimt ")]
    assert len(lines) >= 10
    for line in lines:
        argv = shlex.split(line)[1:]
        variants = [argv]
        if argv[0] == "exercises" and "--lang" in argv:  # exercises' --lang: the Chinese feedback's branch
            i = argv.index("--lang")
            variants.append(argv[:i] + argv[i + 2:])
        errors = []
        for variant in variants:
            try:
                parser.parse_args(variant)
                break
            except SystemExit as e:
                errors.append(e.code)
        else:
            pytest.fail(f"README.zh-CN.md: `{line}` does not parse (exit {errors})")
