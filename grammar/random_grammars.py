"""Random finite-state grammars, for benchmark suites and property tests.

:func:`random_graph` draws a random declaration (a :class:`networkx.MultiDiGraph`
following the contract in :mod:`grammar.graph`) and :func:`random_grammar`
compiles it to a :class:`grammar.Grammar`. Deterministic automata, partial
or complete, and non-deterministic ones with epsilon moves are available.
Every random choice is drawn in a few vectorised numpy calls, so a complete
DFA with 20,000 states over 16 symbols is declared in under two seconds.

States are the integers ``0 .. n_states - 1`` and the start state is 0.
``seed`` follows numpy and networkx (see :mod:`grammar.seeds`): an int >= 0,
None or a :class:`numpy.random.Generator`; the same int always gives the same
grammar. Bad arguments raise :class:`TypeError` or
:class:`grammar.GrammarError`, naming the argument.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from grammar.checks import check_fraction, check_positive, check_symbols
from grammar.core import Grammar
from grammar.errors import GrammarError
from grammar.seeds import random_state

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["random_graph", "random_grammar"]

# Default expected number of targets per (state, symbol) pair of an NFA.
_NFA_DENSITY = 1.5
# Default chance that a (state, symbol) transition exists in a partial DFA.
_PARTIAL_DFA_DENSITY = 0.7


def _resolve_density(kind: str, density: float | None, complete: bool | None) -> tuple[float, bool]:
    """Fill in the defaults of `density` and `complete` for `kind` and check they agree."""
    if density is not None:
        if isinstance(density, bool) or not isinstance(density, numbers.Real):
            raise TypeError(f"density must be a number, not {type(density).__name__}")
        if not density > 0:
            raise GrammarError(f"density={density!r} must be > 0")
    if kind == "nfa":
        return float(_NFA_DENSITY if density is None else density), bool(complete)
    if density is not None and density > 1:
        raise GrammarError(f"density={density!r} is a probability for a DFA; it must be <= 1")
    if complete is None:
        complete = density is None or density == 1
    if complete and density not in (None, 1):
        raise GrammarError(
            f"a complete DFA has every transition; density={density!r} contradicts it"
        )
    if complete:
        return 1.0, True
    return float(_PARTIAL_DFA_DENSITY if density is None else density), False


def _draw_transitions(
    rng: np.random.Generator,
    n_states: int,
    n_symbols: int,
    kind: str,
    density: float,
    complete: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sources, symbol indices and targets of the labelled edges, sorted and free of repeats."""
    pairs = n_states * n_symbols
    if kind == "dfa":
        counts = (rng.random(pairs) < density).astype(np.int64)
    else:
        # Poisson targets per pair, capped by the number of distinct targets.
        counts = np.minimum(rng.poisson(density, pairs), n_states)
        if complete:
            counts = np.maximum(counts, 1)
    pair = np.repeat(np.arange(pairs, dtype=np.int64), counts)
    targets = rng.integers(0, n_states, size=pair.size)
    # The same (state, symbol, target) drawn twice is one transition, not two.
    keys = np.unique(pair * n_states + targets)
    pair, targets = np.divmod(keys, n_states)
    sources, symbols = np.divmod(pair, n_symbols)
    return sources, symbols, targets


