"""sacreBLEU scoring: perfect = 100, NBSP ≡ space, several references, bad input exits 2."""
import pytest

from minimt.commands import main
from minimt.errors import MinimtError
from minimt.evaluate import corpus_scores, group_references, normalize, sentence_chrf

REFS = ["Comment ça va ?", "Il pleut depuis « trois jours ».", "Je n’aime pas ça !", "Tom est parti."]


def test_references_against_themselves_score_100():
    s = corpus_scores(REFS, REFS)
    assert s["bleu"] == pytest.approx(100.0) and s["chrf"] == pytest.approx(100.0)
    assert "nrefs:1" in s["bleu_signature"] and "tok:13a" in s["bleu_signature"]
    assert "chrF2" in s["chrf_signature"] or "nc:6" in s["chrf_signature"]


def test_wrong_output_scores_low():
    s = corpus_scores(["Le chat dort.", "Bonjour.", "Non.", "Oui."], REFS)
    assert s["bleu"] < 10 and s["chrf"] < 30


def test_nbsp_and_narrow_nbsp_in_references_do_not_change_the_score():
    hyps = ["Comment ça va ?", "Il pleut depuis « trois jours ».", "Je n’aime pas ça !", "Tom est parti."]
    typographic = ["Comment ça va\u00a0?", "Il pleut depuis «\u202ftrois jours\u202f».",
                   "Je n’aime pas ça\u202f!", "Tom  est parti."]
    plain = corpus_scores(hyps, REFS)
    fancy = corpus_scores(hyps, typographic)
    assert fancy["bleu"] == plain["bleu"] == pytest.approx(100.0)
    assert fancy["chrf"] == plain["chrf"] == pytest.approx(100.0)


def test_same_normalisation_on_both_sides():
    """The tokenizer's NFKC turns "…" into "...", so the model can only ever write "...".
    Unnormalised references would make that a miss no model could fix."""
    hyps = ["Attends... Il pleut depuis trois jours, tu sais ?"]  # what decode() gives back
    refs = ["Attends… Il pleut depuis trois jours, tu sais\u00a0?"]
    s = corpus_scores(hyps, refs)
    assert s["bleu"] == pytest.approx(100.0) and s["chrf"] == pytest.approx(100.0)
    from sacrebleu.metrics import BLEU, CHRF  # sacreBLEU alone does not know our tokenizer's rule
    assert BLEU().corpus_score(hyps, [refs]).score < 80 and CHRF().corpus_score(hyps, [refs]).score < 95


def test_normalize():
    assert normalize(" Ça\u00a0va\u202f?\t ") == "Ça va ?"
    assert normalize("ﬁn") == "fin"  # NFKC unfolds the ligature, like the tokenizer
    assert normalize("« ’ »") == "« ’ »"  # quotes are kept: they are real characters


def test_several_references_grouped():
    pairs = [("Hang on a minute.", "Tiens bon une minute !"), ("Call Tom right now.", "Appelle Tom tout de suite."),
             ("Hang on a minute.", "Tenez bon une minute !")]
    sources, refs = group_references(pairs)
    assert sources == ["Hang on a minute.", "Call Tom right now."]
    assert refs == [["Tiens bon une minute !", "Tenez bon une minute !"], ["Appelle Tom tout de suite."]]
    hyps = ["Tenez bon une minute !", "Appelle Tom tout de suite."]
    # "Tenez bon…" matches the SECOND reference exactly: multi-reference BLEU counts it perfect.
    s = corpus_scores(hyps, refs)
    assert s["bleu"] == pytest.approx(100.0) and s["n_references"] == 3
    assert "nrefs:var" in s["bleu_signature"]
    assert corpus_scores(hyps, [refs[0][:1], refs[1]])["bleu"] < 90


def test_sentence_chrf_and_bad_arguments():
    assert sentence_chrf("Comment ça va ?", ["Comment ça va\u00a0?"]) == pytest.approx(100.0)
    with pytest.raises(MinimtError, match="2 hypotheses but 1 references"):
        corpus_scores(["a", "b"], ["a"])
    with pytest.raises(MinimtError, match="no hypotheses"):
        corpus_scores([], [])


