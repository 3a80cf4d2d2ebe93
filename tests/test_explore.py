"""The explorer page: every value it shows equals what minimt computes; reasons; size; bad input.

(The page in a real browser: tests/test_explore_browser.py.)
"""
from __future__ import annotations

import html
import re

import pytest
import torch

from minimt.attention import decoder_self_mask, padding_mask
from minimt.batch import IGNORE_INDEX, make_batch
from minimt.decode import greedy_decode
from minimt.explore import explore_html, fresh_model, show, write_explorer
from minimt.explore import reasons as R
from minimt.explore.page import page_data
from minimt.loss import cross_entropy_loss, per_token_loss
from minimt.model import ModelConfig, Transformer
from minimt.tokenizer import Tokenizer

torch.set_num_threads(1)
# Three lengths, so each side has a longest row and shorter, padded ones.
PAIRS = [("How are you?", "Comment ça va ?"), ("I am a student.", "Je suis étudiant."),
         ("Where is the station, please?", "Où est la gare, s'il vous plaît ?")]


@pytest.fixture(scope="module")
def tok():
    return Tokenizer.default()


@pytest.fixture(scope="module")
def model(tok):
    torch.manual_seed(1)
    # S != T != D != V, and encoder and decoder of different depths (the page must not mix them up)
    return Transformer(ModelConfig(vocab_size=tok.vocab_size, d_model=24, n_heads=3, n_encoder_layers=2,
                                   n_decoder_layers=1, d_ff=40, dropout=0.1)).eval()


@pytest.fixture(scope="module")
def page(model, tok):
    return explore_html(PAIRS, model=model, tokenizer=tok)


@pytest.fixture(scope="module")
def data(page):
    return page_data(page)


@pytest.fixture(scope="module")
def batch(tok):
    return make_batch([tok.encode(e) for e, _ in PAIRS], [tok.encode(f) for _, f in PAIRS],
                      pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)


def values(grid) -> list[list[int]]:
    return [[int(c["v"]) for c in row] for row in grid]


def test_batch_tensors_equal_make_batch(data, batch):
    for name in ("input_ids", "attention_mask", "labels", "decoder_input_ids", "decoder_attention_mask"):
        assert values(data["batch"][name]) == getattr(batch, name).tolist(), name
    assert (data["B"], data["S"], data["T"]) == (3, batch.input_ids.shape[1], batch.labels.shape[1])


def test_pieces_and_ids_are_the_tokenizers(data, tok):
    for row, (en, fr) in zip(data["rows"], PAIRS):
        assert [int(c["v"]) for c in row["pieces"]["English"]] == tok.encode(en)
        assert [c["p"] for c in row["pieces"]["French"]] == tok.pieces(fr)


def test_masks_equal_minimt_attention_masks_broadcast(data, batch):
    S, T = batch.input_ids.shape[1], batch.labels.shape[1]
    enc = padding_mask(batch.attention_mask).expand(-1, 1, S, S)[:, 0]        # (B,S,S)
    dec = decoder_self_mask(batch.decoder_attention_mask)[:, 0]                # (B,T,T)
    cross = padding_mask(batch.attention_mask).expand(-1, 1, T, S)[:, 0]       # (B,T,S)
    for b, row in enumerate(data["rows"]):
        for name, want in (("encoder", enc), ("decoder_self", dec), ("cross", cross)):
            got = [[c["v"] == "True" for c in r] for r in row["masks"][name]]
            assert got == want[b].tolist(), (b, name)
            assert all(c["d"] == ("✓" if c["v"] == "True" else "✗") for r in row["masks"][name] for c in r)


def test_attention_weights_equal_the_models(data, model, batch):
    with torch.no_grad():
        _, attn = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids,
                        batch.decoder_attention_mask, return_attention=True)
    for b, row in enumerate(data["rows"]):
        for kind, layers in attn.items():
            want = torch.stack([w[b] for w in layers])                          # (L,H,Q,K)
            got = torch.tensor(row["attention"][kind])
            assert got.shape == want.shape, kind
            assert torch.allclose(got, want, atol=6e-4), (b, kind)
    assert len(data["rows"][0]["attention"]["encoder"]) == 2 and len(data["rows"][0]["attention"]["cross"]) == 1


