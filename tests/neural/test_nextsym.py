"""The next-symbol task: its targets, GRU and LSTM training, scoring, generation, checkpoints.

The oracle is the exact automaton throughout: :meth:`grammar.Grammar.next_symbols`
and :meth:`grammar.Grammar.accepts` on every prefix, word by word.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from grammar import GrammarError, library
from neural import Verifier, train
from neural.data import Vocabulary
from neural.generate import generate, score_generation
from neural.nextsym import next_symbol_sets, score_next_symbols, solved
from neural.targets import training_tensors

from .conftest import TINY

# The seed these settings were checked with (TINY itself uses another, see conftest).
NEXT = replace(TINY, task="next_symbols", seed=0)


def _prefixes(g, word):
    symbols = g.symbols_of(word)
    join = "".join if g.single_char else tuple
    return [join(symbols[:t]) for t in range(len(symbols) + 1)]


def _truth(g, prefix):
    return bool(g.accepts(prefix)), tuple(g.next_symbols(prefix))


@pytest.mark.parametrize("name", ["reber", "embedded_reber", "tomita3", "parity",
                                  "file_protocol"])
def test_targets_match_next_symbols_on_every_prefix(name):
    g = library.tomita(3) if name == "tomita3" else getattr(library, name)()
    rng = np.random.default_rng(0)
    words = list(g.sample(40, seed=1)) + list(g.near_misses(40, seed=2))
    # Random words too: their prefixes reach the dead state, where nothing may follow.
    words += ["".join(rng.choice(list(g.alphabet), size=int(rng.integers(0, 9))))
              for _ in range(20)] if g.single_char else []
    t = training_tensors(g, Vocabulary.from_grammar(g), words, np.zeros(len(words)))
    for i, word in enumerate(words):
        for step, prefix in enumerate(_prefixes(g, word)):
            row = t.prefix[i, step].numpy() > 0.5
            may_end, follow = _truth(g, prefix)
            assert bool(row[0]) == may_end, (word, prefix)
            assert tuple(s for s, on in zip(g.alphabet, row[1:], strict=True) if on) == follow


@pytest.fixture(scope="module", params=["gru", "lstm"])
def trained(request):
    g = library.parity()
    return g, train(g, replace(NEXT, cell=request.param), device="cpu", progress=False)


def test_a_small_gru_and_lstm_learn_the_next_symbol_task(trained):
    g, v = trained
    m = v.metrics
    assert m["task"] == "next_symbols" and m["cell"] == v.cell
    assert m["stopped"] == "target" and m["valid_accuracy"] == 1.0
    assert m["test_solved"] == 1.0
    report = score_next_symbols(v, g, n_per_set=100, seed=3, generate=200)
    assert report.short.solved == 1.0 and report.long.solved == 1.0
    assert report.short.words > 0 and report.long.words > 0
    assert report.long_lengths == (13, 42)
    text = str(report)
    assert "solved, lengths 13-42: 100.00%" in text
    assert v.cell.upper() in text


def test_solved_agrees_with_the_automaton_prefix_by_prefix(trained):
    # solved() scores whole batches at once; here each word is read through
    # next_symbol_sets() and compared prefix by prefix with the grammar itself.
    g, trained_verifier = trained
    words = g.sample(30, seed=4) + list(g.near_misses(30, seed=5)) + ["", "1", "0110"]
    for v in (trained_verifier, Verifier.untrained(g, seed=1)):
        expected = [all(answer == _truth(g, prefix) for answer, prefix
                        in zip(next_symbol_sets(v, w), _prefixes(g, w), strict=True))
                    for w in words]
        assert solved(v, g, words).tolist() == expected
    assert not solved(trained_verifier, g, ["12"])[0]  # a symbol outside the alphabet


def test_generation_yields_members_once_trained(trained):
    g, v = trained
    out = generate(v, 300, seed=0, max_length=80)
    assert out.finished.all()
    members = np.mean(g.accepts_many(out.words))
    assert members >= 0.95
    report = score_generation(v, g, 300, seed=0)
    assert report.members >= 0.95 and report.unfinished == 0
    assert 0.0 <= report.length_distance <= 1.0
    # The predictor stops where a member may end, as the walks do: similar mean lengths.
    assert abs(report.mean_length - report.walk_mean_length) < 2.0


def test_generation_is_reproducible_and_respects_max_length():
    g = library.tomita(1)
    v = Verifier.untrained(g, seed=0)
    a, b = generate(v, 50, seed=7, max_length=5), generate(v, 50, seed=7, max_length=5)
    assert a.words == b.words and (a.finished == b.finished).all()
    assert all(len(w) <= 5 for w in a.words)
    assert all(len(w) == 5 for w, done in zip(a.words, a.finished, strict=True) if not done)
    with pytest.raises(GrammarError, match="threshold"):
        generate(v, 3, threshold=1.5)
    with pytest.raises(TypeError, match="Verifier"):
        generate("not a verifier", 3)


def test_generation_of_token_words():
    g = library.file_protocol()
    out = generate(Verifier.untrained(g, seed=0), 5, seed=0, max_length=4)
    assert all(isinstance(w, tuple) and set(w) <= set(g.alphabet) for w in out.words)


def test_scoring_needs_the_verifiers_alphabet():
    with pytest.raises(GrammarError, match="alphabet"):
        solved(Verifier.untrained(library.parity()), library.reber(), ["B"])
    with pytest.raises(GrammarError, match="alphabet"):
        score_generation(Verifier.untrained(library.parity()), library.reber(), 3)
    with pytest.raises(GrammarError, match="'2'"):
        next_symbol_sets(Verifier.untrained(library.parity()), "12")


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_checkpoint_records_task_and_cell_and_loads_back(tmp_path, cell):
    g = library.parity()
    config = replace(NEXT, cell=cell, max_epochs=2, target_accuracy=1.0)
    v = train(g, config, device="cpu", progress=False, out=tmp_path)
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved["model"]["cell"] == cell
    assert saved["train_config"]["task"] == "next_symbols"
    assert saved["train_config"]["cell"] == cell
    w = Verifier.load(tmp_path, device="cpu")
    assert (w.task, w.cell, type(w.model.rnn).__name__) == ("next_symbols", cell, cell.upper())
    assert repr(w).startswith(f"<Verifier for 'parity': {cell.upper()} 1x8")
    words = g.sample(20, seed=0) + ["1", "10", ""]
    # The membership verifier works unchanged: the same answers before and after.
    np.testing.assert_array_equal(w.predict(words), v.predict(words))
    assert (solved(w, g, words) == solved(v, g, words)).all()
    # A resumed next-symbol LSTM/GRU run continues from the file.
    more = train(g, replace(config, max_epochs=3), device="cpu", progress=False,
                 out=tmp_path, resume=True)
    assert more.metrics["epochs"] == 3 and len(more.info["history"]) == 3


def test_a_next_symbol_verifier_still_answers_membership(trained):
    g, v = trained
    words = g.sample(100, seed=8) + list(g.near_misses(100, seed=9))
    truth = np.asarray(g.accepts_many(words))
    assert (v.accepts_many(words) == truth).mean() >= 0.95


def test_checkpoint_whose_train_config_disagrees_with_the_model_is_refused(tmp_path):
    from neural import CheckpointError

    g = library.parity()
    v = train(g, replace(NEXT, max_epochs=1), device="cpu", progress=False, out=tmp_path)
    assert v.cell == "gru"
    path = tmp_path / "config.json"
    config = json.loads(path.read_text())
    config["train_config"]["cell"] = "lstm"
    path.write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="field 'train_config' has cell 'lstm'"):
        Verifier.load(tmp_path, device="cpu")


def test_a_checkpoint_from_before_cells_loads_as_a_gru(tmp_path):
    g = library.parity()
    v = Verifier.untrained(g, seed=0)
    v.save(tmp_path)
    path = tmp_path / "config.json"
    config = json.loads(path.read_text())
    del config["model"]["cell"]
    path.write_text(json.dumps(config))
    w = Verifier.load(tmp_path, device="cpu")
    assert w.cell == "gru" and w.task == "membership"
    torch.testing.assert_close(torch.from_numpy(w.predict(["11", "1"])),
                               torch.from_numpy(v.predict(["11", "1"])))


@pytest.mark.parametrize("old, module, new", [
    ("GenerationReport", "neural.generate", "GenerationScore"),
    ("generation_report", "neural.generate", "score_generation"),
    ("NextSymbolReport", "neural.nextsym", "NextSymbolScore"),
])
def test_the_old_score_names_warn_and_are_the_new_ones(old, module, new):
    import importlib

    home = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=f"{old} is deprecated; use {module}.{new}"):
        value = getattr(home, old)
    assert value is getattr(home, new)
