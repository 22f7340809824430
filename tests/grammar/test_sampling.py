"""Tests for grammar.sampling: weighted walks and exactly uniform sampling.

Oracles: hand-derived regexes and Tomita predicates (membership), walk
probabilities computed by hand from the issue's Reber transition list, the
pruned brute-force member lists of conftest.NaiveNFA (for uniformity), and
chi-square tests from scipy.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

import grammar.walks.blocks as walk_blocks
import grammar.walks.draw as walk_draw
from grammar import EmptyLanguageError, Grammar, GrammarError, library
from grammar.sampling import sample, sample_uniform
from grammar.walks import expected_walk_length

# -- oracles ---------------------------------------------------------------------------


def reber_walk_probability(word: str, edges) -> Fraction:
    """Probability of `word` under Reber's coin flips, read off the raw edge list."""
    out: dict[int, list[tuple[str, int]]] = {}
    for u, v, s in edges:
        out.setdefault(u, []).append((s, v))
    state, p = 0, Fraction(1)
    for symbol in word:
        choices = out.get(state, [])
        nxt = [v for s, v in choices if s == symbol]
        if not nxt:
            return Fraction(0)
        p *= Fraction(1, len(choices))
        state = nxt[0]
    return p if state == 7 else Fraction(0)


def chi_square_p(observed: Counter, expected: dict) -> float:
    """p-value of observed counts against expected probabilities (which sum to 1)."""
    keys = sorted(expected)
    total = sum(observed.values())
    assert set(observed) <= set(keys), set(observed) - set(keys)
    f_obs = [observed.get(k, 0) for k in keys]
    f_exp = [float(expected[k]) * total for k in keys]
    return chisquare(f_obs, f_exp).pvalue


def members_of_length(oracle, G: nx.MultiDiGraph, length: int) -> list[str]:
    nfa = oracle.NaiveNFA(G)
    return ["".join(w) for w in nfa.members(length) if len(w) == length]


# -- sample: membership and reproducibility ------------------------------------------


@pytest.mark.parametrize("name", library.names())
def test_every_builtin_samples_members(name):
    g = library.get(name)
    words = sample(g, 300, seed=1)
    assert len(words) == 300
    assert g.accepts_many(words).all()
    expected_type = str if g.single_char else tuple
    assert all(isinstance(w, expected_type) for w in words)


def test_embedded_reber_walks_match_the_regex(oracle):
    words = sample(library.embedded_reber(), 2000, seed=3)
    assert all(re.fullmatch(oracle.EMBEDDED_REBER_RE, w) for w in words)


@pytest.mark.parametrize("k", range(1, 8))
def test_tomita_walks_satisfy_the_predicates(oracle, k):
    words = sample(library.tomita(k), 500, seed=k)
    assert all(oracle.TOMITA_PREDICATES[k](w) for w in words)


def test_seeds_reproduce():
    g = library.embedded_reber()
    assert sample(g, 100, seed=7) == sample(g, 100, seed=7)
    assert sample(g, 100, seed=7) != sample(g, 100, seed=8)
    assert sample(g, 50, seed=np.random.default_rng(5)) == sample(
        g, 50, seed=np.random.default_rng(5)
    )
    bounded = {"min_length": 12, "max_length": 14}
    assert sample(g, 30, seed=2, **bounded) == sample(g, 30, seed=2, **bounded)
    assert sample_uniform(g, 40, length=(9, 20), seed=4) == sample_uniform(
        g, 40, length=(9, 20), seed=4
    )


def test_grammar_methods_delegate():
    g = library.reber()
    assert g.sample(20, seed=1) == sample(g, 20, seed=1)
    assert g.sample_uniform(20, length=8, seed=1) == sample_uniform(g, 20, length=8, seed=1)


