"""Proofs for the training loop: deterministic, exactly resumable, learns, does not cheat."""
from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch

from minimt.batch import make_batch
from minimt.commands import main as cli_main
from minimt.decode import greedy_decode
from minimt.model import ModelConfig, Transformer
from minimt.schedule import inverse_sqrt_factor, make_optimizer, make_scheduler
from minimt.train import train_step
from minimt.runtime.device import resolve_device
from minimt.errors import MinimtError
from train_helpers import (one_thread, TINY_MODEL, read_metrics, run_train,  # noqa: F401 (one_thread: autouse fixture)
                           tiny_checkpoint, train_args, train_losses, write_tiny_corpus)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_tiny_corpus(tmp_path_factory.mktemp("corpus"))


def _no_autocast():
    return torch.autocast("cpu", enabled=False)


# ---------------------------------------------------------------- determinism and resume

def test_same_seed_same_losses_other_seed_other_losses(corpus, tmp_path):
    common = ["--data", str(corpus), "--steps", "12", "--eval-every", "12", *TINY_MODEL]
    a = run_train([*common, "--out", str(tmp_path / "a")])
    b = run_train([*common, "--out", str(tmp_path / "b")])
    run_train([*common, "--out", str(tmp_path / "c"), "--seed", "1"])
    la, lb, lc = (train_losses(tmp_path / x) for x in "abc")
    assert [s for s, _ in la] == list(range(1, 13))
    assert la == lb  # bit-identical losses, every step
    assert a["valid"] == b["valid"]
    assert la != lc  # the seed does matter (so the equality above is not vacuous)
    assert all(math.isfinite(l) for _, l in la)


def test_resume_after_a_kill_equals_an_uninterrupted_run(corpus, tmp_path):
    common = ["--data", str(corpus), "--steps", "16", "--eval-every", "5", *TINY_MODEL]
    run_train([*common, "--out", str(tmp_path / "straight")])

    def kill_at_13(step, loss):
        if step == 13:
            raise KeyboardInterrupt  # as if Ctrl-C'd after the checkpoint of step 10

    out = tmp_path / "killed"
    with pytest.raises(KeyboardInterrupt):
        run_train([*common, "--out", str(out)], on_step=kill_at_13)
    meta = torch.load(out / "latest.pt", weights_only=True)
    assert meta["step"] == 10 and meta["position"] > 0  # resumes mid-epoch, not at a boundary
    assert max(s for s, _ in train_losses(out)) == 13  # steps 11-13 were logged, then lost

    summary = run_train([*common, "--out", str(out), "--resume"])
    assert summary["steps"] == 16
    straight, resumed = train_losses(tmp_path / "straight"), train_losses(out)
    assert [s for s, _ in resumed] == list(range(1, 17))  # 11-13 redone once, not duplicated
    assert straight == resumed  # exactly the same losses as if never interrupted
    valid = lambda d: [(r["step"], r["valid_loss"], r["bleu"]) for r in read_metrics(d) if "valid_loss" in r]
    assert valid(tmp_path / "straight") == valid(out)


def test_resume_from_a_finished_run_continues_to_a_larger_budget(corpus, tmp_path):
    # inverse-sqrt: a schedule that does not depend on the budget (the default decays to 0 at
    # the budget's end, so a 7-step run and a 14-step run have different learning rates)
    common = ["--data", str(corpus), "--eval-every", "7", "--schedule", "inverse-sqrt", *TINY_MODEL]
    run_train([*common, "--steps", "14", "--out", str(tmp_path / "straight")])
    run_train([*common, "--steps", "7", "--out", str(tmp_path / "two")])
    run_train([*common, "--steps", "14", "--out", str(tmp_path / "two"), "--resume"])
    assert train_losses(tmp_path / "straight") == train_losses(tmp_path / "two")


def test_minutes_budget_stops_the_run(corpus, tmp_path):
    summary = run_train(["--data", str(corpus), "--minutes", "0.02", "--out", str(tmp_path), *TINY_MODEL])
    assert summary["steps"] >= 1 and summary["train_seconds"] <= 1.2 + 0.5  # 0.02 min = 1.2 s
    assert train_losses(tmp_path)[-1][0] == summary["steps"]


