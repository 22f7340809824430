"""Shared fixtures and independent oracles for the grammar tests.

Every fixture grammar states its language in a comment. The oracles here
never call the code under test: they read the raw networkx declaration,
run naive set-of-states simulations, enumerate words by brute force, or
match hand-derived regular expressions with :func:`re.fullmatch`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator, Sequence

import networkx as nx
import pytest
from hypothesis import note
from hypothesis import strategies as st

from grammar import Grammar, library
from grammar.random_grammars import random_graph

# -- hand-derived regular expressions --------------------------------------------------
#
# Reber, by state elimination over the transition list of the issue, where Rq is the
# language from state q to state 6 (6 -E-> exit):
#   R4 = X R3 | S,   R3 = T* V R5,   R5 = P R4 | V,   R2 = S* X R4
#   => R4 = (X T* V P)* (X T* V V | S)
#   Reber = B (T S* X R4 | P T* V (P R4 | V)) E
_R4 = "(?:XT*VP)*(?:XT*VV|S)"
REBER_RE = f"B(?:TS*X{_R4}|PT*V(?:P{_R4}|V))E"
EMBEDDED_REBER_RE = f"B(?:T{REBER_RE}T|P{REBER_RE}P)E"

# Tomita 3 (issue: no odd run of 1s followed LATER by an odd run of 0s). Before any odd
# 1-run has ended the word is (0|11)*, possibly ending inside an odd 1-run; "1" then "0"
# arms the ban, after which every 0-run must close (by a 1 or the end) at even length.
# Tomita 6: states d = (#0 - #1) mod 3; eliminating d = 2 leaves the loops
# 0 -10-> 0, 0 -(0|11)-> 1, 1 -01-> 1, 1 -(1|00)-> 0.
TOMITA_RE = {
    1: "1*",
    2: "(?:10)*",
    3: "(?:0|11)*(?:1|100(?:1|00)*)?",
    4: "(?:1|01|001)*(?:0|00)?",
    5: "(?:00|11|(?:01|10)(?:00|11)*(?:01|10))*",
    6: "(?:10|(?:0|11)(?:01)*(?:1|00))*",
    7: "0*1*0*1*",
}
PARITY_RE = "0*(?:10*10*)*"


def _runs(word: str) -> list[tuple[str, int]]:
    return [(symbol, len(list(group))) for symbol, group in itertools.groupby(word)]


def _tomita_3(word: str) -> bool:
    runs = _runs(word)
    odd_ones = [i for i, (s, n) in enumerate(runs) if s == "1" and n % 2]
    return not odd_ones or not any(s == "0" and n % 2 for s, n in runs[odd_ones[0] + 1 :])


# Python predicates, written from the one-line definitions.
TOMITA_PREDICATES: dict[int, Callable[[str], bool]] = {
    1: lambda w: "0" not in w,
    2: lambda w: w == "10" * (len(w) // 2),
    3: _tomita_3,
    4: lambda w: "000" not in w,
    5: lambda w: w.count("0") % 2 == 0 and w.count("1") % 2 == 0,
    6: lambda w: (w.count("0") - w.count("1")) % 3 == 0,
    7: lambda w: (
        [s for s, _ in _runs(w)]
        in (
            [],
            ["0"],
            ["1"],
            ["0", "1"],
            ["1", "0"],
            ["0", "1", "0"],
            ["1", "0", "1"],
            ["0", "1", "0", "1"],
        )
    ),
}

# The transition list of the issue, written out again here, not imported.
REBER_EDGES = [
    (0, 1, "B"), (1, 2, "T"), (1, 3, "P"), (2, 2, "S"), (2, 4, "X"), (3, 3, "T"),
    (3, 5, "V"), (4, 3, "X"), (4, 6, "S"), (5, 4, "P"), (5, 6, "V"), (6, 7, "E"),
]  # fmt: skip
REBER_START, REBER_ACCEPT = 0, 7


# -- oracles over raw declarations -----------------------------------------------------


def words_upto(alphabet: Sequence[str], max_length: int) -> Iterator[tuple[str, ...]]:
    """Every word over `alphabet` (sorted) up to `max_length`, in shortlex order."""
    symbols = sorted(alphabet)
    for length in range(max_length + 1):
        yield from itertools.product(symbols, repeat=length)


def _raw_edges(G: nx.DiGraph) -> list[tuple[Hashable, Hashable, str | None]]:
    return [(u, v, s) for u, v, s in G.edges(data="symbol")]


def _closure(states: set, epsilon: dict) -> frozenset:
    seen, stack = set(states), list(states)
    while stack:
        for r in epsilon.get(stack.pop(), ()):
            if r not in seen:
                seen.add(r)
                stack.append(r)
    return frozenset(seen)


class NaiveNFA:
    """Set-of-states simulation read straight from a networkx declaration."""

    def __init__(self, G: nx.DiGraph) -> None:
        self.start = G.graph["start"]
        self.final = {n for n, flag in G.nodes(data="accepting") if flag}
        self.epsilon: dict = {}
        self.moves: dict = {}
        for u, v, s in _raw_edges(G):
            if s is None:
                self.epsilon.setdefault(u, []).append(v)
            else:
                self.moves.setdefault((u, s), []).append(v)
        self.alphabet = tuple(sorted({s for _, _, s in _raw_edges(G) if s is not None}))
        # Co-reachable states: some accepting state can be reached from them.
        reverse = nx.MultiDiGraph()
        reverse.add_nodes_from(G.nodes)
        reverse.add_edges_from((v, u) for u, v, _ in _raw_edges(G))
        self.useful = set(self.final).union(*(nx.descendants(reverse, f) for f in self.final))

    def states_after(self, word: Sequence[str]) -> frozenset:
        states = _closure({self.start}, self.epsilon)
        for symbol in word:
            step = {t for q in states for t in self.moves.get((q, symbol), ())}
            states = _closure(step, self.epsilon)
        return states

    def accepts(self, word: Sequence[str]) -> bool:
        return bool(self.states_after(word) & self.final)

    def viable(self, prefix: Sequence[str]) -> bool:
        """Whether some member starts with `prefix`."""
        return bool(self.states_after(prefix) & self.useful)

    def members(self, max_length: int) -> list[tuple[str, ...]]:
        """All members up to `max_length` in shortlex order, by pruned brute force."""
        found = []
        for length in range(max_length + 1):
            layer = [()]
            for _ in range(length):
                layer = [w + (s,) for w in layer for s in self.alphabet if self.viable(w + (s,))]
            found.extend(w for w in layer if self.accepts(w))
        return found


def path_count(edges: Sequence[tuple], start: Hashable, accepting: set, length: int) -> int:
    """Number of accepting paths of `length` (= words, for a deterministic declaration)."""
    ways = {start: 1}
    for _ in range(length):
        nxt: dict = {}
        for u, v, _symbol in edges:
            if u in ways:
                nxt[v] = nxt.get(v, 0) + ways[u]
        ways = nxt
    return sum(n for q, n in ways.items() if q in accepting)


def as_word(symbols: Sequence[str], single_char: bool) -> str | tuple[str, ...]:
    return "".join(symbols) if single_char else tuple(symbols)


def graph_from_edges(
    edges: Sequence[tuple], start: Hashable, accepting: Sequence[Hashable]
) -> nx.MultiDiGraph:
    """A declaration built with plain networkx calls (no grammar helpers)."""
    G = nx.MultiDiGraph(start=start)
    G.add_node(start)
    for u, v, s in edges:
        G.add_edge(u, v, symbol=s)
    for q in accepting:
        G.add_node(q, accepting=True)
    return G


@st.composite
def random_graphs(
    draw: st.DrawFn,
    max_states: int = 8,
    alphabet: str = "ab",
    kinds: Sequence[str] = ("dfa", "nfa"),
) -> nx.MultiDiGraph:
    """Random DFA/NFA declarations, seeds drawn by Hypothesis; they shrink to small ones.

    The call is recorded with :func:`hypothesis.note`, so a failure prints how to rebuild it.
    """
    kind = draw(st.sampled_from(kinds))
    options = {"kind": kind, "accepting": draw(st.sampled_from([0.2, 0.5]))}
    if kind == "nfa":
        options["epsilon"] = draw(st.sampled_from([0.0, 0.2, 0.5]))
        options["density"] = draw(st.sampled_from([0.5, 1.0, 1.5]))
    else:
        options["density"] = draw(st.sampled_from([1.0, 0.6]))
    n_states = draw(st.integers(1, max_states))
    seed = draw(st.integers(0, 2**32 - 1))
    note(f"random_graph({n_states}, {alphabet!r}, seed={seed}, **{options!r})")
    return random_graph(n_states, alphabet, seed=seed, **options)


# -- oracle fixtures (session-scoped, so Hypothesis tests may use them) ----------------


@pytest.fixture(scope="session")
def oracle():
    """The oracle helpers above, as one namespace."""

    class Oracle:
        words_upto = staticmethod(words_upto)
        NaiveNFA = NaiveNFA
        path_count = staticmethod(path_count)
        as_word = staticmethod(as_word)
        graph_from_edges = staticmethod(graph_from_edges)
        random_graphs = staticmethod(random_graphs)
        REBER_RE = REBER_RE
        EMBEDDED_REBER_RE = EMBEDDED_REBER_RE
        TOMITA_RE = TOMITA_RE
        TOMITA_PREDICATES = TOMITA_PREDICATES
        PARITY_RE = PARITY_RE
        REBER_EDGES = REBER_EDGES
        REBER_START = REBER_START
        REBER_ACCEPT = REBER_ACCEPT

    return Oracle


# -- named grammar fixtures ------------------------------------------------------------


@pytest.fixture(scope="session")
def reber() -> Grammar:
    # B (T S* X R4 | P T* V (P R4 | V)) E with R4 = (X T* V P)* (X T* V V | S)
    return library.reber()


@pytest.fixture(scope="session")
def embedded_reber() -> Grammar:
    # B (T reber T | P reber P) E
    return library.embedded_reber()


@pytest.fixture(scope="session")
def reber_graph() -> nx.MultiDiGraph:
    # the Reber language, declared from the transition list
    return graph_from_edges(REBER_EDGES, REBER_START, [REBER_ACCEPT])


@pytest.fixture(scope="session")
def even_as() -> Grammar:
    # words over {a, b} with an even number of a's; a 2-state DFA
    return Grammar(
        graph_from_edges(
            [("e", "o", "a"), ("o", "e", "a"), ("e", "e", "b"), ("o", "o", "b")], "e", ["e"]
        )
    )


@pytest.fixture(scope="session")
def even_as_redundant() -> Grammar:
    # words over {a, b} with an even number of a's, declared with 4 states
    # (e0/e1 and o0/o1 are equivalent pairs) plus an unreachable state "u"
    edges = [
        ("e0", "o1", "a"), ("o1", "e1", "a"), ("e1", "o0", "a"), ("o0", "e0", "a"),
        ("e0", "e1", "b"), ("e1", "e0", "b"), ("o0", "o1", "b"), ("o1", "o0", "b"),
        ("u", "e0", "a"), ("u", "u", "b"),
    ]  # fmt: skip
    return Grammar(graph_from_edges(edges, "e0", ["e0", "e1", "u"]))


@pytest.fixture(scope="session")
def ends_in_ab() -> Grammar:
    # (a|b)* a b; a 3-state NFA that guesses where the final "ab" starts
    return Grammar(graph_from_edges([(0, 0, "a"), (0, 0, "b"), (0, 1, "a"), (1, 2, "b")], 0, [2]))


@pytest.fixture(scope="session")
def a_star_b_star() -> Grammar:
    # a* b*; two loops joined by an epsilon move
    edges = [("A", "A", "a"), ("A", "B", None), ("B", "B", "b")]
    return Grammar(graph_from_edges(edges, "A", ["B"]))


@pytest.fixture(scope="session")
def only_empty_word() -> Grammar:
    # {""}; the start accepts and its one edge leads nowhere useful
    return Grammar(graph_from_edges([(0, 1, "a")], 0, [0]))


@pytest.fixture(scope="session")
def empty_language() -> Grammar:
    # {} over {a}; the accepting state is unreachable
    return Grammar(graph_from_edges([(0, 0, "a"), (1, 1, "a")], 0, [1]))


@pytest.fixture(scope="session")
def protocol() -> Grammar:
    # open (read | write)* close, over multi-character tokens: words are tuples
    return Grammar(
        graph_from_edges(
            [("c", "o", "open"), ("o", "o", "read"), ("o", "o", "write"), ("o", "d", "close")],
            "c",
            ["d"],
        )
    )
