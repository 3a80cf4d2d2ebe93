"""`minimt inspect`: the JSON holds the right tensors, the terminal view lines up, one PNG per stage."""
import json
import re

import pytest

from minimt.commands import main
from minimt.tokenizer import Tokenizer

from test_tokenizer import tiny_corpus

PAIR = ["How are you?", "Comment ça va ?"]
STAGE_FILES = ["2_pieces.png", "3_ids.png", "4_input_ids.png", "5_attention_mask.png", "6_labels.png",
               "7_decoder_input_ids.png"]


@pytest.fixture(scope="session")
def model(tmp_path_factory):
    return str(Tokenizer.train(tiny_corpus(), 120, out_dir=tmp_path_factory.mktemp("tok")).model_path)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIMT_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)  # the default picture folder lands in tmp_path


def inspect_json(capsys, *argv):
    assert main(["inspect", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def check_stages(j, tok):
    pad, bos, eos = tok.pad_id, tok.bos_id, tok.eos_id
    for b, (en, fr) in enumerate(j["pairs"]):
        assert j["src_ids"][b] == tok.encode(en) and j["tgt_ids"][b] == tok.encode(fr)
        assert j["src_pieces"][b] == tok.pieces(en) and j["tgt_pieces"][b] == tok.pieces(fr)
        n, m = len(j["src_ids"][b]) + 1, len(j["tgt_ids"][b]) + 1
        S, T = len(j["input_ids"][b]), len(j["labels"][b])
        assert j["input_ids"][b] == j["src_ids"][b] + [eos] + [pad] * (S - n)
        assert j["attention_mask"][b] == [1] * n + [0] * (S - n)
        assert j["labels"][b] == j["tgt_ids"][b] + [eos] + [-100] * (T - m)
        assert j["decoder_input_ids"][b] == [bos] + [pad if x == -100 else x for x in j["labels"][b][:-1]]
        assert j["decoder_attention_mask"][b] == [1] * m + [0] * (T - m)
        assert tok.decode(j["labels"][b]) == tok.normalize(fr)  # -100 and EOS drop out


def test_article_pair_json(model, capsys, tmp_path):
    tok = Tokenizer(model)  # a tiny vocabulary: more pieces than the article's 6, so pad to L
    L = max(len(tok.encode(PAIR[0])), len(tok.encode(PAIR[1]))) + 3
    j = inspect_json(capsys, *PAIR, "--max-length", str(L), "--tokenizer", model)
    check_stages(j, tok)
    assert j["pairs"] == [PAIR] and j["max_length"] == L
    assert len(j["input_ids"][0]) == len(j["labels"][0]) == L  # padded to max_length, as in the article
    assert j["labels"][0].count(-100) == L - len(tok.encode(PAIR[1])) - 1 >= 2
    assert j["tokenizer"]["sha256"] == tok.sha256 and j["ignore_index"] == -100
    assert not (tmp_path / "minimt-inspect").exists(), "--json alone draws nothing"


def test_several_pairs_make_one_padded_batch(model, capsys):
    texts = [*PAIR, "I see the cat.", "Je vois le chat.", "Tom wants 3 dogs.", "Tom veut 3 chiens."]
    j = inspect_json(capsys, *texts, "--tokenizer", model)
    check_stages(j, Tokenizer(model))
    assert len(j["pairs"]) == 3 and len({len(r) for r in j["src_ids"]}) > 1
    S = max(len(r) for r in j["src_ids"]) + 1
    assert all(len(r) == S for r in j["input_ids"])


def test_batch_from_a_corpus_is_seeded(model, capsys, tmp_path):
    data = tmp_path / "c.tsv"
    data.write_text("".join(f"{en}\t{fr}\n" for en, fr in tiny_corpus()), encoding="utf-8")
    a = inspect_json(capsys, "--batch", "4", "--data", str(data), "--tokenizer", model)
    b = inspect_json(capsys, "--batch", "4", "--data", str(data), "--tokenizer", model)
    c = inspect_json(capsys, "--batch", "4", "--data", str(data), "--seed", "1", "--tokenizer", model)
    assert a == b and a["pairs"] != c["pairs"] and len(a["pairs"]) == 4
    assert all(tuple(p) in set(tiny_corpus()) for p in a["pairs"])
    check_stages(a, Tokenizer(model))


def test_terminal_view_and_one_png_per_stage(model, capsys, tmp_path):
    assert main(["inspect", *PAIR, "--max-length", "16", "--tokenizer", model]) == 0
    out = capsys.readouterr().out
    names = ["raw pair", "pieces", "ids", "input_ids", "attention_mask", "labels", "decoder_input_ids"]
    positions = [out.index(f"{k}. {name} —") for k, name in enumerate(names, start=1)]
    assert positions == sorted(positions)
    assert "[101, 2026, 2003, 2073, 102]" in out
    # decoder_input_ids is drawn under labels, column by column: right edges line up
    lines = out.splitlines()
    lab = next(i for i, x in enumerate(lines) if "row 0 labels" in x)
    dec = next(i for i, x in enumerate(lines) if x.strip().startswith("decoder_input_ids"))
    def ends(line):  # column index just after each word
        return [k + 1 for k in range(len(line)) if line[k] != " " and (k + 1 == len(line) or line[k + 1] == " ")]
    assert ends(lines[lab])[-16:] == ends(lines[dec])[-16:] and len(ends(lines[dec])) == 1 + 16
    assert "-100" in lines[lab]
    folder = tmp_path / "minimt-inspect"
    assert sorted(p.name for p in folder.iterdir()) == STAGE_FILES
    for name in STAGE_FILES:
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_json_with_out_also_draws(model, capsys, tmp_path):
    inspect_json(capsys, *PAIR, "--tokenizer", model, "--out", str(tmp_path / "pics"))
    assert sorted(p.name for p in (tmp_path / "pics").iterdir()) == STAGE_FILES


@pytest.mark.parametrize("argv, message", [
    (["How are you?", ""], r"row 0: empty French text \(argument 2\)"),
    (["", "Salut"], r"row 0: empty English text \(argument 1\)"),
    (["How are you?"], "1 texts given"),
    ([*PAIR, "--max-length", "1"], "--max-length 1: must be at least 2"),
    (["I see the cat and the man and the house.", "Je vois.", "--max-length", "4"],
     "source row 0 has .* tokens with EOS, more than --max-length 4"),
    (["--batch", "0"], "--batch 0: must be at least 1"),
    (["--data", "x.tsv"], "--data needs --batch"),
    (["--batch", "2", "--data", "missing.tsv"], "missing.tsv: no such file"),
    ([*PAIR, "--tokenizer", "nope.model"], "nope.model: cannot read"),
])
def test_bad_input_is_one_line_exit_2(model, capsys, tmp_path, argv, message):
    if "--tokenizer" not in argv:
        argv = [*argv, "--tokenizer", model]
    assert main(["inspect", *argv, "--out", str(tmp_path / "pics")]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert "\n" not in err and err.startswith("minimt inspect: error: ")
    assert re.search(message, err), err
    assert captured.out == "" and not (tmp_path / "pics").exists()


def test_truncate_keeps_eos(model, capsys):
    j = inspect_json(capsys, "I see the cat and the man and the house.", "Je vois.", "--max-length", "4",
                     "--truncate", "--tokenizer", model)
    assert j["input_ids"][0][-1] == 3 and len(j["input_ids"][0]) == 4


def test_inspect_html_writes_the_explorer_for_the_same_pairs(tmp_path, capsys):
    from minimt.commands import main
    page = tmp_path / "article.html"
    assert main(["inspect", "How are you?", "Comment ça va ?", "--max-length", "6", "--out", str(tmp_path / "p"),
                 "--html", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "Comment" in html and "-100" in html and "<script" in html  # one self-contained page
    assert str(page) in capsys.readouterr().out
