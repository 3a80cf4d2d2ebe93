"""Every picture is a real PNG, labelled with the real pieces; -100 cells look unlike pad cells."""
import json
import struct

import pytest
import torch

from minimt import plots
from minimt.errors import MinimtError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PIECES = {0: "<pad>", 2: "<s>", 3: "</s>", 45: "▁Comment", 67: "▁ça", 89: "▁va", 90: "▁?",
          12: "▁Il", 13: "▁pleut"}
LABELS = [[45, 67, 89, 90, 3], [12, 13, 3, -100, -100]]           # B=2, T=5, pad = -100
DEC_IN = [[2, 45, 67, 89, 90], [2, 12, 13, 3, 0]]                  # shifted, -100 → pad


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # IHDR chunk
    return width, height


@pytest.fixture
def figures(monkeypatch):
    """Keep every figure open (plots._style._close is skipped) so the test can read its artists."""
    from minimt.plots import _style  # every picture saves through _style._save, which calls _style._close
    kept = []
    monkeypatch.setattr(_style, "_close", kept.append)
    yield kept
    import matplotlib.pyplot as plt
    for fig in kept:
        plt.close(fig)


def all_texts(fig):
    """Every string drawn in a figure: texts, titles and tick labels of every Axes."""
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title(), ax.get_title("left")]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return out


def test_plot_tokens(tmp_path, figures):
    rows = [["▁How", "▁are", "▁you", "?"], ["▁Comment", "▁ça", "▁va", "▁?"]]
    path = plots.plot_tokens(rows, title="Pieces", path=tmp_path / "t.png", row_labels=["en", "fr"])
    w, h = png_size(path)
    assert w > 400 and h > 150
    texts = all_texts(figures[0])
    for piece in rows[0] + rows[1] + ["en", "fr", "Pieces"]:
        assert piece in texts
    kinds = [p.get_gid() for p in figures[0].axes[0].patches]
    assert kinds == ["word", "word", "word", "cont"] + ["word"] * 4  # "?" continues "▁you"


def test_id_grid_pad_and_ignore_cells_differ(tmp_path, figures):
    path = plots.plot_id_grid(LABELS, pieces=PIECES.get, title="labels", path=tmp_path / "ids.png", pad_id=0)
    png_size(path)
    plots.plot_id_grid(DEC_IN, pieces=PIECES.get, title="dec", path=tmp_path / "dec.png", pad_id=0)
    by_kind = {}
    for fig in figures:
        for p in fig.axes[0].patches:
            by_kind.setdefault(p.get_gid(), []).append(p)
    assert len(by_kind["ignore"]) == 2 and len(by_kind["pad"]) == 1
    ign, pad, tok = by_kind["ignore"][0], by_kind["pad"][0], by_kind["token"][0]
    assert ign.get_hatch() and not pad.get_hatch() and not tok.get_hatch()
    assert ign.get_facecolor() != pad.get_facecolor() != tok.get_facecolor()
    texts = all_texts(figures[0])
    assert "-100" in texts and "(ignored)" in texts and "▁Comment" in texts and "45" in texts
    assert "<pad>" in all_texts(figures[1])
    legend = [t.get_text() for t in figures[0].axes[0].get_legend().get_texts()]
    assert any("-100" in t for t in legend)


def test_id_grid_accepts_tensor_and_piece_rows(tmp_path, figures):
    ids = torch.tensor(DEC_IN)
    rows = [[PIECES[i] for i in r] for r in DEC_IN]
    plots.plot_id_grid(ids, pieces=rows, title="t", path=tmp_path / "a.png", pad_id=0, row_labels=["a", "b"])
    assert "▁pleut" in all_texts(figures[0]) and "b" in all_texts(figures[0])
    with pytest.raises(ValueError, match="shape"):
        plots.plot_id_grid(ids, pieces=rows[:1], title="t", path=tmp_path / "b.png")
    assert not (tmp_path / "b.png").exists()


def test_mask_grid(tmp_path, figures):
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
    rows = [[PIECES[i] for i in r] for r in DEC_IN]
    png_size(plots.plot_mask_grid(mask, pieces=rows, title="decoder_attention_mask", path=tmp_path / "m.png"))
    kinds = [p.get_gid() for p in figures[0].axes[0].patches]
    assert kinds.count("real") == 9 and kinds.count("masked") == 1 and kinds[-1] == "masked"


