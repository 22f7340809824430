"""Random members: weighted walks on the declaration, and exactly uniform draws.

:func:`sample` runs random walks on the *declared* graph, with the declared
edge ``weight`` and node ``stop_weight``: the generative process the user
wrote down (for Reber, the classic coin flips). All walkers move at once in
numpy. Epsilon moves are folded into the walk beforehand (the probability of
leaving a node by each symbol edge, or of stopping, after any number of
epsilon moves), and nodes from which no accepting node can be reached are
pruned, so every walk stops and every walk that stops spells a member. Each
numpy step draws a block of up to eight symbols at once from a precomputed
table of the walk's outcomes.

Length bounds are met by conditioning, never by truncation. When a walk
meets the bounds often enough, whole walks are drawn and those outside the
bounds rejected; when it rarely does, the walk is conditioned exactly on its
length (a Doob h-transform: each step is weighted by the probability that the
rest of the walk can still end within the bounds).

:func:`sample_uniform` draws exactly uniformly among the members of a length,
by counting paths on the minimal DFA with exact integers (Python ints once
counts pass 2**62) and unranking a uniformly drawn index.

`seed` follows numpy and networkx: an int, None or a
:class:`numpy.random.Generator`; the same int gives the same words.

Examples
--------
>>> from grammar import library
>>> from grammar.sampling import sample, sample_uniform
>>> g = library.reber()
>>> words = sample(g, 5, seed=1)
>>> len(words), all(g.accepts(w) for w in words)
(5, True)
>>> sample(g, 5, seed=1) == words                   # the same seed, the same words
True
>>> all(9 <= len(w) <= 10 for w in sample(g, 100, seed=2, min_length=9, max_length=10))
True
>>> sorted(set(sample_uniform(g, 200, length=6, seed=0)))
['BPTVVE', 'BPVPSE', 'BTSXSE']
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.errors import EmptyLanguageError, GrammarError

if TYPE_CHECKING:
    from grammar.automaton import DFA
    from grammar.core import Grammar, Word
    from grammar.graph import Declaration

__all__ = ["sample", "sample_uniform"]

# Walkers per vectorised batch: big enough to amortise numpy's call overhead,
# small enough that a batch's buffers stay in cache.
_BATCH = 1 << 16
# A walk with no max_length that runs past this many symbols is reported, not followed.
_MAX_WALK = 1_000_000
# Outcome tables of the blocked walk: at most this many outcomes per node and in all.
_MAX_OUTCOMES_NODE = 1 << 14
_MAX_OUTCOMES = 1 << 17
# With bounds, whole walks are rejected while at least this fraction meets them;
# below it, the walk is conditioned exactly on its length.
_MIN_ACCEPTANCE = 0.05
# Epsilon moves are folded by a dense solve over the nodes that have them.
_MAX_EPSILON_NODES = 4000


# -- small shared helpers ------------------------------------------------------------------------


def check_count(n: Any, name: str = "n") -> int:
    """Check that `n` is an int >= 0 and return it as an int.

    Examples
    --------
    >>> check_count(3)
    3
    >>> check_count(-1)
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: n must be >= 0, got -1
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be an int, not {type(n).__name__}")
    if n < 0:
        raise GrammarError(f"{name} must be >= 0, got {n}")
    return int(n)


def check_length_range(length: Any) -> tuple[int, int]:
    """Normalise an int length or an inclusive ``(lo, hi)`` pair to ``(lo, hi)``.

    Examples
    --------
    >>> check_length_range(4), check_length_range((2, 5))
    ((4, 4), (2, 5))
    """
    if isinstance(length, (tuple, list)):
        if len(length) != 2:
            raise GrammarError(f"length must be an int or a (lo, hi) pair, got {length!r}")
        lo, hi = (check_count(x, "length") for x in length)
        if lo > hi:
            raise GrammarError(f"length range ({lo}, {hi}) is empty: lo > hi")
        return lo, hi
    value = check_count(length, "length")
    return value, value


def describe_lengths(lo: int, hi: int | None) -> str:
    """Words for a length range in error messages."""
    if hi is None:
        return f"length >= {lo}"
    return f"length {lo}" if lo == hi else f"length {lo} to {hi}"


def grammar_label(g: Grammar) -> str:
    """How error messages name a grammar."""
    return f"grammar {g.name!r}" if g.name else "the grammar"


