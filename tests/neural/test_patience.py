"""TrainConfig.patience: a run stops on a plateau of validation accuracy and keeps its best
epoch's weights, also across an interruption; the benchmark's recipe never stops early."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grammar import library
from neural import Verifier
from neural.config import TrainConfig
from neural.stopping import stop_reason
from neural.training import train, training_splits

from .conftest import TINY

# Tomita 3 with two hidden units cannot reach 100%, so its validation accuracy plateaus.
PLATEAU = replace(TINY, hidden=2, n_examples=1200, max_epochs=40, patience=2)


def plateau_by_hand(scores: list[float], patience: int) -> bool:
    """The last epoch is `patience` or more after the first epoch with the top score."""
    top = max(scores)
    first_top = scores.index(top)
    return len(scores) - 1 - first_top >= patience


@given(st.lists(st.sampled_from([0.5, 0.6, 0.7, 0.8]), min_size=1, max_size=12),
       st.integers(1, 5))
def test_plateau_rule_matches_a_direct_reading(scores, patience):
    rows = [{"valid_accuracy": s, "samples": 10_000} for s in scores]
    config = TrainConfig(patience=patience, max_steps=None, target_accuracy=0.99)
    reason = stop_reason(rows, config, step=1)
    assert (reason == "plateau") == plateau_by_hand(scores, patience)


def test_plateau_waits_for_min_samples_and_none_never_stops():
    rows = [{"valid_accuracy": 0.5, "samples": 100 * i} for i in range(1, 30)]
    assert stop_reason(rows, TrainConfig(patience=1, min_samples=10**6, max_steps=None),
                       step=1) is None
    assert stop_reason(rows, TrainConfig(patience=None, min_samples=0, max_steps=None),
                       step=1) is None


def test_the_benchmarks_recipe_has_no_patience():
    assert TrainConfig(recipe="mlregtest").patience is None
    assert TrainConfig().patience == 10


def scored_on_validation(verifier: Verifier, config: TrainConfig) -> float:
    """The fraction of the run's validation words the network labels as the automaton does."""
    g = library.tomita(3)
    _, valid, _ = training_splits(g, config)
    truth = np.array([g.accepts(w) for w in valid.words])
    return float(np.mean(verifier.accepts_many(list(valid.words)) == truth))


def test_a_plateau_keeps_the_best_epochs_weights(tmp_path):
    verifier = train(library.tomita(3), PLATEAU, device="cpu", progress=False, out=tmp_path)
    m = verifier.metrics
    assert m["stopped"] == "plateau"
    logged = [json.loads(line)["valid_accuracy"]
              for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    best = max(logged)
    assert logged.index(best) + 1 == m["kept_epoch"]
    assert len(logged) - m["kept_epoch"] == PLATEAU.patience
    assert m["valid_accuracy"] == best
    # The kept weights are the best epoch's: re-scored against the automaton, and as saved.
    assert scored_on_validation(verifier, PLATEAU) == pytest.approx(best)
    loaded = Verifier.load(tmp_path, device="cpu")
    assert scored_on_validation(loaded, PLATEAU) == pytest.approx(best)


def test_a_resumed_run_keeps_the_best_weights_of_before_the_interruption(tmp_path):
    whole = train(library.tomita(3), PLATEAU, device="cpu", progress=False)
    kept = whole.metrics["kept_epoch"]
    # Stop exactly at the best epoch + 1, so the best weights exist only in the resume file.
    train(library.tomita(3), replace(PLATEAU, max_epochs=kept + 1), device="cpu",
          progress=False, out=tmp_path)
    resumed = train(library.tomita(3), PLATEAU, device="cpu", progress=False, out=tmp_path,
                    resume=True)
    assert resumed.metrics["kept_epoch"] == kept
    mine, theirs = resumed.model.state_dict(), whole.model.state_dict()
    assert all(torch.equal(mine[k], theirs[k]) for k in theirs)


@pytest.mark.parametrize("flag, expected", [("off", "None"), ("3", "3")])
def test_cli_patience_flag(tmp_path, flag, expected):
    done = subprocess.run(
        [sys.executable, "-m", "neural", "train", "tomita-3", "--out", str(tmp_path),
         "--patience", flag, "--max-epochs", "1", "--examples", "200", "--hidden", "2",
         "--quiet", "--threads", "1"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    saved = json.loads((tmp_path / "config.json").read_text())
    assert str(saved["train_config"]["patience"]) == expected


def test_cli_refuses_a_bad_patience(tmp_path):
    done = subprocess.run([sys.executable, "-m", "neural", "train", "tomita-3", "--out",
                           str(tmp_path), "--patience", "0"], capture_output=True, text=True)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--patience" in done.stderr
