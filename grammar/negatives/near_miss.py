"""Near misses: rejected words at edit distance exactly 1 from the language.

:func:`near_misses` mutates sampled members by one edit (substitute,
insert, delete, or transpose two adjacent symbols) and keeps the results
that the automaton rejects and that lie at distance exactly 1 from the
language. The quotas are planned in :mod:`grammar.negatives.quotas`, the
candidates made by :class:`grammar.negatives.generator.NearMissGenerator`,
and kinds that rarely succeed are drawn exactly from the near-miss automaton
where that is cheaper (:mod:`grammar.negatives.choice`).

Examples
--------
>>> from grammar import library
>>> g = library.reber()
>>> misses = near_misses(g, 4, seed=0)
>>> [g.accepts(w) for w in misses]
[False, False, False, False]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import (
    check_count,
    check_fraction,
    check_length_range,
    describe_lengths,
    grammar_label,
)
from grammar.codes import Codec, dfa_live
from grammar.errors import EmptyLanguageError
from grammar.minimize import reachable_states
from grammar.negatives.choice import review
from grammar.negatives.drawn import Block, draw_exact, draw_non_members, draw_pairs
from grammar.negatives.generator import NearMissGenerator
from grammar.negatives.kinds import DEFAULT_KINDS, GROWTH, KINDS, SHORTEST, check_kinds, edit_kind
from grammar.negatives.possible import possible_lengths
from grammar.negatives.quotas import Cell, drop, share, split_evenly
from grammar.ranking import count_table
from grammar.seeds import random_state

if TYPE_CHECKING:
    from grammar.automaton import DFA
    from grammar.core import Grammar
    from grammar.words import Word

__all__ = ["NearMisses", "near_misses", "near_misses_by_length"]


class NearMisses:
    """Near misses and where they came from, as parallel sequences.

    Attributes
    ----------
    words : list
        The near misses: rejected, at edit distance exactly 1 from the language.
    kinds : numpy.ndarray
        str array: the edit that made each word from its source, one of
        :data:`~grammar.negatives.KINDS` (``"substitute"``, ``"insert"``, ...).
    positions : numpy.ndarray
        int array: where the edit happened: the substituted symbol, the
        inserted symbol (in the word), the deleted symbol (in the source), or
        the first of the two transposed symbols.
    sources : list
        The member each word was made from (built on first access).
    long_range : numpy.ndarray
        bool array: True where the word is locally plausible: every window of
        three symbols (word boundaries included) occurs in some member, so
        only context further away shows that it is rejected.
    exact : numpy.ndarray
        bool array: False where the word was made by one random edit of a
        sampled member (by mutation or, at given lengths, drawn from the
        counted pairs of member and edit, which gives the same distribution).
        True where, mutation being too rare a success, it was drawn by
        counting at the length of a fresh walk instead: exactly uniformly
        from the near misses of its kind and length (on the near-miss
        automaton, see :func:`grammar.negatives.near_miss_dfa`) and paired
        with a source, or from the counted pairs (a uniform member of that
        length and one uniform edit that leaves the language).

    Iterating, ``len`` and indexing go over `words`. Instances are read-only.

    Examples
    --------
    >>> from grammar import library
    >>> misses = near_misses(library.reber(), 2, seed=0, kinds=["delete"])
    >>> [(len(s) - len(w), str(k)) for s, w, k in zip(misses.sources, misses, misses.kinds)]
    [(1, 'delete'), (1, 'delete')]
    >>> misses.exact.tolist()
    [False, False]
    """

    __slots__ = ("words", "kinds", "positions", "long_range", "exact", "_sources")

    def __init__(
        self,
        words: list,
        kinds: np.ndarray,
        positions: np.ndarray,
        sources: list | Callable[[], list],
        long_range: np.ndarray,
        exact: np.ndarray | None = None,
    ) -> None:
        words = list(words)
        exact = np.zeros(len(words), dtype=bool) if exact is None else exact
        for name, value in (("words", words), ("kinds", np.asarray(kinds, dtype=str)),
                            ("positions", np.asarray(positions, dtype=np.int64)),
                            ("_sources", sources),
                            ("long_range", np.asarray(long_range, dtype=bool)),
                            ("exact", np.asarray(exact, dtype=bool))):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"NearMisses is read-only; cannot set {name!r}")

    @property
    def sources(self) -> list:
        """The member each word was made from."""
        if callable(self._sources):
            # Decoded on first use: many callers only want the words.
            object.__setattr__(self, "_sources", list(self._sources()))
        return self._sources

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self) -> Iterator[Word]:
        return iter(self.words)

    def __getitem__(self, i: int) -> Word:
        return self.words[i]

    def __repr__(self) -> str:
        return f"<NearMisses: {len(self)} words>"


@random_state("seed")
def near_misses(
    g: Grammar,
    n: int,
    seed: Any = None,
    kinds: Sequence[str] = DEFAULT_KINDS,
    length: int | tuple[int, int] | None = None,
    long_range: float = 0.0,
) -> NearMisses:
    """`n` non-members at edit distance exactly 1 from the language, made by mutating members.

    Each word is a member with one edit applied: a symbol substituted,
    inserted or deleted, or two adjacent symbols transposed. Every one is
    checked by the automaton to be rejected and to lie at distance 1 (a
    transposition that only two edits can undo is dropped). Positions are
    drawn uniformly over the word, so they spread over its whole length.

    The kinds share `n` equally; a kind that cannot produce a near miss (at
    that length) gives its share to the others. When mutation rarely succeeds,
    and `length` is given, the (member, edit) pairs that make near misses are
    counted and drawn directly: the same distribution, without the failed
    candidates (:mod:`grammar.negatives.pairs`). Otherwise near misses may be
    drawn uniformly from the near-miss automaton instead (see
    :func:`near_miss_dfa`), where that is estimated to cost less than going
    on, and paired with a member one edit away (``NearMisses.exact``).

    Parameters
    ----------
    g : Grammar
    n : int
    seed : int, None or numpy.random.Generator
    kinds : sequence of str
        Any of :data:`~grammar.negatives.KINDS` (``"substitute"``, ``"insert"``,
        ``"delete"``, ``"transpose"``); by default :data:`~grammar.negatives.DEFAULT_KINDS`.
    length : int or (int, int), optional
        The length of the near misses themselves (an inclusive range shares
        `n` equally among its lengths that have near misses). By default the
        sources are random walks (:func:`grammar.sampling.sample`), and the
        lengths follow theirs.
    long_range : float in [0, 1]
        The fraction of the words that should be *locally plausible*: every
        window of three symbols (word boundaries included) occurs in some
        member, so only far-away context rejects them. For embedded Reber
        these are the wrapper letters (``BTBTXSEPE``). Substitutions are
        aimed at them directly; the other kinds count when a random edit
        happens to be plausible, and a kind that yields none hands its share
        to the others. Where the language has too few of them, the rest are
        ordinary near misses; ``NearMisses.long_range`` marks which words are.

    Returns
    -------
    NearMisses
        Parallel ``words``, ``kinds``, ``positions``, ``sources``,
        ``long_range`` and ``exact``, in random order.

    Raises
    ------
    EmptyLanguageError
        If there is no near miss to draw: the language is empty, or holds
        every word over its alphabet, or has none of these kinds (at that
        length).

    Examples
    --------
    >>> from grammar import library
    >>> g = library.embedded_reber()
    >>> misses = near_misses(g, 1000, seed=0, long_range=0.5)
    >>> bool(g.accepts_many(misses.words).any()), bool(misses.long_range.mean() >= 0.5)
    (False, True)
    >>> near_misses(library.tomita(5), 6, seed=1, kinds=["transpose", "delete"]).kinds.tolist()
    ['delete', 'delete', 'delete', 'delete', 'delete', 'delete']
    >>> found = near_misses(library.tomita(2), 20, seed=0, length=3)  # (10)*: no member of length 3
    >>> sorted(set(found.kinds.tolist()))                           # so no substitution either
    ['delete', 'insert']
    """
    n = check_count(n)
    kinds = check_kinds(kinds)
    long_range = check_fraction(long_range, "long_range")
    lengths = None if length is None else check_length_range(length)
    rng = seed
    check_has_near_misses(g)
    cells = initial_cells(g, kinds, lengths)
    by_length: dict[int | None, list[Cell]] = {}
    for cell in cells:
        by_length.setdefault(cell.length, []).append(cell)
    shares = split_evenly(n, len(by_length), rng)
    share(by_length, dict(zip(by_length, shares.tolist(), strict=True)), long_range, rng)
    top = 0 if lengths is None else lengths[1]
    return run(NearMissGenerator(g, long_range, rng, spill=True, top=top), cells, kinds, lengths)


@random_state("seed")
def near_misses_by_length(
    g: Grammar,
    quotas: dict[int, int],
    seed: Any = None,
    kinds: Sequence[str] = DEFAULT_KINDS,
    long_range: float = 0.0,
) -> NearMisses:
    """Near misses with a given count for each word length (fewer where a length has too few).

    One call serves every length, so what is learnt about the kinds at one
    length (which rarely succeed, which make locally plausible words) is used
    at the others; :func:`grammar.datasets.make_dataset` builds on it.

    Examples
    --------
    >>> from grammar import library
    >>> found = near_misses_by_length(library.tomita(2), {3: 4, 5: 2}, seed=0)
    >>> sorted(len(w) for w in found)
    [3, 3, 3, 3, 5, 5]
    """
    kinds = check_kinds(kinds)
    long_range = check_fraction(long_range, "long_range")
    rng = seed
    quotas = {int(L): check_count(q, "quota") for L, q in quotas.items() if q}
    if not quotas:
        return collect(g, [], rng)
    check_has_near_misses(g)
    cells = initial_cells(g, kinds, (min(quotas), max(quotas)))
    by_length: dict[int | None, list[Cell]] = {}
    for cell in cells:
        if cell.length in quotas:
            by_length.setdefault(cell.length, []).append(cell)
    share(by_length, quotas, long_range, rng)
    cells = [cell for group in by_length.values() for cell in group]
    gen = NearMissGenerator(g, long_range, rng, spill=False, top=max(quotas))
    return run(gen, cells, kinds, (min(quotas), max(quotas)))


def check_has_near_misses(g: Grammar) -> None:
    """Raise :class:`EmptyLanguageError` when the language is empty or universal."""
    dfa = g.dfa
    if not dfa_live(dfa)[dfa.start]:
        raise EmptyLanguageError(f"{grammar_label(g)} has no members, so no near misses")
    if bool(dfa.accepting[reachable_states(dfa.table, dfa.start)].all()):
        raise EmptyLanguageError(
            f"{grammar_label(g)} holds every word over its alphabet {g.alphabet}: "
            "no word is a near miss"
        )


def run(gen: NearMissGenerator, cells: list[Cell], kinds: tuple[str, ...],
        lengths: tuple[int, int] | None) -> NearMisses:
    """Rounds of mutation (and exact draws for rare cells) until every quota is met."""
    while True:
        open_cells = [c for c in cells if c.wanted]
        if not open_cells:
            break
        gen.round(open_cells)
        for cell in open_cells:
            if cell not in cells:
                continue
            decision = review(gen, cells, cell)
            cell.exact = decision.action in ("exact", "pairs")
            if decision.action == "exact":
                draw_exact(gen, cell, decision.nm, decision.lengths)
            elif decision.action == "pairs":
                draw_pairs(gen, cell, decision.pairs, decision.lengths)
            elif decision.action == "non_members":
                draw_non_members(gen, cell, decision.candidates)
            elif decision.action == "drop" and not drop(cells, cell, gen.spill, gen.rng):
                raise _no_near_misses(gen.g, kinds, lengths)
    return collect(gen.g, gen.blocks, gen.rng)


def _no_near_misses(g: Grammar, kinds: tuple[str, ...],
                    lengths: tuple[int, int] | None) -> EmptyLanguageError:
    where = "" if lengths is None else f" of {describe_lengths(*lengths)}"
    return EmptyLanguageError(f"{grammar_label(g)} has no near misses ({', '.join(kinds)}){where}")


def member_length_mask(dfa: DFA, top: int) -> np.ndarray:
    """``mask[r]``: some member has length r, for r <= top (by reachability, no counting).

    Examples
    --------
    >>> from grammar import library
    >>> member_length_mask(library.tomita(2).dfa, 4).tolist()        # (10)*
    [True, False, True, False, True]
    """
    mask = np.zeros(top + 1, dtype=bool)
    here = np.zeros(dfa.n_states, dtype=bool)
    here[dfa.start] = True
    table = dfa.table
    for r in range(top + 1):
        mask[r] = bool(dfa.accepting[here].any())
        following = np.zeros(dfa.n_states, dtype=bool)
        following[table[here].ravel()] = True
        here = following
    return mask


def initial_cells(
    g: Grammar, kinds: tuple[str, ...], lengths: tuple[int, int] | None
) -> list[Cell]:
    """One cell per kind, or per (kind, length) whose source length has members."""
    # One symbol: nothing to substitute it with (nor any kind that brings a different one).
    codes = [edit.index for edit in map(edit_kind, kinds) if len(g.alphabet) >= edit.min_alphabet]
    if lengths is None:
        cells = [Cell(kind, None) for kind in codes]
    else:
        lo, hi = lengths
        has_member = member_length_mask(g.dfa, hi + 1)
        # The sources' counts, once, up to the longest source (no further).
        count_table(g.dfa, hi + 1)
        # Kinds that cannot make a near miss of a length get no cell there.
        possible = {kind: possible_lengths(g.dfa, kind, hi) for kind in codes}
        cells = [
            Cell(kind, size)
            for size in range(lo, hi + 1)
            for kind in codes
            if 0 <= size - GROWTH[kind] <= hi + 1
            and size - GROWTH[kind] >= SHORTEST[kind]
            and has_member[size - GROWTH[kind]]
            and possible[kind][size]
        ]
    if not cells:
        raise _no_near_misses(g, kinds, lengths)
    return cells


def collect(g: Grammar, blocks: list[Block], rng: np.random.Generator) -> NearMisses:
    """Decode the accepted blocks and put them in random order (sources when first used)."""
    codec = Codec.of(g.dfa)
    if not blocks:
        return NearMisses([], [], [], [], [])
    kinds = np.concatenate([b.kinds for b in blocks])
    order = rng.permutation(len(kinds))
    words = np.concatenate([codec.decode_objects(b.words) for b in blocks])

    def sources() -> list:
        decoded = np.concatenate([codec.decode_objects(b.sources) for b in blocks])
        return decoded[order].tolist()

    return NearMisses(
        words=words[order].tolist(),
        kinds=np.array(KINDS)[kinds[order]],
        positions=np.concatenate([b.positions for b in blocks])[order],
        sources=sources,
        long_range=np.concatenate([b.local for b in blocks])[order],
        exact=np.concatenate([b.exact for b in blocks])[order],
    )
