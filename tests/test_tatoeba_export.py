"""tatoeba.org's own exports (sentences + links, and the pairs export) → the usual split. Offline."""
from __future__ import annotations

import bz2
import gzip
import tracemalloc

import pytest

from minimt.commands import main
from minimt.data import load_pairs
from minimt.errors import MinimtError
from minimt.tatoeba.exports import is_pairs_export, linked_ids, pairs_from_exports, read_lines

N = 12  # English sentences 1..N, French sentences 101..100+N, German 201..


def write(path, lines, compress=None):
    data = "".join(line + "\n" for line in lines).encode()
    path.write_bytes({"bz2": bz2, "gz": gzip}[compress].compress(data)
                     if compress else data)
    return path


def exports(tmp_path, links_lines=None, compress="bz2"):
    """eng (bz2), fra (gz) and links files; every French sentence i is linked to English i,
    English 1 also to French 102 and French 104 to English 2, German sentences linked to English and French ones."""
    eng = write(tmp_path / "eng_sentences.tsv.bz2",
                [f"{i}\teng\tSentence {i}." for i in range(1, N + 1)], "bz2")
    fra = write(tmp_path / "fra_sentences.tsv.gz",
                [f"{100 + i}\tfra\tPhrase {i}." for i in range(1, N + 1)], "gz")
    if links_lines is None:
        links_lines = []
        for i in range(1, N + 1):
            links_lines += [f"{i}\t{100 + i}", f"{100 + i}\t{i}"]  # both directions, as Tatoeba
        links_lines += ["1\t102", "104\t2",  # listed one way only (either way): still links
                        "1\t201", "201\t1", "101\t201", "5\t6", "999\t101", "101\t7777"]
    links = write(tmp_path / "links.tsv.bz2", links_lines, compress)
    return eng, fra, links


def expected_pairs():
    return sorted([(f"Sentence {i}.", f"Phrase {i}.") for i in range(1, N + 1)]
                  + [("Sentence 1.", "Phrase 2."), ("Sentence 2.", "Phrase 4.")])


