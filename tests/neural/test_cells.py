"""The cell registry: every entry against its own torch module, and every reader of the list.

Oracles: torch's ``nn.GRU`` / ``nn.LSTM`` themselves (one step of a layer,
the state they return, the whole network's padded run), and the names
written out by hand where the registry's names reach the user.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from grammar import library
from neural.cells import CELLS, REGISTRY, cell_of, get_cell
from neural.cli import main
from neural.config import TrainConfig
from neural.judge.search.stepper import RNNStepper
from neural.model import ModelConfig, RecurrentClassifier
from neural.suite.spec import parse_spec
from neural.verifier import Verifier


def test_the_registry_holds_the_gru_and_the_lstm():
    assert CELLS == ("gru", "lstm") == tuple(REGISTRY)
    assert [REGISTRY[name].module_type() for name in CELLS] == [torch.nn.GRU, torch.nn.LSTM]
    # The gate that keeps the state: the GRU's update gate, the LSTM's forget gate.
    assert [(c.gates[c.keeper], c.states) for c in REGISTRY.values()] == [("update", 1),
                                                                          ("forget", 2)]


@pytest.mark.parametrize("name", CELLS)
def test_one_step_is_the_torch_modules_step(name):
    cell = get_cell(name)
    torch.manual_seed(0)
    layer = cell.module_type()(3, 5, batch_first=True)
    with torch.no_grad():
        for p in layer.parameters():
            p.normal_()  # far from zero, so that every gate matters
    x = torch.randn(4, 1, 3)
    state = tuple(torch.randn(shape) for shape in cell.state_shape(1, 4, 5))
    with torch.no_grad():
        out, torch_state = layer(x, state[0] if cell.states == 1 else state)
    torch_state = torch_state if isinstance(torch_state, tuple) else (torch_state,)
    w = dict(layer.named_parameters())
    ours = cell.step(x[:, 0] @ w["weight_ih_l0"].detach().T + w["bias_ih_l0"].detach(),
                     state[0][0] @ w["weight_hh_l0"].detach().T + w["bias_hh_l0"].detach(),
                     tuple(s[0] for s in state))
    assert len(ours) == cell.states == len(torch_state)
    for mine, theirs in zip(ours, torch_state, strict=True):
        torch.testing.assert_close(mine, theirs[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(ours[0], out[:, 0], atol=1e-5, rtol=1e-5)  # h is the output


@pytest.mark.parametrize("name", CELLS)
def test_the_state_shape_is_what_the_torch_module_returns(name):
    cell = get_cell(name)
    module = cell.module_type()(2, 7, num_layers=3, batch_first=True)
    _, state = module(torch.zeros(5, 4, 2))
    state = state if isinstance(state, tuple) else (state,)
    assert tuple(tuple(s.shape) for s in state) == cell.state_shape(3, 5, 7)
    assert cell_of(module) is cell


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("layers", [1, 2])
def test_the_stepper_reads_words_as_the_model_does(name, layers):
    # Every prefix up to length 4, read by the stepper (every child of every row, then a
    # gathered subset) against the model's own padded run over the whole word.
    g = library.tomita(3)
    v = Verifier.untrained(g, ModelConfig(vocab_size=4, hidden=6, layers=layers, cell=name),
                           seed=1)
    stepper = RNNStepper(v.model, 2, torch.device("cpu"))
    assert stepper.cell is get_cell(name)
    words = [""]
    state = stepper.start()
    for _ in range(4):
        state = stepper.step(state, 0, len(words), None, None)
        words = [w + a for w in words for a in "01"]
        ids = torch.tensor([[1] + [int(a) + 2 for a in w] for w in words])
        with torch.inference_mode():
            expected = v.model.prefix_logits(ids)[:, -1, 0]
        torch.testing.assert_close(stepper.logits(state), expected, atol=1e-5, rtol=1e-5)
    parents, symbols = torch.tensor([0, 3, 3, 15]), torch.tensor([1, 0, 1, 0])
    kids = stepper.step(state, 0, len(words), parents, symbols)
    ids = torch.tensor([[1] + [int(a) + 2 for a in words[p] + str(int(s))]
                        for p, s in zip(parents.tolist(), symbols.tolist(), strict=True)])
    with torch.inference_mode():
        expected = v.model.prefix_logits(ids)[:, -1, 0]
    torch.testing.assert_close(stepper.logits(kids), expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", CELLS)
def test_every_cell_builds_a_model_that_keeps_it_under_its_name(name):
    model = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=3, cell=name))
    assert model.rnn is getattr(model, name)
    assert {key.split(".")[0] for key in model.state_dict()} == {"embed", name, "head"}


def test_every_reader_of_the_cell_list_takes_every_cell(tmp_path):
    for name in CELLS:
        assert TrainConfig(cell=name).model_config(5).cell == name
        spec = parse_spec(f'[grammars]\nbuiltin = ["parity"]\n[[models]]\ncell = "{name}"\n'
                          "hidden = 4", where="s.toml")
        assert [m.cell for m in spec.models] == [name]
    with pytest.raises(ValueError, match="TrainConfig.cell must be one of 'gru', 'lstm', got"):
        TrainConfig(cell="rnn")
    with pytest.raises(ValueError, match="unknown cell 'rnn': expected one of 'gru', 'lstm'"):
        get_cell("rnn")
    with pytest.raises(TypeError, match="RNN is not a registered cell's module"):
        cell_of(torch.nn.RNN(2, 3))


def test_the_command_line_offers_every_cell_without_torch():
    script = ("import sys\nfrom neural.cli import main\nmain(['train', '--help'])\n"
              "print('torch' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, check=True)
    assert "--cell {gru,lstm}" in done.stdout
    assert done.stdout.splitlines()[-1] == "False"


def test_an_unknown_cell_on_the_command_line_is_one_line(capsys):
    assert main(["train", "parity", "--out", "x", "--cell", "rnn"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--cell" in err[0] and "'rnn'" in err[0]


def test_the_old_stepper_flag_still_answers_with_a_warning():
    for name in CELLS:
        v = Verifier.untrained(library.parity(), ModelConfig(vocab_size=4, hidden=3, cell=name))
        stepper = RNNStepper(v.model, 2, torch.device("cpu"))
        with pytest.warns(DeprecationWarning, match="RNNStepper.lstm is deprecated"):
            assert stepper.lstm == (name == "lstm")
