"""A suite on the MLRegTest protocol: each sized run scored on SR, LR, SA and LA too, and the
table by class.

The suite is two small AT&T acceptors named like MLRegTest files, with the
benchmark's sizes cut to a few dozen words. The oracles: each acceptor's
language as a Python predicate, the saved verifier's own predictions
(accuracies recounted here), a fresh draw of the benchmark's sets, and,
for the class table, means and counts worked out by hand on made-up rows.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from grammar import GrammarError
from grammar.datasets import MLREGTEST_SIZES, Dataset, mlregtest_sets
from neural.cli import main
from neural.suite import RUNS, parse_spec, read_results, run_suite
from neural.suite import mlregtest as protocol
from neural.suite.classes import (
    class_blocks,
    class_markdown,
    class_table,
    grammar_class,
    network_verdict,
)
from neural.suite.mlregtest import MLREGTEST_FILE, SETS_DIR, TEST_SETS, protocol_sets, score_sets
from neural.verifier import Verifier

# MLRegTest's alphabets of four symbols are a b c d.
ACCEPTORS = {
    # strictly local: no factor "ab"
    "04.04.SL.2.1.0": ("0 0 b b\n0 0 c c\n0 0 d d\n0 1 a a\n1 1 a a\n1 0 c c\n1 0 d d\n0\n1\n",
                       lambda w: "ab" not in w),
    # cyclic: an even number of a
    "04.04.Zp.2.1.0": ("0 1 a a\n0 0 b b\n0 0 c c\n0 0 d d\n1 0 a a\n1 1 b b\n1 1 c c\n"
                       "1 1 d d\n0\n", lambda w: w.count("a") % 2 == 0),
}
SPEC = """
name = "tiny-mlregtest"
[grammars]
directories = ["accs"]
[[models]]
name = "gru-default-small"
recipe = "default"
size = "small"
[[models]]
name = "gru-mlregtest-small"
recipe = "mlregtest"
size = "small"
[[models]]
name = "gru-default-mid"
recipe = "default"
size = "mid"
[[models]]
name = "plain"
lengths = [0, 8]
n_examples = 60
[train]
hidden = 4
embedding = 4
max_epochs = 1
threads = 1
[compare]
n_per_set = 20
seed = 3
"""
# The benchmark's sizes, cut so that a run takes a second or two.
TINY_SIZES = {"small": 40, "mid": 60}


@pytest.fixture(scope="module")
def tiny_sizes():
    with pytest.MonkeyPatch.context() as patch:
        for size, words in TINY_SIZES.items():
            patch.setitem(MLREGTEST_SIZES, size, words)
        yield patch


@pytest.fixture(scope="module")
def suite(tmp_path_factory, tiny_sizes):
    root = tmp_path_factory.mktemp("mlregtest")
    (root / "accs").mkdir()
    for name, (text, _) in ACCEPTORS.items():
        (root / "accs" / f"{name}.att").write_text(text.replace(" ", "\t"), encoding="utf-8")
    spec = parse_spec(SPEC, where="tiny.toml", base=root)
    draws: list[tuple[str, str]] = []

    def counted(g, size, *, seed):
        draws.append((g.name, size))
        return mlregtest_sets(g, size, seed=seed)

    tiny_sizes.setattr(protocol, "mlregtest_sets", counted)
    rows = run_suite(spec, root / "suite", progress=False)
    first = list(draws)
    again = run_suite(spec, root / "suite", progress=False)  # finished: nothing drawn or run
    assert again == rows and draws == first
    return root / "suite", rows, first


def test_sized_runs_carry_the_four_accuracies_recounted_from_the_saved_verifier(suite):
    out, rows, _ = suite
    sized = [row for row in rows if row["size"] is not None]
    assert len(sized) == 2 * 3
    for row in sized:
        _, member = ACCEPTORS[row["grammar"]]
        verifier = Verifier.load(out / RUNS / row["run"], device="cpu")
        fresh = mlregtest_sets(verifier_grammar(out, row), row["size"], seed=3)
        saved = json.loads((out / RUNS / row["run"] / MLREGTEST_FILE).read_text())
        for name in TEST_SETS:
            words = fresh[name].words
            assert len(words) == TINY_SIZES[row["size"]]
            truth = np.array([member(w) for w in words])
            said = verifier.predict(words) > 0.5
            assert row[f"acc_{name}"] == pytest.approx(float((said == truth).mean()), abs=1e-12)
            assert saved["sets"][name]["members"] == int(truth.sum()) == len(words) // 2
        assert row["recipe"] in ("default", "mlregtest") and row["cell"] == "gru"
        assert row["seconds"] > 0


def verifier_grammar(out, row):
    from grammar import Grammar

    return Grammar.from_json(str(out / RUNS / row["run"] / "grammar.json"))


def test_the_sets_are_drawn_once_per_grammar_and_size_and_kept_as_json_lines(suite):
    out, rows, draws = suite
    assert sorted(draws) == sorted((g, s) for g in ACCEPTORS for s in ("small", "mid"))
    folders = sorted(p.relative_to(out / SETS_DIR).parts[0] for p in
                     (out / SETS_DIR).glob("*/*/SR.jsonl"))
    assert folders == ["mlregtest-mid-s3"] * 2 + ["mlregtest-small-s3"] * 2
    for path in (out / SETS_DIR).rglob("*"):
        assert path.is_dir() or path.suffix == ".jsonl"  # no pickle anywhere
    # An unsized run is scored as ever, and has no MLRegTest columns.
    plain = [row for row in rows if row["model"] == "plain"]
    assert len(plain) == 2 and all(row["size"] is None and "acc_SR" not in row for row in plain)
    header = (out / "results.csv").read_text().splitlines()[0].split(",")
    at = header.index("acc_long_adversarial")
    assert header[at + 1:at + 5] == ["acc_SR", "acc_LR", "acc_SA", "acc_LA"]
    assert {"recipe", "size"} <= set(header)


def test_damaged_or_stale_sets_are_drawn_again(tmp_path, monkeypatch):
    from grammar import library

    g = library.tomita(4)
    monkeypatch.setitem(MLREGTEST_SIZES, "small", 40)
    first = protocol_sets(tmp_path, "t4", g, "small", seed=1)
    (sr,) = tmp_path.glob(f"{SETS_DIR}/*/*/SR.jsonl")
    sr.write_text("not json\n", encoding="utf-8")
    again = protocol_sets(tmp_path, "t4", g, "small", seed=1)
    assert again["SR"].words == first["SR"].words
    assert Dataset.load(sr).words == first["SR"].words  # rewritten whole
    monkeypatch.setitem(MLREGTEST_SIZES, "small", 20)  # another size: not the saved sets
    assert len(protocol_sets(tmp_path, "t4", g, "small", seed=1)["LR"]) == 20


def test_seen_counts_the_test_words_the_verifier_trained_on():
    from grammar import library

    g = library.tomita(4)
    sets = mlregtest_sets(g, 20, seed=0)
    verifier = Verifier.untrained(g)
    verifier.training_words = list(sets["SR"].words[:5]) + ["0" * 40]
    scores = score_sets(verifier, g, {name: sets[name] for name in TEST_SETS})
    assert [scores[name]["seen"] for name in TEST_SETS] == [5, 0, 0, 0]


def test_a_language_too_thin_for_the_sets_leaves_the_columns_empty(tmp_path):
    from grammar import library

    g = library.tomita(2)  # (10)*: one word of each even length
    with pytest.raises(GrammarError):
        mlregtest_sets(g, "small", seed=0)
    row = protocol.mlregtest_row(Verifier.untrained(g), g, out=tmp_path, label="t2",
                                 size="small", seed=0, run_dir=tmp_path)
    assert row == {"acc_SR": None, "acc_LR": None, "acc_SA": None, "acc_LA": None}
    assert "tomita-2" in json.loads((tmp_path / MLREGTEST_FILE).read_text())["error"]


# -- the table by class ---------------------------------------------------------------------------


def row(grammar, recipe="default", size="small", cell="gru", status="ok", **values):
    return {"grammar": grammar, "recipe": recipe, "cell": cell, "size": size, "status": status,
            **values}


ROWS = [
    row("04.04.SL.2.1.0", acc_SR=1.0, acc_LR=1.0, acc_SA=1.0, acc_LA=1.0, seconds=2.0,
        certify_verdict="proved"),
    row("16.16.SL.4.1.3", acc_SR=0.9, acc_LR=0.8, acc_SA=0.7, acc_LA=0.6, seconds=4.0,
        verdict="agrees"),
    row("04.03.TLT.4.1.9", acc_SR=1.0, acc_LR=1.0, acc_SA=1.0, acc_LA=1.0, seconds=3.0,
        verdict="agrees"),
    row("04.03.TLT.4.1.9", recipe="mlregtest", acc_SR=0.5, acc_LR=0.25, acc_SA=0.5,
        acc_LA=0.25, seconds=30.0, verdict="undecided"),
    row("04.03.TLT.2.2.1", recipe="mlregtest", acc_SR=1.0, acc_LR=1.0, acc_SA=1.0,
        acc_LA=1.0, seconds=10.0, counterexample=""),  # the search's: the empty word
    row("04.03.TLT.2.2.5", recipe="mlregtest", status="not trained: too thin"),
    row("parity", acc_SR=1.0, seconds=1.0),
]


def test_the_class_is_the_third_field_of_the_name():
    assert [grammar_class(r["grammar"]) for r in ROWS] == ["SL", "SL", "TLT", "TLT", "TLT",
                                                           "TLT", None]


def test_verdicts_follow_the_strongest_evidence():
    assert [network_verdict(r) for r in ROWS] == [
        "proved", "counterexample", "agrees", "counterexample", "counterexample", None,
        "undecided"]


def test_class_means_and_counts_match_a_hand_count():
    records = {(r["class"], r["recipe"]): r for r in class_table(ROWS)}
    assert set(records) == {("SL", "default"), ("TLT", "default"), ("TLT", "mlregtest"),
                            ("other", "default"), ("all", "default"), ("all", "mlregtest")}
    sl = records["SL", "default"]
    assert (sl["languages"], sl["runs"], sl["trained"]) == (2, 2, 2)
    assert [sl[f"acc_{s}"] for s in TEST_SETS] == pytest.approx([0.95, 0.9, 0.85, 0.8])
    assert (sl["proved"], sl["counterexample"], sl["agrees"], sl["undecided"]) == (1, 1, 0, 0)
    assert sl["seconds"] == pytest.approx(3.0)
    tlt = records["TLT", "mlregtest"]
    assert (tlt["languages"], tlt["runs"], tlt["trained"]) == (3, 3, 2)  # one did not train
    assert [tlt[f"acc_{s}"] for s in TEST_SETS] == pytest.approx([0.75, 0.625, 0.75, 0.625])
    assert (tlt["proved"], tlt["counterexample"], tlt["agrees"], tlt["undecided"]) == (0, 2, 0, 0)
    assert tlt["seconds"] == pytest.approx(20.0)
    everything = records["all", "default"]
    assert everything["runs"] == 4 and everything["seconds"] == pytest.approx(2.5)
    assert everything["acc_SR"] == pytest.approx((1.0 + 0.9 + 1.0 + 1.0) / 4)
    assert everything["acc_LA"] == pytest.approx((1.0 + 0.6 + 1.0) / 3)  # parity has none
    assert [r["class"] for r in class_table(ROWS) if r["recipe"] == "default"] == [
        "SL", "TLT", "other", "all"]


def test_the_markdown_is_a_table_per_size_and_cell_a_row_per_class():
    mixed = ROWS + [row("64.64.Zp.3.1.5", size="mid", cell="lstm", acc_SR=0.5)]
    blocks = class_blocks(class_table(mixed))
    assert [(b["size"], b["cell"]) for b in blocks] == [("small", "gru"), ("mid", "lstm")]
    text = class_markdown(class_table(mixed))
    table = [line for line in text.splitlines() if line.startswith("| TLT ")]
    cells = [c.strip() for c in table[0].strip("|").split("|")]
    # class, languages, then default's SR LR SA LA verdicts s, then mlregtest's
    assert cells == ["TLT", "3", "100.00%", "100.00%", "100.00%", "100.00%", "0 / 0 / 1 / 0",
                     "3.0", "75.00%", "62.50%", "75.00%", "62.50%", "0 / 2 / 0 / 0", "20.0"]
    assert "### Size mid, lstm" in text


def test_the_command_prints_the_class_table_of_a_suite(suite, capsys):
    out, rows, _ = suite
    assert main(["suite-table", str(out), "--by", "classes"]) == 0
    printed = capsys.readouterr().out
    assert printed.strip() == class_markdown(class_table(read_results(out)["rows"])).strip()
    assert "| SL | 1 |" in printed and "| Zp | 1 |" in printed
    assert main(["suite-table", str(out), "--by", "classes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"] == json.loads(json.dumps(
        class_table(rows)))
    assert main(["suite-table", str(out / "nowhere")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
