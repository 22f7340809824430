"""The counterexample search past the exhaustive bound: pumped cycles and long random words.

Where a certificate's step claim fails from a DFA state ``q``, the network
may drift while the automaton goes round a cycle through ``q``. So the
words tried are ``u·v^k·w``: ``u`` a shortest word reaching ``q``, ``v`` a
cycle from ``q`` back to ``q`` (the shortest through each first symbol, and
every cycle of up to three symbols), ``w`` a short suffix (none, each
symbol, a shortest way to an accepting and to a rejecting state), and ``k``
growing geometrically until the word is thousands of symbols long. Then
random words of those lengths. Every candidate is asked of the verifier in
batches; the shortest wrong one is asked again on its own and kept only if
the answer is the same (confirmed).

Examples
--------
>>> from grammar import library
>>> g = library.parity()
>>> words = pumped_words(g.dfa.table, g.dfa.start, g.dfa.accepting, [1], 40)
>>> all(len(w) <= 40 for w in words), (1, 1, 1) in words
(True, True)
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["pumped_words", "random_words", "first_wrong"]

# Words per batch asked of the verifier.
_BATCH = 512


def _shortest_paths(table: np.ndarray, source: int) -> dict[int, tuple[int, ...]]:
    """A shortest word from `source` to every state it reaches (BFS, symbols in order)."""
    paths = {source: ()}
    queue = deque([source])
    while queue:
        q = queue.popleft()
        for a, nxt in enumerate(table[q]):
            if int(nxt) not in paths:
                paths[int(nxt)] = paths[q] + (a,)
                queue.append(int(nxt))
    return paths


def _cycles(table: np.ndarray, q: int, short: int = 3) -> list[tuple[int, ...]]:
    """Cycles from `q` to `q`: the shortest through each first symbol, all up to `short`."""
    found: list[tuple[int, ...]] = []
    for a, nxt in enumerate(table[q]):
        back = _shortest_paths(table, int(nxt)).get(q)
        if back is not None:
            found.append((a, *back))
    frontier = [((), q)]
    for _ in range(short):
        frontier = [(w + (a,), int(table[s, a])) for w, s in frontier
                    for a in range(table.shape[1])]
        found += [w for w, s in frontier if s == q]
    return list(dict.fromkeys(found))


def pumped_words(table: np.ndarray, start: int, accepting: np.ndarray, states: Sequence[int],
                 max_length: int) -> list[tuple[int, ...]]:
    """Words ``u·v^k·w`` through each of `states`, up to `max_length` symbols (symbol indices).

    Examples
    --------
    >>> from grammar import library
    >>> g = library.tomita(1)
    >>> words = pumped_words(g.dfa.table, g.dfa.start, g.dfa.accepting, [0], 20)
    >>> max(len(w) for w in words) <= 20, (1,) * 20 in words or (1,) * 19 in words
    (True, True)
    """
    table = np.asarray(table)
    accepting = np.asarray(accepting, dtype=bool)
    reach = _shortest_paths(table, start)
    out: dict[tuple[int, ...], None] = {}
    for q in states:
        if q not in reach:
            continue
        u = reach[q]
        from_q = _shortest_paths(table, q)
        for v in _cycles(table, q):
            suffixes = [(), *((a,) for a in range(table.shape[1]))]
            for want in (True, False):
                ends = [p for s, p in from_q.items() if accepting[s] == want]
                if ends:
                    suffixes.append(min(ends, key=len))
            k = 1
            while True:
                body = u + v * k
                fits = [body + w for w in suffixes if len(body) + len(w) <= max_length]
                if not fits:
                    break
                out.update(dict.fromkeys(fits))
                k = max(k + 1, int(k * 1.5))
            # The longest pumping that fits, so every cycle reaches max_length.
            k = (max_length - len(u)) // len(v)
            if k > 0:
                out.update(dict.fromkeys(u + v * k + w for w in suffixes
                                         if len(u) + k * len(v) + len(w) <= max_length))
    return list(out)


def random_words(n_symbols: int, n: int, lo: int, hi: int,
                 rng: np.random.Generator) -> list[tuple[int, ...]]:
    """`n` uniformly random words of lengths `lo` to `hi` (symbol indices).

    Examples
    --------
    >>> words = random_words(2, 3, 5, 6, np.random.default_rng(0))
    >>> len(words), all(5 <= len(w) <= 6 for w in words)
    (3, True)
    """
    lengths = rng.integers(lo, hi + 1, size=n)
    return [tuple(rng.integers(0, n_symbols, size=int(m)).tolist()) for m in lengths]


def first_wrong(words: Sequence[tuple[int, ...]], ask: Callable[[list[Any]], np.ndarray],
                truth: Callable[[list[Any]], np.ndarray], text: Callable[[tuple[int, ...]], Any],
                deadline: float) -> tuple[Any | None, int]:
    """The shortest word among `words` where the verifier is wrong, confirmed alone.

    Parameters
    ----------
    words : sequence of tuples of symbol indices
    ask : callable
        Verifier's decisions (bool array) for a list of words.
    truth : callable
        The grammar's answers for a list of words.
    text : callable
        A word of symbol indices as the verifier reads it.
    deadline : float
        :func:`time.perf_counter` time to stop at.

    Returns
    -------
    word, asked
        The confirmed word (None if none) and how many words were asked.
    """
    order = sorted(range(len(words)), key=lambda i: len(words[i]))
    asked = 0
    best: tuple[int, ...] | None = None
    rate = 0.0  # symbols per second, once measured
    at = 0
    while at < len(order):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        # A first batch of a few words; then as many as fit in the time left.
        size, symbols = 0, 0
        cap = _BATCH if rate else 16
        while at + size < len(order) and size < cap:
            n = len(words[order[at + size]]) + 1
            if size and rate and (symbols + n) / rate > left:
                break
            size, symbols = size + 1, symbols + n
        batch = [words[i] for i in order[at:at + size]]
        at += size
        if best is not None and len(batch[0]) >= len(best):
            break
        started = time.perf_counter()
        texts = [text(w) for w in batch]
        wrong = np.flatnonzero(np.asarray(ask(texts)) != np.asarray(truth(texts)))
        rate = symbols / max(time.perf_counter() - started, 1e-6)
        asked += len(batch)
        for i in wrong:
            w = batch[int(i)]
            if best is not None and len(w) >= len(best):
                break
            alone = [text(w)]
            if bool(np.asarray(ask(alone))[0]) != bool(np.asarray(truth(alone))[0]):
                best = w
                break
    return (None if best is None else text(best)), asked