def run(args, capsys):
    code = main(["data", "tatoeba", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(args, capsys, out_dir) -> str:
    code, _, err = run([*args, "--out", out_dir], capsys)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert not out_dir.exists(), "nothing is written when the input is bad"
    return err


def test_sentences_and_links_give_the_usual_split(tmp_path, capsys):
    eng, fra, links = exports(tmp_path)
    write(tmp_path / "deu.tsv", [f"{200 + i}\tdeu\tSatz {i}." for i in range(1, 4)])
    out = tmp_path / "out"
    code, stdout, _ = run(["--sentences", eng, fra, tmp_path / "deu.tsv", "--links", links,
                           "--out", out, "--valid", "3", "--test", "2"], capsys)
    assert code == 0
    assert f"{N + 2} English–French links" in stdout  # N links listed twice + 2 listed once
    assert "3 in other languages ignored" in stdout
    parts = {name: load_pairs(out / f"{name}.tsv") for name in ("train", "valid", "test")}
    assert sorted(sum(parts.values(), [])) == expected_pairs()  # each link once, no German
    assert len(parts["valid"]) == 3 and len(parts["test"]) == 2
    train_english = {en for en, _ in parts["train"]}
    assert not train_english & {en for en, _ in parts["valid"] + parts["test"]}
    credit = (out / "ATTRIBUTION.txt").read_text()
    assert "tatoeba.org" in credit and "CC-BY 2.0 FR" in credit and "links.tsv.bz2" in credit


def test_one_all_language_file_and_plain_links(tmp_path):
    lines = [f"{i}\teng\tSentence {i}." for i in range(1, N + 1)]
    lines += [f"{100 + i}\tfra\tPhrase {i}." for i in range(1, N + 1)]
    lines += ["201\tdeu\tSatz.", "202\t\\N\tlanguage unknown"]
    sentences = write(tmp_path / "sentences.csv", lines)
    _, _, links = exports(tmp_path, compress=None)
    pairs, _ = pairs_from_exports([sentences], links)
    assert sorted(pairs) == expected_pairs()
    assert pairs == sorted(pairs, key=lambda p: (int(p[0].split()[1][:-1]), p[1]))  # id order


@pytest.mark.parametrize("which, line, message", [
    ("links", "3\t103\t1", "links.tsv.bz2:4: 3 tab-separated column(s), expected 2"),
    ("links", "3\tx103", "links.tsv.bz2:4: 'x103' is not a sentence id"),
    ("links", "", "links.tsv.bz2:4: blank line"),
    ("eng", "7\teng", "eng_sentences.tsv.bz2:4: 2 tab-separated column(s), expected 3"),
    ("eng", "seven\teng\tSeven.", "eng_sentences.tsv.bz2:4: 'seven' is not a sentence id"),
])
def test_a_bad_line_names_file_and_line(tmp_path, capsys, which, line, message):
    eng, fra, links = exports(tmp_path)
    path = {"links": links, "eng": eng}[which]
    lines = bz2.decompress(path.read_bytes()).decode().splitlines()
    lines.insert(3, line)
    write(path, lines, "bz2")
    err = one_line_error(["--sentences", eng, fra, "--links", links], capsys, tmp_path / "out")
    assert message in err and str(path) in err


def test_missing_file_no_link_and_missing_option(tmp_path, capsys):
    eng, fra, links = exports(tmp_path)
    err = one_line_error(["--sentences", eng, tmp_path / "nope.tsv", "--links", links], capsys,
                         tmp_path / "out")
    assert f"{tmp_path / 'nope.tsv'}: no such file" in err
    write(links, ["1\t201", "201\t1", "5\t6"], "bz2")
    err = one_line_error(["--sentences", eng, fra, "--links", links], capsys, tmp_path / "out")
    assert f"{links}: no link between an English and a French sentence in its 3 lines" in err
    err = one_line_error(["--sentences", eng, "--links", links], capsys, tmp_path / "out")
    assert "no French (fra) sentences" in err
    err = one_line_error(["--sentences", eng, fra], capsys, tmp_path / "out")
    assert "--sentences needs --links" in err


def test_bad_text_is_an_error_only_when_a_link_uses_it(tmp_path, capsys):
    eng, fra, links = exports(tmp_path)
    lines = [f"{i}\teng\tSentence {i}." for i in range(1, N + 1)]
    write(eng, lines + ["50\teng\tUnlinked\x0bsentence."], "bz2")  # \x0b: str.splitlines() splits
    assert len(pairs_from_exports([eng, fra], links)[0]) == N + 2
    write(eng, lines[:4] + ["5\teng\tLinked\x0bsentence."] + lines[5:], "bz2")
    err = one_line_error(["--sentences", eng, fra, "--links", links], capsys, tmp_path / "out")
    assert f"{eng}:5: control character U+000B at column 13" in err and "sentence 5" in err


def test_damaged_bz2_and_crlf(tmp_path):
    eng, fra, links = exports(tmp_path)
    links.write_bytes(links.read_bytes()[:-20])  # truncated download
    with pytest.raises(MinimtError, match="links.tsv.bz2:.*damaged compressed file"):
        pairs_from_exports([eng, fra], links)
    links.write_bytes(b"1\t101\r\n")
    with pytest.raises(MinimtError, match=r"links.tsv.bz2:1: CRLF"):
        pairs_from_exports([eng, fra], links)


def test_links_are_streamed_not_loaded(tmp_path):
    # ~1.6 MB of links, none between our sentences but the last: memory must stay far below
    lines = [f"{1000 + i}\t{2000000 + i}" for i in range(100_000)] + ["1\t101"]
    links = write(tmp_path / "links.tsv", lines)
    size = links.stat().st_size
    tracemalloc.start()
    try:
        found, n_lines = linked_ids(links, {1: "One."}, {101: "Un."})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == [(1, 101)] and n_lines == 100_001
    assert peak < size / 10, f"peak {peak} bytes for a {size}-byte links file: is it read whole?"


def test_read_lines_splits_on_newline_only(tmp_path):
    path = write(tmp_path / "x.tsv", ["1\teng\tA\u2028B", "2\teng\tC"], "gz")
    assert [n for n, _ in read_lines(path)] == [1, 2]


# ------------------------------------------------------------ the sentence-pairs export

def pairs_export_lines():
    return [f"{i}\tSentence {i}.\t{100 + i}\tPhrase {i}." for i in range(1, 21)]


def test_pairs_export_is_recognised(tmp_path, capsys):
    path = write(tmp_path / "Sentence pairs in English-French - 2024-05-01.tsv",
                 pairs_export_lines() + ["1\tSentence 1.\t150\tLa phrase 1."])
    out = tmp_path / "out"
    code, stdout, _ = run(["--file", path, "--out", out, "--valid", "2", "--test", "2"], capsys)
    assert code == 0 and "sentence-pairs export" in stdout
    pairs = sum((load_pairs(out / f"{name}.tsv") for name in ("train", "valid", "test")), [])
    assert sorted(pairs) == sorted([(f"Sentence {i}.", f"Phrase {i}.") for i in range(1, 21)]
                                   + [("Sentence 1.", "La phrase 1.")])  # texts, not ids
    assert "tatoeba.org/downloads" in (out / "ATTRIBUTION.txt").read_text()


def test_pairs_export_bz2_and_bad_line(tmp_path, capsys):
    lines = pairs_export_lines()
    lines[6] = "7\tSentence 7.\tPhrase 7."
    path = write(tmp_path / "pairs.tsv.bz2", lines, "bz2")
    err = one_line_error(["--file", path], capsys, tmp_path / "out")
    assert f"{path}:7: 3 tab-separated column(s), expected 4" in err
    lines[6] = "7\tSentence 7.\t107\t "
    write(path, lines, "bz2")
    err = one_line_error(["--file", path], capsys, tmp_path / "out")
    assert f"{path}:7: empty French side" in err


def test_is_pairs_export():
    assert is_pairs_export(b"1276\tLet's try something.\t1093\tEssayons quelque chose.\n")
    assert is_pairs_export(b"1\ta\t2\tb")  # no final newline
    assert not is_pairs_export(b"Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\n")
    assert not is_pairs_export(b"1\teng\tHello.\n")  # a sentences file
    assert not is_pairs_export(b"Hi.\tSalut.\n1\ta\t2\tb\n")  # only the first line decides


def test_plain_tsv_file_still_works(tmp_path):
    path = write(tmp_path / "mine.tsv", [f"En {i}.\tFr {i}." for i in range(30)])
    assert main(["data", "tatoeba", "--file", str(path), "--out", str(tmp_path / "o"),
                 "--valid", "3", "--test", "4"]) == 0
    assert len(load_pairs(tmp_path / "o" / "train.tsv")) == 23
    assert "manythings.org" in (tmp_path / "o" / "ATTRIBUTION.txt").read_text()
