"""The tokenizer: fixed special ids, exact round trips, caching, clear errors, NFKC, determinism."""
import itertools
import re

import pytest
import torch

from minimt import tokenizer as tk
from minimt.commands import main
from minimt.errors import MinimtError
from minimt.tokenizer import Tokenizer


def tiny_corpus() -> list[tuple[str, str]]:
    """~250 small EN–FR pairs, with the characters the tests need (<, >, /, ’, «, », digits)."""
    subjects = [("I", "Je"), ("You", "Tu"), ("We", "Nous"), ("They", "Ils"), ("Tom", "Tom")]
    verbs = [("see", "vois"), ("like", "aime"), ("want", "veux"), ("have", "ai"), ("eat", "mange")]
    objects = [("the cat", "le chat"), ("the apple", "la pomme"), ("a book", "un livre"),
               ("the house", "la maison"), ("3 dogs", "3 chiens"), ("the man", "l’homme"),
               ("water", "de l'eau"), ("bread", "du pain"), ("1984 pages", "1984 pages"), ("it", "le")]
    pairs = [(f"{s} {v} {o}.", f"{fs} {fv} {fo}.") for (s, fs), (v, fv), (o, fo)
             in itertools.product(subjects, verbs, objects)]
    pairs += [("How are you?", "Comment ça va ?"), ("Really!", "Vraiment !"), ("Yes: no; maybe.", "Oui : non ; peut-être."),
              ("He said <hello>.", "Il a dit « bonjour »."), ("a/b <c> d", "a/b <c> d")]
    return pairs


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        path = tmp_path_factory.mktemp("cache")
        mp.setenv("MINIMT_CACHE", str(path))
        yield path


@pytest.fixture(scope="module")
def tok(cache):
    return Tokenizer.train(tiny_corpus(), 120)


def test_special_ids_are_fixed_and_distinct(tok):
    assert (tok.pad_id, tok.unk_id, tok.bos_id, tok.eos_id) == (0, 1, 2, 3)
    assert [tok.id_to_piece(i) for i in range(4)] == ["<pad>", "<unk>", "<s>", "</s>"]
    assert tok.vocab_size == 120 == len(tok)


def test_round_trip_over_the_corpus_and_no_specials(tok):
    for en, fr in tiny_corpus():
        for text in (en, fr):
            ids = tok.encode(text)
            assert ids == tok.encode(text)  # deterministic: no subword sampling
            assert not {tok.pad_id, tok.bos_id, tok.eos_id, tok.unk_id} & set(ids), text
            assert all(0 <= i < tok.vocab_size for i in ids)
            assert tok.decode(ids) == text
            assert "".join(tok.pieces(text)).replace("▁", " ").strip() == text
            assert [tok.id_to_piece(i) for i in ids] == tok.pieces(text)


def test_decode_drops_specials_and_ignore_index(tok):
    ids = tok.encode("Tom has a book.")
    assert tok.decode([tok.bos_id] + ids + [tok.eos_id, tok.pad_id, -100, -100]) == "Tom has a book."
    assert tok.decode(torch.tensor(ids + [tok.eos_id, -100])) == "Tom has a book."


@pytest.mark.parametrize("bad", [120, 5000, -1, -7])
def test_decode_out_of_range_names_the_id(tok, bad):
    with pytest.raises(MinimtError, match=rf"token id {bad} is out of range"):
        tok.decode([5, bad])
    with pytest.raises(MinimtError, match=rf"token id {bad}"):
        tok.id_to_piece(bad)


def test_literal_special_strings_are_text(tok):
    text = "a </s> <pad> b <s> <unk>"
    ids = tok.encode(text)
    assert not {tok.pad_id, tok.bos_id, tok.eos_id, tok.unk_id} & set(ids)
    assert tok.decode([tok.bos_id] + ids + [tok.eos_id, tok.pad_id, tok.pad_id]) == text


def test_numbers_are_split_into_digits(tok):
    for text in ("Tom wants 3 dogs.", "1984 pages", "I have 1984 pages."):
        digit_pieces = [p.lstrip("▁") for p in tok.pieces(text) if any(c.isdigit() for c in p)]
        assert digit_pieces and all(len(p) == 1 for p in digit_pieces), tok.pieces(text)


def test_unseen_character_is_unk_not_a_crash(tok):
    ids = tok.encode("Tom 🙂")
    assert tok.unk_id in ids and "⁇" in tok.decode(ids)


def test_nfkc_french_spaces_and_what_stays(tok):
    # U+00A0 / U+202F (French no-break spaces before ? ! : ;) become ordinary spaces.
    assert tok.encode("Comment ça va\u202f?") == tok.encode("Comment ça va ?")
    assert tok.encode("Comment ça va\u00a0?") == tok.encode("Comment ça va ?")
    assert tok.decode(tok.encode("Oui\u00a0: non\u202f;")) == "Oui : non ;"
    assert tok.normalize("  Vraiment\u202f!  ") == "Vraiment !"  # extra spaces collapse
    assert tok.normalize("«\u00a0bonjour\u00a0»") == "« bonjour »"
    # kept: curly apostrophe (not turned into '), guillemets, accents, œ; unfolded: ligatures, …
    assert tok.normalize("l’homme") == "l’homme" != tok.normalize("l'homme")
    assert tok.normalize("œuvre ça") == "œuvre ça"
    assert tok.normalize("ﬁn…") == "fin..."
    assert tok.normalize("e\u0301") == "\u00e9"