_CACHE: dict[tuple[int, str], tuple[weakref.ref, Any]] = {}


def cached(owner: Any, key: str, build: Callable[[], Any]) -> Any:
    """Memoise ``build()`` on the identity of `owner` (a DFA or a Declaration).

    Grammars compare by language, so their derived tables are keyed by object
    identity instead; the entry goes when `owner` is garbage collected.
    """
    slot = (id(owner), key)
    entry = _CACHE.get(slot)
    if entry is not None and entry[0]() is owner:
        return entry[1]
    value = build()
    _CACHE[slot] = (weakref.ref(owner), value)
    weakref.finalize(owner, _CACHE.pop, slot, None)
    return value


# -- codes: words as zero-padded arrays ------------------------------------------------------------
#
# Internally a batch of words is a 2-D array of "codes": symbol j is stored as
# j + 1 and 0 pads a row after its word, so rows need no separate lengths.


def code_dtype(n_symbols: int) -> type:
    """The narrowest unsigned dtype holding codes 0..n_symbols."""
    return np.uint8 if n_symbols < 255 else np.uint16


@dataclass(frozen=True)
class Codec:
    """Turns code arrays into the words of one grammar."""

    alphabet: tuple[str, ...]
    single_char: bool
    points: np.ndarray  # uint32 code point of each code (0 for padding)
    column: dict

    @classmethod
    def of(cls, g: Grammar) -> Codec:
        def build() -> Codec:
            points = np.zeros(len(g.alphabet) + 1, dtype=np.uint32)
            if g.single_char:
                points[1:] = [ord(symbol) for symbol in g.alphabet]
            column = {symbol: j + 1 for j, symbol in enumerate(g.alphabet)}
            return cls(g.alphabet, g.single_char, points, column)

        return cached(g.dfa, "codec", build)

    def decode(self, codes: np.ndarray) -> list[Word]:
        """The words of the rows of `codes`."""
        return self.decode_objects(codes).tolist()

    def decode_objects(self, codes: np.ndarray) -> np.ndarray:
        """The words of the rows of `codes`, as a 1-D object array."""
        rows, width = codes.shape
        if width == 0:
            return np.fromiter(["" if self.single_char else ()] * rows, dtype=object, count=rows)
        if self.single_char and self.points[1:].all():
            # A row of code points read as one fixed-width numpy str; trailing NULs drop off.
            points = np.ascontiguousarray(self.points[codes])
            return points.view(f"<U{width}").ravel().astype(object)
        lengths = np.count_nonzero(codes, axis=1)
        symbols = np.asarray(self.alphabet, dtype=object)[codes[codes > 0] - 1].tolist()
        ends = np.cumsum(lengths).tolist()
        starts = [0, *ends[:-1]]
        join = "".join if self.single_char else tuple
        # fromiter keeps each tuple whole (a plain assignment could unpack it).
        return np.fromiter((join(symbols[a:b]) for a, b in zip(starts, ends, strict=True)),
                           dtype=object, count=rows)


def code_table(dfa: DFA) -> np.ndarray:
    """The DFA table read by codes: column 0 (padding) keeps the state, column j + 1 reads j."""

    def build() -> np.ndarray:
        n = dfa.n_states
        table = np.empty((n, len(dfa.alphabet) + 1), dtype=np.intp)
        table[:, 0] = np.arange(n)
        table[:, 1:] = dfa.table
        table.setflags(write=False)
        return table

    return cached(dfa, "code_table", build)


def run_codes(table: np.ndarray, codes: np.ndarray, start: int) -> np.ndarray:
    """Final state of each row of `codes` on a code table (see :func:`code_table`)."""
    width = table.shape[1]
    flat = (table * width).ravel()
    states = np.full(codes.shape[0], start * width, dtype=np.intp)
    for column in codes.T:
        states = flat[states + column]
    return states // width


def dfa_live(dfa: DFA) -> np.ndarray:
    """``dfa.live``, computed once per DFA."""
    return cached(dfa, "live", lambda: dfa.live)


# -- exactly uniform sampling ---------------------------------------------------------------------


# Counts stay int64 below this bound (the DFA's own cut-off).
_INT64_SAFE = 2**62


