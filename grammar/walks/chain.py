"""The declared walk as an epsilon-free Markov chain.

A random walk on the declaration follows each edge with probability
proportional to its ``weight`` and stops at an accepting node with
probability proportional to its ``stop_weight``. :func:`build_chain` turns
the declaration into an equivalent chain (the same distribution of words)
without epsilon moves and without nodes from which no walk can stop, so every
walk stops and every walk that stops spells a member.

Epsilon moves are folded by solving for the expected visits before the next
symbol (a dense solve over the nodes that have them).

Examples
--------
>>> from grammar import library
>>> g = library.reber()
>>> chain = build_chain(g.declaration, g.alphabet)
>>> chain.n_nodes, round(float(chain.probs[chain.offsets[0]:chain.offsets[1]].sum()), 6)
(8, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from grammar.errors import GrammarError

if TYPE_CHECKING:
    from grammar.graph import Declaration

__all__ = ["Chain", "build_chain", "expected_length", "MAX_EPSILON_NODES"]

# Epsilon moves are folded by a dense solve over the nodes that have them.
MAX_EPSILON_NODES = 4000
# Ill-conditioned folds (near-closed epsilon cycles) are redone by subtraction-free
# elimination, which is cubic in Python-level steps; up to this many epsilon nodes.
_MAX_STABLE_FOLD = 1000
# Expected walk lengths: a dense solve up to this many nodes, value iteration beyond.
_MAX_DENSE_EXPECTATION = 3000
_MAX_EXPECTATION_STEPS = 20_000


@dataclass(frozen=True)
class Chain:
    """An epsilon-free walk equivalent to the declared one (same distribution of words).

    Node q (renumbered 0..n-1, start 0) moves by action a in
    ``offsets[q]:offsets[q+1]``, emitting ``symbols[a]`` (0-based) and going
    to ``targets[a]``, with probability ``probs[a]``; or stops with ``stop[q]``.
    """

    offsets: np.ndarray
    symbols: np.ndarray
    targets: np.ndarray
    probs: np.ndarray
    stop: np.ndarray

    @property
    def n_nodes(self) -> int:
        return len(self.stop)

    @property
    def sources(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_nodes), np.diff(self.offsets))


def _coreachable(n: int, src: np.ndarray, dst: np.ndarray, final: np.ndarray) -> np.ndarray:
    """Nodes from which some node of `final` can be reached along the edges."""
    keep = final.copy()
    while True:
        grown = keep.copy()
        grown[src[keep[dst]]] = True
        if (grown == keep).all():
            return keep
        keep = grown


def build_chain(declaration: Declaration, alphabet: tuple[str, ...]) -> Chain | None:
    """Fold epsilon moves and prune dead nodes; None when no walk can stop."""
    index = {node: i for i, node in enumerate(declaration.nodes)}
    column = {symbol: j for j, symbol in enumerate(alphabet)}
    n = len(index)
    src = np.array([index[e.source] for e in declaration.edges], dtype=np.intp)
    dst = np.array([index[e.target] for e in declaration.edges], dtype=np.intp)
    sym = np.array(
        [-1 if e.symbol is None else column[e.symbol] for e in declaration.edges], dtype=np.intp
    )
    weight = np.array([e.weight for e in declaration.edges], dtype=float)
    final = np.zeros(n, dtype=bool)
    stop = np.zeros(n)
    for node in declaration.accepting:
        final[index[node]] = True
        stop[index[node]] = declaration.stop_weights.get(node, 1.0)
    weight, stop = _scaled_weights(declaration.nodes, src, weight, stop)
    live = _coreachable(n, src, dst, final)
    start = index[declaration.start]
    if not live[start]:
        return None
    # Pruning: an edge into a node that cannot reach acceptance is never taken.
    keep = live[src] & live[dst]
    src, dst, sym, weight = src[keep], dst[keep], sym[keep], weight[keep]
    total = np.bincount(src, weights=weight, minlength=n) + stop
    prob = weight / total[src]
    stop_prob = np.divide(stop, total, out=np.zeros(n), where=total > 0)

    eps = sym < 0
    if eps.any():
        src, dst, sym, prob, stop_prob = _fold_epsilon(
            n, src[eps], dst[eps], prob[eps], src[~eps], dst[~eps], sym[~eps], prob[~eps],
            stop_prob,
        )
        _check_folded(declaration.nodes, n, src, prob, stop_prob, np.flatnonzero(live))

    # Keep the nodes a walk from the start can visit, renumbered with the start first.
    seen = np.zeros(n, dtype=bool)
    seen[start] = True
    order = [start]
    frontier = np.array([start])
    while frontier.size:
        nxt = np.unique(dst[np.isin(src, frontier)])
        nxt = nxt[~seen[nxt]]
        seen[nxt] = True
        order.extend(nxt.tolist())
        frontier = nxt
    renumber = np.full(n, -1, dtype=np.intp)
    renumber[order] = np.arange(len(order))
    used = seen[src]
    src, dst, sym, prob = renumber[src[used]], renumber[dst[used]], sym[used], prob[used]
    by_node = np.lexsort((dst, sym, src))
    src, dst, sym, prob = src[by_node], dst[by_node], sym[by_node], prob[by_node]
    stop_prob = stop_prob[order]
    # Normalise away rounding from the epsilon fold.
    total = np.bincount(src, weights=prob, minlength=len(order)) + stop_prob
    offsets = np.zeros(len(order) + 1, dtype=np.intp)
    np.cumsum(np.bincount(src, minlength=len(order)), out=offsets[1:])
    return Chain(offsets, sym, dst, prob / total[src], stop_prob / total)


def _scaled_weights(
    nodes: tuple, src: np.ndarray, weight: np.ndarray, stop: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each node's edge and stop weights divided by its largest one, so sums cannot overflow.

    Only relative weights matter to a walk. A positive weight that vanishes next
    to its node's largest one (relative odds below double precision) cannot be
    walked faithfully, and is refused with the node named.
    """
    peak = stop.copy()
    np.maximum.at(peak, src, weight)
    scale = np.where(peak > 0, peak, 1.0)
    scaled = weight / scale[src]
    scaled_stop = stop / scale
    lost = np.flatnonzero((scaled == 0) & (weight > 0))
    if lost.size:
        node = nodes[src[lost[0]]]
        raise GrammarError(
            f"node {node!r}: an edge weight of {weight[lost[0]]:g} is negligible next to "
            f"{peak[src[lost[0]]]:g} (relative odds below double precision); "
            "bring the weights of a node within a factor of 1e300 of each other"
        )
    lost = np.flatnonzero((scaled_stop == 0) & (stop > 0))
    if lost.size:
        raise GrammarError(
            f"node {nodes[lost[0]]!r}: stop_weight {stop[lost[0]]:g} is negligible next to its "
            f"edge weights ({peak[lost[0]]:g}); bring them within a factor of 1e300"
        )
    return scaled, scaled_stop