def test_shift_arrows_go_one_step_right(tmp_path, figures):
    png_size(plots.plot_shift(LABELS, DEC_IN, label_pieces=PIECES.get, input_pieces=PIECES.get,
                              path=tmp_path / "s.png"))
    fig = figures[0]
    assert len(fig.axes) >= 2
    for ax in fig.axes[:2]:
        arrows = [a for a in ax.texts if hasattr(a, "xyann")]
        assert len(arrows) == 4  # T-1 arrows per sentence
        centres = ax.get_xticks()  # column t's centre (columns widen for long pieces)
        for t, a in enumerate(arrows):  # label t → decoder input t+1
            (x_to, _), (x_from, _) = a.xy, a.xyann
            assert (x_from, x_to) == pytest.approx((centres[t], centres[t + 1]))
    texts = all_texts(fig)
    assert "<s>" in texts and "▁pleut" in texts and "decoder_input_ids" in texts


def test_broadcast_masks(tmp_path, figures):
    src = [["▁How", "▁are", "▁you", "?", "</s>"], ["▁Hi", "!", "</s>", "<pad>", "<pad>"]]
    tgt = [[PIECES[i] for i in r] for r in DEC_IN]
    enc = torch.tensor([[1] * 5, [1, 1, 1, 0, 0]])
    dec = torch.tensor([[1] * 5, [1, 1, 1, 1, 0]])
    png_size(plots.plot_broadcast_masks(enc, dec, n_heads=2, src_pieces=src, tgt_pieces=tgt,
                                        path=tmp_path / "masks.png"))
    fig = figures[0]
    assert len(fig.axes) == 2 * (1 + 2 + 2)
    images = [ax.get_images()[0].get_array() for ax in fig.axes]
    combined_row1 = images[-1]
    expected = torch.ones(5, 5).tril()
    expected[:, 4] = 0
    assert torch.equal(torch.tensor(combined_row1.data), expected)  # the picture shows the real mask
    texts = all_texts(fig)
    assert "▁Hi" in texts and "·Hi" not in texts  # ▁ drawn as itself, rotated labels too ...
    assert any("start of a word" in t for t in texts)   # ... and the title says what ▁ means


def test_broadcast_masks_stay_slide_sized(tmp_path):
    S = T = 14
    src = [["▁Pourquoi"] * S] * 3
    enc, dec = torch.ones(3, S, dtype=torch.long), torch.ones(3, T, dtype=torch.long)
    w, h = png_size(plots.plot_broadcast_masks(enc, dec, n_heads=8, src_pieces=src, tgt_pieces=src,
                                               path=tmp_path / "big.png"))
    assert w <= 2300 and h <= 1500  # was ~40 inches wide before the size cap


def test_long_pieces_widen_cells_not_shrink_text(tmp_path, figures):
    ids = [[7, 8, 3]]
    names = {7: "▁manteaux", 8: "▁a", 3: "</s>"}
    plots.plot_id_grid(ids, pieces=names.get, title="t", path=tmp_path / "w.png")
    ax = figures[0].axes[0]
    long_cell, short_cell, _ = ax.patches
    assert long_cell.get_width() > short_cell.get_width()
    sizes = {t.get_text(): t.get_fontsize() for t in ax.texts}
    assert sizes["▁manteaux"] == sizes["▁a"] == 12