def test_cache_reuses_the_model(cache, tok, monkeypatch):
    assert tok.model_path.is_relative_to(cache / "tokenizers")
    assert tok.model_path.name == "minimt.model" and tok.model_path.with_suffix(".vocab").exists()
    monkeypatch.setattr(tk, "_train_bytes", lambda *a, **k: pytest.fail("retrained instead of reusing"))
    again = Tokenizer.train(tiny_corpus(), 120)
    assert again.model_path == tok.model_path and again.sha256 == tok.sha256


def test_cache_key_depends_on_corpus_and_vocab(tok):
    other_vocab = Tokenizer.train(tiny_corpus(), 110)
    other_corpus = Tokenizer.train(tiny_corpus()[:-1], 120)
    assert len({tok.model_path, other_vocab.model_path, other_corpus.model_path}) == 3


def test_training_is_deterministic(tmp_path):
    a = Tokenizer.train(tiny_corpus(), 100, out_dir=tmp_path / "a")
    b = Tokenizer.train(tiny_corpus(), 100, out_dir=tmp_path / "b")
    assert a.model_path.read_bytes() == b.model_path.read_bytes()
    assert a.sha256 == b.sha256 and len(a.sha256) == 64


def test_vocab_too_large_says_the_largest_that_works(tmp_path):
    pairs = tiny_corpus()[:20]
    with pytest.raises(MinimtError, match=r"--vocab-size 5000: larger than this corpus allows") as e:
        Tokenizer.train(pairs, 5000, out_dir=tmp_path / "x")
    assert "\n" not in str(e.value)
    largest = int(re.search(r"largest that works: (\d+)", str(e.value)).group(1))
    assert Tokenizer.train(pairs, largest, out_dir=tmp_path / "ok").vocab_size == largest
    with pytest.raises(MinimtError, match=rf"largest that works: {largest}\b"):
        Tokenizer.train(pairs, largest + 1, out_dir=tmp_path / "y")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y" / "minimt.model").exists()


def test_vocab_too_small_says_the_smallest_that_works(tmp_path):
    with pytest.raises(MinimtError, match=r"--vocab-size 10: .*smallest that works: (\d+)"):
        Tokenizer.train(tiny_corpus(), 10, out_dir=tmp_path)


@pytest.mark.parametrize("pairs, message", [([], "empty corpus"), ([("a", " ")], "empty side"),
                                            ([("x" * 5000, "y" * 5000)], "0 usable sentences")])
def test_bad_corpus(pairs, message, tmp_path):
    with pytest.raises(MinimtError, match=message):
        Tokenizer.train(pairs, 50, out_dir=tmp_path)


def test_loading_a_bad_model_file(tmp_path):
    with pytest.raises(MinimtError, match="cannot read"):
        Tokenizer(tmp_path / "missing.model")
    (tmp_path / "junk.model").write_bytes(b"not a model")
    with pytest.raises(MinimtError, match="not a SentencePiece model"):
        Tokenizer(tmp_path / "junk.model")


def write_tsv(path, pairs):
    path.write_text("".join(f"{en}\t{fr}\n" for en, fr in pairs), encoding="utf-8")
    return path


def test_cli_trains_and_prints_statistics(tmp_path, capsys):
    data = write_tsv(tmp_path / "c.tsv", tiny_corpus())
    assert main(["tokenizer", "--data", str(data), "--vocab-size", "100", "--out", str(tmp_path / "tok")]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "tok" / "minimt.model").exists()
    assert "vocabulary:  100 pieces" in out
    en, fr = re.search(r"English ([\d.]+)\s+French ([\d.]+)", out).groups()
    t = Tokenizer(tmp_path / "tok" / "minimt.model")
    stats = tk.statistics(t, tiny_corpus())
    assert float(en) == pytest.approx(stats["pieces_per_sentence_en"], abs=0.006)
    assert float(fr) == pytest.approx(stats["pieces_per_sentence_fr"], abs=0.006)
    assert "'Comment ça va ?'" in out and " ".join(t.pieces("Comment ça va ?")) in out


def test_cli_vocab_too_large_is_one_line_exit_2(tmp_path, capsys):
    data = write_tsv(tmp_path / "c.tsv", tiny_corpus()[:10])
    assert main(["tokenizer", "--data", str(data), "--vocab-size", "90000", "--out", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("minimt tokenizer: error: --vocab-size 90000")
    assert "largest that works" in err and not (tmp_path / "t" / "minimt.model").exists()


def test_default_trains_once_and_says_so(cache, capsys):
    from minimt.data import embedded_path
    if not embedded_path("train").exists():
        pytest.skip("embedded corpus not generated yet")
    first = Tokenizer.default()
    assert "training a tokenizer on the embedded corpus" in capsys.readouterr().err
    second = Tokenizer.default()
    assert capsys.readouterr().err == "" and second.sha256 == first.sha256
    assert first.vocab_size == 4000
    assert first.decode(first.encode("How are you?")) == "How are you?"