def _check_folded(
    nodes: tuple, n: int, src: np.ndarray, prob: np.ndarray, stop_prob: np.ndarray,
    live: np.ndarray,
) -> None:
    """After folding, every live node must leave by a symbol or stop with total odds 1."""
    total = np.bincount(src, weights=prob, minlength=n) + stop_prob
    bad = live[~np.isfinite(total[live]) | (np.abs(total[live] - 1.0) > 1e-6)]
    if bad.size:
        raise GrammarError(
            f"node {nodes[bad[0]]!r}: its epsilon moves form a cycle that a walk leaves with "
            "negligible probability (weights too extreme for double precision); "
            "lower the weights of the epsilon cycle or raise those of the edges leaving it"
        )


def _fold_epsilon(
    n: int,
    e_src: np.ndarray,
    e_dst: np.ndarray,
    e_prob: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    sym: np.ndarray,
    prob: np.ndarray,
    stop_prob: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Replace epsilon moves by the symbol moves and stops they lead to, with exact odds.

    From a node with epsilon moves, C[q, u] is the expected number of visits
    to u before the walk emits a symbol or stops, (I - E) C = I restricted to
    those nodes; the walk then leaves u by each of u's own actions.
    """
    K = np.unique(e_src)
    if K.size > MAX_EPSILON_NODES:
        raise GrammarError(
            f"walks support at most {MAX_EPSILON_NODES} nodes with epsilon moves; "
            f"this declaration has {K.size}"
        )
    position = np.full(n, -1, dtype=np.intp)
    position[K] = np.arange(K.size)
    E = np.zeros((K.size, n))
    np.add.at(E, (position[e_src], e_dst), e_prob)
    # C_K = I_K + E_K C: solve on the epsilon nodes, other nodes have C = identity.
    A = np.eye(K.size) - E[:, K]
    rhs = np.zeros((K.size, n))
    rhs[np.arange(K.size), K] = 1.0
    outside = np.ones(n, dtype=bool)
    outside[K] = False
    rhs[:, outside] += E[:, outside]
    exit_mass = np.bincount(src, weights=prob, minlength=n)[K] + stop_prob[K]
    try:
        C = np.linalg.solve(A, rhs)
        solved = np.isfinite(C).all() and C.min(initial=0.0) > -1e-9
    except np.linalg.LinAlgError:
        solved = False
    if solved:
        # Each epsilon node must leave by its actions with total odds 1.
        leave = C[:, K] @ exit_mass + C[:, outside].sum(axis=1)
        solved = bool(np.all(np.abs(leave - 1.0) < 1e-9))
    if not solved:
        if K.size > _MAX_STABLE_FOLD:
            C = np.full_like(rhs, np.nan)  # reported by _check_folded, naming the node
        else:
            C = _stable_fold(E, K, outside, exit_mass)
    C[np.abs(C) < 1e-300] = 0.0
    C = np.maximum(C, 0.0)

    own = position[src] < 0  # actions of nodes without epsilon moves stay as they are
    rows, cols = np.nonzero(C[:, src])  # epsilon node K[rows] reaches action cols
    new_src = np.concatenate([src[own], K[rows]])
    new_dst = np.concatenate([dst[own], dst[cols]])
    new_sym = np.concatenate([sym[own], sym[cols]])
    new_prob = np.concatenate([prob[own], C[rows, src[cols]] * prob[cols]])
    new_stop = stop_prob.copy()
    new_stop[K] = C @ stop_prob
    # Merge parallel actions (same source, symbol and target).
    key = (new_src * (sym.max(initial=0) + 2) + new_sym + 1) * n + new_dst
    unique, inverse = np.unique(key, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=new_prob)
    first = np.zeros(len(unique), dtype=np.intp)
    first[inverse.ravel()] = np.arange(len(key))
    return new_src[first], new_dst[first], new_sym[first], merged, new_stop




def _stable_fold(
    E: np.ndarray, K: np.ndarray, outside: np.ndarray, exit_mass: np.ndarray
) -> np.ndarray:
    """Expected visits C as in :func:`_fold_epsilon`, by subtraction-free elimination.

    Grassmann-Taksar-Heyman style Gauss-Jordan on the absorbing chain whose
    transient states are the epsilon nodes: a pivot's ``1 - P[k, k]`` is taken
    as the sum of its other entries, so nothing cancels and near-closed epsilon
    cycles (leaving odds of 1e-17, say) keep full relative precision.
    """
    size = K.size
    P = E[:, K].copy()
    np.fill_diagonal(P, 0.0)  # a self-loop only repeats the node: the pivot sum drops it
    R = np.concatenate([E[:, outside], np.diag(exit_mass)], axis=1)
    done = np.zeros(size, dtype=bool)
    for k in range(size):
        others = ~done
        others[k] = False
        pivot = P[k, others].sum() + R[k].sum()
        if pivot <= 0:
            return np.full((size, E.shape[1]), np.nan)
        P[k] /= pivot
        R[k] /= pivot
        P[k, k] = 0.0
        factor = P[:, k].copy()
        factor[k] = 0.0
        P += np.outer(factor, P[k])
        R += np.outer(factor, R[k])
        P[:, k] = 0.0
        done[k] = True
    C = np.zeros((size, E.shape[1]))
    C[:, outside] = R[:, : int(outside.sum())]
    reach_exit = R[:, int(outside.sum()):]
    with np.errstate(divide="ignore", invalid="ignore"):
        C[:, K] = np.where(exit_mass > 0, reach_exit / exit_mass, 0.0)
    return C


def expected_length(chain: Chain) -> float:
    """The expected number of symbols a walk emits from the start node.

    Solves ``x = e + P x`` (``e[q]``: the odds that q emits a symbol, ``P``:
    the symbol moves between nodes); every node of a chain can stop, so the
    system has one solution. Returns ``inf`` where the odds of stopping are too
    small for double precision.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.reber()
    >>> round(expected_length(build_chain(g.declaration, g.alphabet)), 6)
    8.0
    """
    n = chain.n_nodes
    emit = np.bincount(chain.sources, weights=chain.probs, minlength=n)
    if n <= _MAX_DENSE_EXPECTATION:
        P = np.zeros((n, n))
        np.add.at(P, (chain.sources, chain.targets), chain.probs)
        try:
            x = np.linalg.solve(np.eye(n) - P, emit)
        except np.linalg.LinAlgError:
            return float("inf")
        value = float(x[0])
        return value if np.isfinite(value) and value >= 0 else float("inf")
    # Large chains: value iteration, bounded; a walk that has not settled is "long".
    x = np.zeros(n)
    for _ in range(_MAX_EXPECTATION_STEPS):
        nxt = emit + np.bincount(chain.sources, weights=chain.probs * x[chain.targets], minlength=n)
        if np.allclose(nxt, x, rtol=1e-9, atol=1e-9):
            return float(nxt[0])
        x = nxt
    return float("inf")