def test_attention_heatmaps(tmp_path, figures):
    q, k = ["▁Comment", "▁ça", "▁va", "</s>"], ["▁How", "▁are", "▁you", "?", "</s>"]
    w = torch.softmax(torch.randn(3, 4, 5), dim=-1)  # (H,T,S)
    png_size(plots.plot_attention(w[0], query_pieces=q, key_pieces=k, title="cross", path=tmp_path / "a.png"))
    png_size(plots.plot_attention_grid([w, w.flip(0)], query_pieces=q, key_pieces=k, title="grid",
                                       path=tmp_path / "g.png"))
    single, grid = figures
    assert set(q + k) <= set(all_texts(single))
    panels = [ax for ax in grid.axes if ax.get_images()]
    assert len(panels) == 2 * (3 + 1)
    mean = panels[3].get_images()[0].get_array()
    assert torch.allclose(torch.tensor(mean.data, dtype=torch.float32), w.mean(0), atol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        plots.plot_attention(w[0], query_pieces=q[:2], key_pieces=k, title="x", path=tmp_path / "bad.png")


def test_attention_masked_cells_are_blank_not_zero(tmp_path, figures):
    q = k = ["<s>", "▁Il", "▁pleut"]
    w = torch.tensor([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.3, 0.7]])  # (2, 0) is a real, learned 0
    allowed = torch.ones(3, 3, dtype=torch.bool).tril()                      # True = may attend
    plots.plot_attention(w, query_pieces=q, key_pieces=k, title="t", path=tmp_path / "m.png", mask=allowed)
    plots.plot_attention(w, query_pieces=q, key_pieces=k, title="t", path=tmp_path / "n.png")  # no mask: as before
    masked, plain = figures
    numbers = [t for t in masked.axes[0].texts]
    assert len(numbers) == 6 and [t.get_text() for t in numbers].count("0.00") == 1  # only the real zero
    hatched = [(p.get_x() + 0.5, p.get_y() + 0.5) for p in masked.axes[0].patches if p.get_gid() == "masked"]
    assert sorted(hatched) == [(1, 0), (2, 0), (2, 1)]  # (key, query) of the 3 cells above the diagonal
    assert len(plain.axes[0].texts) == 9 and not plain.axes[0].patches
    w_nan = w.clone()
    w_nan[0, 2] = float("nan")
    plots.plot_attention(w_nan, query_pieces=q, key_pieces=k, title="t", path=tmp_path / "nan.png")
    assert len(figures[2].axes[0].texts) == 8 and "nan" not in all_texts(figures[2])


def test_sentence_scores_bars_are_sentence_chrf(tmp_path, figures):
    from sacrebleu.metrics import BLEU, CHRF
    hyps = ["Il pleut.", "Comment vas-tu ?", "Je suis fatigue.", "Bonjour"]
    refs = [["Il pleut."], ["Comment ça va ?", "Comment vas-tu ?"], ["Je suis fatigué."], ["Au revoir."]]
    sources = ["It is raining.", "How are you?", "I am tired.", "Goodbye, and thank you very much for everything!"]
    png_size(plots.plot_sentence_scores(hyps, refs, sources=sources, path=tmp_path / "s.png", max_rows=3))
    ax = figures[0].axes[0]
    bars = [p.get_width() for p in ax.patches if p.get_gid() == "chrf"]
    expected = [CHRF().sentence_score(h, r).score for h, r in zip(hyps, refs)][:3]  # max_rows=3
    assert bars == pytest.approx(expected, abs=1e-6) and bars[0] == pytest.approx(100.0)
    bleu = BLEU().corpus_score(hyps, [[r[0] for r in refs], [r[1] if len(r) > 1 else None for r in refs]]).score
    title = ax.get_title()
    assert f"BLEU {bleu:.1f}" in title and "first 3 of 4" in title and "unreliable" in title
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("It is raining.") and "→ Il pleut." in labels[0]
    with pytest.raises(MinimtError, match="3 hypotheses but 4 references"):
        plots.plot_sentence_scores(hyps[:3], refs, path=tmp_path / "bad.png")
    assert not (tmp_path / "bad.png").exists()


def test_token_loss_hatches_ignored(tmp_path, figures):
    loss = torch.tensor([[2.0, 1.0, 0.5, 0.25, 0.1], [3.0, 1.5, 0.2, 0.0, 0.0]])
    png_size(plots.plot_token_loss(loss, LABELS, pieces=PIECES.get, path=tmp_path / "l.png"))
    fig = figures[0]
    patches = fig.axes[0].patches
    hatched = [p for p in patches if p.get_hatch()]
    assert len(hatched) == 2 and all(p.get_gid() == "ignore" for p in hatched)
    texts = all_texts(fig)
    assert "▁pleut" in texts and "ignored: 0" in texts
    mean = (loss[0].sum() + loss[1, :3].sum()) / 8
    assert any(f"{mean:.3f}" in t for t in texts)  # the title states the loss the model sees