def test_zero_and_bad_counts():
    g = library.reber()
    assert sample(g, 0) == [] and sample_uniform(g, 0, length=5) == []
    with pytest.raises(GrammarError, match="n must be >= 0"):
        sample(g, -1)
    with pytest.raises(TypeError):
        sample(g, 2.5)
    with pytest.raises(GrammarError, match="min_length 9 > max_length 8"):
        sample(g, 3, min_length=9, max_length=8)
    with pytest.raises(GrammarError, match="empty"):
        sample_uniform(g, 3, length=(9, 8))


# -- sample: the declared distribution ---------------------------------------------------


def test_reber_walks_are_the_coin_flips(oracle):
    g = library.reber()
    words = sample(g, 40000, seed=11)
    expected = {w: reber_walk_probability(w, oracle.REBER_EDGES) for w in g.strings(9)}
    rest = 1 - sum(expected.values())
    observed = Counter(w if w in expected else "longer" for w in words)
    assert chi_square_p(observed, {**expected, "longer": rest}) > 1e-4


def test_weights_and_stop_weights_are_followed():
    # one accepting node: 'a' (weight 3), 'b' (weight 1), stop (weight 4)
    G = nx.MultiDiGraph(start=0)
    G.add_node(0, accepting=True, stop_weight=4)
    G.add_edge(0, 0, symbol="a", weight=3)
    G.add_edge(0, 0, symbol="b", weight=1)
    words = sample(Grammar(G), 40000, seed=2)
    # length is geometric: P(len = L) = (1/2)**(L + 1); a symbol is 'a' with odds 3/4
    lengths = Counter(min(len(w), 6) for w in words)
    expected = {L: Fraction(1, 2 ** (L + 1)) for L in range(6)}
    expected[6] = 1 - sum(expected.values())
    assert chi_square_p(lengths, expected) > 1e-4
    letters = Counter("".join(words))
    assert abs(letters["a"] / sum(letters.values()) - 0.75) < 0.01


def test_epsilon_moves_keep_their_odds(a_star_b_star):
    # A: 'a' loop or epsilon to B (1/2 each); B: 'b' loop or stop (1/2 each),
    # so P(a^i b^j) = (1/2) ** (i + j + 2).
    words = sample(a_star_b_star, 40000, seed=5)
    assert all(re.fullmatch("a*b*", w) for w in words)
    expected = {
        "a" * i + "b" * j: Fraction(1, 2 ** (i + j + 2)) for i in range(4) for j in range(4 - i)
    }
    expected["other"] = 1 - sum(expected.values())
    observed = Counter(w if w in expected else "other" for w in words)
    assert chi_square_p(observed, expected) > 1e-4


def test_dead_branches_are_pruned():
    # 0 -a-> 1 (accepting); 0 -b-> 2, which loops on 'c' and can never accept
    G = nx.MultiDiGraph(start=0)
    G.add_edge(0, 1, symbol="a")
    G.add_edge(0, 2, symbol="b", weight=100)
    G.add_edge(2, 2, symbol="c")
    G.add_node(1, accepting=True)
    assert set(sample(Grammar(G), 200, seed=0)) == {"a"}


def test_empty_language_raises(empty_language):
    with pytest.raises(EmptyLanguageError, match="no members"):
        sample(empty_language, 3)
    with pytest.raises(EmptyLanguageError):
        sample_uniform(empty_language, 3, length=(0, 5))


def test_only_the_empty_word(only_empty_word):
    assert sample(only_empty_word, 5, seed=0) == [""] * 5
    assert sample_uniform(only_empty_word, 2, length=0) == ["", ""]


# -- sample: length bounds by conditioning -----------------------------------------------


@pytest.mark.parametrize("exact", [False, True], ids=["rejection", "h-transform"])
def test_bounds_condition_the_walk(oracle, monkeypatch, exact):
    if exact:  # force the exact length-conditioned walk even where rejection would do
        monkeypatch.setattr(walk_draw, "MIN_ACCEPTANCE", 2.0)
    g = library.reber()
    words = sample(g, 30000, seed=9, min_length=6, max_length=7)
    assert all(6 <= len(w) <= 7 for w in words)
    members = [w for w in g.strings(7) if len(w) >= 6]
    weight = {w: reber_walk_probability(w, oracle.REBER_EDGES) for w in members}
    total = sum(weight.values())
    assert chi_square_p(Counter(words), {w: p / total for w, p in weight.items()}) > 1e-4