class _Counts:
    """Exact word counts of one DFA (members, or non-members), grown on demand.

    ``counts[r, s]`` is the number of words of length r leading from s into
    the chosen states; ``branch[r, s, j]`` the number of those of length
    r + 1 whose first symbol is at most j, the table unranking reads.
    """

    def __init__(self, dfa: DFA, members: bool) -> None:
        self.dfa, self.members = dfa, members
        self.counts = np.zeros((0, dfa.n_states), dtype=np.int64)
        self.branch = np.zeros((0, dfa.n_states, len(dfa.alphabet)), dtype=np.int64)

    def upto(self, max_length: int) -> _Counts:
        if len(self.counts) <= max_length:
            dfa = self.dfa
            top = max(max_length, 2 * len(self.counts))
            rows = dfa.suffix_counts(top)
            if not self.members:
                # Complement: every state of a complete DFA starts k**r words of length r.
                k = len(dfa.alphabet)
                exact = k**top < _INT64_SAFE
                rows = [k**r - (c if exact else c.astype(object)) for r, c in enumerate(rows)]
            if any(c.dtype == object for c in rows):
                counts = np.array([c.astype(object) for c in rows], dtype=object)
            else:
                counts = np.array(rows, dtype=np.int64).reshape(len(rows), dfa.n_states)
            self.counts = counts
            self.branch = np.cumsum(counts[:, dfa.table], axis=2)
        return self


def counts_of(dfa: DFA, max_length: int, members: bool = True) -> _Counts:
    """The cached :class:`_Counts` of `dfa`, covering lengths up to `max_length`."""
    return cached(dfa, f"counts:{members}", lambda: _Counts(dfa, members)).upto(max_length)


def count_table(dfa: DFA, max_length: int, members: bool = True) -> np.ndarray:
    """``counts[r, s]`` for r <= max_length: words of length r from s to acceptance.

    int64 while that is exact, else an object array of Python ints. With
    ``members=False`` it counts the non-members.
    """
    return counts_of(dfa, max_length, members).counts[: max_length + 1]


