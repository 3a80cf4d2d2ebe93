"""README.zh-CN.md, docs/teaching.zh-CN.md and docs/teacher_notes/zh/: the same set-up commands as the
English README, every lesson in the table, links that resolve, the glossary's terms and full-width
punctuation in prose — and each translation names the English version it follows (sha256, 12 hex), so
a change to the English guide or notes fails here, naming the file to re-translate."""
import hashlib
import re
import shlex
from pathlib import Path

import pytest

from minimt.lang import glossary

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT / "docs" / "teacher_notes"
ZH_NOTES = sorted((NOTES / "zh").glob("lesson[0-9][0-9].md"))
DOCS = [ROOT / "README.zh-CN.md", ROOT / "docs" / "teaching.zh-CN.md", *ZH_NOTES]
# translation → the English file it follows (paths from the repository root)
TRANSLATIONS = {ROOT / "docs" / "teaching.zh-CN.md": "docs/teaching.md",
                **{zh: f"docs/teacher_notes/{zh.name}" for zh in ZH_NOTES}}
HEADER = re.compile(r"<!-- translates: (\S+) sha256:([0-9a-f]{12})\b.*-->")
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


def doc_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def a_note_still_to_come(target: str) -> bool:
    """teacher_notes/lessonNN.md of a real lesson: the notes land one by one (the guide links all ten)."""
    found = re.fullmatch(r"teacher_notes/lesson(\d\d)\.md", target)
    return bool(found) and any((ROOT / "lessons").glob(f"{found.group(1)}_*.py"))


@pytest.mark.parametrize("doc", DOCS, ids=doc_id)
def test_links_resolve(doc):
    for target in re.findall(r"\]\(([^)#]+)\)", doc.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("lessons/zh/"):  # the Chinese lessons land one by one
            continue
        if a_note_still_to_come(target) and not (doc.parent / target).exists():
            continue
        assert (doc.parent / target).exists(), f"{doc_id(doc)} links to {target}, which does not exist"


@pytest.mark.parametrize("doc", DOCS, ids=doc_id)
def test_glossary_terms_and_full_width_punctuation(doc):
    text = prose(doc.read_text(encoding="utf-8"))
    terms = glossary()
    for english in ("tokenizer", "attention_mask", "labels", "padding", "exercise", "grader", "hint"):
        if english in text or terms[english] in text:
            assert terms[english] in text, f"{doc.name}: say {terms[english]} for {english}"
    bad = re.findall(r"[\u4e00-\u9fff][,;:?!]|[,;:?!] ?[\u4e00-\u9fff]|[\u4e00-\u9fff]\.(?!\w)", text)
    assert not bad, f"{doc.name}: half-width punctuation in Chinese prose: {bad[:5]}"


def english_hash(name: str, root: Path = ROOT) -> str:
    return hashlib.sha256((root / name).read_bytes()).hexdigest()[:12]


def drift(zh: Path, english: str, root: Path = ROOT) -> str | None:
    """What is wrong with ``zh``'s first line as a translation of ``english`` (None: in step)."""
    first = zh.read_text(encoding="utf-8").splitlines()[0]
    found = HEADER.fullmatch(first)
    shown = zh.relative_to(root)
    if not found:
        return f"{shown}: the first line must be '<!-- translates: {english} sha256:<12 hex> -->'"
    name, digest = found.groups()
    if name != english:
        return f"{shown} says it translates {name}, not {english}"
    if digest != english_hash(name, root):
        return (f"{name} changed since {shown} was translated (sha256 {digest}, now "
                f"{english_hash(name, root)}): update the Chinese text, then its first line")
    return None


@pytest.mark.parametrize("zh", list(TRANSLATIONS), ids=doc_id)
def test_translates_the_current_english_version(zh):
    """The first line records the English file and its sha256; an English edit since fails, by name."""
    assert drift(zh, TRANSLATIONS[zh]) is None, drift(zh, TRANSLATIONS[zh])


def test_the_drift_check_sees_an_english_edit(tmp_path):
    (tmp_path / "docs").mkdir()
    english, chinese = tmp_path / "docs" / "guide.md", tmp_path / "docs" / "guide.zh-CN.md"
    english.write_bytes(b"# Guide\n")
    chinese.write_text(f"<!-- translates: docs/guide.md sha256:{english_hash('docs/guide.md', tmp_path)} -->\n# 指南\n",
                       encoding="utf-8")
    assert drift(chinese, "docs/guide.md", tmp_path) is None
    english.write_bytes(b"# Guide, edited\n")
    assert drift(chinese, "docs/guide.md", tmp_path).startswith("docs/guide.md changed since docs/guide.zh-CN.md")
    assert "says it translates" in drift(chinese, "docs/other.md", tmp_path)
    chinese.write_text("# 指南\n", encoding="utf-8")
    assert "the first line must be" in drift(chinese, "docs/guide.md", tmp_path)


def test_every_chinese_note_has_its_english_note_and_is_linked():
    guide = (ROOT / "docs" / "teaching.zh-CN.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert ZH_NOTES, "docs/teacher_notes/zh/ has no notes"
    assert "(docs/teaching.zh-CN.md)" in readme and "(docs/teacher_notes/zh/)" in readme
    for zh in ZH_NOTES:
        assert (NOTES / zh.name).is_file(), f"{doc_id(zh)} has no English original docs/teacher_notes/{zh.name}"
        assert f"(teacher_notes/zh/{zh.name})" in guide, f"docs/teaching.zh-CN.md: link the Chinese {zh.name}"
        assert f"(teacher_notes/{zh.name})" not in guide, \
            f"docs/teaching.zh-CN.md links the English {zh.name}: the Chinese one exists now"


def test_the_commands_shown_parse():
    """Every `minimt …` command of the Chinese README (indented lines) is one minimt's parser accepts."""
    from minimt.commands import build_parser
    parser = build_parser()
    lines = [part.split("#")[0].strip() for line in DOCS[0].read_text(encoding="utf-8").splitlines()
             if line.startswith("    ") for part in line.split("&&") if part.strip().startswith("minimt ")]
    assert len(lines) >= 10
    for line in lines:
        try:
            parser.parse_args(shlex.split(line)[1:])
        except SystemExit as e:
            pytest.fail(f"README.zh-CN.md: `{line}` does not parse (exit {e.code})")
