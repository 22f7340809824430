"""Saving and loading verifiers: round trips, and one clear error for every bad file."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from grammar import GrammarError, library
from neural import CheckpointError, Verifier
from neural.model import ModelConfig

WORDS = ["", "1", "11", "10", "0111", "1" * 40, "12"]


@pytest.fixture
def saved(tmp_path, parity_verifier):
    parity_verifier.save(tmp_path / "run")
    return tmp_path / "run"


def test_round_trip_gives_identical_predictions(saved, parity_verifier):
    loaded = Verifier.load(saved, device="cpu")
    assert np.array_equal(loaded.predict(WORDS), parity_verifier.predict(WORDS))
    assert loaded.alphabet == parity_verifier.alphabet
    assert loaded.fingerprint == library.parity().fingerprint
    assert loaded.metrics == parity_verifier.metrics
    assert loaded.training_words == parity_verifier.training_words


def test_config_records_provenance(saved):
    config = json.loads((saved / "config.json").read_text())
    assert config["format"] == "grammarlab-neural-verifier"
    assert config["alphabet"] == ["0", "1"]
    assert config["grammar"]["name"] == "parity"
    assert config["grammar"]["fingerprint"] == library.parity().fingerprint
    assert config["model"]["hidden"] == 8
    assert config["train_config"]["n_examples"] == 600
    assert "valid_accuracy" in config["metrics"]
    assert "package_version" in config


def test_no_pickle_on_disk(saved):
    # safetensors and JSON only: no pickle opcodes / zip archives from torch.save.
    for path in saved.iterdir():
        head = path.read_bytes()[:2]
        assert head not in (b"\x80\x02", b"\x80\x04", b"PK"), path.name


def _error(directory) -> str:
    with pytest.raises(CheckpointError) as info:
        Verifier.load(directory, device="cpu")
    # A ValueError, but not a grammar error: the grammar is fine, the file is not.
    assert isinstance(info.value, ValueError) and not isinstance(info.value, GrammarError)
    return str(info.value)


def test_missing_directory(tmp_path):
    assert "config.json does not exist" in _error(tmp_path / "nope")


def test_truncated_weights(saved):
    weights = saved / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    assert "model.safetensors" in _error(saved)


def test_corrupt_weights_same_size(saved):
    weights = saved / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-3] ^= 0xFF
    weights.write_bytes(bytes(data))
    assert "model.safetensors does not match its config.json" in _error(saved)


def test_truncated_config(saved):
    config = saved / "config.json"
    config.write_text(config.read_text()[:40])
    assert "config.json is not valid JSON" in _error(saved)


def test_foreign_config(saved):
    (saved / "config.json").write_text(json.dumps({"model_type": "bert"}))
    assert "config.json is not a grammarlab verifier config" in _error(saved)


def test_foreign_weights(saved):
    # A valid safetensors file from somewhere else, with its digest patched in.
    save_file({"encoder.weight": torch.zeros(3)}, saved / "model.safetensors")
    config = json.loads((saved / "config.json").read_text())
    import hashlib

    config["weights_sha256"] = hashlib.sha256((saved / "model.safetensors").read_bytes()
                                              ).hexdigest()
    (saved / "config.json").write_text(json.dumps(config))
    assert "model.safetensors" in _error(saved)


def test_weights_of_another_shape(saved, tmp_path):
    other = Verifier.untrained(library.parity(), ModelConfig(vocab_size=4, hidden=3))
    other.save(tmp_path / "other")
    shutil.copy(tmp_path / "other" / "model.safetensors", saved / "model.safetensors")
    assert "does not match its config.json" in _error(saved)


def test_save_is_atomic_over_an_old_checkpoint(saved, parity_verifier):
    # Saving again replaces files by rename and leaves no temporary files behind.
    parity_verifier.save(saved)
    assert sorted(p.name for p in saved.iterdir()) == [
        "config.json", "model.safetensors", "train_words.json"]


def _edit(saved, change) -> None:
    path = saved / "config.json"
    config = json.loads(path.read_text())
    change(config)
    path.write_text(json.dumps(config))


def _set(key, value):
    return lambda c: c.__setitem__(key, value)


# Issue 8 #7: each of these used to load (or fail later with a traceback).
@pytest.mark.parametrize(
    ("change", "field", "why"),
    [
        (_set("grammar", None), "grammar", "must be an object, got null"),
        (_set("grammar", "parity"), "grammar", 'must be an object, got "parity"'),
        (lambda c: c["grammar"].__setitem__("name", 7), "grammar", "'name' must be a str"),
        (_set("model", "gru"), "model", "must be an object"),
        (lambda c: c["model"].__setitem__("hidden", "8"), "model", "hidden"),
        (lambda c: c["model"].__setitem__("vocab_size", 9), "model", "vocab_size 9"),
        (_set("alphabet", ["0", "0"]), "alphabet", "lists '0' twice"),
        (_set("alphabet", ["1", "0"]), "alphabet", "not sorted"),
        (_set("alphabet", "01"), "alphabet", "must be a list"),
        (_set("alphabet", ["0", ""]), "alphabet", "not a non-empty str"),
        (_set("alphabet", ["0", 1]), "alphabet", "not a non-empty str"),
        (_set("single_char", False), "single_char", "only one-character symbols"),
        (_set("single_char", "yes"), "single_char", "true or false"),
        (_set("weights_sha256", 12), "weights_sha256", "64 hex digits"),
        (_set("train_config", "tiny"), "train_config", "must be an object"),
        (lambda c: c["train_config"].__setitem__("hidden", -3), "train_config",
         "TrainConfig.hidden"),
        (lambda c: c["train_config"].__setitem__("bogus", 1), "train_config", "no field"),
        (_set("metrics", [1]), "metrics", "must be an object"),
        (_set("history", {"epoch": 1}), "history", "list of objects"),
        (_set("package_version", 3), "package_version", "must be a str"),
    ],
)
def test_corrupt_config_fields_are_named(saved, change, field, why):
    _edit(saved, change)
    message = _error(saved)
    assert "config.json" in message and f"field {field!r}" in message and why in message


def test_multi_character_alphabet_flagged_single_char(tmp_path):
    v = Verifier.untrained(library.file_protocol())
    v.save(tmp_path)
    _edit(tmp_path, _set("single_char", True))
    assert "a multi-character symbol" in _error(tmp_path)


@pytest.mark.parametrize(
    ("words", "entry"),
    [([1], "words[0] is 1"), (["10", None], "words[1] is null"),
     ([["a", 2]], 'words[0] is ["a", 2]'), ([["a", ""]], "words[0]"), ([{"w": 1}], "words[0]")],
)
def test_bad_training_words_name_the_file_and_entry(saved, words, entry):
    (saved / "train_words.json").write_text(json.dumps({"words": words}))
    message = _error(saved)
    assert "train_words.json" in message and entry in message


def test_training_words_without_a_list(saved):
    (saved / "train_words.json").write_text(json.dumps({"words": "10"}))
    assert "train_words.json holds no list of words" in _error(saved)


@pytest.mark.parametrize("grammar", [None, "parity", 3, {"name": 5}, {"name": ["x"]}])
def test_repr_never_crashes(grammar):
    base = Verifier.untrained(library.parity())
    v = Verifier(base.model, base.vocab, device="cpu", info={"grammar": grammar, "metrics": 1})
    assert repr(v).startswith("<Verifier for ")
    assert v.fingerprint is None  # no usable grammar record, so no fingerprint
    assert v.metrics == {}