@pytest.mark.parametrize("exact", [False, True], ids=["rejection", "h-transform"])
def test_min_length_only(oracle, monkeypatch, exact):
    if exact:
        monkeypatch.setattr(walk_draw, "MIN_ACCEPTANCE", 2.0)
    # a*b* with min_length 2: P(a^i b^j | i + j >= 2) is proportional to 2 ** -(i + j)
    G = nx.MultiDiGraph(start="A")
    G.add_edge("A", "A", symbol="a")
    G.add_edge("A", "B", symbol=None)
    G.add_edge("B", "B", symbol="b")
    G.add_node("B", accepting=True)
    words = sample(Grammar(G), 30000, seed=1, min_length=2)
    assert min(map(len, words)) == 2
    expected = {"a" * i + "b" * (L - i): Fraction(1, 2 ** (L + 2)) for L in (2, 3)
                for i in range(L + 1)}
    scale = 1 / (1 - sum(Fraction(1, 2 ** (L + 2)) * (L + 1) for L in (0, 1)))
    expected = {w: p * scale for w, p in expected.items()}
    expected["longer"] = 1 - sum(expected.values())
    observed = Counter(w if w in expected else "longer" for w in words)
    assert chi_square_p(observed, expected) > 1e-4


def test_rare_lengths_use_the_exact_walk(oracle):
    g = library.embedded_reber()
    words = sample(g, 500, seed=4, min_length=70, max_length=72)
    assert all(70 <= len(w) <= 72 for w in words)
    assert all(re.fullmatch(oracle.EMBEDDED_REBER_RE, w) for w in words)
    long = sample(g, 200, seed=4, min_length=90)
    assert min(map(len, long)) >= 90 and g.accepts_many(long).all()


def test_impossible_bounds_raise():
    with pytest.raises(EmptyLanguageError, match="length 3"):
        sample(library.tomita(2), 1, min_length=3, max_length=3)
    with pytest.raises(EmptyLanguageError, match="length 1 to 4"):
        sample(library.reber(), 1, min_length=1, max_length=4)
    assert sample(library.tomita(2), 4, max_length=1, seed=0) == [""] * 4


def test_a_walk_that_rarely_stops_never_hangs(monkeypatch):
    G = nx.MultiDiGraph(start=0)
    G.add_node(0, accepting=True, stop_weight=1e-9)
    G.add_edge(0, 0, symbol="a")
    G.add_edge(0, 0, symbol="b")
    g = Grammar(G)
    words = sample(g, 50, seed=0, max_length=20)
    assert all(len(w) <= 20 for w in words)
    monkeypatch.setattr(walk_blocks, "MAX_WALK", 2000)
    with pytest.raises(GrammarError, match="without stopping; pass max_length"):
        sample(g, 5, seed=0)


# -- sample_uniform ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "length"), [("reber", 10), ("tomita-4", 8), ("embedded-reber", 13), ("parity", 7)]
)
def test_sample_uniform_passes_chi_square(oracle, name, length):
    g = library.get(name)
    members = members_of_length(oracle, g.to_graph(), length)
    assert members, "the oracle found no member"
    words = sample_uniform(g, 60 * len(members), length=length, seed=length)
    uniform = {w: Fraction(1, len(members)) for w in members}
    assert chi_square_p(Counter(words), uniform) > 1e-4


def test_sample_uniform_range_balances_lengths():
    words = sample_uniform(library.tomita(2), 3000, length=(1, 6), seed=0)
    lengths = Counter(map(len, words))
    assert set(lengths) == {2, 4, 6}  # odd lengths have no members
    assert chi_square_p(lengths, {2: Fraction(1, 3), 4: Fraction(1, 3), 6: Fraction(1, 3)}) > 1e-4