def test_losses_equal_minimt_loss(data, model, batch):
    with torch.no_grad():
        logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask)
    per = per_token_loss(logits, batch.labels)
    for b, row in enumerate(data["rows"]):
        for t, c in enumerate(row["loss"]):
            if batch.labels[b, t] == IGNORE_INDEX:
                assert c["k"] == "ignore" and c["tip"].startswith("ignored: labels[")
            else:
                assert abs(float(c["v"]) - float(per[b, t])) < 6e-4
        assert row["loss_mean"] == pytest.approx(float(cross_entropy_loss(logits[b:b + 1], batch.labels[b:b + 1])), abs=1e-4)
    assert data["batch_loss"] == pytest.approx(float(cross_entropy_loss(logits, batch.labels)), abs=1e-4)


def test_greedy_steps_equal_greedy_decode_alone_and_in_the_batch(data, model, batch, tok):
    together = greedy_decode(model, batch.input_ids, batch.attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id)
    for b, row in enumerate(data["rows"]):
        picked = [int(s["v"]) for s in row["greedy"]["steps"]]
        assert [i for i in picked if i != tok.eos_id] == row["greedy"]["ids"] == together[b]
        assert all(0 < s["prob"] <= 1 for s in row["greedy"]["steps"])


def test_reasons_say_why(data, batch, tok):
    ids, lab = batch.input_ids.tolist(), batch.labels.tolist()
    pads = [(b, s) for b in range(3) for s in range(len(ids[b])) if batch.attention_mask[b, s] == 0]
    assert pads
    for b, s in pads:
        assert data["batch"]["input_ids"][b][s]["tip"] == f"PAD (id {tok.pad_id}): {R.PAD_SHORTER}"
    ignored = [(b, t) for b in range(3) for t in range(len(lab[b])) if lab[b][t] == IGNORE_INDEX]
    assert ignored
    for b, t in ignored:
        assert data["batch"]["labels"][b][t]["tip"].startswith("-100: padding, skipped by the loss")
    dam = batch.decoder_attention_mask.tolist()
    for b, row in enumerate(data["rows"]):
        for q, r in enumerate(row["masks"]["decoder_self"]):
            for k, c in enumerate(r):
                if k > q and dam[b][k]:
                    assert c["tip"] == f"False: key {k} is after query {q} (causal)"
                elif k <= q and not dam[b][k]:
                    assert c["tip"] == f"False: key {k} is padding"
        for q, r in enumerate(row["masks"]["encoder"]):
            for k, c in enumerate(r):
                assert (c["tip"] == f"False: key {k} is padding") == (batch.attention_mask[b, k] == 0)
    first_dec = data["batch"]["decoder_input_ids"][0]
    assert first_dec[0]["tip"].startswith(f"BOS (id {tok.bos_id})")
    assert first_dec[1]["tip"].endswith("labels[0] shifted one place right (teacher forcing)")


def test_padding_to_max_length_is_said_so(model, tok):
    d = page_data(explore_html([PAIRS[0]], model=model, tokenizer=tok, max_length=6))
    pad = d["batch"]["input_ids"][0][-1]
    assert pad["v"] == str(tok.pad_id) and "--max-length" in pad["tip"] and R.PAD_SHORTER not in pad["tip"]


def test_links_tie_a_label_to_its_shifted_copy_and_its_loss(data):
    b, t = 1, 2
    keys = set(data["batch"]["labels"][b][t]["l"].split())
    assert keys & set(data["batch"]["decoder_input_ids"][b][t + 1]["l"].split()) == {f"b{b}c{t}"}
    assert keys & set(data["batch"]["decoder_input_ids"][b][t]["l"].split()) == {f"b{b}t{t}"}
    assert f"b{b}t{t}" in data["rows"][b]["loss"][t]["l"].split()
    assert all(c["l"] == f"b{b}t{t}" for c in data["rows"][b]["masks"]["cross"][t])


