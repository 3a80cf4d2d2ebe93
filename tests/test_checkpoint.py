"""Proofs for minimt/checkpoint.py: a round trip is exact; unsafe or mismatched folders are refused."""
import json
import pickle
from pathlib import Path

import pytest
import torch

from minimt.checkpoint import load_checkpoint, read_checkpoint_file, save_checkpoint
from minimt.data import embedded_path, load_pairs
from minimt.errors import MinimtError
from minimt.model import ModelConfig, Transformer
from minimt.schedule import make_optimizer, make_scheduler
from minimt.tokenizer import Tokenizer


@pytest.fixture(scope="module")
def tokenizers(tmp_path_factory):
    pairs = load_pairs(embedded_path("phrasebook"))[:60]
    root = tmp_path_factory.mktemp("tok")
    return (Tokenizer.train(pairs, 120, out_dir=root / "a"),
            Tokenizer.train(pairs, 150, out_dir=root / "b"),
            Tokenizer.train(pairs[:40], 120, out_dir=root / "c"))  # same size, different pieces


def _tiny(tok, seed=0):
    torch.manual_seed(seed)
    config = ModelConfig(vocab_size=tok.vocab_size, d_model=24, n_heads=2, n_encoder_layers=1,
                         n_decoder_layers=2, d_ff=40, dropout=0.1, max_positions=32)
    return Transformer(config), config


def _save(tmp_path, tok, **kw):
    model, config = _tiny(tok)
    opt = make_optimizer(model, lr=1e-3)
    sched = make_scheduler(opt, warmup=4)
    # one real step so the optimizer has state worth saving
    x = torch.randint(4, tok.vocab_size, (2, 5))
    model(x, torch.ones_like(x), x, torch.ones_like(x)).sum().backward()
    opt.step()
    sched.step()
    path = save_checkpoint(tmp_path, model=model, config=config, tokenizer=tok, step=7, optimizer=opt,
                           scheduler=sched, extra={"seed": 3, "rng": {"torch": torch.get_rng_state()},
                                                   "metrics": {"bleu": 1.5}}, **kw)
    return model, path


def test_round_trip_is_exact(tmp_path, tokenizers):
    tok = tokenizers[0]
    model, path = _save(tmp_path, tok, name="best")
    assert path == tmp_path / "best.pt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.pt", "config.json", "tokenizer.model"]  # no temp files
    loaded, tok2, meta = load_checkpoint(tmp_path)
    assert not loaded.training  # ready to translate
    for (k, a), (k2, b) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert k == k2 and torch.equal(a, b)
    assert tok2.sha256 == tok.sha256 and tok2.vocab_size == tok.vocab_size
    assert meta["step"] == 7 and meta["seed"] == 3 and meta["metrics"] == {"bleu": 1.5}
    assert meta["optimizer"]["state"] and meta["scheduler"]["last_epoch"] == 1
    assert torch.equal(meta["rng"]["torch"], torch.get_rng_state()) or meta["rng"]["torch"].dtype == torch.uint8
    info = json.loads((tmp_path / "config.json").read_text())
    assert info["tokenizer_sha256"] == tok.sha256 and info["seed"] == 3
    assert info["model"]["vocab_size"] == tok.vocab_size and "torch" in info["versions"]
    # the .pt file is loadable with weights_only=True by anyone
    raw = torch.load(path, weights_only=True)
    assert set(raw) >= {"model", "config", "step", "optimizer", "scheduler"}
    # same logits after the round trip
    model.eval()
    x = torch.randint(4, tok.vocab_size, (2, 6))
    m = torch.tensor([[1] * 6, [1] * 4 + [0] * 2])
    assert torch.equal(model(x, m, x[:, :5], m[:, :5]), loaded(x, m, x[:, :5], m[:, :5]))


