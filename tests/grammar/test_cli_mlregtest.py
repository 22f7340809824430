"""``grammar dataset --protocol mlregtest``: MLRegTest's six sets written to a directory.

Labels are checked with :func:`re.fullmatch` of the grammar's pattern, and
lengths and sizes against the benchmark's published protocol.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

from grammar.cli import main
from grammar.datasets import MLREGTEST_SIZES, Dataset

PATTERN = "[bc]*(?:a[bc]*a[bc]*)*"  # an even number of a's
LENGTHS = {"train": range(20, 30), "dev": range(20, 30), "SR": range(20, 30),
           "SA": range(20, 30), "LR": range(31, 51), "LA": range(31, 51)}


def call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def one_error_line(result: tuple[int, str, str], *fragments: str) -> None:
    code, out, err = result
    assert (code, out) == (2, ""), result
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def test_the_protocol_writes_six_sets(tmp_path):
    out = tmp_path / "sets"
    code, stdout, _ = call("dataset", f"re:{PATTERN}", "--protocol", "mlregtest", "--out",
                           str(out), "--seed", "3", "--json")
    assert code == 0
    summary = json.loads(stdout)
    assert (summary["protocol"], summary["size"], summary["seed"]) == ("mlregtest", "small", 3)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.jsonl" for n in LENGTHS)
    member = re.compile(PATTERN)
    for name, lengths in LENGTHS.items():
        data = Dataset.load(out / f"{name}.jsonl")
        assert len(data) == 1_000 and int(data.labels.sum()) == 500, name
        assert summary["sets"][name] == {"file": str(out / f"{name}.jsonl"), "words": 1_000,
                                         "members": 500}
        assert {len(w) for w in data.words} <= set(lengths), name
        for word, label in zip(data.words, data.labels.tolist(), strict=True):
            assert (member.fullmatch(word) is not None) == label, (name, word)
    _, again, _ = call("dataset", f"re:{PATTERN}", "--protocol", "mlregtest", "--out",
                       str(tmp_path / "again"), "--seed", "3")
    assert again.startswith(f"wrote MLRegTest's small sets to {tmp_path / 'again'} (seed 3)")
    for name in LENGTHS:
        assert (tmp_path / "again" / f"{name}.jsonl").read_bytes() == \
            (out / f"{name}.jsonl").read_bytes(), name


@pytest.mark.parametrize(("extra", "fragments"), [
    (("-n", "50"), ["-n does not go with --protocol mlregtest"]),
    (("--lengths", "1-9"), ["--lengths does not go with --protocol mlregtest"]),
    (("--long-range", "0.5"), ["--long-range"]),
])
def test_options_the_protocol_fixes_are_refused(tmp_path, extra, fragments):
    one_error_line(call("dataset", "parity", "--protocol", "mlregtest", "--out",
                        str(tmp_path / "d"), *extra), *fragments)
    assert not (tmp_path / "d").exists()


def test_size_needs_the_protocol_and_names_its_choices(tmp_path):
    one_error_line(call("dataset", "parity", "--out", str(tmp_path / "d.jsonl"), "--size",
                        "mid"), "--size goes with --protocol mlregtest")
    code, _, err = call("dataset", "parity", "--protocol", "mlregtest", "--out",
                        str(tmp_path / "d"), "--size", "huge")
    assert code == 2
    choices = re.findall(r"'(\w+)'", err.split("choose from", 1)[1])
    assert choices == list(MLREGTEST_SIZES)


def test_a_thin_language_and_a_file_for_a_directory_are_one_line_errors(tmp_path):
    one_error_line(call("dataset", "tomita-2", "--protocol", "mlregtest", "--out",
                        str(tmp_path / "d"), "--seed", "0"),
                   "train set needs 50 members of length 20")
    file = tmp_path / "taken.jsonl"
    file.write_text("", encoding="utf-8")
    one_error_line(call("dataset", "parity", "--protocol", "mlregtest", "--out", str(file)),
                   "not a directory")


def test_the_balanced_data_set_keeps_its_defaults(tmp_path):
    out = tmp_path / "d.jsonl"
    code, stdout, _ = call("dataset", "parity", "--out", str(out), "-n", "40", "--seed", "1",
                           "--json")
    assert code == 0 and json.loads(stdout)["words"] == 40
    data = Dataset.load(out)
    assert {len(w) for w in data.words} <= set(range(1, 31))
    assert data.info["long_range"] == 0.0
