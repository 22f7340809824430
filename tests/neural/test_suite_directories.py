"""A suite spec's ``[grammars] directories``: every .att file of a directory, and the shipped
MLRegTest suite over its 47 acceptors.

The acceptors are written here by hand, and each language is checked word by
word up to length 6 against a Python predicate, never against another reader
of the same file.
"""

from __future__ import annotations

import itertools
from dataclasses import fields
from pathlib import Path

import pytest

from neural.config import TrainConfig
from neural.suite import SpecError, read_spec

ROOT = Path(__file__).resolve().parents[2]

# AT&T acceptors over a b: source target input output, or a final state.
ACCEPTORS = {
    "even-a.att": ("0 0 b b\n0 1 a a\n1 1 b b\n1 0 a a\n0\n", lambda w: w.count("a") % 2 == 0),
    "ends-b.att": ("0 0 a a\n0 1 b b\n1 0 a a\n1 1 b b\n1\n", lambda w: w.endswith("b")),
    "no-aa.att": ("0 1 a a\n0 0 b b\n1 0 b b\n0\n1\n", lambda w: "aa" not in w),
}
SPEC = """
[grammars]
{grammars}

[[models]]
hidden = 4
"""


def write_acceptors(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (text, _) in ACCEPTORS.items():
        (folder / name).write_text(text.replace(" ", "\t"), encoding="utf-8")


def spec_at(path: Path, grammars: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SPEC.format(grammars=grammars), encoding="utf-8")
    return path


def words(max_length: int):
    for n in range(max_length + 1):
        for letters in itertools.product("ab", repeat=n):
            yield "".join(letters)


def test_a_directory_gives_every_att_file_in_name_order(tmp_path, monkeypatch):
    write_acceptors(tmp_path / "suite" / "accs")
    (tmp_path / "suite" / "accs" / "notes.txt").write_text("not a grammar", encoding="utf-8")
    spec_path = spec_at(tmp_path / "suite" / "spec.toml", 'directories = ["accs"]')
    monkeypatch.chdir(tmp_path)  # relative to the spec, not to the working directory
    spec = read_spec(spec_path)
    assert [e.label for e in spec.grammars] == ["ends-b", "even-a", "no-aa"]
    for entry in spec.grammars:
        _, member = ACCEPTORS[entry.label + ".att"]
        assert entry.source == str((tmp_path / "suite" / "accs" / f"{entry.label}.att").resolve())
        for word in words(6):
            assert entry.grammar.accepts(word) == member(word), (entry.label, word)
    assert len(spec.runs) == 3


def test_a_pattern_picks_the_files(tmp_path):
    write_acceptors(tmp_path / "accs")
    spec = read_spec(spec_at(tmp_path / "spec.toml", 'builtin = ["parity"]\n'
                             'directories = [{path = "accs", pattern = "e*.att"}]'))
    assert [e.label for e in spec.grammars] == ["parity", "ends-b", "even-a"]


def test_a_bad_file_is_named_with_its_directory_entry(tmp_path):
    write_acceptors(tmp_path / "accs")
    bad = tmp_path / "accs" / "broken.att"
    bad.write_text("0\t1\ta\tb\n1\n", encoding="utf-8")  # a transducer arc: a to b
    with pytest.raises(SpecError) as caught:
        read_spec(spec_at(tmp_path / "spec.toml", 'directories = ["accs"]'))
    message = str(caught.value)
    assert "grammars.directories[0]" in message and str(bad.resolve()) in message
    assert "\n" not in message


@pytest.mark.parametrize(("grammars", "fragments"), [
    ('directories = ["nowhere"]', ["grammars.directories[0]", "no such directory", "nowhere"]),
    ('directories = ["empty"]', ["grammars.directories[0]", "matches '*.att'", "empty"]),
    ('directories = "accs"', ["grammars.directories", "must be a list"]),
    ('directories = [3]', ["grammars.directories[0]", "must be a table"]),
    ('directories = [{pattern = "*.att"}]', ["grammars.directories[0].path", "missing"]),
    ('directories = [{path = "accs", glob = "*"}]', ["grammars.directories[0].glob",
                                                     "unknown key"]),
    ('directories = [{path = "accs", pattern = "/etc/*.att"}]',
     ["grammars.directories[0].pattern", "not a pattern inside the directory"]),
    ('directories = ["accs", "again"]', ["lists 'ends-b' twice"]),
])
def test_bad_directory_entries_fail_naming_the_key(tmp_path, grammars, fragments):
    write_acceptors(tmp_path / "accs")
    write_acceptors(tmp_path / "again")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SpecError) as caught:
        read_spec(spec_at(tmp_path / "spec.toml", grammars))
    for fragment in fragments:
        assert fragment in str(caught.value)


# -- the shipped MLRegTest suite ------------------------------------------------------------------


def test_the_mlregtest_acceptors_are_shipped():
    shipped = sorted(p.name for p in (ROOT / "suites" / "mlregtest").glob("*.att"))
    assert len(shipped) == 47
    # one per group: alphabet size, tier size and class
    groups = {tuple(name.split(".")[:3]) for name in shipped}
    assert len(groups) == 47
    assert {sigma for sigma, _, _ in groups} == {"04", "16", "64"}


@pytest.mark.skipif("recipe" not in {f.name for f in fields(TrainConfig)},
                    reason="TrainConfig has no recipe field in this version")
def test_the_shipped_mlregtest_suite_reads():
    spec = read_spec(ROOT / "suites" / "mlregtest.toml")
    assert len(spec.grammars) == 47
    assert {e.label for e in spec.grammars} == {
        p.stem for p in (ROOT / "suites" / "mlregtest").glob("*.att")}
    models = {(m.config.recipe, m.cell, m.size) for m in spec.models}
    assert models == {(recipe, cell, size) for recipe in ("default", "mlregtest")
                      for cell in ("gru", "lstm") for size in ("small", "mid")}
    for model in spec.models:
        words = {"small": 1_000, "mid": 10_000}[model.size]
        assert model.config.lengths == (20, 29)
        # the training and development sets of the benchmark's size
        assert model.config.n_examples * model.config.split[0] == pytest.approx(words)
        assert model.config.n_examples * model.config.split[1] == pytest.approx(words)
    assert len(spec.runs) == 47 * 8
