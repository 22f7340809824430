"""Hardening of the judges (:mod:`neural.judge.search`, :mod:`neural.judge.extract`): counts,
budgets, honest claims, odd languages and alphabets.

Oracles: exact Python-int counts (brute-force enumeration, or a state-count
recurrence in Python ints), ``Grammar.accepts``, Python predicates on the
words, and stand-in verifiers whose wrong answers are planted by hand.
"""

from __future__ import annotations

import time

import pytest

from grammar import Grammar, GrammarError, library, random_grammar
from grammar.cli_shared import MAX_LENGTH
from neural.cli import main
from neural.judge.extract import extract
from neural.judge.extract.sampling import check_long
from neural.judge.search import search
from neural.judge.search.counts import COUNT_CAP
from neural.judge.search.run import near_miss_states
from neural.judge.search.scope import Scope
from neural.suite import SpecError, parse_spec
from neural.suite.judges import JUDGES
from neural.testing import PlantedVerifier

CAP = 2**53


def exact_nodes(g, max_length, exhaustive):
    """Trie nodes of a walk, in Python ints: every prefix up to `exhaustive`, then those
    that can still end as a member or near miss within `max_length` (brute force)."""
    scope = Scope.build(g, g.alphabet)
    reach = [int(r) for r in scope.reach]
    counts = {scope.start: 1}
    total = 1
    for depth in range(1, max_length + 1):
        step: dict[int, int] = {}
        for state, n in counts.items():
            for target in scope.table[state]:
                step[int(target)] = step.get(int(target), 0) + n
        if depth > exhaustive:
            step = {s: n for s, n in step.items() if reach[s] <= max_length - depth}
        counts = step
        total += sum(step.values())
    return total


def everything(symbols):
    """Sigma*: one accepting state looping on every symbol."""
    return Grammar.from_edges([(0, 0, s) for s in symbols], start=0, accepting=[0],
                              name="everything")


# -- item 12: lengths whose counts pass float64 ----------------------------------------------


@pytest.mark.parametrize(("g", "max_length"), [
    (library.parity(), 1100),                            # 2**1101 nodes: float64 overflows
    (everything([f"s{i}" for i in range(64)]), 200),      # 64**200
])
def test_a_search_longer_than_float64_counts_reports_instead_of_overflowing(g, max_length):
    word = tuple(g.alphabet[:1]) * 3
    report = search(PlantedVerifier(g, [word]), g, max_length=max_length, budget=0.5,
                    progress=False)
    assert report.stopped
    found = report.disagreements[0].word
    assert (found if isinstance(found, str) else tuple(found)) == (
        "".join(word) if g.single_char else word)
    # The words in scope pass 2**53: the report says "at least", not a wrapped number.
    assert report.unchecked == CAP
    assert "at least 9,007,199,254,740,992 words in scope unchecked" in str(report)


@pytest.mark.parametrize("name", ["tomita-1", "tomita-3", "parity", "reber"])
def test_node_counts_are_exact_below_the_cap_and_saturate_at_it(name):
    g = library.get(name)
    scope = Scope.build(g, g.alphabet)
    for max_length, exhaustive in [(6, 0), (6, 6), (9, 4), (70, 0), (70, 20), (70, 70)]:
        assert scope.nodes(max_length, exhaustive) == min(
            exact_nodes(g, max_length, exhaustive), CAP), (max_length, exhaustive)
    # The members of each length, from the automaton's own Python-int count.
    for length in (0, 5, 40, 80):
        assert scope.totals(length)["member"] == min(g.dfa.count(length), CAP)


def test_the_longest_allowed_length_is_searched_within_its_budget():
    g = library.parity()
    report = search(PlantedVerifier(g, ["0110"]), g, max_length=MAX_LENGTH, budget=0.5,
                    progress=False)
    assert [d.word for d in report.disagreements] == ["0110"]
    assert report.left_out == 0  # parity: every word is a member or a near miss
    assert report.unchecked == COUNT_CAP


def test_lengths_over_the_limit_are_refused_at_once():
    g = library.parity()
    v = PlantedVerifier(g)
    with pytest.raises(GrammarError, match=r"max_length must be <= 100,000"):
        search(v, g, max_length=MAX_LENGTH + 1, progress=False)
    with pytest.raises(GrammarError, match=r"max_length must be <= 100,000"):
        extract(v, g, max_length=10**9, progress=False)