def test_sample_uniform_exact_for_huge_counts(oracle):
    g = library.parity()
    assert g.count(400) == 2**399  # past int64: counted with Python ints
    words = sample_uniform(g, 200, length=400, seed=3)
    assert all(re.fullmatch(oracle.PARITY_RE, w) for w in words)
    ones = np.array([[c == "1" for c in w] for w in words]).mean()
    assert abs(ones - 0.5) < 0.01


@pytest.mark.parametrize("k", [2, 5])
def test_tomita_odd_lengths_have_no_members(k):
    g = library.tomita(k)
    for length in (1, 3, 7):
        with pytest.raises(EmptyLanguageError, match=f"length {length}$"):
            sample_uniform(g, 1, length=length)
    assert all(len(w) % 2 == 0 for w in sample_uniform(g, 100, length=(1, 9), seed=0))


def test_sample_uniform_token_grammar(protocol):
    words = sample_uniform(protocol, 50, length=4, seed=0)
    assert all(isinstance(w, tuple) and len(w) == 4 for w in words)
    assert protocol.accepts_many(words).all()


# -- property: random grammars -------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_grammars_sample_members(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=6))
    nfa = oracle.NaiveNFA(G)
    g = Grammar(G)
    has_members = bool(nfa.members(len(G) + 1))
    seed = data.draw(st.integers(0, 2**16))
    if not has_members:
        with pytest.raises(EmptyLanguageError):
            sample(g, 5, seed=seed, max_length=30)
        return
    words = sample(g, 30, seed=seed, max_length=30)
    assert all(nfa.accepts(list(w)) for w in words)
    length = data.draw(st.integers(0, 8))
    members = [w for w in nfa.members(length) if len(w) == length]
    if members:
        drawn = sample_uniform(g, 20, length=length, seed=seed)
        assert {tuple(w) for w in drawn} <= set(members)
    else:
        with pytest.raises(EmptyLanguageError, match=f"length {length}"):
            sample_uniform(g, 1, length=length)


# -- hardening: wide alphabets, extreme weights, runaway walks -----------------------------


def _wide_grammar(n_symbols):
    # 0 --any one of n_symbols one-character symbols--> 1 (accepting)
    symbols = [chr(0x100 + i) for i in range(n_symbols + 2048)]
    symbols = [c for c in symbols if not 0xD800 <= ord(c) < 0xE000][:n_symbols]
    G = nx.MultiDiGraph(start=0)
    G.add_node(1, accepting=True)
    G.add_edges_from((0, 1, {"symbol": s}) for s in symbols)
    return Grammar(G), set(symbols)


def test_more_than_65535_symbols_do_not_wrap():
    g, symbols = _wide_grammar(65_546)
    assert all(w in symbols for w in g.sample(1000, seed=0))
    assert all(w in symbols for w in g.sample_uniform(1000, length=1, seed=0))


def test_alphabets_past_255_symbols_keep_their_codes():
    # the same defect one code width down, fast enough for every run
    g, symbols = _wide_grammar(300)
    words = g.sample(2000, seed=0) + g.sample_uniform(2000, length=1, seed=1)
    assert set(words) <= symbols and len(set(words)) > 250


def test_huge_edge_weights_keep_their_odds():
    # 1e308 * 2 overflows a plain sum; the walk must still take a and b evenly
    G = nx.MultiDiGraph(start=0)
    G.add_node(1, accepting=True)
    G.add_edge(0, 1, symbol="a", weight=1e308)
    G.add_edge(0, 1, symbol="b", weight=1e308)
    words = sample(Grammar(G), 4000, seed=0)
    assert set(words) == {"a", "b"}
    assert chi_square_p(Counter(words), {"a": 0.5, "b": 0.5}) > 1e-4


def test_huge_stop_weight_stops_at_once():
    G = nx.MultiDiGraph(start=0)
    G.add_node(0, accepting=True, stop_weight=1e308)
    G.add_edge(0, 0, symbol="a")
    assert sample(Grammar(G), 50, seed=0) == [""] * 50


