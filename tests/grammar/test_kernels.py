"""The compiled loops of grammar._kernels against the numpy forms and plain Python.

Oracles: a Python loop over the DFA table for the runs; for the walks, the
numpy walker itself (the compiled walker must make the same draws from the
same generator, so words, blocks and the generator's next state all agree)
and acceptance by the naive NFA of conftest. The tests skip where the
extension is not built, except under ``CI=true``, where it must be.
"""

from __future__ import annotations

import os

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import grammar.codes as codes_module
import grammar.walks.blocks as walk_blocks
from grammar import Grammar, library
from grammar.codes import code_table, compiled_kernels, run_codes
from grammar.errors import GrammarError
from grammar.sampling import sample
from grammar.walks.blocks import Walk, walk_batch

BUILT = codes_module.kernels is not None
if not BUILT and os.environ.get("CI") == "true":
    pytest.fail("CI=true but the C extension grammar._kernels is not built", pytrace=False)
pytestmark = pytest.mark.skipif(not BUILT, reason="grammar._kernels not built")
CHECKS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def numpy_only(body):
    """Run `body()` with the compiled loops turned off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(codes_module, "COMPILED_KERNELS", False)
        assert compiled_kernels() is None
        return body()


@CHECKS
@given(st.data())
def test_runs_agree_with_a_python_loop(oracle, data):
    g = Grammar(data.draw(oracle.random_graphs(max_states=8)))
    dfa, table = g.dfa, code_table(g.dfa)
    k = len(g.alphabet)
    dtype = data.draw(st.sampled_from([np.uint8, np.uint16, np.uint32]))
    rows = data.draw(st.lists(st.lists(st.integers(0, k), max_size=12), max_size=20))
    width = max((len(r) for r in rows), default=0)
    codes = np.zeros((len(rows), width), dtype=dtype)
    for i, row in enumerate(rows):
        codes[i, : len(row)] = row  # zeros inside a row are padding: they keep the state
    expected = []
    for row in codes.tolist():
        state = dfa.start
        for code in row:
            state = int(table[state, code])
        expected.append(state)
    assert run_codes(table, codes, dfa.start).tolist() == expected
    assert numpy_only(lambda: run_codes(table, codes, dfa.start).tolist()) == expected


def test_malformed_runs_are_refused():
    dfa = library.parity().dfa
    table = code_table(dfa)
    with pytest.raises(ValueError, match="not below the table's 3 columns"):
        run_codes(table, np.array([[1, 3]], dtype=np.uint8), dfa.start)
    broken = table.copy()
    broken[0, 1] = 7
    with pytest.raises(ValueError, match="outside its 2 states"):
        run_codes(broken, np.array([[1]], dtype=np.uint8), dfa.start)


def walks_both_ways(walk: Walk, n: int, seed: int, lo: int, hi: int | None, k: int):
    def run():
        rng = np.random.default_rng(seed)
        blocks, ids = walk_batch(walk, n, rng, lo, hi, k, "g")
        return blocks, ids, rng.random()  # the generator's next draw: same state after

    return run(), numpy_only(run)


@CHECKS
@given(st.data())
def test_compiled_walks_make_the_numpy_walks(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=7))
    g = Grammar(G)
    if not g.dfa.live[g.dfa.start]:
        return
    nfa = oracle.NaiveNFA(G)
    lo = data.draw(st.integers(0, 6))
    hi = data.draw(st.one_of(st.none(), st.integers(lo, lo + 10)))
    n = data.draw(st.integers(1, 40))
    seed = data.draw(st.integers(0, 2**32))
    try:
        walk = Walk.of(g)
        (blocks, ids, after), (np_blocks, np_ids, np_after) = walks_both_ways(
            walk, n, seed, lo, hi, len(g.alphabet))
    except GrammarError:
        return  # a walk that never stops: both refuse (checked below)
    assert after == np_after
    assert len(blocks) == len(np_blocks) and len(ids) == len(np_ids)
    for block, np_block, which, np_which in zip(blocks, np_blocks, ids, np_ids, strict=True):
        assert block.dtype == np_block.dtype and block.shape == np_block.shape
        assert (block == np_block).all() and (which == np_which).all()
        for row in block.tolist():
            word = [g.alphabet[c - 1] for c in row if c]
            assert nfa.accepts(word) and lo <= len(word) and (hi is None or len(word) <= hi)


def test_long_walks_and_their_tails_agree():
    # Walks of about a thousand symbols: the batch thins out slowly, then its last walkers
    # finish one by one.
    G = nx.MultiDiGraph(start=0)
    G.add_node(0)
    G.add_node(1, accepting=True, stop_weight=0.002)
    G.add_edges_from([(0, 0, {"symbol": "a"}), (0, 1, {"symbol": "b"}),
                      (1, 0, {"symbol": "a"}), (1, 1, {"symbol": "b"})])
    g = Grammar(G)
    walk = Walk.of(g)
    for seed in range(3):
        (blocks, ids, after), (np_blocks, np_ids, np_after) = walks_both_ways(
            walk, 500, seed, 0, None, 2)
        assert after == np_after
        assert [b.tolist() for b in blocks] == [b.tolist() for b in np_blocks]
        assert [i.tolist() for i in ids] == [i.tolist() for i in np_ids]
        assert max(b.shape[1] for b in blocks) > 2000
    assert sample(g, 30, seed=4) == numpy_only(lambda: sample(g, 30, seed=4))


def test_both_walks_refuse_a_walk_that_rarely_stops(monkeypatch):
    G = nx.MultiDiGraph(start=0)
    G.add_node(0, accepting=True, stop_weight=1e-9)
    G.add_edges_from([(0, 0, {"symbol": "a"}), (0, 0, {"symbol": "b"})])
    g = Grammar(G)
    monkeypatch.setattr(walk_blocks, "MAX_WALK", 2000)

    def refused():
        with pytest.raises(GrammarError, match="without stopping; pass max_length"):
            sample(g, 5, seed=0)
        return sample(g, 50, seed=0, max_length=20)

    assert refused() == numpy_only(refused)  # and, bounded, the same words