def test_page_is_self_contained_and_locked(page, data):
    assert not re.search(r"https?:|<link|@import|url\(|\bsrc=|fetch\(|XMLHttpRequest|WebSocket", page)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert csp.startswith("default-src 'none'; script-src 'sha256-") and "unsafe" not in csp
    import base64
    import hashlib
    script = page[page.rindex("<script>") + 8:page.rindex("</script>")]
    assert base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() in csp  # the hash is the script's


def test_text_that_looks_like_html_cannot_break_out(model, tok):
    pair = ("Say </script><!-- hi", "Dis </script> salut")
    page = explore_html([pair], model=model, tokenizer=tok)
    assert page.count("</script>") == 2  # the data block's and the code's, nothing from the text
    assert page_data(page)["pairs"] == [list(pair)]


def test_size_budget_with_a_default_size_model(tok, capsys):
    model = fresh_model(tok)  # 3+3 layers, 4 heads: as many cells as a trained default model
    article = len(explore_html([PAIRS[0]], model=model, tokenizer=tok, max_length=6).encode())
    batch8 = len(explore_html(batch=8, model=model, tokenizer=tok).encode())
    with capsys.disabled():
        print(f"\nexplorer sizes: article pair {article / 1e6:.3f} MB, batch of 8 {batch8 / 1e6:.3f} MB")
    assert article <= 1.5e6 and batch8 <= 3e6


def test_notebook_show_is_the_same_page(model, tok, page):
    shown = show(PAIRS, model=model, tokenizer=tok)
    srcdoc = re.search(r'srcdoc="([^"]*)"', shown._repr_html_() if hasattr(shown, "_repr_html_") else shown.data)
    assert html.unescape(srcdoc.group(1)) == page


# ---------------------------------------------------------------- the command and its bad input

def run_cli(argv, capsys):
    from minimt.commands import explore
    rc = explore.main(argv)
    err = capsys.readouterr().err
    return rc, err


@pytest.mark.parametrize("argv, says", [
    (["--checkpoint", "{tmp}/nope"], "nope: checkpoint folder not found"),
    (["How are you?", "Comment ça va ?", "--max-length", "3"], "--max-length 3"),
    (["--batch", "0"], "--batch 0: must be at least 1"),
    (["--out", "{tmp}/a_file/page.html"], "--out"),
    (["--out", "{tmp}"], "--out"),
    (["How are you?"], "pass English and French in pairs"),
])
def test_bad_input_one_line_exit_2_nothing_written(argv, says, tmp_path, capsys):
    (tmp_path / "a_file").write_text("not a folder")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "page.html")]
    before = sorted(p.name for p in tmp_path.iterdir())
    rc, err = run_cli(argv, capsys)
    assert rc == 2 and says in err and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no page, no temporary file


def test_command_writes_the_page(tmp_path, capsys, tok):
    out = tmp_path / "sub" / "article.html"
    rc, _ = run_cli(["How are you?", "Comment ça va ?", "--max-length", "6", "--out", str(out)], capsys)
    d = page_data(out.read_text(encoding="utf-8"))
    assert rc == 0 and d["pairs"] == [list(PAIRS[0])] and d["S"] == d["T"] == 6
    assert "freshly initialised" in d["model_note"]
    assert values(d["batch"]["labels"])[0][-1] == IGNORE_INDEX


def test_write_explorer_from_a_checkpoint(tmp_path, model, tok):
    from minimt.checkpoint import save_checkpoint
    save_checkpoint(tmp_path / "run", model=model, config=model.config, tokenizer=tok, step=7)
    d = page_data(write_explorer(tmp_path / "p.html", [PAIRS[1]], checkpoint=tmp_path / "run").read_text())
    assert "step 7" in d["model_note"] and d["config"] == model.config.to_dict()