def test_minutes_budget_evaluates_each_quarter_and_decays_to_zero(corpus, tmp_path):
    run_train(["--data", str(corpus), "--minutes", "0.1", "--out", str(tmp_path), *TINY_MODEL])
    records = read_metrics(tmp_path)
    evals = [r["step"] for r in records if "valid_loss" in r]
    assert len(evals) >= 3 and evals == sorted(set(evals))  # not only at the end
    lrs = [r["lr"] for r in records if "lr" in r]
    assert max(lrs) == pytest.approx(3e-3, rel=0.05) and lrs[-1] < 0.5 * max(lrs)  # held, then decayed


def test_the_clock_stops_while_the_run_evaluates():
    import time
    from minimt.runtime.progress import Clock
    clock = Clock(minutes=1.0)
    clock.start()
    with clock.paused():
        time.sleep(0.3)
    assert clock.elapsed() < 0.1  # the evaluation's 0.3 s are not training time
    time.sleep(0.2)
    assert 0.2 <= clock.elapsed() < 0.35 and clock.progress() == pytest.approx(clock.elapsed() / 60, rel=0.05)


def test_the_decay_average_is_the_mean_of_the_weights_it_saw():
    from minimt.model import ModelConfig, Transformer
    from minimt.recipe.average import DecayAverage
    torch.manual_seed(0)
    model = Transformer(ModelConfig(vocab_size=20, d_model=16, n_heads=2, n_encoder_layers=1,
                                    n_decoder_layers=1, d_ff=32))
    average, seen = DecayAverage(model), []
    for step in (7, 8, 9):
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p))
        seen.append({k: v.clone() for k, v in model.state_dict().items()})
        average.add(model, step)
    mean = average.averaged_state(model)
    for name, _ in model.named_parameters():
        expected = sum(s[name] for s in seen) / 3
        assert torch.allclose(mean[name], expected, atol=1e-6), name
        assert not torch.allclose(mean[name], seen[-1][name])  # not the last step's weights
    again = DecayAverage(model)
    again.load_state_dict(average.state_dict())  # what latest.pt keeps for --resume
    assert again.count == 3 and again.first_step == 7
    assert all(torch.equal(again.averaged_state(model)[n], mean[n]) for n, _ in model.named_parameters())


def test_a_run_averages_exactly_its_decay_steps_and_resume_averages_the_same(corpus, tmp_path):
    # 20 steps, the last 20% decaying: step s uses progress (s-1)/20, so steps 18, 19, 20 decay
    common = ["--data", str(corpus), "--eval-every", "5", "--decay-fraction", "0.2", *TINY_MODEL]
    run_train([*common, "--steps", "20", "--out", str(tmp_path / "straight")])
    import os
    import signal
    # Ctrl-C after step 19: latest.pt then holds the sum of steps 18 and 19
    stopped = run_train([*common, "--steps", "20", "--out", str(tmp_path / "cut")],
                        on_step=lambda step, loss: os.kill(os.getpid(), signal.SIGINT) if step == 19 else None)
    assert stopped["stopped"] and stopped["steps"] == 19
    run_train([*common, "--steps", "20", "--out", str(tmp_path / "cut"), "--resume"])
    averaged = lambda d: [r for r in read_metrics(d) if "avg_valid_nll" in r]
    straight = averaged(tmp_path / "straight")
    assert len(straight) == 1 and straight[0]["averaged_steps"] == [18, 20]
    assert averaged(tmp_path / "cut") == straight  # the resumed run averaged the same three steps
    last = [r for r in read_metrics(tmp_path / "straight") if "valid_nll" in r][-1]
    assert straight[0]["avg_valid_nll"] != last["valid_nll"]  # another model than the last step's
    best = torch.load(tmp_path / "straight" / "best.pt", weights_only=True)
    if straight[0]["avg_valid_nll"] < min(r["valid_nll"] for r in read_metrics(tmp_path / "straight") if "valid_nll" in r):
        assert best["averaged_steps"] == [18, 20]
    else:
        assert "averaged_steps" not in best


def test_resuming_into_a_larger_budget_averages_only_the_new_decay(corpus, tmp_path):
    common = ["--data", str(corpus), "--eval-every", "5", "--decay-fraction", "0.2", *TINY_MODEL]
    run_train([*common, "--steps", "20", "--out", str(tmp_path)])  # decays (and averages) steps 18-20
    run_train([*common, "--steps", "40", "--out", str(tmp_path), "--resume"])  # decays 34-40
    averaged = [r["averaged_steps"] for r in read_metrics(tmp_path) if "averaged_steps" in r]
    assert averaged == [[18, 20], [34, 40]]  # the second run's mean holds none of the first decay


