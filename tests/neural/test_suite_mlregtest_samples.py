"""The shipped samples of ``suites/mlregtest.toml``: the LSTM at Small and the GRU until
proved at Mid on the 4-symbol languages (two parts), and the GRU at Mid on 16- and 64-symbol
ones. Each must pick one language per MLRegTest class, as its comments say, and train every
model exactly as the full suite does.

Checked against the .att file names on disk and the full spec, read as plain TOML.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from neural.suite import read_spec
from neural.suite.classes import MLREGTEST_CLASSES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SUITES = Path(__file__).resolve().parents[2] / "suites"
ON_DISK = sorted(p.stem for p in (SUITES / "mlregtest").glob("*.att"))


def name_class(label: str) -> str:
    return label.split(".")[2]  # 04.03.TLT.4.1.9 is of class TLT


def full_models() -> dict:
    full = read_spec(SUITES / "mlregtest.toml")
    return {(m.config.recipe, m.cell, m.size): m.config for m in full.models}


def test_the_two_sample_parts_hold_the_first_language_of_each_class():
    labels = [e.label for name in ("mlregtest-sample.toml", "mlregtest-sample-2.toml")
              for e in read_spec(SUITES / name).grammars]
    first = {}
    for label in ON_DISK:  # name order
        first.setdefault(name_class(label), label)
    assert sorted(labels) == sorted(first.values())
    assert [name_class(label) for label in labels] == list(MLREGTEST_CLASSES)


def test_the_sample_parts_train_as_the_full_suite_and_prove_at_mid():
    whole = full_models()
    for name in ("mlregtest-sample.toml", "mlregtest-sample-2.toml"):
        spec = read_spec(SUITES / name)
        picked = {(m.config.recipe, m.cell, m.size): m.config for m in spec.models}
        assert set(picked) == {("default", "lstm", "small"), ("mlregtest", "lstm", "small"),
                               ("default", "gru", "mid")}
        for key in [("default", "lstm", "small"), ("mlregtest", "lstm", "small")]:
            assert picked[key] == whole[key]
        proving = picked[("default", "gru", "mid")]
        assert (proving.until, proving.prove_budget) == ("proved", 60.0)
        assert replace(proving, until=None, prove_budget=whole[("default", "gru", "mid")]
                       .prove_budget, update_bias=whole[("default", "gru", "mid")].update_bias
                       ) == whole[("default", "gru", "mid")]


def test_the_mid_gru_sample_is_one_16_or_64_symbol_language_per_class():
    spec = read_spec(SUITES / "mlregtest-mid-gru-sample.toml")
    labels = [e.label for e in spec.grammars]
    assert set(labels) <= set(ON_DISK)
    assert [name_class(label) for label in labels] == list(MLREGTEST_CLASSES)
    assert {len(e.grammar.alphabet) for e in spec.grammars} <= {16, 64}
    assert {label.split(".")[0] for label in labels} == {"16", "64"}
    whole = full_models()
    picked = {(m.config.recipe, m.cell, m.size): m.config for m in spec.models}
    assert set(picked) == {("default", "gru", "mid"), ("mlregtest", "gru", "mid")}
    for key, config in picked.items():
        assert config == whole[key]


def test_the_samples_keep_the_full_suites_test_sets_and_judge():
    full = tomllib.loads((SUITES / "mlregtest.toml").read_text())
    for name in ("mlregtest-sample.toml", "mlregtest-sample-2.toml",
                 "mlregtest-mid-gru-sample.toml"):
        sample = tomllib.loads((SUITES / name).read_text())
        for table in ("seeds", "train", "compare", "extract"):
            assert sample[table] == full[table], (name, table)


def test_the_proof_sample_is_the_4_symbol_sample_with_four_times_the_budget():
    proving = read_spec(SUITES / "mlregtest-mid-proved-sample.toml")
    parts = [read_spec(SUITES / name) for name in ("mlregtest-sample.toml",
                                                   "mlregtest-sample-2.toml")]
    assert [e.label for e in proving.grammars] == [e.label for p in parts for e in p.grammars]
    [model] = proving.models
    sampled = next(m for m in parts[0].models if m.size == "mid")
    assert model.config.prove_budget == 4 * sampled.config.prove_budget == 240.0
    assert replace(model.config, prove_budget=60.0) == sampled.config
    full = tomllib.loads((SUITES / "mlregtest.toml").read_text())
    sample = tomllib.loads((SUITES / "mlregtest-mid-proved-sample.toml").read_text())
    for table in ("seeds", "train", "compare", "extract"):
        assert sample[table] == full[table], table
