"""TrainConfig: every field is checked up front, and the error names the field."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from grammar import library
from neural import TrainConfig, train
from neural.config import MIN_EXAMPLES, with_overrides

from .conftest import TINY


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("n_examples", 0, ValueError), ("n_examples", 1, ValueError),
        ("n_examples", 2.0, TypeError), ("batch_size", True, TypeError),
        ("max_epochs", 0, ValueError), ("hidden", "8", TypeError),
        ("max_steps", 0, ValueError), ("threads", 0, ValueError), ("threads", 1.0, TypeError),
        ("min_samples", -1, ValueError), ("seed", -5, ValueError),
        ("lengths", (3, 2), ValueError), ("lengths", (1, 2, 3), ValueError),
        ("lengths", "1-9", TypeError), ("lengths", (0.5, 2), TypeError),
        ("split", (0.5, 0.5), ValueError), ("split", (0.6, 0.3, 0.2), ValueError),
        ("split", (0.0, 0.5, 0.5), ValueError), ("split", (1.0, -0.5, 0.5), ValueError),
        ("negatives", ["random"], TypeError), ("negatives", {"random": -1.0}, ValueError),
        ("long_range", 1.5, ValueError), ("dropout", 1.0, ValueError),
        ("update_bias", float("nan"), ValueError), ("lr", 0.0, ValueError),
        ("lr", float("inf"), ValueError), ("weight_decay", -0.1, ValueError),
        ("grad_clip", 0, ValueError), ("prefix_weight", -1.0, ValueError),
        ("target_accuracy", 0.0, ValueError), ("target_accuracy", 1.5, ValueError),
        ("target_accuracy", "high", TypeError), ("grad_clip", "1", TypeError),
        ("recipe", "keras", ValueError), ("recipe", None, TypeError),
        ("task", "next_symbol", ValueError), ("task", None, TypeError),
        ("cell", "rnn", ValueError), ("cell", 1, TypeError),
        ("precision", "fp16", ValueError), ("precision", None, TypeError),
    ],
)
def test_bad_fields_are_named(field, value, error):
    with pytest.raises(error, match=f"TrainConfig.{field}"):
        TrainConfig(**{field: value})


def test_too_few_examples_is_refused_up_front():
    # Issue 8 #10: n_examples=1 used to fail mid-run with "need at least one array to
    # concatenate"; now the config refuses it, naming the field and the minimum.
    with pytest.raises(ValueError, match=rf"TrainConfig.n_examples must be >= {MIN_EXAMPLES}"):
        with_overrides(TrainConfig(), n_examples=1)
    assert MIN_EXAMPLES == 2


def test_the_minimum_trains():
    v = train(library.parity(), replace(TINY, n_examples=MIN_EXAMPLES, max_epochs=1),
              device="cpu", progress=False)
    assert v.metrics["train_size"] == 1 and v.metrics["epochs"] == 1


def test_an_empty_training_split_is_named():
    # Two words cut 10/45/45 leave no training word: say so before any step.
    config = replace(TINY, n_examples=2, split=(0.1, 0.45, 0.45))
    with pytest.raises(ValueError, match="training split is empty.*TrainConfig.n_examples"):
        train(library.parity(), config, device="cpu", progress=False)


def test_from_dict_round_trip_and_unknown_fields():
    config = replace(TINY, lengths=(2, 9), negatives={"random": 1.0}, max_steps=None)
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    with pytest.raises(TypeError, match="no field 'hiden'"):
        TrainConfig.from_dict({"hiden": 3})
    with pytest.raises(TypeError, match="mapping"):
        TrainConfig.from_dict(None)


def test_json_numbers_are_accepted():
    # A config read back from JSON may hold ints where floats are meant.
    assert TrainConfig(lr=1, split=[1, 0, 0], target_accuracy=1).split == (1.0, 0.0, 0.0)


def test_task_cell_and_precision_defaults_and_round_trip():
    config = TrainConfig()
    assert (config.task, config.cell, config.precision) == ("membership", "gru", "auto")
    lstm = TrainConfig(task="next_symbols", cell="lstm", precision="fp32")
    assert TrainConfig.from_dict(json.loads(json.dumps(lstm.to_dict()))) == lstm
    assert lstm.model_config(5).cell == "lstm"


def test_a_config_written_before_task_cell_and_precision_still_reads():
    old = TrainConfig().to_dict()
    for key in ("task", "cell", "precision"):
        del old[key]
    assert TrainConfig.from_dict(old) == TrainConfig()
