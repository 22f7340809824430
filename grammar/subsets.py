"""Subset construction: a complete DFA for a declared NFA, in a bounded number of states.

The subset construction can need exponentially many states, so it runs in
the cheapest order known and under a budget:

1. a declaration that is already deterministic is tabulated directly;
2. epsilon moves are folded into the symbol moves (each move goes to the
   epsilon closure of its target);
3. states that cannot be reached, or cannot reach acceptance, are trimmed:
   they only make subsets larger and more numerous;
4. bisimilar states (same acceptance, moves into the same classes on every
   symbol) are merged, a cheap partition refinement on the NFA;
5. the subsets are explored breadth-first in batches, as packed bit rows, so
   one step of a whole batch is a few numpy calls.

More than `max_states` subsets (default :data:`MAX_DFA_STATES`) stop the
construction with a :class:`grammar.GrammarError` that says how to allow more.
A construction that takes more than a few seconds shows a progress bar on a
terminal.

Examples
--------
>>> from grammar import library
>>> table, accepting = determinize(library.reber().declaration, library.reber().alphabet)
>>> table.shape, int(accepting.sum())
((9, 7), 1)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from grammar.checks import check_positive
from grammar.errors import GrammarError
from grammar.graph import Declaration

__all__ = ["MAX_DFA_STATES", "determinize"]

# The most subsets (DFA states before minimisation) one construction may create.
MAX_DFA_STATES = 1_000_000
# Cells of the boolean batch a step works on at once (rows times NFA states).
_BATCH_CELLS = 2**22
# A construction still running after this many seconds shows a progress bar.
_PROGRESS_DELAY = 2.0


def _closures(n: int, sources: np.ndarray, targets: np.ndarray) -> list[np.ndarray]:
    """The epsilon closure of each state, as a sorted array."""
    epsilon: list[list[int]] = [[] for _ in range(n)]
    for u, v in zip(sources.tolist(), targets.tolist(), strict=True):
        epsilon[u].append(v)
    closures = []
    for q in range(n):
        seen = {q}
        stack = [q]
        while stack:
            for r in epsilon[stack.pop()]:
                if r not in seen:
                    seen.add(r)
                    stack.append(r)
        closures.append(np.fromiter(sorted(seen), dtype=np.int64, count=len(seen)))
    return closures


def _reach(n: int, sources: np.ndarray, targets: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Boolean mask of the states reachable from `seeds` along (source, target) edges."""
    order = np.argsort(sources, kind="stable")
    sources, targets = sources[order], targets[order]
    bounds = np.searchsorted(sources, np.arange(n + 1))
    seen = np.zeros(n, dtype=bool)
    seen[seeds] = True
    frontier = np.unique(seeds)
    while frontier.size:
        lo, hi = bounds[frontier], bounds[frontier + 1]
        reached = targets[_ranges(lo, hi - lo)]
        frontier = np.unique(reached[~seen[reached]])
        seen[frontier] = True
    return seen


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, s + l)`` for each pair, vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(total)


def _bisimulation(
    n: int, sources: np.ndarray, symbols: np.ndarray, targets: np.ndarray, final: np.ndarray
) -> np.ndarray:
    """Class of each state under the coarsest forward bisimulation of an epsilon-free NFA."""
    classes = final.astype(np.int64)
    n_classes = len(np.unique(classes))
    while True:
        moves = np.unique(np.stack([sources, symbols, classes[targets]], axis=1), axis=0)
        bounds = np.searchsorted(moves[:, 0], np.arange(n + 1))
        labels = (moves[:, 1] * n + moves[:, 2]).tolist()
        own, starts = classes.tolist(), bounds.tolist()
        signatures: dict[tuple, int] = {}
        refined = np.fromiter(
            (signatures.setdefault((own[q], *labels[starts[q] : starts[q + 1]]), len(signatures))
             for q in range(n)),
            dtype=np.int64,
            count=n,
        )
        if len(signatures) == n_classes:
            return refined
        classes, n_classes = refined, len(signatures)