def test_best_falls_back_to_latest_and_names_the_file(tmp_path, tokenizers):
    _save(tmp_path, tokenizers[0], name="latest")
    _, _, meta = load_checkpoint(tmp_path)  # name="best" by default
    assert meta["path"].endswith("latest.pt")
    (tmp_path / "latest.pt").unlink()
    with pytest.raises(MinimtError, match=r"best\.pt: checkpoint file not found"):
        load_checkpoint(tmp_path)


def test_missing_folder_or_files(tmp_path, tokenizers):
    with pytest.raises(MinimtError, match="nowhere: checkpoint folder not found"):
        load_checkpoint(tmp_path / "nowhere")
    _save(tmp_path, tokenizers[0])
    for name in ("tokenizer.model", "config.json"):
        data = (tmp_path / name).read_bytes()
        (tmp_path / name).unlink()
        with pytest.raises(MinimtError, match=rf"{name}: missing from the checkpoint folder"):
            load_checkpoint(tmp_path, name="latest")
        (tmp_path / name).write_bytes(data)
    load_checkpoint(tmp_path, name="latest")  # whole again: loads


class Evil:
    """Unpickling this would run Path.touch(marker): arbitrary code at load time."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_pickled_code_is_refused_and_not_run(tmp_path, tokenizers):
    model, _ = _save(tmp_path, tokenizers[0])
    marker = tmp_path / "code_ran"
    state = torch.load(tmp_path / "latest.pt", weights_only=True)
    state["extra"] = Evil(marker)
    torch.save(state, tmp_path / "best.pt")
    with pytest.raises(MinimtError, match=r"refusing to load .*best\.pt: it contains pickled code, "
                                          r"which weights_only=True does not allow"):
        load_checkpoint(tmp_path)
    assert not marker.exists()  # refused *before* running it
    # a plain pickle.load would have run it (the danger is real)
    with open(tmp_path / "evil.pkl", "wb") as f:
        pickle.dump(Evil(marker), f)
    with open(tmp_path / "evil.pkl", "rb") as f:
        pickle.load(f)
    assert marker.exists()


def test_vocab_size_mismatch_is_refused_with_both_sizes(tmp_path, tokenizers):
    _save(tmp_path, tokenizers[0])
    (tmp_path / "tokenizer.model").write_bytes(Path(tokenizers[1].model_path).read_bytes())
    with pytest.raises(MinimtError, match=r"vocab size 150 but the weights in latest\.pt have vocab size 120"):
        load_checkpoint(tmp_path, name="latest")


def test_other_tokenizer_of_the_same_size_is_refused(tmp_path, tokenizers):
    assert tokenizers[2].vocab_size == tokenizers[0].vocab_size != 0
    assert tokenizers[2].sha256 != tokenizers[0].sha256
    _save(tmp_path, tokenizers[0])
    (tmp_path / "tokenizer.model").write_bytes(Path(tokenizers[2].model_path).read_bytes())
    with pytest.raises(MinimtError, match="is not the tokenizer latest.pt was trained with"):
        load_checkpoint(tmp_path, name="latest")


def test_garbage_file_is_a_one_line_error(tmp_path, tokenizers):
    _save(tmp_path, tokenizers[0])
    (tmp_path / "latest.pt").write_bytes(b"not a checkpoint at all")
    with pytest.raises(MinimtError, match="not a readable checkpoint") as e:
        read_checkpoint_file(tmp_path / "latest.pt")
    assert "\n" not in str(e.value)


def test_weights_that_do_not_fit_the_config(tmp_path, tokenizers):
    _save(tmp_path, tokenizers[0])
    state = torch.load(tmp_path / "latest.pt", weights_only=True)
    state["config"]["d_ff"] = 48  # the stored shape no longer matches the weights
    torch.save(state, tmp_path / "latest.pt")
    with pytest.raises(MinimtError, match="weights do not fit the stored model config") as e:
        load_checkpoint(tmp_path, name="latest")
    assert "\n" not in str(e.value)