def test_near_closed_epsilon_cycle_is_walked_exactly():
    # 0 <-eps(1e17)-> 1; 0 leaves by b, 1 by a, each with weight 1: by symmetry P(a) = 1/2
    G = nx.MultiDiGraph(start=0)
    G.add_node(2, accepting=True)
    G.add_edge(0, 1, symbol=None, weight=1e17)
    G.add_edge(1, 0, symbol=None, weight=1e17)
    G.add_edge(1, 2, symbol="a")
    G.add_edge(0, 2, symbol="b")
    words = sample(Grammar(G), 4000, seed=0)
    assert set(words) == {"a", "b"}
    assert chi_square_p(Counter(words), {"a": 0.5, "b": 0.5}) > 1e-4


def test_weights_beyond_double_precision_are_refused_naming_the_node():
    G = nx.MultiDiGraph(start="q")
    G.add_node("q", accepting=True, stop_weight=1e-300)
    G.add_edge("q", "q", symbol="a", weight=1e300)
    with pytest.raises(GrammarError, match="node 'q'.*stop_weight"):
        sample(Grammar(G), 5, seed=0, max_length=10)


def test_expected_walk_length_matches_the_closed_form():
    # a*: from the one node, stop with odds s / (s + 1), so E[length] = 1 / s
    for stop in (0.25, 1.0, 4.0):
        G = nx.MultiDiGraph(start=0)
        G.add_node(0, accepting=True, stop_weight=stop)
        G.add_edge(0, 0, symbol="a")
        assert expected_walk_length(Grammar(G)) == pytest.approx(1 / stop)
    # Reber's coin flips: 8 symbols on average (B, E and the loops of the inner graph)
    assert expected_walk_length(library.reber()) == pytest.approx(8.0)


def _long_unweighted_grammar():
    # a "contains aaaa" language over a-d with every weight 1: walks wander a long time
    G = nx.MultiDiGraph(start=0)
    for state in range(4):
        G.add_edge(state, state + 1, symbol="a")
        for other in "bcd":
            G.add_edge(state, 0, symbol=other)
    G.add_node(4, accepting=True)
    for symbol in "abcd":
        G.add_edge(4, 4, symbol=symbol)
    return Grammar(G)