def _subsets(
    n: int,
    k: int,
    sources: np.ndarray,
    symbols: np.ndarray,
    targets: np.ndarray,
    start: np.ndarray,
    final: np.ndarray,
    max_states: int,
    note: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Breadth-first subset construction over an epsilon-free NFA with a start set."""
    from tqdm.auto import tqdm  # here, so that importing grammar stays fast

    bounds, moves = [], []
    for j in range(k):
        pick = symbols == j
        order = np.argsort(sources[pick], kind="stable")
        bounds.append(np.searchsorted(sources[pick][order], np.arange(n + 1)))
        moves.append(targets[pick][order])
    width = (n + 7) // 8
    void = np.dtype((np.void, width))
    row = np.zeros(n, dtype=bool)
    row[start] = True
    first = np.packbits(row, bitorder="little").tobytes()
    ids = {first: 0}
    keys = [first]
    tables, accepting = [], []
    batch = max(1, min(4096, _BATCH_CELLS // max(n, 1)))
    done = 0
    with tqdm(desc="subset construction", unit=" states", disable=None,
              delay=_PROGRESS_DELAY, leave=False) as bar:
        while done < len(keys):
            chunk = keys[done : done + batch]
            size = len(chunk)
            packed = np.frombuffer(b"".join(chunk), dtype=np.uint8).reshape(size, width)
            bits = np.unpackbits(packed, axis=1, count=n, bitorder="little").view(bool)
            accepting.append(bits[:, final].any(axis=1))
            rows, members = np.nonzero(bits)
            table = np.empty((size, k), dtype=np.int64)
            for j in range(k):
                lo = bounds[j][members]
                lengths = bounds[j][members + 1] - lo
                step = np.zeros((size, n), dtype=bool)
                step[np.repeat(rows, lengths), moves[j][_ranges(lo, lengths)]] = True
                found = np.packbits(step, axis=1, bitorder="little").view(void).ravel()
                column = []
                for key in found.tolist():
                    state = ids.get(key)
                    if state is None:
                        state = ids[key] = len(keys)
                        keys.append(key)
                    column.append(state)
                table[:, j] = column
            tables.append(table)
            done += size
            bar.update(size)
            bar.set_postfix(found=len(keys), refresh=False)
            if len(keys) > max_states:
                raise GrammarError(
                    f"subset construction passed the budget of {max_states:,} DFA states "
                    f"({len(keys):,} subsets reached, {done:,} expanded) for an NFA of {note}; "
                    "the language may need exponentially many states. Allow more with "
                    "max_states=... or by raising grammar.subsets.MAX_DFA_STATES"
                )
    return np.concatenate(tables), np.concatenate(accepting)


def determinize(
    declaration: Declaration, alphabet: Sequence[str], max_states: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Subset construction: a complete DFA (start state 0) for the declared NFA.

    Deterministic declarations without epsilon moves skip the subsets and are
    tabulated directly; a missing transition goes to an added dead state.

    Parameters
    ----------
    declaration : Declaration
    alphabet : sequence of str
        The symbols, in column order.
    max_states : int, optional
        The most subsets the construction may create; default
        :data:`MAX_DFA_STATES`, read at call time.

    Returns
    -------
    table, accepting : numpy.ndarray
        Not minimised: see :func:`grammar.minimize.minimize`.

    Raises
    ------
    GrammarError
        When the construction passes `max_states` subsets.

    Examples
    --------
    >>> from grammar import library
    >>> table, accepting = determinize(library.reber().declaration, library.reber().alphabet)
    >>> table.shape
    (9, 7)
    """
    budget = MAX_DFA_STATES if max_states is None else check_positive(max_states, "max_states")
    index = {node: i for i, node in enumerate(declaration.nodes)}
    column = {symbol: j for j, symbol in enumerate(alphabet)}
    n, k = len(index), len(alphabet)
    edges = np.array(
        [(index[e.source], -1 if e.symbol is None else column[e.symbol], index[e.target])
         for e in declaration.edges],
        dtype=np.int64,
    ).reshape(-1, 3)
    # The same (source, symbol, target) declared twice is one move.
    sources, symbols, targets = np.unique(edges, axis=0).T
    final = np.zeros(n, dtype=bool)
    final[[index[q] for q in declaration.accepting]] = True
    start = index[declaration.start]

    plain = symbols >= 0
    pairs = sources * k + symbols
    if plain.all() and len(np.unique(pairs)) == len(pairs):
        dead = n
        table = np.full((n + 1, k), dead, dtype=np.int64)
        table[sources, symbols] = targets
        # Move the start to row 0 so both paths share the convention.
        order = np.arange(n + 1)
        order[[0, start]] = order[[start, 0]]
        inverse = np.argsort(order)
        return inverse[table[order]], np.append(final, False)[order]

    # Fold epsilon moves in: a symbol move reaches the whole closure of its target.
    closures = _closures(n, sources[~plain], targets[~plain])
    sizes = np.array([len(c) for c in closures], dtype=np.int64)
    flat = np.concatenate(closures)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    s, j, t = sources[plain], symbols[plain], targets[plain]
    reach = _ranges(offsets[t], sizes[t])
    s, j, t = np.repeat(s, sizes[t]), np.repeat(j, sizes[t]), flat[reach]
    moves = np.unique(np.stack([s, j, t], axis=1), axis=0)
    s, j, t = moves[:, 0], moves[:, 1], moves[:, 2]
    begin = closures[start]

    # Trim: only states both reachable and co-reachable can change the language.
    keep = _reach(n, s, t, begin) & _reach(n, t, s, np.flatnonzero(final))
    if not keep[begin].any():
        return np.zeros((1, k), dtype=np.int64), np.zeros(1, dtype=bool)
    renumber = np.cumsum(keep) - 1
    used = keep[s] & keep[t]
    s, j, t = renumber[s[used]], j[used], renumber[t[used]]
    m = int(keep.sum())
    final_kept = final[keep]

    # Merge bisimilar states before the subsets multiply them.
    classes = _bisimulation(m, s, j, t, final_kept)
    c = int(classes.max()) + 1
    quotient = np.unique(np.stack([classes[s], j, classes[t]], axis=1), axis=0)
    class_final = np.zeros(c, dtype=bool)
    class_final[classes[final_kept]] = True
    start_set = np.unique(classes[renumber[begin[keep[begin]]]])
    note = f"{n:,} states ({m:,} after trimming, {c:,} after merging bisimilar states)"
    return _subsets(c, k, quotient[:, 0], quotient[:, 1], quotient[:, 2], start_set,
                    class_final, budget, note)