def test_training_curves(tmp_path, figures):
    lines = [{"step": s, "train_loss": 5 - s / 10, "lr": 1e-3} for s in range(1, 21)]
    lines[9].update(valid_loss=4.0, bleu=3.0, chrf=20.0)
    lines[19].update(valid_loss=3.5, bleu=6.0, chrf=25.0)
    (tmp_path / "metrics.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    png_size(plots.plot_training_curves(tmp_path, path=tmp_path / "curves.png"))
    loss_ax, score_ax, lr_ax = figures[0].axes
    assert [len(line.get_xdata()) for line in loss_ax.lines] == [20, 2]
    assert list(score_ax.lines[0].get_ydata()) == [3.0, 6.0]


def test_training_curves_star_the_weights_averaged_over_the_decay(tmp_path, figures):
    lines = [{"step": s, "train_loss": 5 - s / 10, "lr": 1e-3} for s in range(1, 21)]
    lines[19].update(valid_loss=3.5, bleu=6.0, chrf=25.0)
    lines.append({"step": 20, "averaged_steps": [17, 20], "avg_valid_loss": 3.4, "avg_valid_nll": 2.0,
                  "avg_bleu": 6.5, "avg_chrf": 26.0})
    (tmp_path / "metrics.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    plots.plot_training_curves(tmp_path, path=tmp_path / "curves.png")
    loss_ax, score_ax, _ = figures[0].axes
    stars = {ax: [l for l in ax.lines if l.get_marker() == "*"] for ax in (loss_ax, score_ax)}
    assert [list(l.get_ydata()) for l in stars[loss_ax]] == [[3.4]]
    assert sorted(list(l.get_ydata()) for l in stars[score_ax]) == [[6.5], [26.0]]
    assert all(list(l.get_xdata()) == [20] for ax in stars for l in stars[ax])
    assert "valid loss, weights averaged over the decay" in [t.get_text() for t in loss_ax.get_legend().get_texts()]


def test_training_curves_bad_file(tmp_path):
    (tmp_path / "metrics.jsonl").write_text('{"step": 1}\n{oops\n')
    with pytest.raises(MinimtError, match=r"metrics.jsonl:2"):
        plots.plot_training_curves(tmp_path, path=tmp_path / "c.png")
    with pytest.raises(MinimtError, match="no such metrics file"):
        plots.plot_training_curves(tmp_path / "nope", path=tmp_path / "c.png")
    assert not (tmp_path / "c.png").exists()


def test_plot_command_lives_in_plot_cli():
    from minimt.commands import COMMAND_MODULES
    assert "minimt.commands.plot" in COMMAND_MODULES and "minimt.plots" not in COMMAND_MODULES
    assert not hasattr(plots, "register")  # minimt/plots/ draws; plot_cli.py parses arguments


def test_plot_curves_cli_bad_dir_exits_2(tmp_path, capsys):
    from minimt.commands import main
    assert main(["plot", "curves", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such metrics file" in err


# ---------------------------------------------------------------- minimt plot, on a tiny trained checkpoint
@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from train_helpers import tiny_checkpoint
    return tiny_checkpoint(tmp_path_factory.getbasetemp() / "tiny_shared")


def test_plot_attention_cli(checkpoint, tmp_path, capsys):
    from minimt.commands import main
    assert main(["plot", "attention", "--checkpoint", str(checkpoint), "How are you?", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("How are you? → ")
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == ["cross_attention.png", "cross_attention_mean.png", "decoder_self_attention.png",
                     "encoder_self_attention.png"]
    for p in tmp_path.glob("*.png"):
        png_size(p)
    assert main(["plot", "attention", "--checkpoint", str(checkpoint), "Hi.", "--out", str(tmp_path / "l"),
                 "--layer", "0"]) == 0
    assert (tmp_path / "l" / "cross_attention_layer0.png").is_file()
    capsys.readouterr()
    assert main(["plot", "attention", "--checkpoint", str(checkpoint), "Hi.", "--layer", "7"]) == 2
    assert "--layer 7" in capsys.readouterr().err


def test_attention_pictures_show_the_pieces(checkpoint, tmp_path, figures):
    from minimt.checkpoint import load_checkpoint
    model, tok, _ = load_checkpoint(checkpoint)
    plots.attention_pictures(model, tok, "How are you?", tmp_path)
    cross, _, encoder, decoder = figures
    src = tok.pieces("How are you?") + ["</s>"]  # tick labels draw ▁ as ▁
    assert set(src) <= set(all_texts(cross)) and set(src) <= set(all_texts(encoder))
    # decoder self-attention: nothing above the diagonal (a position never sees the future)
    for ax in decoder.axes:
        if ax.get_images():
            w = torch.tensor(ax.get_images()[0].get_array().data)
            assert torch.all(w.triu(diagonal=1) == 0)


def test_plot_curves_cli(checkpoint, tmp_path):
    from minimt.commands import main
    assert main(["plot", "curves", str(checkpoint), "--out", str(tmp_path)]) == 0
    png_size(tmp_path / "curves.png")


# ---------------------------------------------------------------- one drawing of ▁, the pipeline overview
def test_word_start_is_drawn_one_way_in_every_figure(tmp_path, figures):
    """Every plot module draws SentencePiece's ▁ with `piece_label` (▁ itself), never '·' or '_'."""
    from pathlib import Path
    from minimt.plots._style import WORD_START, piece_label
    assert piece_label("▁Comment") == WORD_START + "Comment" and piece_label("ça") == "ça"
    src = [["▁How", "▁are", "</s>"]]
    tgt = [["<s>", "▁Comment", "▁ça"]]
    plots.plot_tokens(src, title="t", path=tmp_path / "a.png")
    plots.plot_id_grid([[45, 67, 3]], pieces=PIECES.get, title="t", path=tmp_path / "b.png")
    plots.plot_broadcast_masks(torch.ones(1, 3), torch.ones(1, 3), n_heads=1, src_pieces=src, tgt_pieces=tgt,
                               path=tmp_path / "c.png")
    plots.plot_attention(torch.full((3, 3), 1 / 3), query_pieces=tgt[0], key_pieces=src[0], title="t",
                         path=tmp_path / "d.png")
    plots.plot_token_loss(torch.ones(1, 3), [[45, 67, -100]], pieces=PIECES.get, path=tmp_path / "e.png")
    for fig in figures:
        texts = " ".join(all_texts(fig))
        assert WORD_START + "Comment" in texts or WORD_START + "How" in texts, texts
        assert "·" not in texts and "_Comment" not in texts and "_How" not in texts
    # and no plot module draws ▁ its own way: the one replace lives in _style.piece_label
    for module in Path(plots.__file__).parent.glob("*.py"):
        if module.name != "_style.py":
            assert 'replace("▁"' not in module.read_text(encoding="utf-8"), module.name


def test_broadcast_masks_name_the_cross_attention_mask(tmp_path, figures):
    src = [["▁How", "</s>"]]
    plots.plot_broadcast_masks(torch.ones(1, 2), torch.ones(1, 2), n_heads=2, src_pieces=src, tgt_pieces=src,
                               path=tmp_path / "m.png")
    titles = [ax.get_title() for ax in figures[0].axes]
    assert any("cross-attention" in t and "(B,H,T,S)" in t for t in titles), titles


def test_pipeline_overview_has_every_stage_and_the_real_ids(tmp_path, figures):
    from minimt.data import embedded_path, load_pairs
    from minimt.plots.pipeline import STAGES
    from minimt.tokenizer import Tokenizer
    tok = Tokenizer.train(load_pairs(embedded_path("phrasebook")), 200, out_dir=tmp_path / "tok")
    w, h = png_size(plots.plot_pipeline(tmp_path / "pipeline.png", tokenizer=tok))
    assert 1200 <= w <= 2000 and 700 <= h <= 1200  # one slide, readable at natural size
    fig = figures[0]
    texts = all_texts(fig)
    badges = [t.get_text().strip() for t in fig.axes[0].texts if t.get_gid() == "stage"]
    assert badges == [lesson for lesson, _ in STAGES] and len(badges) == 7
    for _, name in STAGES:
        assert name in texts
    joined = " ".join(texts)
    for name in ("input_ids", "attention_mask", "labels", "decoder_input_ids", "ignore_index=-100"):
        assert name in joined
    src, tgt = tok.encode("How are you?"), tok.encode("Comment ça va ?")
    assert str(src) in joined and str(tgt) in joined                     # the real ids of this tokenizer
    assert f"{tok.bos_id}\n{tok.id_to_piece(tok.bos_id)}" in texts          # decoder_input_ids starts with BOS
    width = max(6, len(src) + 1, len(tgt) + 1)                           # padded to 6, as the article, or more
    assert texts.count("-100") == width - len(tgt) - 1                   # labels padded with -100
    assert f"{len(tgt) + 1} real label tokens" in joined