def test_long_default_walks_warn_once_and_say_what_to_pass():
    from grammar.walks import LongWalkWarning

    g = _long_unweighted_grammar()
    assert expected_walk_length(g) > 200
    with pytest.warns(LongWalkWarning, match="max_length"):
        sample(g, 3, seed=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", LongWalkWarning)
        sample(g, 3, seed=1)  # once per grammar
        words = sample(g, 20, seed=2, max_length=29)  # bounded walks never warn
    assert all(len(w) <= 29 and "aaaa" in w for w in words)


def within_binomial(count: int, n: int, p: float, z: float = 5.0) -> bool:
    """Whether `count` successes in `n` Bernoulli(p) trials lie within `z` standard deviations."""
    return abs(count - n * p) <= z * math.sqrt(n * p * (1 - p))


def test_declared_weights_are_respected_without_a_warning():
    # Once "aaaa" is read the walk sits in state 4, which declares its own weights: a, b, c
    # and d with 4:3:2:1 (summing to 1) and stopping with 1e-3. Every choice there is one
    # independent draw among those five, so (the oracle, read off the declaration by hand):
    # - given the number L of symbols after the first "aaaa", the count of each is
    #   Binomial(L, weight / 1);
    # - the number of symbols after it is geometric with stop probability q = 1e-3 / 1.001:
    #   mean (1 - q) / q = 1000 (with the default stop weight, 1, it would be 1), variance
    #   (1 - q) / q**2;
    # - the first symbol is drawn at state 0, whose undeclared weights are all 1: uniform.
    # An expected walk of ~1,340 symbols would warn with the default weights; declared ones
    # are the walk the user asked for, so nothing warns.
    import warnings

    weights = {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}
    stop = 1e-3
    G = _long_unweighted_grammar().to_graph()
    G.nodes[4]["stop_weight"] = stop
    for _, _, data in G.out_edges(4, data=True):
        data["weight"] = weights[data["symbol"]]
    n = 300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        words = sample(Grammar(G), n, seed=0)
    assert len(words) == n and all("aaaa" in w for w in words)

    tails = [w[w.index("aaaa") + 4:] for w in words]
    letters = Counter("".join(tails))
    total = sum(letters.values())
    for symbol, weight in weights.items():
        assert within_binomial(letters[symbol], total, weight), (symbol, letters, total)

    q = stop / (sum(weights.values()) + stop)
    mean, sd = (1 - q) / q, math.sqrt((1 - q) / q**2 / n)
    assert abs(total / n - mean) <= 5 * sd, (total / n, mean, sd)

    first = Counter(w[0] for w in words)
    assert all(within_binomial(first[symbol], n, 0.25) for symbol in "abcd"), first


def test_scalar_and_vectorised_unranking_agree():
    # every rank of every length, members and non-members, against each other and enumeration
    import numpy as np

    from grammar.codes import Codec
    from grammar.ranking import count_table, unrank_codes, unrank_word

    for g in (library.reber(), library.tomita(5)):
        dfa = g.dfa
        for members in (True, False):
            counts = count_table(dfa, 7, members)
            for length in range(8):
                total = int(counts[length, dfa.start])
                ranks = np.arange(total)
                codes = unrank_codes(dfa, np.full(total, length), ranks, members)
                scalar = [unrank_word(dfa, length, int(r), members) for r in ranks]
                assert [[c - 1 for c in row] for row in codes.tolist()] == scalar
                words = Codec.of(dfa).decode(codes)
                assert words == sorted(words)
                assert all(g.accepts(w) == members for w in words)
                if members:
                    assert words == [w for w in g.strings(length) if len(w) == length]


@pytest.mark.parametrize("search", ["scan", "binary"])
def test_unranking_by_binary_search_agrees_with_the_scan(monkeypatch, search):
    # Past LINEAR_SEARCH_SYMBOLS symbols a row's symbol is found by binary search; forced
    # here on small grammars, and run for real on 300 symbols, against the scalar walk.
    import grammar.ranking
    from grammar.ranking import count_table, unrank_codes, unrank_word

    if search == "binary":
        monkeypatch.setattr(grammar.ranking, "LINEAR_SEARCH_SYMBOLS", 0)
    many = Grammar.from_edges([(0, 1, f"s{i}") for i in range(300)]
                              + [(1, 0, "s7"), (1, 1, "s299")], start=0, accepting=[1])
    for g in (library.reber(), library.tomita(5), many):
        dfa = g.dfa
        for members in (True, False):
            counts = count_table(dfa, 3, members)
            for length in range(4):
                total = int(counts[length, dfa.start])
                ranks = np.unique(np.linspace(0, max(total - 1, 0), 400).astype(np.int64))
                ranks = ranks[ranks < total]
                codes = unrank_codes(dfa, np.full(len(ranks), length), ranks, members)
                scalar = [unrank_word(dfa, length, int(r), members) for r in ranks]
                assert [[c - 1 for c in row] for row in codes.tolist()] == scalar
                words = [tuple(g.alphabet[c - 1] for c in row) for row in codes.tolist()]
                assert all(bool(g.accepts(w)) == members for w in words)


def test_a_node_with_hundreds_of_symbols_walks_in_small_blocks():
    # 254 self-loops: 254**8 eight-step outcomes pass 2**63, which a cast to int64 used to
    # wrap into a small count; the walk then tried to table every 8-step block (31 GiB).
    # Run under a memory cap, so that a regression fails instead of exhausting the machine.
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        import networkx as nx
        from grammar import Grammar, sample
        G = nx.MultiDiGraph(start=0)
        G.add_node(0, accepting=True)
        for i in range(254):
            G.add_edge(0, 0, symbol=f"s{i:03d}")
        words = sample(Grammar(G), 5, seed=0)
        print(len(words), all(all(s.startswith("s") for s in w) for w in words))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["5", "True"]