@pytest.mark.parametrize("command", ["search", "extract"])
def test_the_command_line_refuses_a_length_over_the_limit_in_one_line(command, capsys):
    assert main([command, "/nonexistent/run", "--max-length", "100001"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "argument --max-length: '100001' is too long: lengths go up to 100000" in err


SPEC = """
name = "long"
[grammars]
builtin = ["parity"]
[[models]]
name = "tiny"
hidden = 4
[search]
max_length = {length}
"""


def test_a_suite_spec_with_a_search_over_the_limit_is_refused_when_loaded():
    with pytest.raises(SpecError, match=r"search\.max_length: must be <= 100000"):
        parse_spec(SPEC.format(length=MAX_LENGTH + 1), where="long.toml")
    assert parse_spec(SPEC.format(length=MAX_LENGTH)).search["max_length"] == MAX_LENGTH



# -- item 16: the budget counts the whole call ------------------------------------------------


def test_the_near_miss_automaton_is_built_only_as_large_as_the_budget_affords():
    g = random_grammar(12, "abcd", seed=0)  # its near-miss build passes 200 states
    assert near_miss_states(0.02, 4) < 200 < near_miss_states(1.0, 4)
    tight = search(PlantedVerifier(g), g, max_length=6, budget=0.02, progress=False)
    assert not tight.near_misses
    assert "too large to build within the budget" in str(tight)
    roomy = search(PlantedVerifier(g), g, max_length=6, budget=1.0, progress=False)
    assert roomy.near_misses


def test_a_preparation_that_spends_the_budget_leaves_the_walk_no_time(monkeypatch):
    shift = [0.0]
    clock = time.perf_counter
    monkeypatch.setattr(time, "perf_counter", lambda: clock() + shift[0])
    build = Scope.build.__func__

    def slow_build(cls, *args, **options):
        shift[0] += 30.0  # the preparation "takes" 30 s of a 1 s budget
        return build(cls, *args, **options)

    monkeypatch.setattr(Scope, "build", classmethod(slow_build))
    g = library.parity()
    report = search(PlantedVerifier(g, ["0"]), g, max_length=8, budget=1.0, progress=False)
    assert report.stopped and report.seconds >= 30
    assert report.words == 1 and report.nodes == 1  # the root, scored before the first step
    assert report.verdict.line.endswith("the budget stopped the search early")


@pytest.mark.slow
def test_a_one_second_search_on_a_300_state_64_symbol_grammar_holds_its_budget():
    g = random_grammar(300, [f"s{i}" for i in range(64)], seed=0)
    started = time.perf_counter()
    report = search(PlantedVerifier(g), g, max_length=200, budget=1.0, progress=False)
    assert time.perf_counter() - started < 1.0 + 5.0
    assert report.stopped


# -- item 22: words checked are distinct words ------------------------------------------------


def test_an_extraction_counts_each_word_it_checked_once():
    g = Grammar.from_edges([(0, 0, "a")], start=0, accepting=[0], name="a*")
    ex = extract(PlantedVerifier(g), g, budget=5, max_length=10, n_long=3000, progress=False)
    assert ex.verdict == "agrees"
    # Over one symbol there is one word per length: lengths 0-10 searched, 11-20 sampled.
    lo, hi = ex.sampled_lengths
    assert (lo, hi) == (11, 20)
    assert ex.sampled == hi - lo + 1
    assert ex.words_checked == len({"a" * n for n in range(hi + 1)}) == 21


# -- item 15: an extraction holds its budget at long lengths -----------------------------------


def test_long_word_rounds_stop_when_the_last_pace_says_the_next_would_overrun(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: now[0])
    g = library.tomita(1)

    def ask(words):  # the network takes one (fake) second per word
        now[0] += len(words)
        return g.accepts_many(words)

    long = check_long(ask, g, ("0", "1"), n=3000, lengths=(40, 80), seed=0, deadline=20.0)
    # Rounds of 3 and 12 words end at 15 s; at 1 s a word, 48 more would end past 20 s.
    assert (long.checked, long.stopped, long.wrong) == (15, True, None)
    assert 40 <= long.longest <= 80
    none = check_long(ask, g, ("0", "1"), n=3000, lengths=(40, 80), seed=0, deadline=now[0])
    assert (none.checked, none.stopped) == (0, True)


def test_a_long_extraction_holds_its_budget():
    g = library.tomita(1)
    started = time.perf_counter()
    ex = extract(PlantedVerifier(g), g, budget=1.0, max_length=3000, progress=False)
    assert time.perf_counter() - started < 1.0 + 5.0  # it took 70.8 s at budget 5
    assert ex.verdict == "agrees" and ex.search.max_length <= 3000


# -- item 13: the empty language ---------------------------------------------------------------


@pytest.mark.parametrize("planted", ["", "00000"])
def test_an_extraction_against_the_empty_language_names_its_counterexample(planted):
    g = Grammar.from_edges([(0, 0, "0"), (0, 0, "1")], start=0, accepting=[], empty=True,
                           name="empty")
    ex = extract(PlantedVerifier(g, [planted]), g, budget=3, max_length=3, progress=False)
    assert ex.verdict == "counterexample"
    c = ex.counterexample
    assert (c.word, c.member, c.kind, c.confirmed) == (planted, False, "other", True)
    # search on the same pair: the empty language has no near misses either
    report = search(PlantedVerifier(g, [planted]), g, max_length=5, progress=False)
    assert [(d.word, d.kind) for d in report.disagreements] == [(planted, "other")]


# -- item 8: "shortest" only when every shorter word was checked -------------------------------


def counted(verifier, steps):
    """`verifier` whose every network step advances `steps` (a fake clock's seconds)."""
    own = verifier.stepper

    class Counted:
        def __init__(self, inner):
            self.inner, self.device = inner, inner.device

        def start(self):
            return self.inner.start()

        def step(self, *args):
            steps[0] += 1
            return self.inner.step(*args)

        def logits(self, state):
            return self.inner.logits(state)

    verifier.stepper = lambda device: Counted(own(device))
    return verifier


def test_a_search_stopped_by_its_budget_calls_its_find_shortest_only_when_proven(monkeypatch,
                                                                               tmp_path):
    g = library.parity()
    planted = ["11111", "0" * 12]
    steps = [0]
    monkeypatch.setattr(time, "perf_counter", lambda: float(steps[0]))
    v = counted(PlantedVerifier(g, planted), steps)
    # A 100-step budget: the depth-first walk reaches 0**12 but never the "1" subtree.
    report = search(v, g, max_length=12, exhaustive=12, chunk=2, budget=100, progress=False)
    assert report.stopped and report.words < 2**12 - 1  # fewer than the words shorter than 12
    assert [d.word for d in report.disagreements] == ["0" * 12]
    assert min(planted, key=len) == "11111"  # a shorter error exists, unchecked
    assert not report.shortest_proven and not report.to_dict()["shortest_proven"]
    verdict = report.verdict.line
    assert "shortest found: 000000000000" in verdict and "shortest:" not in verdict
    assert "not every shorter word was checked" in verdict
    assert "1 shortest found (word" in str(report)
    # Given the time, the same search proves its shortest.
    full = search(PlantedVerifier(g, planted), g, max_length=12, progress=False)
    assert [d.word for d in full.disagreements] == sorted(planted, key=len)
    assert full.shortest_proven and "shortest: 11111" in full.verdict.line
    # The suite's row says so too.
    for result, proven in ((report, False), (full, True)):
        columns = JUDGES["search"].row(result, tmp_path)
        assert columns["counterexample_shortest"] is proven
        assert columns["counterexample"] == result.disagreements[0].word


# -- item 24: a verifier's multi-character symbols, judged by a one-character grammar ----------


def test_findings_of_a_verifier_with_multi_character_symbols_are_token_sequences():
    g = library.tomita(1)  # 1*, over 0 and 1
    planted = [("1", "10"), ("10",)]
    v = PlantedVerifier(g, planted, alphabet=("0", "1", "10"))
    report = search(v, g, max_length=3, progress=False)
    assert [tuple(d.word) for d in report.disagreements] == sorted(planted, key=len)
    assert all(d.confirmed and not d.member for d in report.disagreements)
    assert "shortest: 10 (non-member" in report.verdict.line
    assert "\n  1 10  non-member" in str(report)  # not "110", which is another word
    ex = extract(v, g, budget=3, max_length=3, progress=False)
    assert ex.verdict == "counterexample" and ex.counterexample.word == ["10"]
    assert ex.counterexample.confirmed
