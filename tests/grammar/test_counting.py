"""Counting at any length: exact, in memory that does not grow with the length.

Oracles: closed forms (parity has 2**(L-1) words of length L >= 1, (10)* one
word of each even length), the path-counting DP of conftest, and brute force
over all words for short lengths.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grammar import Grammar, GrammarError, counting, library
from grammar.automaton import INT64_SAFE
from grammar.counting import MAX_COUNT_BITS, count_words

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Runs in a fresh interpreter whose address space is capped at what it uses after the
# imports plus 400 MiB. The old code cached every length: 1.3 GB for parity at 10**5.
_CAPPED = textwrap.dedent(
    """
    import resource, sys
    from grammar import GrammarError, library
    with open("/proc/self/status") as status:
        used = next(int(line.split()[1]) for line in status if line.startswith("VmSize")) * 1024
    cap = used + 400 * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    g = library.parity()
    assert g.count(10**5) == 2**99_999
    assert g.count(10**5 + 3) == 2**100_002
    try:
        g.count(10**20)
    except GrammarError as err:
        assert "MAX_COUNT_BITS" in str(err), err
    else:
        raise AssertionError("a count of 10**20 bits was not refused")
    print("ok")
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and RLIMIT_AS")
def test_large_lengths_fit_in_bounded_memory():
    done = subprocess.run([sys.executable, "-c", _CAPPED], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_count_keeps_nothing_once_it_returns():
    # The old code cached every row: about 50 MB for parity up to length 20,000.
    g = Grammar.from_edges([(0, 1, "1"), (1, 0, "1"), (0, 0, "0"), (1, 1, "0")],
                           start=0, accepting=[0])
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        assert g.count(20_000) == 2**19_999
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 100_000
    assert peak - before < 2_000_000


def test_absurd_lengths_are_refused_with_the_limit_named():
    g = library.reber()
    with pytest.raises(GrammarError, match=r"length 99,999,999,999,999,999,999 .*MAX_COUNT_BITS"):
        g.count(99_999_999_999_999_999_999)


def test_logarithmic_lengths_answer_when_counts_stay_small():
    # (10)*: one word of each even length; 1* one word of every length
    assert library.tomita(2).count(10**18) == 1
    assert library.tomita(2).count(10**18 + 1) == 0
    assert library.tomita(1).count(10**30) == 1
    # an empty language is 0 at any length
    empty = Grammar.from_edges([(0, 0, "a"), (1, 1, "a")], start=0, accepting=[1])
    assert empty.count(10**25) == 0


def test_powers_and_steps_agree_with_closed_forms():
    parity = library.parity()
    for length in [1, 2, 61, 62, 63, 64, 100, 1000, 4097]:
        assert parity.count(length) == 2 ** (length - 1)
        assert type(parity.count(length)) is int
    # the limit itself is reachable; one more length is not
    assert parity.count(MAX_COUNT_BITS) == 2 ** (MAX_COUNT_BITS - 1)
    with pytest.raises(GrammarError):
        parity.count(MAX_COUNT_BITS + 1)


def test_memory_limit_is_named(monkeypatch):
    monkeypatch.setattr(counting, "MAX_COUNT_BYTES", 1000)
    with pytest.raises(GrammarError, match="MAX_COUNT_BYTES"):
        library.reber().count(5000)


@given(data=st.data())
@FAST
def test_counts_of_random_dfas_against_path_dp_at_long_lengths(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=8, kinds=("dfa",)))
    g = Grammar(G)
    final = {q for q, flag in G.nodes(data="accepting") if flag}
    edges = list(G.edges(data="symbol"))
    lengths = data.draw(st.lists(st.integers(0, 300), min_size=1, max_size=4))
    for n in lengths:
        assert g.count(n) == oracle.path_count(edges, G.graph["start"], final, n)
    lo = data.draw(st.integers(0, 50))
    expected = [oracle.path_count(edges, G.graph["start"], final, n) for n in range(lo, lo + 6)]
    assert list(g.dfa.count_range(lo, lo + 5)) == expected


def test_both_methods_give_the_same_counts():
    # embedded Reber's counts pass int64 within these lengths
    g = library.embedded_reber()
    lengths = [0, 9, 70, 200, 333]
    table, accepting = g.dfa.table, g.dfa.accepting
    stepped = [count_words(table, accepting, 0, n, method="step") for n in lengths]
    powered = [count_words(table, accepting, 0, n, method="power") for n in lengths]
    assert stepped == powered == [g.count(n) for n in lengths]
    assert max(powered) > INT64_SAFE
    with pytest.raises(GrammarError, match="method"):
        count_words(table, accepting, 0, 3, method="guess")


def test_count_range_matches_count():
    g = library.tomita(3)
    assert list(g.dfa.count_range(90, 95)) == [g.count(n) for n in range(90, 95 + 1)]
    assert list(g.dfa.count_range(0, 0)) == [1]


def test_int64_safe_is_public_and_single():
    import grammar.automaton as automaton

    assert automaton.INT64_SAFE is counting.INT64_SAFE == 2**62
