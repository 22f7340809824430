"""The exhaustive disagreement search, against brute force and planted errors.

Oracles: every word is scored separately by ``Verifier.predict`` (the
network's own batched path) and judged by ``Grammar.accepts``; near misses
are recognised by trying every single insertion, deletion and substitution
by hand; planted errors are words whose answers a stand-in verifier flips.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grammar import Grammar, GrammarError, library
from neural.judge.compare import compare
from neural.judge.search import search
from neural.model import ModelConfig
from neural.testing import PlantedVerifier
from neural.verifier import Verifier


def all_words(alphabet, max_length):
    return ["".join(w) for n in range(max_length + 1)
            for w in itertools.product(alphabet, repeat=n)]


def one_edit_member(g, word, alphabet):
    """Brute force: does one insertion, deletion or substitution make `word` a member?"""
    for i in range(len(word) + 1):
        for a in alphabet:
            if g.accepts(word[:i] + a + word[i:]):
                return True
    for i in range(len(word)):
        if g.accepts(word[:i] + word[i + 1:]):
            return True
        for a in alphabet:
            if a != word[i] and g.accepts(word[:i] + a + word[i + 1:]):
                return True
    return False


def kind_of(g, word):
    if g.accepts(word):
        return "member"
    return "near_miss" if one_edit_member(g, word, g.alphabet) else "other"


def brute_force(verifier, g, max_length, exhaustive):
    """The words in scope, the network's verdicts one by one, and the disagreements."""
    words = all_words(verifier.alphabet, max_length)
    kinds = [kind_of(g, w) for w in words]
    scope = [(w, k) for w, k in zip(words, kinds, strict=True)
             if len(w) <= exhaustive or k != "other"]
    said = verifier.predict([w for w, _ in scope]) > 0.5
    truth = np.array([k == "member" for _, k in scope])
    wrong = [scope[i] for i in np.flatnonzero(said != truth)]
    return scope, wrong


@pytest.mark.parametrize("name, model, max_length, exhaustive, chunk", [
    ("tomita-3", dict(hidden=8), 9, 9, 16384),
    ("tomita-5", dict(hidden=8), 9, 4, 16),          # tiny chunks: many pieces per level
    ("parity", dict(hidden=8, layers=2), 8, 3, 64),
    ("tomita-7", dict(hidden=6, cell="lstm"), 8, 5, 32),
    ("reber", dict(hidden=8), 6, 3, 256),              # seven symbols, sparse language
])
def test_trie_search_equals_scoring_every_word(name, model, max_length, exhaustive, chunk):
    g = library.get(name)
    v = Verifier.untrained(g, ModelConfig(vocab_size=len(g.alphabet) + 2, **model), seed=3)
    report = search(v, g, max_length=max_length, exhaustive=exhaustive, chunk=chunk,
                    keep=10**6, progress=False)
    scope, wrong = brute_force(v, g, max_length, exhaustive)
    for kind in ("member", "near_miss", "other"):
        assert report.checked[kind] == sum(k == kind for _, k in scope)
        assert report.disagreements_by_kind[kind] == sum(k == kind for _, k in wrong)
    assert report.words == len(scope)
    assert report.n_disagreements == len(wrong)
    # Every disagreement, shortest first and shortlex within a length, as brute force lists them.
    assert [d.word for d in report.disagreements] == [w for w, _ in wrong]
    assert all(d.confirmed for d in report.disagreements)
    assert [d.kind for d in report.disagreements] == [k for _, k in wrong]
    for row in report.checked_by_length:
        n = row["length"]
        assert row["member"] == sum(len(w) == n and k == "member" for w, k in scope)


def test_left_out_counts_the_other_non_members_beyond_the_exhaustive_length():
    g = library.tomita(4)
    v = Verifier.untrained(g, seed=0)
    report = search(v, g, max_length=9, exhaustive=4, progress=False)
    words = all_words("01", 9)
    expected = sum(len(w) > 4 and kind_of(g, w) == "other" for w in words)
    assert report.left_out == expected
    assert report.unchecked == 0 and not report.stopped
    assert report.complete_to == {"member": 9, "near_miss": 9, "other": 4}
    assert report.coverage() == ("every word up to length 4, then members and near misses "
                                 "up to length 9")


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(["tomita-1", "tomita-3", "tomita-6", "parity"]),
       planted=st.sets(st.text(alphabet="01", max_size=8), min_size=1, max_size=5))
