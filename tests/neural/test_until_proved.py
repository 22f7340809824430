"""Training until proved: the contraction penalty, the rounds' extra words, the whole run.

Oracles: the interval arithmetic of :mod:`neural.judge.certify.intervals` (a
separate numpy implementation of the step the penalty linearises), brute
force over every short word, Python predicates for the languages, an edit
distance written here, and the independent certificate checker and the
``neural check-certificate`` command on the saved files.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from safetensors.numpy import load_file

from grammar import library
from neural.config import TrainConfig
from neural.judge.certify import checker
from neural.judge.certify.intervals import step_boxes
from neural.judge.certify.network import FIRST_SYMBOL_ROW, GRUWeights
from neural.model import ModelConfig, RecurrentClassifier
from neural.training import train
from neural.training.contraction import contraction_penalty, unit_gains
from neural.training.proving import neighbours

from ..oracles import levenshtein


def even_ones(word: str) -> bool:
    return word.count("1") % 2 == 0


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), symbols=st.lists(st.integers(0, 1), min_size=1, max_size=6))
def test_the_gains_are_the_interval_steps_widening_of_a_small_box(seed, symbols):
    torch.manual_seed(seed)
    model = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=6, update_bias=0.0)).double()
    ids = torch.tensor([[1, *[s + 2 for s in symbols]]])
    with torch.no_grad():
        gains, _ = unit_gains(model, ids)
        states, _ = model.rnn(model.embed(ids))
    weights = GRUWeights.from_state_dict({k: v.float().numpy()
                                          for k, v in model.state_dict().items()})
    radius = 1e-7
    before = np.concatenate([np.zeros((1, 6)), states[0, :-1].numpy()])
    for t, row in enumerate([1, *[s + FIRST_SYMBOL_ROW for s in symbols]]):
        lo, hi = step_boxes(weights, before[t:t + 1] - radius, before[t:t + 1] + radius, row, 0.0)
        widening = (hi - lo)[0] / (2 * radius)
        np.testing.assert_allclose(gains[0, t].numpy(), widening, rtol=2e-3, atol=2e-4)


def test_the_penalty_counts_only_valid_steps_and_vanishes_on_a_contracting_network():
    torch.manual_seed(0)
    model = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=4, update_bias=0.0))
    ids = torch.tensor([[1, 2, 3, 0, 0]])
    short = contraction_penalty(model, ids, torch.tensor([3]))
    assert torch.isclose(short, contraction_penalty(model, ids[:, :3], torch.tensor([3])))
    with torch.no_grad():  # update gates shut, candidate saturated by its bias, no recurrence
        model.rnn.weight_hh_l0.zero_()
        model.rnn.bias_hh_l0.zero_()
        model.rnn.bias_ih_l0.zero_()
        model.rnn.bias_ih_l0[4:8] = -10.0
        model.rnn.bias_ih_l0[8:] = 10.0
    with torch.no_grad():
        assert float(contraction_penalty(model, ids, torch.tensor([5]))) == 0.0
    with pytest.raises(ValueError, match="one-layer GRU"):
        unit_gains(RecurrentClassifier(ModelConfig(vocab_size=4, hidden=4, cell="lstm")), ids)


@settings(max_examples=25, deadline=None)
@given(word=st.text("01", max_size=12), seed=st.integers(0, 1000))
def test_neighbours_are_one_edit_away_and_labelled_by_the_language(word, seed):
    words, labels = neighbours(library.parity(), word, limit=20, seed=seed)
    assert words[0] == word
    assert len(set(words)) == len(words)
    assert all(levenshtein(word, w) == 1 for w in words[1:])
    assert labels == [even_ones(w) for w in words]


@pytest.mark.parametrize("change, field", [({"cell": "lstm"}, "cell"), ({"layers": 2}, "layers"),
                                           ({"recipe": "mlregtest"}, "recipe"),
                                           ({"task": "next_symbols"}, "task")])
def test_until_proved_refuses_networks_that_get_no_proof(change, field):
    with pytest.raises(ValueError, match=f"needs {field}="):
        TrainConfig(until="proved", **change)


def test_until_and_its_budget_are_checked():
    with pytest.raises(ValueError, match="until"):
        TrainConfig(until="accurate")
    with pytest.raises(ValueError, match="prove_budget"):
        TrainConfig(until="proved", prove_budget=0)
    config = TrainConfig(until="proved", prove_budget=5.0)
    assert TrainConfig.from_dict(config.to_dict()) == config
    assert config.update_bias == 0.0 and TrainConfig().update_bias == 5.0  # gates start at 0
    assert TrainConfig(until="proved", update_bias=2.0).update_bias == 2.0  # unless asked


def test_a_run_until_proved_ends_with_a_verdict_that_the_checker_confirms(tmp_path):
    g = library.tomita(4)
    config = TrainConfig(until="proved", hidden=8, n_examples=1500, prove_budget=40.0)
    v = train(g, config, device="cpu", out=tmp_path, progress=False)
    proof = v.info["metrics"]["proof"]
    assert proof["verdict"] == v.certificate.verdict
    assert proof["rounds"] and "widening" in proof["rounds"][0]
    saved = json.loads((tmp_path / "certificate.json").read_text())
    assert saved["verdict"] == v.certificate.verdict
    words = ["".join(p) for n in range(11) for p in itertools.product("01", repeat=n)]
    answers = v.predict(words) > 0.5
    truth = np.array(["000" not in w for w in words])
    assert v.certificate.verdict == "proved", v.certificate.summary()  # seed 0, CPU: repeatable
    assert v.info["metrics"]["stopped"] == "proved"
    d = g.dfa
    assert checker.check(saved, load_file(tmp_path / "model.safetensors"),
                         grammar_dfa=(d.alphabet, d.table, d.accepting, d.start)) is None
    assert (answers == truth).all()  # the proof's claim, on every word up to length 10
    done = subprocess.run([sys.executable, "-m", "neural", "check-certificate", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
