"""The ``grammar`` command line, run as a user runs it: ``python -m grammar ...`` in a subprocess.

Answers are held against independent oracles: ``re.fullmatch`` with the hand-derived
regexes of conftest, the Tomita predicates, and brute-force enumeration of words.
"""

from __future__ import annotations

import contextlib
import decimal
import importlib.util
import io
import itertools
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grammar import library
from grammar.cli import main

ROOT = Path(__file__).resolve().parents[2]
REBER_ALPHABET = "BEPSTVX"


def run(
    *args: str | bytes, stdin: str | None = None, env: dict | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    path = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "grammar", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, **(env or {})},
        timeout=timeout,
    )


def call(*args: str) -> subprocess.CompletedProcess:
    """Run :func:`grammar.cli.main` in this process (no start-up cost), captured like `run`."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def assert_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    """Exit 2, nothing on stdout, exactly one line on stderr holding every fragment."""
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def all_words(alphabet: str, max_length: int) -> list[str]:
    return [
        "".join(w) for n in range(max_length + 1) for w in itertools.product(alphabet, repeat=n)
    ]


def needs(module: str):
    """Skip a test of a command whose module (written in another issue) is not there yet."""
    return pytest.mark.skipif(
        importlib.util.find_spec(module) is None, reason=f"{module} not written yet"
    )


# -- check ----------------------------------------------------------------------------------------


def test_check_words_exit_codes_and_diagnosis():
    ok = run("check", "reber", "BTSSXSE", "BPVVE")
    assert (ok.returncode, ok.stderr) == (0, "")
    assert ok.stdout == "BTSSXSE: accepted\nBPVVE: accepted\n"

    bad = run("check", "reber", "BTSSXSE", "BPVPVVE")
    assert bad.returncode == 1 and bad.stderr == ""
    assert bad.stdout.splitlines()[1] == (
        "BPVPVVE: rejected at position 4: found 'V' after 'BPVP', expected one of 'S', 'X'"
    )


def test_check_file_against_regex(tmp_path, oracle):
    words = all_words(REBER_ALPHABET, 4) + ["BTSSXXTVVE", "BPTTVPXVPXTTVVE", "BTXXVVE"]
    path = tmp_path / "words.txt"
    path.write_text("\n".join(words) + "\n")
    result = run("check", "reber", "--file", str(path), "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    verdicts = [r["accepted"] for r in document["results"]]
    assert [r["word"] for r in document["results"]] == words
    assert verdicts == [bool(re.fullmatch(oracle.REBER_RE, w)) for w in words]
    assert document["accepted"] == sum(verdicts) == 3
    assert document["rejected"] == len(words) - 3
    first_bad = next(r for r in document["results"] if not r["accepted"])
    assert set(first_bad) == {"word", "accepted", "position", "found", "expected", "ended_early"}


def test_check_count_uses_the_file_and_matches_regex(tmp_path, oracle):
    words = all_words(REBER_ALPHABET, 6)
    path = tmp_path / "words.txt"
    path.write_text("\n".join(words) + "\n")
    accepted = sum(bool(re.fullmatch(oracle.REBER_RE, w)) for w in words)
    result = run("check", "reber", "-f", str(path), "--count", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "grammar": "reber",
        "words": len(words),
        "accepted": accepted,
        "rejected": len(words) - accepted,
    }
    text = run("check", "reber", "--file", str(path), "--count")
    assert text.stdout == f"{accepted} accepted, {len(words) - accepted} rejected\n"


def test_check_stdin_and_all_accepted(oracle):
    members = [w for w in all_words("01", 8) if re.fullmatch(oracle.TOMITA_RE[4], w)]
    result = run("check", "tomita-4", "--count", stdin="\n".join(members) + "\n")
    assert result.returncode == 0
    assert result.stdout == f"{len(members)} accepted, 0 rejected\n"
    listed = run("check", "tomita-4", stdin="000\r\n1001\r\n")  # CRLF lines
    assert listed.returncode == 1
    assert listed.stdout.splitlines()[1] == "1001: accepted"


def test_check_token_grammar_and_empty_word():
    result = run("check", "file-protocol", "open read seek close", "open close read", "--json")
    assert result.returncode == 1
    results = json.loads(result.stdout)["results"]
    assert [r["accepted"] for r in results] == [True, False]
    assert results[1]["position"] == 2 and results[1]["found"] == "read"
    empty = run("check", "tomita-1", "")
    assert (empty.returncode, empty.stdout) == (0, "'': accepted\n")


# -- count, equiv, show, list ---------------------------------------------------------------------


@pytest.mark.parametrize("k", range(1, 8))
def test_count_against_brute_force(k, oracle):
    result = call("count", f"tomita-{k}", "--length", "0-9", "--json")
    assert result.returncode == 0
    counts = {c["length"]: c["count"] for c in json.loads(result.stdout)["counts"]}
    predicate = oracle.TOMITA_PREDICATES[k]
    assert counts == {n: sum(map(predicate, all_words("01", n)[2**n - 1 :])) for n in range(10)}


def test_count_single_length_and_big_numbers():
    assert run("count", "reber", "-l", "8").stdout == "7\n"
    # 2**499 words of length 500 have an even number of 1s: exact, no overflow
    assert run("count", "parity", "-l", "500").stdout == f"{2**499}\n"


def shortest_difference(first, second, alphabet: str = "01", max_length: int = 10):
    """Brute force: the shortlex-first word on which two predicates differ."""
    return next((w for w in all_words(alphabet, max_length) if first(w) != second(w)), None)


@pytest.mark.parametrize(("a", "b"), [(1, 2), (3, 4), (4, 7), (5, 6), (2, 6)])
def test_equiv_counterexample_against_brute_force(a, b, oracle):
    predicates = oracle.TOMITA_PREDICATES
    word = shortest_difference(predicates[a], predicates[b])
    result = call("equiv", f"tomita-{a}", f"tomita-{b}", "--json")
    assert result.returncode == 1
    accepted_by = f"tomita-{a}" if predicates[a](word) else f"tomita-{b}"
    rejected_by = ({f"tomita-{a}", f"tomita-{b}"} - {accepted_by}).pop()
    assert json.loads(result.stdout) == {
        "equivalent": False,
        "counterexample": word,
        "accepted_by": accepted_by,
        "rejected_by": rejected_by,
    }


def test_equiv_text_and_files(tmp_path, oracle):
    # Reber declared by hand in DOT from the transition list: the same language
    edges = "\n".join(f'  {u} -> {v} [label="{s}"];' for u, v, s in oracle.REBER_EDGES)
    path = tmp_path / "reber.dot"
    path.write_text(f"digraph {{\n  start=0;\n  7 [shape=doublecircle];\n{edges}\n}}\n")
    same = call("equiv", "reber", str(path))
    assert (same.returncode, same.stdout) == (0, "equivalent\n")
    differ = run("equiv", str(path), "embedded-reber")
    assert differ.returncode == 1
    assert differ.stdout == (
        f"not equivalent: BPVVE is accepted by {path} but not by embedded-reber\n"
    )


def test_show_formats_round_trip(tmp_path):
    for fmt, suffix in (("dot", ".dot"), ("json", ".json")):
        result = run("show", "embedded-reber", "--format", fmt)
        assert result.returncode == 0
        path = tmp_path / f"e{suffix}"
        path.write_text(result.stdout)
        assert call("equiv", str(path), "embedded-reber").stdout == "equivalent\n"


def test_show_text_and_json():
    text = run("show", "reber").stdout.splitlines()
    assert text[0].startswith("reber: Reber grammar")
    assert "states: 8 (start 0; accepting 7)" in text
    assert "  5 -P-> 4" in text
    assert text[-1] == "minimal DFA: 9 states, one of them the dead state"
    summary = json.loads(run("show", "tomita-3", "--json").stdout)
    assert summary["dfa_states"] == 5 and summary["alphabet"] == ["0", "1"]
    assert summary["declaration"]["start"] == 0


def test_list():
    names = library.names()
    text = run("list").stdout.splitlines()
    assert [line.split()[0] for line in text] == names
    listed = json.loads(run("list", "--json").stdout)
    assert [entry["name"] for entry in listed] == names
    assert all(entry["description"] for entry in listed)


# -- errors ---------------------------------------------------------------------------------------


def test_errors_are_one_line_with_exit_2(tmp_path):
    # through a real process: the message, the exit status, no traceback
    assert_error(
        run("check", "no-such-grammar", "x"), "no built-in grammar named 'no-such-grammar'"
    )
    assert_error(run("count", "reber"), "--length")  # argparse's own usage error
    bad = tmp_path / "bad.dot"
    bad.write_text("digraph { a -> ; }")
    assert_error(run("show", str(bad)), str(bad), "invalid DOT")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("check", "reber", "--file", "{tmp}/none.txt"), ("none.txt", "No such file")),
        (("count", "reber", "-l", "5-2"), ("'5-2'",)),
        (("count", "reber", "-l", "x"), ("'x'",)),
        (("sample", "reber", "-n", "-3"), ("'-3'",)),
        (("frobnicate",), ("invalid choice",)),
        (("check", "reber", "--bogus"), ("--bogus",)),
        (("check", "reber", "W", "--file", "F"), ("not both",)),
        (("show", "reber", "--format", "dot", "--json"), ("--json",)),
        (("sample", "reber", "--uniform"), ("--uniform needs --length",)),
        (("sample", "reber", "--length", "5"), ("--length needs --uniform",)),
        (("sample", "reber", "--uniform", "-l", "5", "--max-length", "9"), ("--max-length",)),
        (("equiv", "reber", "{tmp}/x.txt"), ("unknown grammar file type",)),
        (("check", "{tmp}/worse.json", "a"), ("worse.json", "edges[0] has no 'symbol'")),
    ],
)
def test_usage_and_input_errors(args, fragments, tmp_path):
    (tmp_path / "x.txt").write_text("x")
    (tmp_path / "worse.json").write_text(
        '{"start": 0, "accepting": [0], "edges": [{"source": 0, "target": 0}]}'
    )
    assert_error(call(*(a.format(tmp=tmp_path) for a in args)), *fragments)


def test_help_and_version():
    assert run("--help").returncode == 0
    assert call("check", "--help").returncode == 0
    assert call("--version").stdout.startswith("grammarlab ")
    assert call().returncode == 2


def test_in_process_main(capsys):
    assert main(["count", "tomita-5", "-l", "4"]) == 0
    assert capsys.readouterr().out == "8\n"  # 0000, 1111 and the six with two of each
    assert main(["check", "nope", "x"]) == 2
    assert capsys.readouterr().err.startswith("grammar: error: no built-in grammar")


def test_check_does_not_import_heavy_modules():
    # A single check must start fast: no Hypothesis, tqdm, matplotlib, torch, pydot or networkx.
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "grammar", "check", "reber", "BTSSXSE"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    heavy_modules = ("hypothesis", "tqdm", "matplotlib", "torch", "pydot", "networkx")
    for heavy in heavy_modules:
        assert heavy not in imported, heavy


# -- hardening (issue 8) --------------------------------------------------------------------------


def test_count_prints_counts_past_the_int_to_str_limit():
    # Parity has 2**(n-1) words of length n >= 1; 2**14299 has 4,305 digits, past the 4,300
    # that str(int) allows by default.
    limit = sys.get_int_max_str_digits()
    result = run("count", "parity", "--length", "14300")
    assert (result.returncode, result.stderr) == (0, "")
    assert decimal.Decimal(result.stdout) == 2**14299  # Decimal compares with an int exactly
    document = call("count", "parity", "-l", "14299-14300", "--json").stdout
    counts = json.loads(document, parse_int=decimal.Decimal)["counts"]
    assert counts == [{"length": 14299, "count": 2**14298}, {"length": 14300, "count": 2**14299}]
    assert sys.get_int_max_str_digits() == limit  # no process-wide setting was changed


@pytest.mark.parametrize(
    "args",
    [
        ("count", "parity", "--length", "99999999999999999999"),
        ("count", "parity", "--length", "0-100001"),
        ("count", "parity", "--length", "9" * 5000),  # past int(str)'s own digit limit
        ("sample", "parity", "--uniform", "--length", "1000000"),
        ("near-miss", "parity", "--length", "100001"),
        ("sample", "parity", "--max-length", "100001"),
    ],
)
def test_absurd_lengths_are_refused_before_any_work(args):
    start = time.perf_counter()
    # a subprocess with a time limit: the old code ran out of memory on these
    result = run(*args, timeout=60)
    assert_error(result, "argument -", "length")
    assert time.perf_counter() - start < 30
    if "9" * 50 not in args[-1]:
        assert "100000" in result.stderr  # the error says the maximum ...
    assert "100000" in call(args[0], "--help").stdout  # ... and so does the help


def test_undecodable_argument_bytes_are_rejected_and_the_rest_answered():
    # b"\xff" is not UTF-8: Python hands it over as the lone surrogate '\udcff', a symbol
    # no alphabet holds. A strict stdout, as in a UTF-8 locale, must still take the output.
    strict = {"PYTHONIOENCODING": "utf-8:strict"}
    result = run("check", "reber", b"BT\xffXSE", "BTSSXSE", env=strict)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "'BT\\udcffXSE': rejected at position 2: found '\\udcff' after 'BT', "
        "expected one of 'S', 'X'",
        "BTSSXSE: accepted",
    ]
    document = json.loads(
        run("check", "reber", b"BT\xffXSE", "BTSSXSE", "--json", env=strict).stdout
    )
    assert [(r["word"], r["accepted"]) for r in document["results"]] == [
        ("BT\udcffXSE", False),
        ("BTSSXSE", True),
    ]
    counted = run("check", "reber", b"BT\xffXSE", "BTSSXSE", "--count", env=strict)
    assert (counted.returncode, counted.stdout) == (1, "1 accepted, 1 rejected\n")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("sample", "reber", "--seed", "-5"), "--seed"),
        (("near-miss", "reber", "--seed", "-5"), "--seed"),
        (("dataset", "reber", "--out", "{tmp}/d.jsonl", "--seed", "-5"), "--seed"),
        (("sample", "reber", "--seed", "x"), "--seed"),
        (("sample", "reber", "-n", "x"), "-n"),
        (("sample", "reber", "--min-length", "-1"), "--min-length"),
        (("sample", "reber", "--max-length", "1e3"), "--max-length"),
        (("sample", "reber", "--min-length", "5", "--max-length", "3"), "--min-length"),
        (("dataset", "reber", "--out", "{tmp}/d.jsonl", "--lengths", "9-3"), "--lengths"),
        (("dataset", "reber", "--out", "{tmp}/d.jsonl", "--long-range", "nan"), "--long-range"),
        (("near-miss", "reber", "--long-range", "-0.5"), "--long-range"),
        (("near-miss", "reber", "--kinds", "swap"), "--kinds"),
    ],
)
def test_every_option_error_names_the_option(args, option, tmp_path):
    result = call(*(a.format(tmp=tmp_path) for a in args))
    assert_error(result, option)
    assert not (tmp_path / "d.jsonl").exists()


def test_equiv_exit_status_is_documented():
    assert "1 the languages differ" in " ".join(call("equiv", "--help").stdout.split())
    assert call("equiv", "tomita-1", "tomita-2").returncode == 1
    assert call("equiv", "tomita-1", "tomita-1").returncode == 0


# -- the generator commands (issue 3) -------------------------------------------------------------


@needs("grammar.sampling")
def test_sample_walks_and_uniform(oracle):
    result = run("sample", "embedded-reber", "-n", "50", "--seed", "7", "--json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["seed"] == 7 and len(document["words"]) == 50
    assert all(re.fullmatch(oracle.EMBEDDED_REBER_RE, w) for w in document["words"])
    again = run("sample", "embedded-reber", "-n", "50", "--seed", "7")
    assert again.stdout.splitlines() == document["words"]

    bounded = run("sample", "reber", "-n", "30", "--min-length", "9", "--max-length", "12")
    assert all(9 <= len(w) <= 12 for w in bounded.stdout.splitlines())

    uniform = run("sample", "tomita-4", "-n", "40", "--uniform", "--length", "6-8", "--json")
    words = json.loads(uniform.stdout)["words"]
    assert len(words) == 40
    assert all(6 <= len(w) <= 8 and "000" not in w for w in words)
    assert_error(run("sample", "tomita-2", "--uniform", "--length", "3"), "3")  # no members

    # the text output is one word a line, empty words included, as `check` reads them back
    lines = call("sample", "tomita-1", "-n", "30", "--seed", "1").stdout
    assert "" in lines.splitlines()
    assert run("check", "tomita-1", "--count", stdin=lines).stdout == "30 accepted, 0 rejected\n"


@needs("grammar.negatives")
def test_near_miss(oracle):
    result = run("near-miss", "reber", "-n", "40", "--seed", "3", "--json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)["near_misses"]
    assert len(rows) == 40
    for row in rows:
        assert not re.fullmatch(oracle.REBER_RE, row["word"])
        assert re.fullmatch(oracle.REBER_RE, row["source"])
        assert row["kind"] in ("substitute", "insert", "delete", "transpose")
        assert 0 <= row["position"] <= len(row["source"])
    far = call(
        "near-miss", "embedded-reber", "-n", "20", "--long-range", "1", "-l", "9-12", "--json"
    )
    for row in json.loads(far.stdout)["near_misses"]:
        assert row["long_range"] and 9 <= len(row["word"]) <= 12
        assert not re.fullmatch(oracle.EMBEDDED_REBER_RE, row["word"])
    assert_error(call("near-miss", "reber", "--long-range", "2"), "--long-range")
    only = run("near-miss", "reber", "-n", "10", "--kinds", "delete", "--seed", "3")
    lines = [line.split("\t") for line in only.stdout.splitlines()]
    assert len(lines) == 10 and {kind for _, kind, _ in lines} == {"delete"}


@needs("grammar.datasets")
def test_dataset(tmp_path, oracle):
    out = tmp_path / "tomita4.jsonl"
    result = run(
        "dataset",
        "tomita-4",
        "--out",
        str(out),
        "-n",
        "200",
        "--lengths",
        "1-12",
        "--seed",
        "5",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["words"] == summary["members"] + summary["non_members"] > 0
    from grammar.datasets import Dataset

    dataset = Dataset.load(out)
    for word, label in zip(dataset.words, dataset.labels.tolist(), strict=True):
        assert label == oracle.TOMITA_PREDICATES[4](word)