def test_search_finds_the_planted_errors_shortest_first(name, planted):
    g = library.get(name)
    v = PlantedVerifier(g, planted)
    report = search(v, g, max_length=8, keep=100, progress=False)
    ordered = sorted(planted, key=lambda w: (len(w), w))
    assert [d.word for d in report.disagreements] == ordered
    assert report.n_disagreements == len(planted)
    assert all(d.member == g.accepts(d.word) for d in report.disagreements)


def test_search_beyond_the_exhaustive_length_finds_planted_members_and_near_misses():
    g = library.tomita(1)  # 1*
    planted = ["1" * 12, "1" * 5 + "0" + "1" * 6, "0" * 12]  # member, near miss, neither
    report = search(PlantedVerifier(g, planted), g, max_length=12, exhaustive=6,
                    progress=False)
    # Shortlex: at one length, "0" comes before "1".
    assert [d.word for d in report.disagreements] == ["1" * 5 + "0" + "1" * 6, "1" * 12]
    assert [d.kind for d in report.disagreements] == ["near_miss", "member"]
    assert report.disagreements[0].explanation == str(g.explain("1" * 5 + "0" + "1" * 6))


def test_a_budget_limits_the_exhaustive_length_and_says_what_it_left_out():
    g = library.tomita(3)
    v = Verifier.untrained(g, seed=0)
    report = search(v, g, max_length=40, budget=1.0, progress=False)
    assert report.exhaustive_length < 40
    assert report.left_out > 0
    assert "left out:" in str(report)
    # The budget is a promise about time, with a margin for one network step.
    assert report.seconds < 3.0


def test_a_budget_stop_reports_the_unchecked_words():
    g = library.tomita(3)
    v = Verifier.untrained(g, seed=0)
    report = search(v, g, max_length=30, exhaustive=30, budget=0.3, chunk=1024,
                    progress=False)
    assert report.stopped
    assert report.unchecked > 0
    assert max(report.complete_to.values()) < 30
    assert report.words + report.unchecked == 2**31 - 1
    assert "stopped by the budget" in str(report)


def test_report_text_json_and_verdict():
    g = library.tomita(2)
    v = PlantedVerifier(g, ["1010", "0"])
    report = search(v, g, max_length=6, progress=False)
    text = str(report)
    assert text.splitlines()[-1] == report.verdict.line
    assert report.verdict.line.startswith("verdict: the network is wrong on 2 of 127 words")
    data = json.loads(report.to_json())
    assert data["n_disagreements"] == 2 and data["words"] == 127
    assert data["disagreements"][0]["word"] == "0"
    clean = search(PlantedVerifier(g), g, max_length=6, progress=False)
    assert clean.agrees
    assert clean.verdict.line == ("verdict: the network agrees with the automaton on all 127 "
                                  "words checked (every word up to length 6)")


def test_token_grammars_are_searched_by_token():
    g = library.file_protocol()
    v = PlantedVerifier(g, [("open", "close")])
    report = search(v, g, max_length=3, progress=False)
    assert [d.word for d in report.disagreements] == [["open", "close"]]


def test_errors_name_the_argument():
    g = library.reber()
    v = Verifier.untrained(g)
    with pytest.raises(GrammarError, match="exhaustive"):
        search(v, g, max_length=3, exhaustive=4, progress=False)
    with pytest.raises(GrammarError, match="budget"):
        search(v, g, max_length=3, budget=0, progress=False)
    with pytest.raises(TypeError, match="budget"):
        search(v, g, max_length=3, budget="1", progress=False)
    with pytest.raises(TypeError, match="Grammar"):
        search(v, "reber", max_length=3, progress=False)
    wider = Grammar.from_edges([(0, 0, "Z"), (0, 1, "B")], start=0, accepting=[1])
    with pytest.raises(GrammarError, match="'Z'"):
        search(v, wider, max_length=3, progress=False)


def test_compare_can_include_the_search_and_ends_with_its_verdict():
    g = library.tomita(2)
    v = Verifier.untrained(g, seed=0)
    report = compare(v, g, n_per_set=20, include_search=True,
                     search_options={"max_length": 7, "budget": 5})
    assert report.search is not None and report.search.max_length == 7
    assert str(report).splitlines()[-1] == report.search.verdict.line
    assert report.to_dict()["search"]["words"] == report.search.words
    assert compare(v, g, n_per_set=20).search is None