def random_below(rng: np.random.Generator, bounds: np.ndarray) -> np.ndarray:
    """A uniform integer in ``[0, b)`` for each b of `bounds` (int64, or Python ints)."""
    if bounds.dtype != object:
        return rng.integers(0, bounds)
    drawn = np.empty(len(bounds), dtype=object)
    for i, bound in enumerate(bounds.tolist()):
        bits = int(bound - 1).bit_length()
        while True:  # rejection keeps it exactly uniform; it loops < 2 times on average
            value = int.from_bytes(rng.bytes((bits + 7) // 8), "little") >> (-bits % 8)
            if value < bound:
                drawn[i] = value
                break
    return drawn


def unrank_codes(
    dfa: DFA, lengths: np.ndarray, ranks: np.ndarray, members: bool = True
) -> np.ndarray:
    """The `ranks`-th words (in lexicographic order) of the given lengths, as codes.

    The words ranked are the members, or with ``members=False`` the
    non-members. Each rank must be below the number of such words.
    """
    table = dfa.table.astype(np.intp)
    m = len(lengths)
    width = int(lengths.max(initial=0))
    codes = np.zeros((m, width), dtype=code_dtype(len(dfa.alphabet)))
    if width == 0:
        return codes
    branch = counts_of(dfa, width, members).branch
    states = np.full(m, dfa.start, dtype=np.intp)
    order = np.argsort(-lengths, kind="stable")  # longest first: the active rows are a prefix
    lengths, remaining, rows = lengths[order], ranks[order], order
    active = m
    for t in range(width):
        while active and lengths[active - 1] <= t:
            active -= 1
        left = lengths[:active] - t - 1
        here = branch[left, states[:active]]  # (a, k)
        rank = remaining[:active]
        # The first symbol whose cumulative count passes the rank holds the word.
        choice = (here <= rank[:, None]).sum(axis=1).astype(np.intp)
        before = np.where(choice > 0, here[np.arange(active), choice - 1], 0)
        remaining[:active] = rank - before
        states[:active] = table[states[:active], choice]
        codes[rows[:active], t] = choice + 1
    return codes


def member_lengths(counts: np.ndarray, lo: int, hi: int, start: int) -> np.ndarray:
    """The lengths in ``[lo, hi]`` with at least one word, per `counts`."""
    return np.array([k for k in range(lo, hi + 1) if counts[k, start] > 0], dtype=np.int64)


def uniform_lengths_codes(
    dfa: DFA, lengths: np.ndarray, n: int, rng: np.random.Generator, members: bool = True
) -> np.ndarray:
    """`n` words: a length drawn uniformly from `lengths`, then a word uniformly."""
    drawn = lengths[rng.integers(0, lengths.size, size=n)] if lengths.size > 1 else np.full(
        n, lengths[0]
    )
    counts = count_table(dfa, int(lengths.max()), members)
    ranks = random_below(rng, counts[drawn, dfa.start])
    return unrank_codes(dfa, drawn, ranks, members)


def uniform_codes(
    g: Grammar,
    n: int,
    lo: int,
    hi: int,
    rng: np.random.Generator,
    *,
    members: bool = True,
) -> np.ndarray:
    """Codes of `n` words, length uniform among lengths in [lo, hi] that have words, then uniform.

    With ``members=False`` the words are non-members (of the grammar's alphabet).
    """
    dfa = g.dfa
    lengths = member_lengths(count_table(dfa, hi, members), lo, hi, dfa.start)
    if lengths.size == 0:
        what = "member" if members else "non-member"
        raise EmptyLanguageError(
            f"{grammar_label(g)} has no {what} of {describe_lengths(lo, hi)}"
        )
    return uniform_lengths_codes(dfa, lengths, n, rng, members)


def sample_uniform(
    g: Grammar, n: int, length: int | tuple[int, int], seed: Any = None
) -> list[Word]:
    """Draw `n` members exactly uniformly among those of the given length.

    Paths are counted on the minimal DFA with exact integers and a uniformly
    drawn index is unranked, so every member of a length is equally likely
    however large the count.

    Parameters
    ----------
    g : Grammar
    n : int
        Number of words (with repetition).
    length : int or (int, int)
        One length, or an inclusive range: then each word's length is drawn
        uniformly among the lengths in the range that have members (the
        length-balanced design of MLRegTest), and the word uniformly within it.
    seed : int, None or numpy.random.Generator

    Returns
    -------
    list of str (or of tuples of tokens for a token grammar)

    Raises
    ------
    EmptyLanguageError
        If no member has the length (or any length of the range); the message
        names it.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.tomita(2)
    >>> sample_uniform(g, 3, length=4, seed=0)
    ['1010', '1010', '1010']
    >>> sorted({len(w) for w in sample_uniform(g, 50, length=(1, 6), seed=0)})
    [2, 4, 6]
    >>> sample_uniform(g, 1, length=3)
    Traceback (most recent call last):
    ...
    grammar.errors.EmptyLanguageError: grammar 'tomita-2' has no member of length 3
    """
    n = check_count(n)
    lo, hi = check_length_range(length)
    rng = np.random.default_rng(seed)
    return Codec.of(g).decode(uniform_codes(g, n, lo, hi, rng))


# -- the declared walk, epsilon moves folded in ----------------------------------------------------


@dataclass(frozen=True)
class _Chain:
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


def _build_chain(declaration: Declaration, alphabet: tuple[str, ...]) -> _Chain | None:
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
    return _Chain(offsets, sym, dst, prob / total[src], stop_prob / total)


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
    if K.size > _MAX_EPSILON_NODES:
        raise GrammarError(
            f"walks support at most {_MAX_EPSILON_NODES} nodes with epsilon moves; "
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
    C = np.linalg.solve(A, rhs)
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


@dataclass(frozen=True)
class _Blocks:
    """The blocked walk: from node q, one draw picks an outcome of up to `m` steps.

    Outcome o (``offsets[q] <= o < offsets[q+1]``) emits ``cells[o]`` (m codes
    packed in one integer, zero-padded), ``lengths[o]`` symbols, and either
    stops (``ends[o] == -1``) or continues at node ``ends[o]`` after exactly
    m symbols. It is drawn by the alias method (``cut``, ``alias``).
    """

    m: int
    offsets: np.ndarray
    sizes: np.ndarray
    cells: np.ndarray
    lengths: np.ndarray
    ends: np.ndarray
    cut: np.ndarray
    alias: np.ndarray


def _alias(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker/Vose alias table for one distribution (local indices)."""
    k = len(probs)
    scaled = (probs / probs.sum() * k).tolist()
    cut = [1.0] * k
    alias = list(range(k))
    small = [i for i, p in enumerate(scaled) if p < 1.0]
    large = [i for i, p in enumerate(scaled) if p >= 1.0]
    while small and large:
        s, big = small.pop(), large[-1]
        cut[s], alias[s] = scaled[s], big
        scaled[big] -= 1.0 - scaled[s]
        if scaled[big] < 1.0:
            small.append(large.pop())
    return np.array(cut), np.array(alias, dtype=np.intp)


def _build_blocks(chain: _Chain, n_symbols: int) -> _Blocks:
    counts = np.ones(chain.n_nodes, dtype=np.int64)  # outcomes of a 0-step block
    sources, stops = chain.sources, (chain.stop > 0).astype(np.int64)
    by_steps = {0: counts}
    for steps in range(1, 9):
        counts = stops + np.bincount(sources, weights=counts[chain.targets],
                                     minlength=chain.n_nodes).astype(np.int64)
        by_steps[steps] = counts
    width = np.dtype(code_dtype(n_symbols)).itemsize
    m = 1
    for candidate in (8, 4, 2):
        outcomes = by_steps[candidate]
        if (candidate * width <= 8 and outcomes.max() <= _MAX_OUTCOMES_NODE
                and outcomes.sum() <= _MAX_OUTCOMES):
            m = candidate
            break

    # Expand all blocks breadth-first: frontier rows are (origin node, node, prob, codes).
    origin = np.arange(chain.n_nodes)
    node = origin.copy()
    prob = np.ones(chain.n_nodes)
    codes = np.zeros((chain.n_nodes, m), dtype=code_dtype(n_symbols))
    parts = []
    for depth in range(m):
        stopping = chain.stop[node] > 0
        parts.append((origin[stopping], codes[stopping], np.full(stopping.sum(), depth),
                      np.full(stopping.sum(), -1), prob[stopping] * chain.stop[node[stopping]]))
        fan = np.diff(chain.offsets)[node]
        parent = np.repeat(np.arange(len(node)), fan)
        action = chain.offsets[node][parent] + (np.arange(len(parent))
                                                - np.repeat(np.cumsum(fan) - fan, fan))
        origin, prob = origin[parent], prob[parent] * chain.probs[action]
        codes = codes[parent]
        codes[:, depth] = chain.symbols[action] + 1
        node = chain.targets[action]
    parts.append((origin, codes, np.full(len(node), m), node, prob))
    origin, codes, lengths, ends, prob = (np.concatenate(p) for p in zip(*parts, strict=True))
    order = np.argsort(origin, kind="stable")
    origin, codes, lengths, ends, prob = (
        origin[order], codes[order], lengths[order], ends[order], prob[order]
    )
    sizes = np.bincount(origin, minlength=chain.n_nodes)
    offsets = np.zeros(chain.n_nodes + 1, dtype=np.intp)
    np.cumsum(sizes, out=offsets[1:])
    cut = np.empty(len(prob))
    alias = np.empty(len(prob), dtype=np.intp)
    for q in range(chain.n_nodes):
        a, b = offsets[q], offsets[q + 1]
        cut[a:b], local = _alias(prob[a:b])
        alias[a:b] = local + a
    cells = np.ascontiguousarray(codes).view({1: np.uint8, 2: np.uint16, 4: np.uint32,
                                              8: np.uint64}[m * width]).ravel()
    return _Blocks(m, offsets, sizes.astype(np.intp), cells, lengths.astype(np.intp),
                   ends.astype(np.intp), cut, alias)


@dataclass(frozen=True)
class _Walk:
    chain: _Chain
    blocks: _Blocks

    @classmethod
    def of(cls, g: Grammar) -> _Walk:
        def build() -> _Walk | None:
            chain = _build_chain(g.declaration, g.alphabet)
            return None if chain is None else cls(chain, _build_blocks(chain, len(g.alphabet)))

        walk = cached(g.declaration, "walk", build)
        if walk is None:
            raise EmptyLanguageError(f"{grammar_label(g)} has no members: nothing to sample")
        return walk


class _Rows:
    """Per-walker output rows of one batch, compacted as walkers finish.

    Row i of `cells` belongs to the walker in slot i; `slot[j]` is the slot
    of active walker j. Finished rows are decoded at once.
    """

    def __init__(self, n: int, dtype: type) -> None:
        self.cells = np.zeros((n, 4), dtype=dtype)
        self.slot = np.arange(n)

    def write(self, step: int, values: np.ndarray) -> None:
        if step == self.cells.shape[1]:
            grown = np.zeros((self.cells.shape[0], 2 * step), dtype=self.cells.dtype)
            grown[:, :step] = self.cells
            self.cells = grown
        self.cells[self.slot, step] = values

    def take(self, which: np.ndarray, steps: int) -> np.ndarray:
        return self.cells[self.slot[which], :steps]

    def keep(self, which: np.ndarray) -> None:
        self.slot = self.slot[which]
        if len(self.slot) * 4 < self.cells.shape[0]:
            self.cells = self.cells[self.slot]
            self.slot = np.arange(len(self.slot))


def _code_view(cells: np.ndarray, n_symbols: int) -> np.ndarray:
    """Packed cells (rows, steps) viewed as codes (rows, steps * m)."""
    return np.ascontiguousarray(cells).view(code_dtype(n_symbols))


def _walk_batch(
    walk: _Walk, n: int, rng: np.random.Generator, lo: int, hi: int | None, n_symbols: int,
    label: str,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Run `n` blocked walks; return code blocks and walker ids of those within [lo, hi]."""
    b = walk.blocks
    m = b.m
    node = np.zeros(n, dtype=np.intp)
    walker = np.arange(n)
    rows = _Rows(n, b.cells.dtype)
    done_codes, done_ids = [], []
    step = 0
    while len(walker):
        u = rng.random(len(walker)) * b.sizes[node]
        j = u.astype(np.intp)
        pick = b.offsets[node] + j
        outcome = np.where(u - j < b.cut[pick], pick, b.alias[pick])
        rows.write(step, b.cells[outcome])
        node = b.ends[outcome]
        length = step * m + b.lengths[outcome]
        stopped = node < 0
        if stopped.any():
            ok = stopped & (length >= lo)
            if hi is not None:
                ok &= length <= hi
            which = np.flatnonzero(ok)
            if which.size:
                done_codes.append(_code_view(rows.take(which, step + 1), n_symbols))
                done_ids.append(walker[which])
        going = ~stopped
        if hi is not None:
            going &= length <= hi  # past the bound already: reject the whole walk
        elif (step + 1) * m > _MAX_WALK and going.any():
            raise GrammarError(
                f"a random walk on {label} ran past {_MAX_WALK:,} symbols without stopping; "
                "pass max_length (walks are conditioned on it) or raise the stop weights"
            )
        keep = np.flatnonzero(going)
        node, walker = node[keep], walker[keep]
        rows.keep(keep)
        step += 1
    return done_codes, done_ids


def _assemble(codec: Codec, n: int, blocks: list[tuple[np.ndarray, np.ndarray]]) -> list[Word]:
    """Words placed at their positions, so the list order is exchangeable."""
    out = np.empty(n, dtype=object)
    for codes, positions in blocks:
        out[positions] = codec.decode_objects(codes)
    return out.tolist()


# -- conditioning on length -----------------------------------------------------------------------


def _length_odds(chain: _Chain, lo: int, hi: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Scaled tables for the exact length-conditioned walk, and the log-odds of meeting the bounds.

    With `hi`: ``h[r, q]`` is proportional to the probability that the walk
    from q emits exactly r more symbols (r = 0..hi). Without: that it emits
    at least r more (r = 0..lo). Each row is scaled to max 1; ``log_scale[r]``
    holds the log of the scale, so ``log(h[r, q]) + log_scale[r]`` is exact.
    """
    sources = chain.sources
    top = lo if hi is None else hi
    h = np.zeros((top + 1, chain.n_nodes))
    log_scale = np.zeros(top + 1)
    h[0] = 1.0 if hi is None else chain.stop
    for r in range(1, top + 1):
        row = np.bincount(sources, weights=chain.probs * h[r - 1, chain.targets],
                          minlength=chain.n_nodes)
        peak = row.max()
        if peak > 0:
            h[r] = row / peak
            log_scale[r] = log_scale[r - 1] + np.log(peak)
        else:
            log_scale[r] = log_scale[r - 1]
    return h, log_scale


def _acceptance(chain: _Chain, lo: int, hi: int | None) -> float:
    """Probability that a walk's length lies in [lo, hi]."""
    h, log_scale = _length_odds(chain, lo, hi)
    if hi is None:
        return float(h[lo, 0] * np.exp(log_scale[lo]))
    with np.errstate(divide="ignore"):
        logs = np.log(h[lo:, 0]) + log_scale[lo:]
    return float(np.exp(logs).sum())


def _conditioned_walks(
    chain: _Chain, n: int, rng: np.random.Generator, lo: int, hi: int | None, n_symbols: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """`n` walks conditioned exactly on lo <= length <= hi (an h-transformed walk).

    Returns code blocks and the walker ids they hold, as :func:`_walk_batch`.
    """
    h, log_scale = _length_odds(chain, lo, hi)
    if hi is None:
        need = np.full(n, lo, dtype=np.intp)  # symbols still owed; then the walk runs free
    else:
        with np.errstate(divide="ignore"):
            logs = np.log(h[lo:, 0]) + log_scale[lo:]
        odds = np.exp(logs - logs.max())
        need = lo + rng.choice(len(odds), size=n, p=odds / odds.sum())
    degree = np.diff(chain.offsets)
    width = int(degree.max(initial=0))
    # Padded action table: slot d of node q, with probability 0 where q has fewer actions.
    slots = np.arange(width)
    valid = slots[None, :] < degree[:, None]
    action = np.where(valid, chain.offsets[:-1, None] + slots[None, :], 0)
    a_prob = np.where(valid, chain.probs[action], 0.0)
    a_target = chain.targets[action]
    a_code = chain.symbols[action] + 1

    node = np.zeros(n, dtype=np.intp)
    walker = np.arange(n)
    rows = _Rows(n, code_dtype(n_symbols))
    done_codes, done_ids = [], []
    step = 0
    while len(walker):
        owed = need[walker]
        weights = a_prob[node] * np.where(
            owed[:, None] > 0, h[np.maximum(owed - 1, 0)[:, None], a_target[node]],
            1.0 if hi is None else 0.0,
        )
        stop = np.where(owed > 0, 0.0, chain.stop[node] if hi is None else 1.0)
        cum = np.cumsum(np.concatenate([weights, stop[:, None]], axis=1), axis=1)
        u = rng.random(len(walker)) * cum[:, -1]
        choice = np.minimum((cum <= u[:, None]).sum(axis=1), width)
        stopped = choice == width
        if width:
            pick = np.minimum(choice, width - 1)
            rows.write(step, np.where(stopped, 0, a_code[node, pick]))
            node = a_target[node, pick]
        else:
            rows.write(step, np.zeros(len(walker), dtype=np.intp))
        finished = np.flatnonzero(stopped)
        if finished.size:
            done_codes.append(rows.take(finished, step + 1))
            done_ids.append(walker[finished])
        going = np.flatnonzero(~stopped)
        if hi is None and step > lo + _MAX_WALK and going.size:
            raise GrammarError(
                f"a random walk ran past {_MAX_WALK:,} symbols without stopping; pass max_length"
            )
        need[walker[going]] = np.maximum(owed[going] - 1, 0)
        node, walker = node[going], walker[going]
        rows.keep(going)
        step += 1
    return done_codes, done_ids


# -- sample ---------------------------------------------------------------------------------------


def _check_bounds(min_length: Any, max_length: Any) -> tuple[int, int | None]:
    lo = 0 if min_length is None else check_count(min_length, "min_length")
    hi = None if max_length is None else check_count(max_length, "max_length")
    if hi is not None and lo > hi:
        raise GrammarError(f"min_length {lo} > max_length {hi}: no length satisfies both")
    return lo, hi


def _bounds_feasible(dfa: DFA, lo: int, hi: int | None) -> bool:
    # A member longer than lo + n_states can be pumped down to one in [lo, lo + n_states].
    top = lo + dfa.n_states if hi is None else hi
    counts = dfa.suffix_counts(top)
    return any(counts[k][dfa.start] > 0 for k in range(lo, top + 1))


def sample_codes(
    g: Grammar, n: int, rng: np.random.Generator, lo: int = 0, hi: int | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Walks for :func:`sample` as (codes, positions) blocks that cover positions 0..n-1."""
    walk = _Walk.of(g)
    k = len(g.alphabet)
    acceptance = 1.0
    if (lo, hi) != (0, None):
        if not _bounds_feasible(g.dfa, lo, hi):
            raise EmptyLanguageError(
                f"{grammar_label(g)} has no member of {describe_lengths(lo, hi)}"
            )
        acceptance = _acceptance(walk.chain, lo, hi)
        if acceptance < _MIN_ACCEPTANCE:
            codes, ids = _conditioned_walks(walk.chain, n, rng, lo, hi, k)
            return list(zip(codes, ids, strict=True))
    blocks: list[tuple[np.ndarray, np.ndarray]] = []
    got = 0
    while got < n:
        want = n - got
        batch = min(_BATCH, int(want / acceptance * 1.1) + 16) if acceptance < 1 else min(
            _BATCH, want
        )
        codes, ids = _walk_batch(walk, batch, rng, lo, hi, k, grammar_label(g))
        if not ids:
            continue
        # Keep the accepted walkers with the lowest ids: ids carry no information about
        # the words, so this is unbiased, and placing words by id rank keeps the list
        # order exchangeable (short walks finish first, but do not come first).
        accepted = np.zeros(batch, dtype=bool)
        for which in ids:
            accepted[which] = True
        rank = np.cumsum(accepted) - 1
        for block, which in zip(codes, ids, strict=True):
            chosen = np.flatnonzero(rank[which] < want)
            if chosen.size:
                blocks.append((block[chosen], got + rank[which[chosen]]))
        got += min(int(rank[-1]) + 1, want)
    return blocks


def walk_codes(g: Grammar, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` random walks (as :func:`sample`) as one code matrix."""
    blocks = sample_codes(g, n, rng)
    width = max((block.shape[1] for block, _ in blocks), default=0)
    codes = np.zeros((n, width), dtype=code_dtype(len(g.alphabet)))
    for block, positions in blocks:
        codes[positions, : block.shape[1]] = block
    return codes


def sample(
    g: Grammar,
    n: int,
    seed: Any = None,
    min_length: int | None = None,
    max_length: int | None = None,
) -> list[Word]:
    """Draw `n` members by random walks with the declared weights.

    Each walk starts at the declared start node and, at each node, follows an
    edge with probability proportional to its ``weight``, or stops (at an
    accepting node) with probability proportional to its ``stop_weight``.
    Nodes from which no accepting node can be reached are never entered, so
    every walk ends in a member.

    Parameters
    ----------
    g : Grammar
    n : int
        Number of words (with repetition; the list order carries no meaning).
    seed : int, None or numpy.random.Generator
    min_length, max_length : int, optional
        Inclusive bounds on the word length. The walk is conditioned on them
        (rejecting whole walks, or an exact length-conditioned walk when few
        walks meet them), never truncated.

    Returns
    -------
    list of str (or of tuples of tokens for a token grammar)

    Raises
    ------
    EmptyLanguageError
        If the language has no member within the bounds.
    GrammarError
        If a bound is negative or ``min_length > max_length``, or, without
        `max_length`, a walk runs past 1,000,000 symbols.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.embedded_reber()
    >>> words = sample(g, 1000, seed=0)
    >>> all(g.accepts(w) for w in words)
    True
    >>> # the second letter is T or P with equal odds
    >>> round(sum(w[1] == "T" for w in words) / 1000, 1)
    0.5
    >>> min(len(w) for w in sample(g, 20, seed=0, min_length=40))
    40
    >>> sample(library.tomita(2), 1, max_length=1)
    ['']
    >>> sample(library.tomita(2), 1, min_length=3, max_length=3)
    Traceback (most recent call last):
    ...
    grammar.errors.EmptyLanguageError: grammar 'tomita-2' has no member of length 3
    """
    n = check_count(n)
    lo, hi = _check_bounds(min_length, max_length)
    rng = np.random.default_rng(seed)
    codec = Codec.of(g)
    if n == 0:
        _Walk.of(g)  # still report an empty language
        if not _bounds_feasible(g.dfa, lo, hi):
            raise EmptyLanguageError(
                f"{grammar_label(g)} has no member of {describe_lengths(lo, hi)}"
            )
        return []
    blocks = sample_codes(g, n, rng, lo, hi)
    return _assemble(codec, n, blocks)
