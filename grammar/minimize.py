"""Minimisation and canonical numbering of complete DFAs given as numpy tables.

The table is an int array of shape ``(n_states, n_symbols)``; ``table[s, j]``
is the state reached from ``s`` on symbol ``j``. Minimisation is partition
refinement (Moore's algorithm): each round hashes every state's signature
row (its class and its successors' classes) and numbers the rows with one
:func:`numpy.unique`, checked exactly against the rows themselves, so a
round costs a few vectorised passes over the table. The number of rounds is
the depth at which the last two states are told apart, which is small for
the automata met in practice (about 5 for a random 20,000-state DFA over 16
symbols); a long chain of states is the slow case.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "canonical_order",
    "equivalence_classes",
    "minimize",
    "reachable_states",
    "signature_hash",
]


def reachable_states(table: np.ndarray, start: int) -> np.ndarray:
    """Boolean mask of the states reachable from `start`.

    Examples
    --------
    >>> import numpy as np
    >>> reachable_states(np.array([[1], [1], [0]]), 0).tolist()
    [True, True, False]
    """
    seen = np.zeros(table.shape[0], dtype=bool)
    seen[start] = True
    frontier = np.array([start])
    while frontier.size:
        successors = np.unique(table[frontier].ravel())
        frontier = successors[~seen[successors]]
        seen[frontier] = True
    return seen


def _compress(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber int keys to 0..m-1, returning the new ids and m."""
    uniques, inverse = np.unique(keys, return_inverse=True)
    return inverse.reshape(-1), len(uniques)


def signature_hash(signature: np.ndarray) -> np.ndarray:
    """One uint64 per row of `signature` (n, c): SplitMix64 of each entry and its column,
    summed (modulo 2**64). Equal rows hash alike; unequal rows rarely do.

    Examples
    --------
    >>> import numpy as np
    >>> h = signature_hash(np.array([[3, 5, 0], [0, 5, 1], [3, 5, 0]]))
    >>> bool(h[0] == h[2]), bool(h[0] == h[1])
    (True, False)
    """
    columns = np.arange(1, signature.shape[1] + 1, dtype=np.uint64)
    z = signature.astype(np.uint64) + columns * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))).sum(axis=1, dtype=np.uint64)


def _refine(signature: np.ndarray) -> tuple[np.ndarray, int]:
    """Number the distinct rows of `signature` (n, c) 0..m-1, returning the ids and m.

    Rows are numbered by :func:`signature_hash`; the numbering is then
    checked row by row against the first row of each hash, and any collision
    falls back to folding one column at a time, which keeps every key below
    n**2.
    """
    n = signature.shape[0]
    uniques, first, ids = np.unique(signature_hash(signature), return_index=True,
                                    return_inverse=True)
    ids = ids.reshape(-1)
    if (signature == signature[first[ids]]).all():
        return ids, len(uniques)
    ids, count = _compress(signature[:, 0].astype(np.int64))
    for column in signature[:, 1:].T:
        ids, count = _compress(ids.astype(np.int64) * n + column)
    return ids, count


def equivalence_classes(table: np.ndarray, accepting: np.ndarray) -> np.ndarray:
    """Label each state with its Myhill-Nerode class (coarsest stable partition).

    Classes are numbered in the order of their first state.

    Examples
    --------
    >>> import numpy as np
    >>> # states 1 and 2 both accept and loop into each other: equivalent
    >>> equivalence_classes(np.array([[1], [2], [1]]), np.array([False, True, True])).tolist()
    [0, 1, 1]
    """
    classes, n_classes = _compress(accepting.astype(np.int64))
    signature = np.empty((table.shape[0], table.shape[1] + 1), dtype=np.int64)
    while True:
        # The signature of a state is its class followed by its successors' classes.
        signature[:, 0] = classes
        signature[:, 1:] = classes[table]
        refined, width = _refine(signature)
        if width == n_classes:
            break
        classes, n_classes = refined, width
    _, first = np.unique(classes, return_index=True)
    relabel = np.empty(n_classes, dtype=np.int64)
    relabel[np.argsort(first)] = np.arange(n_classes)
    return relabel[classes]


def canonical_order(table: np.ndarray, start: int) -> np.ndarray:
    """Breadth-first order of the reachable states, exploring symbols in column order.

    Returns the old state ids in their new order, so ``order[new] == old``.

    Examples
    --------
    >>> import numpy as np
    >>> canonical_order(np.array([[2, 0], [1, 1], [1, 2]]), 0).tolist()
    [0, 2, 1]
    """
    position = np.full(table.shape[0], -1, dtype=np.int64)
    order = [start]
    position[start] = 0
    head = 0
    rows = table.tolist()
    while head < len(order):
        for target in rows[order[head]]:
            if position[target] < 0:
                position[target] = len(order)
                order.append(target)
        head += 1
    return np.asarray(order, dtype=np.int64)


def minimize(
    table: np.ndarray, accepting: np.ndarray, start: int
) -> tuple[np.ndarray, np.ndarray]:
    """Minimise a complete DFA and number its states canonically.

    Unreachable states are dropped, equivalent states merged, and the rest
    numbered breadth-first from the start in symbol order, so two DFAs over
    the same symbols with the same language give identical arrays.

    Parameters
    ----------
    table : numpy.ndarray
        ``(n_states, n_symbols)`` transition table of a complete DFA.
    accepting : numpy.ndarray
        Boolean mask of final states.
    start : int
        The start state.

    Returns
    -------
    table, accepting : numpy.ndarray
        The canonical minimal DFA, whose start state is 0.

    Examples
    --------
    >>> import numpy as np
    >>> # three states for "even number of a's", one of them redundant
    >>> t, acc = minimize(np.array([[1], [2], [1]]), np.array([True, False, True]), 0)
    >>> t.tolist(), acc.tolist()
    ([[1], [0]], [True, False])
    """
    table = np.asarray(table, dtype=np.int64)
    accepting = np.asarray(accepting, dtype=bool)
    keep = np.flatnonzero(reachable_states(table, start))
    renumber = np.full(table.shape[0], -1, dtype=np.int64)
    renumber[keep] = np.arange(keep.size)
    table, accepting, start = renumber[table[keep]], accepting[keep], int(renumber[start])

    classes = equivalence_classes(table, accepting)
    n_classes = int(classes.max()) + 1
    representative = np.empty(n_classes, dtype=np.int64)
    representative[classes] = np.arange(classes.size)
    quotient = classes[table[representative]]
    quotient_accepting = accepting[representative]

    order = canonical_order(quotient, int(classes[start]))
    new_id = np.empty(n_classes, dtype=np.int64)
    new_id[order] = np.arange(order.size)
    return new_id[quotient[order]].astype(np.int32), quotient_accepting[order]
