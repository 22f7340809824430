"""Tests for grammar.testing: checking hand-written generators against a grammar.

The buggy generator below is the README's: a textbook Reber generator that,
after the P from state 5, writes state 4's choices out again and forgets the
X. Its bad words are exactly those where that happened, about 18.8% of them.
"""

from __future__ import annotations

import random
import re

import pytest

from grammar import library
from grammar.testing import assert_generates_members, check_generator

TRANSITIONS = {
    0: [("B", 1)],
    1: [("T", 2), ("P", 3)],
    2: [("S", 2), ("X", 4)],
    3: [("T", 3), ("V", 5)],
    4: [("X", 3), ("S", 6)],
    5: [("P", 4), ("V", 6)],
    6: [("E", None)],
}


def reber_generator(bug: bool):
    """A one-string-at-a-time Reber walk; with `bug`, state 4 entered by P from 5 drops its X."""

    def generate() -> str:
        word, state, previous = "", 0, None
        while state is not None:
            symbol, nxt = random.choice(TRANSITIONS[state])
            if bug and state == 4 and previous == 5 and symbol == "X":
                symbol = ""
            word += symbol
            previous, state = state, nxt
        return word

    return generate


def test_check_generator_finds_the_forgotten_x(oracle):
    report = check_generator(reber_generator(bug=True), library.reber(), n=20000, seed=1)
    assert not report.ok and report.n == 20000
    assert report.shortest == "BPVPVVE"
    # about 18.8% of the words, as the design notes measured
    assert abs(report.fraction_bad - 0.188) < 0.01
    lengths = [len(b.word) for b in report.bad]
    assert lengths == sorted(lengths)
    assert all(not re.fullmatch(oracle.REBER_RE, b.word) for b in report.bad)
    assert sum(b.count for b in report.bad) == report.n_bad
    first = report.bad[0]
    assert (first.explanation.position, first.explanation.found) == (4, "V")
    assert first.explanation.expected == ("S", "X")
    text = str(report)
    assert text.startswith(f"{report.n_bad} of 20000 outputs")
    assert "shortest bad output: 'BPVPVVE'" in text and "expected one of 'S', 'X'" in text


def test_a_correct_generator_passes():
    report = assert_generates_members(reber_generator(bug=False), library.reber(), n=5000, seed=0)
    assert report.ok and report.fraction_bad == 0 and report.shortest is None
    assert str(report) == "all 5000 outputs are members of 'reber'"


def test_assert_generates_members_raises_with_the_report():
    with pytest.raises(AssertionError, match="shortest bad output: 'BPVPVVE'"):
        assert_generates_members(reber_generator(bug=True), library.reber(), n=5000, seed=0)


def test_seed_reproduces_and_restores_random_state():
    random.seed(123)
    before = random.random()
    random.seed(123)
    a = check_generator(reber_generator(bug=True), library.reber(), n=500, seed=7)
    assert random.random() == before  # the caller's random state is untouched
    b = check_generator(reber_generator(bug=True), library.reber(), n=500, seed=7)
    assert a == b


def test_iterables_generator_functions_and_junk():
    g = library.reber()
    assert check_generator(["BTXSE", "BTSE"], g).n_bad == 1
    assert check_generator(iter(["BTXSE"] * 3), g, n=2).n == 2

    def many():
        yield from ["BTXSE", "BPVVE", "BT"]

    report = check_generator(many, g)
    assert report.n == 3 and report.shortest == "BT"
    assert report.bad[0].explanation.ended_early
    junk = check_generator([42, "BTXSE", ["B", "T", "X", "S", "E"]], g)
    assert junk.n_bad == 1 and "not a word" in junk.bad[0].reason
    with pytest.raises(TypeError):
        check_generator(3, g)


def test_unhashable_outputs_are_reported_as_not_words():
    # A dict once raised "TypeError: unhashable type" out of check_generator.
    g = library.reber()
    outputs = [{"word": "BTXSE"}, "BTXSE", {"word": "BTXSE"}, {"B", "E"}, [{}], ["B", "T"]]
    report = check_generator(outputs, g)
    assert report.n == 6 and report.n_bad == 5
    reasons = {repr(b.word): (b.count, b.reason) for b in report.bad}
    assert reasons["{'word': 'BTXSE'}"][0] == 2
    for text in ["{'word': 'BTXSE'}", "[{}]"]:
        assert reasons[text][1].startswith("not a word"), reasons
    assert reasons["('B', 'T')"][1].startswith("rejected: ended early")
    assert "not a word" in str(report)


def test_token_grammar(protocol):
    outputs = [("open", "close"), ("open", "read"), ("close",)]
    report = check_generator(outputs, protocol)
    assert [b.word for b in report.bad] == [("close",), ("open", "read")]
