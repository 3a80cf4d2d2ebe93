"""minimt.data: good TSV files load; every kind of bad line is a one-line error naming file:line."""
from __future__ import annotations

import subprocess
import sys
import types

import pytest

from minimt import files
from minimt.commands import main
from minimt.data import SPLITS, embedded_path, load_pairs, parse_pairs
from minimt.errors import MinimtError


def write(tmp_path, data: bytes, name: str = "corpus.tsv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def error_of(path, **kwargs) -> str:
    with pytest.raises(MinimtError) as info:
        load_pairs(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message, "error messages are one line"
    assert str(path) in message, "error messages name the file"
    return message


# ------------------------------------------------------------------ good input

def test_two_and_three_columns_and_no_final_newline(tmp_path):
    path = write(tmp_path, "How are you?\tComment ça va ?\tCC-BY 2.0 (France) #1 & #2\n"
                           "Hi.\tSalut !\n"
                           "  Go.  \t Va ! ".encode())  # no final newline; sides stripped
    assert load_pairs(path) == [("How are you?", "Comment ça va ?"), ("Hi.", "Salut !"),
                                ("Go.", "Va !")]


def test_trailing_empty_lines_at_end_of_file_are_fine(tmp_path):
    assert load_pairs(write(tmp_path, b"a\tb\nc\td\n\n\n")) == [("a", "b"), ("c", "d")]


def test_unusual_but_valid_characters_are_kept(tmp_path):
    # no-break spaces before French "?" and a zero-width space are real text, not separators
    text = "Really?\tVraiment\u202f?\nOK\u200b.\tD'accord\u00a0!\n"
    assert load_pairs(write(tmp_path, text.encode())) == [
        ("Really?", "Vraiment\u202f?"), ("OK\u200b.", "D'accord\u00a0!")]


def test_max_pairs_stops_early(tmp_path):
    path = write(tmp_path, b"a\tb\nc\td\ne\tf\nno tab here\n")
    assert load_pairs(path, max_pairs=2) == [("a", "b"), ("c", "d")]
    assert "corpus.tsv:4" in error_of(path)  # the whole file is still checked without it
    with pytest.raises(MinimtError, match="max_pairs=0"):
        load_pairs(path, max_pairs=0)


def test_str_path_and_parse_pairs_agree(tmp_path):
    data = b"one\tun\ntwo\tdeux\n"
    assert load_pairs(str(write(tmp_path, data))) == parse_pairs(data, "x") == [("one", "un"),
                                                                              ("two", "deux")]


def test_duplicates_are_kept_by_the_loader(tmp_path):
    # the loader reports what is in the file; deduplication is a separate, visible step
    assert load_pairs(write(tmp_path, b"a\tb\na\tb\n")) == [("a", "b"), ("a", "b")]


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("data, line, words", [
    (b"a\tb\nno tab\nc\td\n", 2, "no tab"),
    (b"a\tb\nc\td\n\t french only\n", 3, "empty english"),
    (b"a\tb\nenglish only \t  \n", 2, "empty french"),
    (b"a\tb\n\nc\td\n", 2, "blank line"),
    (b"a\tb\n   \nc\td\n", 2, "blank line"),
    (b"a\tb\r\nc\td\r\n", 1, "crlf line endings"),
    (b"a\tb\nc\td\r\n", 2, "dos2unix"),
    (b"a\tb\nc\rx\td\n", 2, "carriage return"),
    ("a\tb\nc\td\ne\u2028f\tg\n".encode(), 3, "u+2028"),
    ("a\tb\ne\tf\u2029g\n".encode(), 2, "u+2029"),
    ("a\tb\ne\tf\x85g\n".encode(), 2, "u+0085"),
    (b"a\tb\ne\x0bf\tg\n", 2, "u+000b"),      # \v: str.splitlines() splits here too
    (b"a\tb\ne\tf\x00g\n", 2, "u+0000"),
    ("a\tb\n\ufeffc\td\n".encode(), 2, "byte-order mark"),   # e.g. two files concatenated
    (b"\xef\xbb\xbfa\tb\n", 1, "byte-order mark"),
])
def test_bad_line_names_file_and_line(tmp_path, data, line, words):
    message = error_of(write(tmp_path, data))
    assert f"corpus.tsv:{line}:" in message
    assert words in message.lower()


def test_non_utf8_gives_line_and_byte_offset(tmp_path):
    data = "How are you?\tComment ça va ?\n".encode() + b"caf\xe9\tcaf\xe9\n"  # Latin-1 é
    offset = data.index(b"\xe9")
    assert offset == 33  # "ç" is 2 bytes in UTF-8: the offset counts bytes, not characters
    message = error_of(write(tmp_path, data))
    assert "corpus.tsv:2:" in message
    assert f"byte offset {offset}" in message and "0xe9" in message


def test_non_utf8_on_first_line(tmp_path):
    message = error_of(write(tmp_path, b"ab\tc\xff\n"))
    assert "corpus.tsv:1:" in message and "byte offset 4" in message


def test_only_the_first_bad_line_is_reported(tmp_path):
    message = error_of(write(tmp_path, b"a\tb\nbad1\nbad2\n"))
    assert "corpus.tsv:2:" in message and "bad1" in message and "bad2" not in message


@pytest.mark.parametrize("data", [b"", b"\n", b"\n\n"])
def test_empty_file(tmp_path, data):
    message = error_of(write(tmp_path, data))
    assert "0 usable sentence pairs" in message


def test_missing_file_and_folder(tmp_path):
    assert "no such file" in error_of(tmp_path / "nope.tsv")
    assert "folder" in error_of(tmp_path)


def test_missing_embedded_file_suggests_regenerating(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "DATA_DIR", tmp_path)
    assert embedded_path("train") == tmp_path / "train.tsv"
    assert "minimt data generate" in error_of(embedded_path("train"))


def test_installed_corpus_missing_file_and_generate(tmp_path, monkeypatch, capsys):
    # As after `pip install .`: DATA_DIR is the copy inside the package (minimt/_corpus).
    monkeypatch.setattr(files, "DATA_DIR", tmp_path)
    monkeypatch.setattr(files, "PACKAGED_DATA_DIR", tmp_path)
    assert "reinstall" in error_of(embedded_path("train"))
    assert main(["data", "generate"]) == 2  # would write into site-packages: refused, one line
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out DIR" in err and str(tmp_path) in err
    assert list(tmp_path.iterdir()) == []


def test_embedded_path():
    for split in SPLITS:
        assert embedded_path(split) == files.DATA_DIR / f"{split}.tsv"
    with pytest.raises(MinimtError, match="unknown split 'dev'"):
        embedded_path("dev")


# ------------------------------------------------------------------ command line

def test_cli_check_good_file(tmp_path, capsys):
    path = write(tmp_path, b"a\tb\na\tc\na\tb\n")
    assert main(["data", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 pairs, 1 distinct English sentences, 1 exact duplicates" in out


def test_cli_bad_file_exits_2_with_one_line(tmp_path, capsys):
    path = write(tmp_path, b"a\tb\nc\td\nbroken line\n")
    assert main(["data", "check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("minimt data: error: ") and "corpus.tsv:3:" in captured.err


def test_cli_subprocess_no_traceback(tmp_path):
    path = write(tmp_path, b"a\tb\xc3\n")  # truncated UTF-8 sequence
    result = subprocess.run([sys.executable, "-m", "minimt", "data", "check", str(path)],
                            capture_output=True, text=True, cwd=files.PROJECT_ROOT)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "corpus.tsv:1:" in result.stderr and "byte offset 3" in result.stderr


def test_cli_bad_argument_is_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["data", "tatoeba", "--valid", "-3"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--valid" in err


@pytest.mark.parametrize("split", SPLITS)
def test_embedded_corpus_passes_every_check(split):
    path = embedded_path(split)
    if not path.exists():
        pytest.skip(f"{path} not generated yet (minimt data generate)")
    pairs = load_pairs(path)
    assert len(pairs) == len(set(pairs)), f"{path} has exact duplicate pairs"


def test_cli_generate_calls_the_corpus_writer(tmp_path, monkeypatch, capsys):
    calls = []
    fake = types.ModuleType("minimt.corpus")
    fake.write_splits = lambda out_dir: calls.append(out_dir) or {"train": 5, "valid": 2, "test": 1}
    monkeypatch.setitem(sys.modules, "minimt.corpus", fake)
    assert main(["data", "generate", "--out", str(tmp_path)]) == 0
    assert calls == [tmp_path]
    assert f"{tmp_path / 'valid.tsv'}: 2 pairs" in capsys.readouterr().out


def test_everyday_sentences_are_in_no_other_split():
    """data/everyday.tsv measures translation of new sentences: none of its English may be trained or tuned on."""
    everyday = load_pairs(embedded_path("everyday"))
    assert len(everyday) >= 30
    seen = {en.lower() for split in SPLITS if split != "everyday" for en, _ in load_pairs(embedded_path(split))}
    inside = [en for en, _ in everyday if en.lower() in seen]
    assert not inside, f"data/everyday.tsv: these are in another split: {inside}"
    assert len({en for en, _ in everyday}) == len(everyday)