@random_state("seed")
def random_graph(
    n_states: int = 50,
    alphabet: str | Sequence[str] = "ab",
    *,
    seed: int | np.random.Generator | None = None,
    kind: Literal["dfa", "nfa"] = "dfa",
    epsilon: float = 0.0,
    density: float | None = None,
    accepting: float = 0.3,
    complete: bool | None = None,
) -> nx.MultiDiGraph:
    """Draw a random grammar declaration as a networkx graph.

    Parameters
    ----------
    n_states : int, default 50
        Number of declared states, ``0 .. n_states - 1``; state 0 is the start.
    alphabet : str or sequence of str, default "ab"
        The symbols: each character of a str, or the tokens of a sequence.
    seed : int, numpy.random.Generator or None
        Source of randomness (see :func:`grammar.seeds.as_generator`).
    kind : {"dfa", "nfa"}, default "dfa"
        ``"dfa"`` gives at most one transition per state and symbol;
        ``"nfa"`` allows several, and epsilon moves.
    epsilon : float, default 0.0
        NFA only: the probability that a state gets an epsilon move
        (``symbol=None``) to a random state.
    density : float, optional
        For a DFA, the probability that a state has a transition on a symbol
        (default 1, or 0.7 when ``complete=False``). For an NFA, the mean
        number of targets per state and symbol (Poisson, default 1.5).
    accepting : float, default 0.3
        Fraction of states that accept, rounded; at least one state always
        accepts, as a declaration needs one.
    complete : bool, optional
        Give every state at least one transition on every symbol. A DFA is
        complete by default unless a `density` below 1 is given; an NFA is
        not unless asked.

    Returns
    -------
    networkx.MultiDiGraph
        A declaration: graph attribute ``start``, node attribute
        ``accepting``, edge attribute ``symbol``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    GrammarError
        If an argument is out of range, or the arguments contradict each
        other (epsilon moves in a DFA, an incomplete complete DFA).

    Examples
    --------
    >>> G = random_graph(4, "ab", seed=1)
    >>> G.graph["start"], G.number_of_nodes(), G.number_of_edges()
    (0, 4, 8)
    >>> sorted({symbol for _, _, symbol in G.edges(data="symbol")})
    ['a', 'b']
    >>> sum(flag for _, flag in G.nodes(data="accepting"))
    1
    """
    n_states = check_positive(n_states, "n_states")
    if kind not in ("dfa", "nfa"):
        raise GrammarError(f"kind={kind!r} must be 'dfa' or 'nfa'")
    symbols = check_symbols(alphabet)
    epsilon = check_fraction(epsilon, "epsilon")
    if epsilon and kind == "dfa":
        raise GrammarError("epsilon moves make an NFA; pass kind='nfa'")
    accepting = check_fraction(accepting, "accepting")
    density, complete = _resolve_density(kind, density, complete)
    rng = seed  # a numpy Generator: see grammar.seeds.random_state

    sources, symbol_ids, targets = _draw_transitions(
        rng, n_states, len(symbols), kind, density, complete
    )
    final = rng.choice(n_states, size=max(1, round(accepting * n_states)), replace=False)
    moving = np.flatnonzero(rng.random(n_states) < epsilon)
    jumps = rng.integers(0, n_states, size=moving.size)

    import networkx as nx  # here, so that importing grammar stays fast

    G = nx.MultiDiGraph(start=0)
    G.add_nodes_from(range(n_states), accepting=False)
    G.add_nodes_from(final.tolist(), accepting=True)
    # One attribute dict per symbol, which networkx copies into each edge. The
    # symbol is also the edge key (unique per state pair once repeats are gone),
    # which spares networkx the search for a free key: a third faster.
    labels = [{"symbol": s} for s in symbols]
    ids = symbol_ids.tolist()
    G.add_edges_from(
        zip(
            sources.tolist(),
            targets.tolist(),
            [symbols[j] for j in ids],
            [labels[j] for j in ids],
            strict=True,
        )
    )
    G.add_edges_from(zip(moving.tolist(), jumps.tolist(), strict=True), symbol=None)
    return G


def random_grammar(
    n_states: int = 50,
    alphabet: str | Sequence[str] = "ab",
    *,
    seed: int | np.random.Generator | None = None,
    kind: Literal["dfa", "nfa"] = "dfa",
    epsilon: float = 0.0,
    density: float | None = None,
    accepting: float = 0.3,
    complete: bool | None = None,
) -> Grammar:
    """Draw a random grammar: a random DFA or NFA declaration, compiled.

    The arguments are those of :func:`random_graph`, which draws the
    declaration; its ``to_graph()`` gives it back. The language may be
    empty, and the minimal DFA is usually smaller than `n_states`.

    Parameters
    ----------
    n_states : int, default 50
        Number of declared states; state 0 is the start.
    alphabet : str or sequence of str, default "ab"
        The symbols: each character of a str, or the tokens of a sequence.
    seed : int, numpy.random.Generator or None
        Source of randomness (see :func:`grammar.seeds.as_generator`).
    kind : {"dfa", "nfa"}, default "dfa"
        Deterministic, or non-deterministic with optional epsilon moves.
    epsilon : float, default 0.0
        NFA only: the probability that a state gets an epsilon move.
    density : float, optional
        DFA: the probability of each transition (default 1, complete).
        NFA: the mean number of targets per state and symbol (default 1.5).
    accepting : float, default 0.3
        Fraction of accepting states; at least one always accepts.
    complete : bool, optional
        Every state gets a transition on every symbol (the DFA default).

    Returns
    -------
    grammar.Grammar
        Named ``random-<kind>-<n_states>``; the description records size and seed.

    Examples
    --------
    >>> g = random_grammar(20, "ab", seed=0)
    >>> g.alphabet
    ('a', 'b')
    >>> g == random_grammar(20, "ab", seed=0)
    True
    >>> n = random_grammar(30, "01", seed=3, kind="nfa", epsilon=0.2)
    >>> n.dfa.n_states >= 1
    True
    """
    G = random_graph(
        n_states,
        alphabet,
        seed=seed,
        kind=kind,
        epsilon=epsilon,
        density=density,
        accepting=accepting,
        complete=complete,
    )
    # Only an int seed reproduces the grammar, so only an int is worth recording.
    seed_text = f"seed {seed}" if isinstance(seed, (int, np.integer)) else "no fixed seed"
    description = (
        f"random {kind.upper()}, {n_states} states over {len(check_symbols(alphabet))} "
        f"symbols, {seed_text}"
    )
    return Grammar(G, name=f"random-{kind}-{n_states}", description=description)
