"""The shipped ``suites/mlregtest-small-gru.toml``: the part of ``suites/mlregtest.toml`` that
runs on a small machine (the GRU at size Small), with every other setting the full suite's.

Checked against the .att files on disk and the full spec's own tables, read as plain TOML.
"""

from __future__ import annotations

import sys
from pathlib import Path

from neural.suite import read_spec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT / "suites"


def test_small_gru_suite_is_the_full_suites_gru_at_small():
    small = read_spec(SUITES / "mlregtest-small-gru.toml")
    full = read_spec(SUITES / "mlregtest.toml")
    assert {e.label for e in small.grammars} == {
        p.stem for p in (SUITES / "mlregtest").glob("*.att")}
    assert len(small.grammars) == 47
    picked = {(m.config.recipe, m.cell, m.size): m.config for m in small.models}
    assert set(picked) == {("default", "gru", "small"), ("mlregtest", "gru", "small")}
    # each model trains exactly as the full suite's model of the same recipe, cell and size
    whole = {(m.config.recipe, m.cell, m.size): m.config for m in full.models}
    for key, config in picked.items():
        assert config == whole[key]
    assert len(small.runs) == 47 * 2


def test_small_gru_suite_keeps_the_full_suites_test_sets_and_judge():
    small = tomllib.loads((SUITES / "mlregtest-small-gru.toml").read_text())
    full = tomllib.loads((SUITES / "mlregtest.toml").read_text())
    for table in ("seeds", "grammars", "train", "compare", "extract"):
        assert small[table] == full[table], table
    assert small["extract"]["budget"] > 0
