"""`minimt data tatoeba` against a local http.server: no test touches the internet."""
from __future__ import annotations

import functools
import http.server
import threading
import zipfile

import pytest

from minimt.commands import main
from minimt.data import load_pairs
from minimt.tatoeba.download import download, fetch_tatoeba, split_by_english
from minimt.errors import MinimtError


def fixture_lines() -> list[str]:
    """~50 manythings-style lines: 3 columns, English sentences with several translations,
    and exact duplicates (which the download drops)."""
    lines = []
    for i in range(20):
        lines.append(f"Sentence {i}.\tPhrase {i}.\tCC-BY 2.0 (France) Attribution: tatoeba.org #{i} (CM)")
        if i % 3 == 0:  # a second translation of the same English sentence
            lines.append(f"Sentence {i}.\tLa phrase {i}.\tCC-BY 2.0 (France) #{100 + i}")
        if i % 4 == 0:  # an exact duplicate pair (different attribution)
            lines.append(f"Sentence {i}.\tPhrase {i}.\tCC-BY 2.0 (France) #{200 + i}")
    for i in range(20):
        lines.append(f"How are you, {i}?\tComment ça va, {i} ?\tCC-BY 2.0 (France) #{300 + i}")
    return lines


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/www over HTTP on a free port; counts GET requests per path."""
    root = tmp_path / "www"
    root.mkdir()
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            if self.path == "/truncated.tsv":  # promise 1000 bytes, send 10, hang up
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"a\tb\nc\td\ne\t")
                return
            super().do_GET()

        def log_message(self, *args):  # keep test output quiet
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield root, base, requests
    httpd.shutdown()
    httpd.server_close()


def make_zip(path, lines, member="fra.txt"):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_about.txt", "Tab-delimited bilingual sentence pairs. CC-BY 2.0 FR.\n")
        z.writestr(member, "".join(line + "\n" for line in lines))


def english(pairs):
    return {en for en, _ in pairs}


def test_zip_download_split_and_cached_reuse(tmp_path, server, capsys):
    root, base, requests = server
    lines = fixture_lines()
    make_zip(root / "fra-eng.zip", lines)
    cache, out = tmp_path / "cache", tmp_path / "out"
    args = ["data", "tatoeba", "--url", f"{base}/fra-eng.zip", "--cache", str(cache),
            "--out", str(out), "--valid", "6", "--test", "5", "--seed", "1"]
    assert main(args) == 0
    assert requests == ["/fra-eng.zip"]
    stdout = capsys.readouterr().out
    assert "CC-BY 2.0 FR" in stdout and "tatoeba.org" in stdout and "manythings.org" in stdout

    unique = list(dict.fromkeys(tuple(line.split("\t")[:2]) for line in lines))
    n_duplicates = len(lines) - len(unique)
    assert n_duplicates == 5 and f"{n_duplicates} exact duplicates dropped" in stdout
    parts = {name: load_pairs(out / f"{name}.tsv") for name in ("train", "valid", "test")}
    assert sorted(sum(parts.values(), [])) == sorted(unique)  # nothing lost, nothing added
    assert len(parts["valid"]) == 6 and len(parts["test"]) == 5
    assert not english(parts["train"]) & english(parts["valid"])
    assert not english(parts["train"]) & english(parts["test"])
    assert not english(parts["valid"]) & english(parts["test"])
    assert "\tCC-BY" not in (out / "train.tsv").read_text()  # attribution column dropped
    assert "CC-BY 2.0 FR" in (out / "ATTRIBUTION.txt").read_text()
    assert not list(cache.rglob("*.part"))
    first = {name: (out / f"{name}.tsv").read_bytes() for name in parts}

    # second run: the cached zip is reused (no request), and the same seed gives the same files
    assert main(args) == 0
    assert requests == ["/fra-eng.zip"]
    assert {name: (out / f"{name}.tsv").read_bytes() for name in parts} == first

    # another seed: another split (still from the cache)
    out2 = tmp_path / "out2"
    fetch_tatoeba(f"{base}/fra-eng.zip", cache=cache, out_dir=out2, n_valid=6, n_test=5, seed=2)
    assert requests == ["/fra-eng.zip"]
    assert (out2 / "valid.tsv").read_bytes() != first["valid"]


def test_plain_tsv_url_and_default_out(tmp_path, server):
    root, base, requests = server
    (root / "pairs.tsv").write_text("".join(f"En {i}.\tFr {i}.\n" for i in range(30)))
    counts = fetch_tatoeba(f"{base}/pairs.tsv", cache=tmp_path / "c", n_valid=3, n_test=4)
    assert counts == {"train": 23, "valid": 3, "test": 4}
    assert len(load_pairs(tmp_path / "c" / "tatoeba" / "train.tsv")) == 23


def test_404_is_one_line_and_writes_nothing(tmp_path, server, capsys):
    _, base, _ = server
    code = main(["data", "tatoeba", "--url", f"{base}/missing.zip", "--cache", str(tmp_path / "c"),
                 "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"could not download {base}/missing.zip: HTTP 404" in err
    assert not (tmp_path / "out").exists()
    assert not [p for p in (tmp_path / "c").rglob("*") if p.is_file()]


def test_truncated_download_is_not_cached(tmp_path, server):
    _, base, _ = server
    with pytest.raises(MinimtError, match="got 10 of 1000 bytes"):
        download(f"{base}/truncated.tsv", tmp_path / "c")
    assert not [p for p in (tmp_path / "c").rglob("*") if p.is_file()]


def test_connection_refused(tmp_path):
    with pytest.raises(MinimtError, match=r"^could not download http://127\.0\.0\.1:1/x\.zip: "):
        download("http://127.0.0.1:1/x.zip", tmp_path)


def test_corrupted_line_names_the_line(tmp_path, server, capsys):
    root, base, _ = server
    lines = fixture_lines()
    lines[16] = "no tab on this line"
    make_zip(root / "bad.zip", lines, member="fra-eng/fra.txt")
    code = main(["data", "tatoeba", "--url", f"{base}/bad.zip", "--cache", str(tmp_path / "c"),
                 "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "fra-eng/fra.txt:17: no tab" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()  # validated before anything is written


def test_non_utf8_in_zip_gives_byte_offset(tmp_path, server):
    root, base, _ = server
    with zipfile.ZipFile(root / "latin1.zip", "w") as z:
        z.writestr("fra.txt", b"Hi.\tSalut !\nCoffee.\tCaf\xe9.\n")
    with pytest.raises(MinimtError, match=r"fra\.txt:2: .*byte offset 23"):
        fetch_tatoeba(f"{base}/latin1.zip", cache=tmp_path, out_dir=tmp_path / "o", n_valid=0,
                      n_test=0)


def test_zip_without_fra_txt(tmp_path, server):
    root, base, _ = server
    with zipfile.ZipFile(root / "other.zip", "w") as z:
        z.writestr("a.txt", "x\ty\n")
        z.writestr("b.txt", "x\ty\n")
    with pytest.raises(MinimtError, match="no fra.txt in this zip"):
        fetch_tatoeba(f"{base}/other.zip", cache=tmp_path)


def test_split_quota_too_large():
    pairs = [(f"e{i}", f"f{i}") for i in range(10)]
    with pytest.raises(MinimtError, match="--valid 5 --test 5: the corpus has only 10 pairs"):
        split_by_english(pairs, 5, 5)


def test_split_keeps_translations_of_one_sentence_together():
    pairs = [(f"e{i % 7}", f"f{i}") for i in range(40)]  # 7 English sentences, ~6 translations each
    for seed in range(5):
        parts = split_by_english(pairs, 10, 10, seed)
        assert sorted(sum(parts.values(), [])) == sorted(pairs)
        assert not english(parts["train"]) & (english(parts["valid"]) | english(parts["test"]))
        assert not english(parts["valid"]) & english(parts["test"])
        for name in parts:  # corpus order kept inside each split
            assert parts[name] == sorted(parts[name], key=pairs.index)
