"""The MLRegTest recipe: its network, optimiser and schedule, against the benchmark's settings.

The oracles are the authors' published settings (embedding = hidden = 32 for the GRU, 256 for
the LSTM; two dense ReLU layers of 64, dropout, LayerNorm at epsilon 1e-6, a 2-way softmax;
RMSprop as Keras computes it; batch 64, 64 epochs, no early stop), parameter counts worked
out by hand from the layer shapes, a numpy RMSprop written from Keras' update rule, and the
automaton's labels. No test runs the benchmark: the runs are a few epochs on tiny data.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from grammar import library
from neural import TrainConfig, Verifier, train
from neural.checkpoint import CheckpointError
from neural.cli import main
from neural.config import with_overrides
from neural.data import Vocabulary
from neural.model import ModelConfig, RecurrentClassifier
from neural.optimizers import KerasRMSprop, make_optimizer
from neural.recipe_parts import MEMBER, DenseHead, StepDropout
from neural.recipes import RECIPES, REGISTRY
from neural.stopping import stop_reason
from neural.targets import batch_loss, training_tensors

PARITY = library.parity()
# The benchmark's recipe on tiny data and a narrow network: a run takes about a second.
SMALL = dict(n_examples=240, lengths=(0, 8), embedding=8, hidden=8, max_epochs=3, threads=1,
             seed=0)


def _gru_params(inputs: int, hidden: int) -> int:
    # Three gates (reset, update, new), each with an input and a recurrent kernel and, as in
    # Keras' reset_after GRU, an input and a recurrent bias.
    return 3 * (inputs * hidden + hidden * hidden + hidden + hidden)


def _lstm_params(inputs: int, hidden: int) -> tuple[int, int]:
    # Four gates; torch has two bias vectors where Keras has one: (all, trained).
    total = 4 * (inputs * hidden + hidden * hidden + hidden + hidden)
    return total, total - 4 * hidden


def _head_params(hidden: int) -> int:
    # Dense(64) and Dense(64) with biases, LayerNorm(64) scale and shift, Dense(2) with bias.
    return (hidden * 64 + 64) + (64 * 64 + 64) + 2 * 64 + (64 * 2 + 2)


def _count(model: nn.Module, trained: bool = False) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trained)


# -- the network -------------------------------------------------------------------------


@pytest.mark.parametrize("symbols", [4, 16, 64])  # MLRegTest's alphabet sizes
def test_the_gru_has_the_benchmarks_layers_and_parameter_count(symbols):
    vocab = symbols + 2  # PAD, BOS and the symbols
    model = RecurrentClassifier(TrainConfig(recipe="mlregtest").model_config(vocab))
    assert model.embed.weight.shape == (vocab, 32)
    gru = model.rnn
    assert isinstance(gru, nn.GRU)
    assert (gru.input_size, gru.hidden_size, gru.num_layers) == (32, 32, 1)
    assert isinstance(model.head, DenseHead)
    kinds = [type(m) for m in model.head.body]
    assert kinds == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Dropout, nn.LayerNorm]
    first, _, second, _, drop, norm = model.head.body
    assert (first.in_features, first.out_features) == (32, 64)
    assert (second.in_features, second.out_features) == (64, 64)
    assert drop.p == 0.1 and norm.normalized_shape == (64,) and norm.eps == 1e-6
    assert (model.head.out.in_features, model.head.out.out_features) == (64, 2)
    assert isinstance(model.input_dropout, StepDropout) and model.input_dropout.p == 0.1
    expected = vocab * 32 + _gru_params(32, 32) + _head_params(32)
    assert _count(model) == _count(model, trained=True) == expected
    # Keras' count for the same language: one embedding row fewer (it reads no BOS).
    assert expected - 32 == (symbols + 1) * 32 + 6336 + 2112 + 4160 + 128 + 130


@pytest.mark.parametrize("symbols", [4, 64])
def test_the_lstm_has_hidden_256_and_keras_trained_parameters(symbols):
    vocab = symbols + 2
    config = TrainConfig(recipe="mlregtest", cell="lstm")
    model = RecurrentClassifier(config.model_config(vocab))
    lstm = model.rnn
    assert isinstance(lstm, nn.LSTM)
    assert (lstm.input_size, lstm.hidden_size, lstm.num_layers) == (256, 256, 1)
    assert model.embed.weight.shape == (vocab, 256)
    first = model.head.body[0]
    assert (first.in_features, first.out_features) == (256, 64)
    assert model.head.body[4].p == 0.0 and model.input_dropout.p == 0.0
    total, trained = _lstm_params(256, 256)
    assert _count(model) == vocab * 256 + total + _head_params(256)
    assert _count(model, trained=True) == vocab * 256 + trained + _head_params(256)
    assert not lstm.bias_hh_l0.requires_grad and not lstm.bias_hh_l0.detach().any()


def test_the_default_recipe_builds_the_same_network_as_before():
    config = ModelConfig(vocab_size=5, hidden=4)
    assert config.recipe == "default"
    model = RecurrentClassifier(config)
    assert isinstance(model.head, nn.Linear) and model.input_dropout is None
    # Embedding 5x8, GRU 3 * (8*4 + 4*4 + 4 + 4), linear head 4 -> 4 (member + 3 symbols).
    assert _count(model) == 5 * 8 + 3 * (8 * 4 + 4 * 4 + 8) + (4 * 4 + 4)


def test_keras_initialisers():
    torch.manual_seed(0)
    model = RecurrentClassifier(TrainConfig(recipe="mlregtest", cell="lstm", hidden=16,
                                            embedding=12).model_config(6))
    embed = model.embed.weight.detach()
    assert not embed[0].any() and embed.abs().max() <= 0.05
    lstm = model.rnn
    w_ih, w_hh = lstm.weight_ih_l0.detach(), lstm.weight_hh_l0.detach()
    assert w_ih.abs().max() <= math.sqrt(6 / (12 + 64))  # Glorot over all four gates
    assert torch.allclose(w_hh.T @ w_hh, torch.eye(16), atol=1e-5)  # orthogonal
    bias = lstm.bias_ih_l0.detach().view(4, 16)  # torch's gate order: input, forget, cell, out
    assert bias[1].eq(1).all() and not bias[[0, 2, 3]].any()
    for layer in (model.head.body[0], model.head.body[2], model.head.out):
        fan_in, fan_out = layer.in_features, layer.out_features
        assert layer.weight.abs().max() <= math.sqrt(6 / (fan_in + fan_out))
        assert not layer.bias.any()
    gru = RecurrentClassifier(TrainConfig(recipe="mlregtest").model_config(6)).rnn
    assert not gru.bias_ih_l0.any() and not gru.bias_hh_l0.any() and gru.bias_hh_l0.requires_grad


def test_input_dropout_keeps_one_mask_per_word():
    torch.manual_seed(3)
    x = torch.ones(64, 9, 32)
    dropped = StepDropout(0.25).train()(x)
    assert torch.equal(dropped, dropped[:, :1].expand_as(dropped))
    kept = dropped[:, 0] != 0
    assert torch.allclose(dropped[:, 0][kept], torch.tensor(1 / 0.75))
    assert 0.6 < kept.float().mean() < 0.9


def test_membership_is_the_softmax_of_the_member_class():
    # Stepping the network symbol by symbol and applying softmax to the 2-way output by hand
    # gives the verifier's probability.
    torch.manual_seed(0)
    config = TrainConfig(recipe="mlregtest")
    v = Verifier(RecurrentClassifier(config.model_config(4)), Vocabulary.from_grammar(PARITY),
                 device="cpu", precision="fp32")
    words = ["", "1", "0110", "1011101"]
    model = v.model.eval()
    expected = []
    with torch.no_grad():
        for word in words:
            ids = [Vocabulary.BOS] + [2 + PARITY.alphabet.index(s) for s in word]
            state = None
            for i in ids:
                out, state = model.rnn(model.embed(torch.tensor([[i]])), state)
            z = model.head.out(model.head.body(out[0, -1]))
            expected.append(float(torch.softmax(z, -1)[MEMBER]))
    assert np.allclose(v.predict(words), expected, atol=1e-6)


def test_the_loss_is_two_class_cross_entropy_on_whole_words():
    torch.manual_seed(1)
    model = RecurrentClassifier(TrainConfig(recipe="mlregtest").model_config(4)).eval()
    words = ["", "11", "101", "0001"]
    labels = [PARITY.accepts(w) for w in words]
    t = training_tensors(PARITY, Vocabulary.from_grammar(PARITY), words, labels)
    batch = {"ids": t.ids, "lengths": torch.from_numpy(t.lengths), "steps": t.steps,
             "labels": t.labels, "prefix": t.prefix}
    loss, _ = batch_loss(model, batch, TrainConfig(recipe="mlregtest").prefix_weight)
    with torch.no_grad():
        z = []
        for row, n in zip(t.ids, t.lengths, strict=True):
            out, _ = model.rnn(model.embed(row[None, :n]))
            z.append(model.head.out(model.head.body(out[0, -1])))
        targets = torch.tensor([MEMBER if y else 1 - MEMBER for y in labels])
        assert torch.allclose(loss, F.cross_entropy(torch.stack(z), targets), atol=1e-6)


# -- the settings ------------------------------------------------------------------------


def test_the_recipe_sets_the_benchmarks_schedule():
    gru = TrainConfig(recipe="mlregtest")
    assert (gru.embedding, gru.hidden, gru.layers, gru.dropout) == (32, 32, 1, 0.1)
    assert (gru.lr, gru.batch_size, gru.max_epochs) == (1e-2, 64, 64)
    assert gru.max_steps is None and gru.target_accuracy is None and gru.grad_clip is None
    assert gru.prefix_weight == 0.0 and gru.weight_decay == 0.0 and gru.task == "membership"
    lstm = TrainConfig(recipe="mlregtest", cell="lstm")
    assert (lstm.embedding, lstm.hidden, lstm.dropout, lstm.lr) == (256, 256, 0.0, 1e-4)
    assert lstm.model_config(6).recipe == "mlregtest"


def test_the_default_recipe_changes_nothing():
    # Today's defaults, written out: the default recipe must not move them.
    config = TrainConfig()
    assert config == TrainConfig(recipe="default")
    assert (config.embedding, config.hidden, config.dropout, config.update_bias) == (8, 32, 0, 5)
    assert (config.batch_size, config.lr, config.weight_decay, config.grad_clip) == (
        32, 0.02, 0.01, 0.01)
    assert (config.prefix_weight, config.max_epochs, config.max_steps) == (100.0, 1000, 10_000)
    assert config.target_accuracy == 0.999
    assert type(make_optimizer(nn.Linear(2, 1), config)) is torch.optim.AdamW


@settings(max_examples=30, deadline=None)
@given(epochs=st.integers(1, 5000), lr=st.floats(1e-6, 0.5))
def test_explicit_settings_win(epochs, lr):
    config = TrainConfig(recipe="mlregtest", max_epochs=epochs, lr=lr)
    defaults = TrainConfig()
    # A value other than the default is the caller's; the default itself reads as unset.
    assert config.max_epochs == (64 if epochs == defaults.max_epochs else epochs)
    assert config.lr == (1e-2 if lr == defaults.lr else lr)
    assert config.batch_size == 64


@pytest.mark.parametrize(("field", "value"), [
    ("task", "next_symbols"), ("prefix_weight", 1.0), ("weight_decay", 0.1),
])
def test_what_the_network_cannot_do_is_refused_by_name(field, value):
    with pytest.raises(ValueError, match=f"TrainConfig.{field} must be .* with recipe "
                                         "'mlregtest'"):
        TrainConfig(recipe="mlregtest", **{field: value})


def test_a_saved_config_reads_back_and_a_cell_change_takes_the_cells_settings():
    config = TrainConfig(recipe="mlregtest", max_epochs=5)
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    lstm = replace(config, cell="lstm")
    assert (lstm.hidden, lstm.embedding, lstm.lr, lstm.max_epochs) == (256, 256, 1e-4, 5)
    assert replace(lstm, cell="gru") == config
    assert with_overrides(TrainConfig(), recipe="mlregtest", hidden=None).hidden == 32


def test_every_recipe_covers_every_cell_with_real_fields():
    from neural.cells import CELLS

    known = set(TrainConfig().to_dict())
    assert RECIPES == ("default", "mlregtest")
    for recipe in REGISTRY.values():
        assert set(recipe.settings) == set(CELLS)
        for fields in recipe.settings.values():
            assert set(fields) <= known
        assert set(recipe.fixed) <= known


# -- the optimiser -----------------------------------------------------------------------


def test_the_optimiser_is_keras_rmsprop_at_the_recipes_rate():
    for cell, lr in (("gru", 1e-2), ("lstm", 1e-4)):
        config = TrainConfig(recipe="mlregtest", cell=cell, hidden=4, embedding=4)
        model = RecurrentClassifier(config.model_config(4))
        optimizer = make_optimizer(model, config)
        assert type(optimizer) is KerasRMSprop
        assert optimizer.defaults == {"lr": lr, "rho": 0.9, "eps": 1e-7}
        trained = [p for p in model.parameters() if p.requires_grad]
        assert [id(p) for p in optimizer.param_groups[0]["params"]] == [id(p) for p in trained]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), scale=st.sampled_from([1e-6, 1e-3, 1.0, 100.0]))
def test_keras_rmsprop_follows_keras_rule(seed, scale):
    # Keras: v = rho v + (1 - rho) g², w -= lr g / sqrt(v + eps), v from zero.
    rng = np.random.default_rng(seed)
    w0 = rng.normal(size=5)
    grads = rng.normal(size=(6, 5)) * scale
    w, v = w0.copy(), np.zeros(5)
    for g in grads:
        v = 0.9 * v + 0.1 * g * g
        w = w - 0.01 * g / np.sqrt(v + 1e-7)
    p = nn.Parameter(torch.tensor(w0))
    optimizer = KerasRMSprop([p], lr=0.01)
    for g in grads:
        p.grad = torch.tensor(g)
        optimizer.step()
    assert np.allclose(p.detach().numpy(), w, rtol=1e-9, atol=1e-12)


# -- training runs -----------------------------------------------------------------------


def test_no_early_stop_however_good_the_validation():
    config = TrainConfig(recipe="mlregtest")
    perfect = {"valid_accuracy": 1.0, "samples": 10**9}
    assert stop_reason([perfect] * 63, config, step=10**9) is None
    assert stop_reason([perfect] * 64, config, step=10**9) == "max_epochs"


def test_a_run_takes_exactly_the_epochs_asked_in_batches_of_64(tmp_path):
    config = TrainConfig(recipe="mlregtest", **SMALL)
    v = train(PARITY, config, device="cpu", progress=False, out=tmp_path)
    history = v.info["history"]
    assert [row["epoch"] for row in history] == [1, 2, 3]
    assert v.metrics["stopped"] == "max_epochs"
    steps = math.ceil(v.metrics["train_size"] / 64)
    assert [row["step"] for row in history] == [steps, 2 * steps, 3 * steps]
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved["train_config"]["recipe"] == saved["model"]["recipe"] == "mlregtest"
    # The last epoch's weights are the saved ones, and load back to the same answers.
    words = ["", "1", "0110", "111", "10101010", "0" * 40]
    loaded = Verifier.load(tmp_path, device="cpu")
    assert isinstance(loaded.model.head, DenseHead)
    assert loaded.model.config == v.model.config
    assert np.array_equal(loaded.predict(words), v.predict(words))


def test_an_lstm_checkpoint_round_trips(tmp_path):
    config = TrainConfig(recipe="mlregtest", cell="lstm", **{**SMALL, "max_epochs": 1})
    v = train(PARITY, config, device="cpu", progress=False, out=tmp_path)
    loaded = Verifier.load(tmp_path, device="cpu")
    assert loaded.cell == "lstm" and loaded.model.config.recipe == "mlregtest"
    assert not loaded.model.rnn.bias_hh_l0.requires_grad
    words = ["", "11", "1101", "0" * 33]
    assert np.array_equal(loaded.predict(words), v.predict(words))


def test_a_resumed_run_ends_where_an_uninterrupted_one_does(tmp_path):
    # The RMSprop accumulators go into resume.safetensors and come back.
    config = TrainConfig(recipe="mlregtest", **SMALL)
    whole = train(PARITY, config, device="cpu", progress=False)
    train(PARITY, replace(config, max_epochs=2), device="cpu", progress=False, out=tmp_path)
    resumed = train(PARITY, config, device="cpu", progress=False, out=tmp_path, resume=True)
    words = ["", "1", "0110", "11011", "0" * 20]
    assert len(resumed.info["history"]) == 3
    assert np.allclose(resumed.predict(words), whole.predict(words), atol=1e-6)


def test_a_checkpoint_whose_recipes_disagree_is_refused(tmp_path):
    torch.manual_seed(0)
    config = TrainConfig(recipe="mlregtest", hidden=4, embedding=4)
    v = Verifier(RecurrentClassifier(config.model_config(4)), Vocabulary.from_grammar(PARITY),
                 device="cpu", info={"train_config": replace(config, recipe="default").to_dict()})
    v.save(tmp_path)
    with pytest.raises(CheckpointError, match="'train_config' has recipe 'default', but the "
                                              "model was built by 'mlregtest'"):
        Verifier.load(tmp_path, device="cpu")


# -- the judges --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_the_search_steps_the_dense_head_as_the_verifier_answers(cell):
    from neural.judge.search.stepper import stepper_for

    torch.manual_seed(2)
    config = TrainConfig(recipe="mlregtest", cell=cell, hidden=6, embedding=5)
    v = Verifier(RecurrentClassifier(config.model_config(4)), Vocabulary.from_grammar(PARITY),
                 device="cpu", precision="fp32")
    stepper = stepper_for(v)
    state = stepper.start()
    words = [""]
    for _ in range(3):  # every word up to length 3, breadth first
        state = stepper.step(state, 0, len(words), None, None)
        words = [w + s for w in words for s in PARITY.alphabet]
        expected = v.predict(words)
        assert np.allclose(torch.sigmoid(stepper.logits(state)).numpy(), expected, atol=1e-5)


def test_certify_says_why_a_dense_head_gets_no_proof():
    from neural.judge.certify import certify

    torch.manual_seed(0)
    config = TrainConfig(recipe="mlregtest", hidden=4, embedding=4)
    v = Verifier(RecurrentClassifier(config.model_config(4)), Vocabulary.from_grammar(PARITY),
                 device="cpu")
    cert = certify(v, PARITY, budget=2.0, max_length=12)
    assert cert.verdict in ("counterexample", "undecided")
    assert any("dense head of the 'mlregtest' recipe" in r for r in cert.reasons)
    if cert.verdict == "counterexample":  # the automaton confirms it
        word = cert.counterexample
        assert PARITY.accepts(word) != bool(v.predict([word])[0] > 0.5)


# -- the command line --------------------------------------------------------------------


def test_train_recipe_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "parity", "--out", str(out), "--recipe", "mlregtest", "--examples", "200",
            "--lengths", "0-8", "--hidden", "8", "--max-epochs", "1", "--quiet",
            "--n-per-set", "20", "--device", "cpu", "--threads", "1"]
    assert main(argv) == 0
    assert "stopped at max_epochs" in capsys.readouterr().out
    saved = json.loads((out / "config.json").read_text())["train_config"]
    assert saved["recipe"] == "mlregtest"
    assert (saved["hidden"], saved["embedding"], saved["lr"], saved["batch_size"]) == (
        8, 32, 0.01, 64)


@pytest.mark.parametrize(("extra", "message"), [
    (["--recipe", "keras"], "argument --recipe: invalid choice: 'keras'"),
    (["--recipe"], "argument --recipe: expected one argument"),
    (["--recipe", "mlregtest", "--task", "next_symbols"],
     "TrainConfig.task must be 'membership' with recipe 'mlregtest'"),
])
def test_a_bad_recipe_is_one_line_exit_2(extra, message, capsys, tmp_path):
    assert main(["train", "parity", "--out", str(tmp_path / "x"), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