def test_budget_schedule_holds_then_ends_at_zero():
    from minimt.schedule import budget_factor
    f = [budget_factor(s, 10, s / 100, 0.2) for s in range(100)]
    assert f[0] == pytest.approx(0.1) and f[9] == 1.0 and f[50] == 1.0  # warmup, then the peak held
    assert f[80] == pytest.approx(1.0) and f[90] == pytest.approx(0.5) and f[99] == pytest.approx(0.05)
    assert all(a >= b for a, b in zip(f[10:], f[11:]))  # never rises again


# ---------------------------------------------------------------- nothing lost

def test_a_second_run_does_not_overwrite_a_trained_model(corpus, tmp_path, capsys):
    common = ["train", "--data", str(corpus), "--steps", "3", "--out", str(tmp_path / "A"), *TINY_MODEL]
    assert cli_main(common) == 0
    before = (tmp_path / "A" / "latest.pt").read_bytes()
    capsys.readouterr()
    assert cli_main([*common, "--seed", "7"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--resume" in err and "--out" in err and "--overwrite" in err, err
    assert (tmp_path / "A" / "latest.pt").read_bytes() == before  # untouched
    assert cli_main([*common, "--seed", "7", "--overwrite"]) == 0
    assert (tmp_path / "A" / "latest.pt").read_bytes() != before


def test_default_folder_moves_on_instead_of_overwriting(corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    common = ["train", "--data", str(corpus), "--steps", "2", *TINY_MODEL]
    assert cli_main(common) == 0 and cli_main(common) == 0
    assert (tmp_path / "runs" / "minimt" / "latest.pt").is_file()
    assert (tmp_path / "runs" / "minimt-2" / "latest.pt").is_file()
    assert "run folder: runs/minimt-2" in capsys.readouterr().err
    assert cli_main([*common[:-len(TINY_MODEL)], "--resume", "--steps", "4", *TINY_MODEL]) == 0  # the newest run
    assert max(s for s, _ in train_losses(tmp_path / "runs" / "minimt-2")) == 4


def test_a_folder_in_use_is_refused_naming_the_pid(corpus, tmp_path, capsys):
    import os

    from minimt.runtime.run_folder import RunLock
    with RunLock(tmp_path / "busy"):
        assert cli_main(["train", "--data", str(corpus), "--steps", "2", "--out", str(tmp_path / "busy"),
                         *TINY_MODEL]) == 2
    err = capsys.readouterr().err
    assert f"pid {os.getpid()}" in err and err.count("\n") == 1
    assert not (tmp_path / "busy" / "latest.pt").exists()


def test_ctrl_c_keeps_the_work_and_resume_equals_an_uninterrupted_run(corpus, tmp_path, capsys):
    import os
    import signal
    common = ["--data", str(corpus), "--steps", "16", "--eval-every", "5", *TINY_MODEL]
    run_train([*common, "--out", str(tmp_path / "straight")])

    def ctrl_c_at_12(step, loss):
        if step == 12:
            os.kill(os.getpid(), signal.SIGINT)  # a real SIGINT, as the terminal sends on Ctrl-C

    out = tmp_path / "stopped"
    summary = run_train([*common, "--out", str(out)], on_step=ctrl_c_at_12)
    assert summary["stopped"] and summary["steps"] == 12  # the step finished, then it stopped
    assert torch.load(out / "latest.pt", weights_only=True)["step"] == 12  # a checkpoint of step 12
    assert "--resume" in capsys.readouterr().err
    run_train([*common, "--out", str(out), "--resume"])
    assert train_losses(tmp_path / "straight") == train_losses(out)  # exactly the same losses
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers given back


def test_ctrl_c_exit_status_is_130(corpus, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "minimt", "train", "--data", str(corpus), "--steps", "100000",
                             "--out", str(tmp_path / "r"), "--threads", "1", *TINY_MODEL],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    import time
    deadline = time.time() + 120
    while not (tmp_path / "r" / "metrics.jsonl").exists() and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(__import__("signal").SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "minimt train --out" in err and "--resume" in err
    assert torch.load(tmp_path / "r" / "latest.pt", weights_only=True)["step"] >= 1


def test_ctrl_c_while_preparing_stops_at_once_and_leaves_nothing(corpus, tmp_path, monkeypatch, capsys):
    # Before the first step there is no work to keep: the first Ctrl-C must not wait for a step
    # (it used to: the corpus, the tokenizer, the kernel timing and one step, then a checkpoint).
    import os
    import signal
    import minimt.recipe.run as run_module
    prepare = run_module.prepare_corpus

    def prepare_then_ctrl_c(*a, **k):
        corpus_ = prepare(*a, **k)
        os.kill(os.getpid(), signal.SIGINT)  # as the terminal sends it, while the run still prepares
        return corpus_
    monkeypatch.setattr(run_module, "prepare_corpus", prepare_then_ctrl_c)
    code = cli_main(["train", "--data", str(corpus), "--steps", "50", "--out", str(tmp_path / "r"), *TINY_MODEL])
    err = capsys.readouterr().err
    assert code == 130 and "SIGINT before the first training step" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()  # no empty run folder, no latest.pt of an untrained model
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers given back


def test_resume_with_nothing_left_says_so(corpus, tmp_path, capsys):
    common = ["train", "--data", str(corpus), "--out", str(tmp_path / "done"), *TINY_MODEL]
    assert cli_main([*common, "--steps", "4"]) == 0
    metrics = (tmp_path / "done" / "metrics.jsonl").read_bytes()
    capsys.readouterr()
    assert cli_main([*common, "--steps", "3", "--resume"]) == 0
    captured = capsys.readouterr()
    assert "already at step 4" in captured.err and "nothing to train" in captured.err and "trained" not in captured.err
    assert (tmp_path / "done" / "metrics.jsonl").read_bytes() == metrics  # the report is not rewritten


# ---------------------------------------------------------------- it learns, and it does not cheat

def test_memorises_the_article_pair(tmp_path):
    from minimt.tokenizer import Tokenizer
    from minimt.data import embedded_path, load_pairs
    tok = Tokenizer.train(load_pairs(embedded_path("phrasebook"))[:60], 150, out_dir=tmp_path)
    torch.manual_seed(0)
    model = Transformer(ModelConfig(vocab_size=tok.vocab_size, d_model=32, n_heads=2, n_encoder_layers=1,
                                    n_decoder_layers=1, d_ff=64, dropout=0.0))
    batch = make_batch([tok.encode("How are you?")], [tok.encode("Comment ça va ?")],
                       pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)
    opt = make_optimizer(model, lr=3e-3)
    sched = make_scheduler(opt, warmup=10)
    losses = [train_step(model, batch, opt, sched, label_smoothing=0.0, clip=1.0, autocast=_no_autocast)
              for _ in range(200)]
    assert losses[0] > 3.0 and losses[-1] < 0.05
    out = greedy_decode(model.eval(), batch.input_ids, batch.attention_mask, bos_id=tok.bos_id, eos_id=tok.eos_id)
    assert tok.decode(out[0]) == "Comment ça va ?"


def _random_target_loss(steps=100, V=40, seed=0):
    """Train on fresh random (source, target) pairs: nothing to learn but the unigram distribution."""
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = Transformer(ModelConfig(vocab_size=V, d_model=64, n_heads=2, n_encoder_layers=1,
                                    n_decoder_layers=1, d_ff=128, dropout=0.0))
    opt = make_optimizer(model, lr=1e-2)
    sched = make_scheduler(opt, warmup=5)
    losses = []
    for _ in range(steps):
        src = torch.randint(4, V, (16, 9), generator=g).tolist()
        tgt = [torch.randint(4, V, (int(n),), generator=g).tolist() for n in torch.randint(5, 10, (16,), generator=g)]
        batch = make_batch(src, tgt, pad_id=0, bos_id=2, eos_id=3)
        losses.append(train_step(model, batch, opt, sched, label_smoothing=0.0, clip=1.0, autocast=_no_autocast))
    return sum(losses[-10:]) / 10


def test_random_targets_keep_the_loss_near_ln_v_no_future_leak(monkeypatch):
    V = 40
    # Random ids from V-4 pieces: the best an honest model can do is ln(36) = 3.58 per token
    # (a little less: where EOS falls is partly guessable). A decoder that sees position t+1
    # reads the answer and copies it.
    floor = 0.9 * math.log(V - 4)
    honest = _random_target_loss(V=V)
    assert honest > floor, f"loss {honest:.2f} fell below {floor:.2f}: the decoder sees the future"
    # control: the same run with the causal mask removed (padding only) does learn to copy
    import minimt.model as model_module
    monkeypatch.setattr(model_module, "decoder_self_mask", lambda m: m.bool()[:, None, None, :])
    leaky = _random_target_loss(V=V)
    assert leaky < honest - 0.5, (leaky, honest)


def test_schedule_warms_up_then_decays():
    f = [inverse_sqrt_factor(s, 10) for s in range(40)]
    assert f[0] == pytest.approx(0.1) and f[9] == pytest.approx(1.0)
    assert all(a < b for a, b in zip(f[:9], f[1:10])) and all(a > b for a, b in zip(f[9:], f[10:]))
    assert f[39] == pytest.approx(math.sqrt(10 / 40))


def test_weight_decay_only_on_matrices():
    model = Transformer(ModelConfig(vocab_size=20, d_model=8, n_heads=2, n_encoder_layers=1, n_decoder_layers=1, d_ff=16))
    decay, no_decay = make_optimizer(model, lr=1e-3).param_groups
    assert decay["weight_decay"] == 0.01 and all(p.dim() == 2 for p in decay["params"])
    assert no_decay["weight_decay"] == 0.0 and all(p.dim() == 1 for p in no_decay["params"])
    assert len(decay["params"]) + len(no_decay["params"]) == len(list(model.parameters()))


def test_all_ignored_batch_takes_no_step():
    model = Transformer(ModelConfig(vocab_size=20, d_model=8, n_heads=2, n_encoder_layers=1, n_decoder_layers=1, d_ff=16))
    batch = make_batch([[5, 6]], [[7]], pad_id=0, bos_id=2, eos_id=3)
    batch.labels[:] = -100
    before = [p.detach().clone() for p in model.parameters()]
    opt = make_optimizer(model, lr=1e-2)
    assert train_step(model, batch, opt, make_scheduler(opt, warmup=1), label_smoothing=0.1, clip=1.0,
                      autocast=_no_autocast) is None
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


# ---------------------------------------------------------------- outputs of a run

def test_a_run_writes_checkpoints_metrics_curves_and_translations(tmp_path_factory, capsys):
    out = tiny_checkpoint(tmp_path_factory.getbasetemp() / "tiny_shared")
    names = {p.name for p in out.iterdir()}
    assert {"latest.pt", "best.pt", "config.json", "tokenizer.model", "metrics.jsonl", "curves.png"} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    records = read_metrics(out)
    train_recs = [r for r in records if "train_loss" in r]
    assert {"step", "epoch", "train_loss", "lr", "tokens_per_s", "elapsed_s"} <= set(train_recs[0])
    evals = [r for r in records if "valid_loss" in r]
    assert [r["step"] for r in evals] == [50, 100] and {"bleu", "chrf", "valid_nll"} <= set(evals[0])
    assert any("test_bleu" in r for r in records)
    assert train_recs[-1]["train_loss"] < train_recs[0]["train_loss"]


def test_embedded_corpus_repeats_its_phrasebook_pairs(corpus):
    from minimt.recipe.corpus import prepare_corpus
    article = ("How are you?", "Comment ça va ?")
    sizes = {}
    for k in (1, 3):
        args = train_args(["--phrasebook-repeat", str(k)])
        c = prepare_corpus(args, None, lambda *a: None)
        assert c.train.count(article) == k and len(c.train) == len(c.train_ids)
        assert not {en for en, _ in c.valid} & {en for en, _ in c.train}  # no valid sentence in train
        sizes[k] = len(c.train)
    assert sizes[3] > sizes[1]
    args = train_args(["--data", str(corpus), "--phrasebook-repeat", "3", "--vocab-size", "150"])
    c = prepare_corpus(args, None, lambda *a: None)
    assert len(c.train) == 60  # only the embedded corpus is reweighted


# ---------------------------------------------------------------- bad input: one line, exit 2

@pytest.mark.parametrize("argv, message", [
    (["--device", "tpu"], "--device tpu: unknown device"),
    (["--minutes", "0"], "--minutes 0: must be a positive"),
    (["--minutes", "-2"], "--minutes -2: must be a positive"),
    (["--steps", "0"], "--steps 0: must be at least 1"),
    (["--max-tokens", "0"], "--max-tokens 0: must be at least 1"),
    (["--d-model", "30", "--heads", "4"], "--heads 4 does not divide --d-model 30"),
    (["--layers", "0"], "--layers 0: must be at least 1"),
    (["--vocab-size", "-5"], "--vocab-size -5: must be at least 1"),
    (["--lr", "0"], "--lr 0: must be positive"),
    (["--phrasebook-repeat", "0"], "--phrasebook-repeat 0: must be at least 1"),
    (["--dropout", "1.5"], "--dropout 1.5: must be in [0, 1)"),
    (["--steps", "-3"], "--steps -3: must be at least 1"),
    (["--steps", "5", "--minutes", "1"], "--steps and --minutes: give one budget"),
    (["--decay-fraction", "0"], "--decay-fraction 0: must be in (0, 1]"),
    (["--steps", "20", "--eval-every", "50"], "--eval-every 50 is more than --steps 20: the budget is too short for one evaluation"),
    (["--resume", "--overwrite"], "--resume and --overwrite contradict"),
    (["--data", "no/such/file.tsv"], "no/such/file.tsv"),
])
def test_bad_arguments_are_one_line_exit_2(argv, message, capsys, tmp_path):
    assert cli_main(["train", "--out", str(tmp_path / "o"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("minimt train: error: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "o" / "latest.pt").exists()


def test_resume_without_a_checkpoint(capsys, tmp_path):
    assert cli_main(["train", "--resume", "--out", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert "--resume: no checkpoint" in err and err.count("\n") == 1


def test_unavailable_devices_are_refused():
    if not torch.cuda.is_available():
        with pytest.raises(MinimtError, match="CUDA is not available"):
            resolve_device("cuda")
    with pytest.raises(MinimtError, match="unknown device"):
        resolve_device("gpu")
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")


def test_python_dash_m_minimt_train_has_the_same_arguments():
    proc = subprocess.run([sys.executable, "-m", "minimt.train", "--steps", "0"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "minimt train: error: --steps 0: must be at least 1"


# ---------------------------------------------------------------- the default recipe (recipe/defaults.py)

def test_default_recipe_depends_on_the_corpus_and_yields_to_flags(tmp_path):
    from minimt.commands.train import check_args
    from minimt.recipe.defaults import DATA, EMBEDDED
    args = train_args([])
    check_args(args)
    assert (args.steps, args.d_model, args.layers, args.d_ff, args.lr, args.warmup) == \
        (EMBEDDED["steps"], EMBEDDED["d_model"], EMBEDDED["layers"], EMBEDDED["d_ff"], EMBEDDED["lr"], EMBEDDED["warmup"])
    assert EMBEDDED["d_model"] < DATA["d_model"]  # the small model is for the small corpus only
    args = train_args(["--data", str(tmp_path / "t.tsv"), "--lr", "5e-4"])
    check_args(args)
    assert (args.d_model, args.d_ff, args.lr) == (DATA["d_model"], DATA["d_ff"], 5e-4)
    assert "lr" not in args.recipe_filled and "d_model" in args.recipe_filled
    args = train_args(["--minutes", "3"])
    check_args(args)
    assert args.steps is None and args.d_model == EMBEDDED["d_model"]  # one budget: the clock
    # dropout: on for the small embedded corpus (many epochs), off for --data (two epochs of Tatoeba in a
    # default run, far from overfitting); a --dropout given on the command line wins either way
    assert (train_args([]).dropout, EMBEDDED["dropout"], DATA["dropout"]) == (None, 0.1, 0.0)
    for argv, expected in (([], EMBEDDED["dropout"]), (["--data", "t.tsv"], DATA["dropout"]),
                           (["--data", "t.tsv", "--dropout", "0.2"], 0.2)):
        args = train_args(argv)
        check_args(args)
        assert args.dropout == expected, argv


def test_a_bad_corpus_line_leaves_no_empty_run_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.tsv"
    bad.write_text("Hello.\tBonjour.\nno tab on this line\n", encoding="utf-8")
    assert cli_main(["train", "--data", str(bad), "--steps", "2", *TINY_MODEL]) == 2
    err = capsys.readouterr().err
    last = err.splitlines()[-1]  # (the line before it named the folder the run was to use)
    assert last.startswith("minimt train: error: ") and "bad.tsv:2" in last and "Traceback" not in err
    assert not (tmp_path / "runs" / "minimt").exists()  # the folder it made for the run is gone again
