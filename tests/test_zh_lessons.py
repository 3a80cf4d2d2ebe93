"""The Chinese lessons (lessons/zh/) stay in step with the English ones.

1. Their code is the English lesson's code: the two files' Python token streams, without comments
   (the markdown cells) and without the text of string literals, must be identical.
2. Each records the English version it translates, `# translates: NN_name.py sha256:<12 hex>` on
   its first line; when the English lesson changes, this test names the lesson to re-translate.
"""
import hashlib
import io
import tokenize
from pathlib import Path

import pytest

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
ZH = sorted((LESSONS / "zh").glob("[0-9][0-9]_*.py"))
SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING}


def code_tokens(path: Path) -> list[tuple[int, str]]:
    """(type, text) of every token but comments and blank lines; strings reduced to their quotes/prefix."""
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type in SKIP:
            continue
        if tok.type == tokenize.STRING:
            out.append((tok.type, "STRING"))
        elif tok.type in (getattr(tokenize, "FSTRING_MIDDLE", -1),):
            continue  # Python >= 3.12 splits f-strings; their text may be translated
        else:
            out.append((tok.type, tok.string))
    return out


def english_hash(name: str) -> str:
    return hashlib.sha256((LESSONS / name).read_bytes()).hexdigest()[:12]


def header(path: Path) -> tuple[str, str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# translates: "
    assert first.startswith(prefix) and " sha256:" in first, \
        f"{path.name}: the first line must be '# translates: {path.name} sha256:<12 hex>'"
    name, digest = first[len(prefix):].split(" sha256:")
    return name.strip(), digest.strip()


@pytest.mark.parametrize("zh", ZH, ids=[p.stem for p in ZH])
def test_translates_the_current_english_lesson(zh):
    name, digest = header(zh)
    assert name == zh.name, f"{zh.name} says it translates {name}"
    assert digest == english_hash(name), (
        f"lessons/{name} changed since lessons/zh/{zh.name} was translated (sha256 {digest}, now "
        f"{english_hash(name)}): update the Chinese prose, then its first line")


@pytest.mark.parametrize("zh", ZH, ids=[p.stem for p in ZH])
def test_code_is_the_english_code(zh):
    en, cn = code_tokens(LESSONS / zh.name), code_tokens(zh)
    for i, (a, b) in enumerate(zip(en, cn)):
        assert a == b, f"lessons/zh/{zh.name}: code differs from lessons/{zh.name} at token {i}: {a[1]!r} vs {b[1]!r}"
    assert len(en) == len(cn), f"lessons/zh/{zh.name}: {len(cn)} code tokens, the English lesson has {len(en)}"


def test_the_checker_sees_a_code_change(tmp_path):
    a, b, c = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"
    a.write_text("# %% [markdown]\n# Hello\n\n# %%\nx = f(1, 'two')  # why\nprint('hi', x)\n")
    b.write_text("# %% [markdown]\n# 你好\n\n# %%\nx = f(1, '二')  # 为什么\nprint('你好', x)\n")
    c.write_text("# %% [markdown]\n# Hello\n\n# %%\nx = f(2, 'two')\nprint('hi', x)\n")
    assert code_tokens(a) == code_tokens(b)
    assert code_tokens(a) != code_tokens(c)