@pytest.mark.parametrize("content, where", [
    (b"Hello.\tBonjour.\nno tab here\n", ":2:"),
    (b"Hello.\t\n", ":1:"),
])
def test_cli_test_file_not_pairs_exits_2(tmp_path, capsys, content, where):
    bad = tmp_path / "test.tsv"
    bad.write_bytes(content)
    out = tmp_path / "hyp.txt"
    code = main(["evaluate", "--checkpoint", str(tmp_path / "no-run"), "--data", str(bad), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("minimt evaluate: error:") and f"test.tsv{where}" in err
    assert not out.exists()


@pytest.mark.parametrize("args, match", [
    (["--beam", "0"], "--beam 0"), (["--alpha", "-1"], "--alpha -1"), (["--limit", "0"], "--limit 0"),
    (["--max-len", "0"], "--max-len 0"),
])
def test_cli_bad_arguments_exit_2(tmp_path, capsys, args, match):
    data = tmp_path / "test.tsv"
    data.write_text("Hello.\tBonjour.\n", encoding="utf-8")
    assert main(["evaluate", "--checkpoint", str(tmp_path), "--data", str(data), *args]) == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1


def test_cli_missing_checkpoint_exits_2(tmp_path, capsys):
    data = tmp_path / "test.tsv"
    data.write_text("Hello.\tBonjour.\n", encoding="utf-8")
    assert main(["evaluate", "--checkpoint", str(tmp_path / "nope"), "--data", str(data)]) == 2
    assert "checkpoint" in capsys.readouterr().err


def test_cli_end_to_end_on_a_tiny_checkpoint(tmp_path_factory, tmp_path, capsys):
    from train_helpers import tiny_checkpoint

    from minimt.checkpoint import load_checkpoint
    from minimt.data import load_pairs
    from minimt.translate import translate
    ckpt = tiny_checkpoint(tmp_path_factory.getbasetemp() / "tiny_shared")
    data = tmp_path / "test.tsv"
    pairs = load_pairs(ckpt.parent / "corpus" / "test.tsv")[:3]
    pairs.append((pairs[0][0], "Une autre traduction de la même phrase."))  # a second reference
    data.write_text("".join(f"{en}\t{fr}\n" for en, fr in pairs), encoding="utf-8")
    out = tmp_path / "hyp.txt"
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(data), "--beam", "2", "--out", str(out),
                 "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "BLEU = " in printed and "nrefs:var" in printed and "chrF = " in printed and "  REF " in printed
    hyps = out.read_text(encoding="utf-8").split("\n")[:-1]
    assert len(hyps) == 3  # one line per distinct English sentence, in file order
    model, tok, _ = load_checkpoint(ckpt)
    assert hyps == [translate(model, tok, [en], beam_size=2)[0] for en, _ in pairs[:3]]


def test_train_evaluate_and_bench_give_one_score(tmp_path_factory, tmp_path, capsys):
    """minimt's one BLEU/chrF: `minimt train`'s final test score, `minimt evaluate` and bench/
    give the same number for the same hypotheses — also against references whose French
    punctuation has (narrow) no-break spaces, where a raw-text BLEU would differ."""
    import json
    import re
    import sys
    from pathlib import Path

    from train_helpers import tiny_checkpoint

    from minimt.checkpoint import load_checkpoint
    from minimt.data import load_pairs
    from minimt.recipe.report import scores as training_scores
    from minimt.translate import translate
    ckpt = tiny_checkpoint(tmp_path_factory.getbasetemp() / "tiny_shared")
    test = load_pairs(ckpt.parent / "corpus" / "test.tsv")

    def evaluate_cli(path) -> tuple[float, float]:
        assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(path), "--quiet",
                     "--out", str(tmp_path / "hyp.txt")]) == 0
        out = capsys.readouterr().out
        return (float(re.search(r"BLEU = ([\d.]+)", out).group(1)), float(re.search(r"chrF = ([\d.]+)", out).group(1)))

    final = [json.loads(l) for l in (ckpt / "metrics.jsonl").read_text().splitlines() if "test_bleu" in l][-1]
    assert evaluate_cli(ckpt.parent / "corpus" / "test.tsv") == (final["test_bleu"], final["test_chrf"])

    nbsp = [(en, re.sub(r" ([?!:;])", "\u202f\\1", fr).replace(" ", "\u00a0", 1)) for en, fr in test]
    assert any("\u202f" in fr for _, fr in nbsp)
    path = tmp_path / "nbsp.tsv"
    path.write_text("".join(f"{en}\t{fr}\n" for en, fr in nbsp), encoding="utf-8")
    model, tok, _ = load_checkpoint(ckpt)
    hyps = translate(model, tok, [en for en, _ in nbsp])
    in_training = training_scores(hyps, [fr for _, fr in nbsp])
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        from quality import _scores as bench_scores
    finally:
        sys.path.pop(0)
    in_bench = bench_scores(dict(zip([en for en, _ in nbsp], hyps)), nbsp)
    assert evaluate_cli(path) == (in_training["bleu"], in_training["chrf"]) == (in_bench["bleu"], in_bench["chrf"])
    assert in_training == training_scores(hyps, [fr for _, fr in test])  # the no-break spaces change nothing
