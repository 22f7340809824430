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
    assert isinstance(info.value, GrammarError) and isinstance(info.value, ValueError)
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
