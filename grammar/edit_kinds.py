"""The kinds of edit that make near misses, as data: one :class:`EditKind` record per kind.

A near miss is a member with one edit applied (see
:func:`grammar.negatives.near_misses`). Everything that depends on the kind
of edit (how a word is mutated, the pair product that counts the edits, the
near-miss automaton, the repair tables, the kinds the command line offers)
is read from the records of :data:`EDIT_KINDS`: adding a kind is adding its
record there.

An edit at a position of a member u puts a few symbols of the near miss w in
place of a few symbols of u. A record names them by *slots* (0 and 1), each
standing for one symbol: ``reads`` are the slots that u reads there, in
order, and ``writes`` the slots that w reads instead. A slot that only w
reads is a symbol the edit *brings* (mutation draws it at random); with
``distinct``, different slots hold different symbols.

==========  =======  =======  ========  ===========
kind        reads    writes   distinct  u -> w
==========  =======  =======  ========  ===========
substitute  (0,)     (1,)     yes       a -> b
insert      ()       (1,)               (none) -> b
delete      (0,)     ()                 a -> (none)
transpose   (1, 0)   (0, 1)   yes       b a -> a b
==========  =======  =======  ========  ===========

This module needs no numpy, so the command line offers the kinds without
loading the generators.

Examples
--------
>>> KINDS
('substitute', 'insert', 'delete', 'transpose')
>>> delete = edit_kind("delete")
>>> delete.growth, delete.shortest, delete.undo.name
(-1, 1, 'insert')
>>> check_kinds(["transpose", "insert"])          # canonical order
('insert', 'transpose')
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from dataclasses import dataclass
from typing import Any

from grammar.errors import GrammarError

__all__ = ["DEFAULT_KINDS", "EDIT_KINDS", "KINDS", "SLOTS", "EditKind", "check_kinds",
           "edit_kind"]

#: Slots an edit names at most: its symbols are given as pairs, -1 where a slot is unused.
SLOTS = 2


@dataclass(frozen=True)
class EditKind:
    """One kind of edit: the slots a member reads and its near miss reads instead.

    Parameters
    ----------
    name : str
        The name used in the public interface (``NearMisses.kinds``, ``kinds=``, the CLI).
    reads, writes : tuple of int
        The slots (0 or 1) the member reads at the edit, and those the near miss reads
        instead. A slot named twice holds the same symbol both times.
    distinct : bool
        Different slots hold different symbols (a substitution changes its symbol).
    inverse : str or EditKind
        The kind that undoes it, by name (an :class:`EditKind` for a kind not in
        :data:`EDIT_KINDS`): the repair tables find a near miss's sources with it.
    unit : bool
        One of the edits that edit distance counts (substitution, insertion,
        deletion): a rejected word it makes from a member is at distance exactly 1.
        A word made by any other kind is checked for that.
    default : bool
        Made when no kinds are named (:data:`DEFAULT_KINDS`). A new kind that
        starts as False leaves every seeded result of the default kinds as it was.
    index : int
        Its place in :data:`EDIT_KINDS` (-1 for a kind not in it); set there.

    Examples
    --------
    >>> swap = EditKind("transpose", reads=(1, 0), writes=(0, 1), distinct=True,
    ...                 inverse="transpose")
    >>> swap.growth, swap.shortest, swap.consumed, swap.brings
    (0, 2, 2, ())
    >>> EditKind("twice", reads=(0,), writes=(0, 0), inverse="delete").growth
    1
    """

    name: str
    reads: tuple[int, ...]
    writes: tuple[int, ...]
    distinct: bool = False
    inverse: str | EditKind = ""
    unit: bool = False
    default: bool = True
    index: int = -1

    def __post_init__(self) -> None:
        slots = (*self.reads, *self.writes)
        if not slots or any(not 0 <= slot < SLOTS for slot in slots):
            raise GrammarError(f"edit kind {self.name!r}: reads and writes name slots among "
                               f"0 to {SLOTS - 1}, and at least one")
        if len(self.brings) > 1 or len(self.writes) > 2:
            raise GrammarError(f"edit kind {self.name!r}: an edit brings at most one new "
                               "symbol, and its near miss reads at most two")
        if self.distinct and self.brings and len(set(self.reads)) > 1:
            raise GrammarError(f"edit kind {self.name!r}: a distinct symbol it brings may "
                               "differ from one symbol it takes, no more")

    @property
    def growth(self) -> int:
        """Length change of the word: near miss minus member."""
        return len(self.writes) - len(self.reads)

    @property
    def shortest(self) -> int:
        """Shortest member the edit applies to."""
        return len(self.reads)

    @property
    def consumed(self) -> int:
        """Symbols of the near miss the edit reads (the pair product steps over them)."""
        return len(self.writes)

    @functools.cached_property
    def slots(self) -> tuple[int, ...]:
        """The slots the edit names, in order."""
        return tuple(sorted(set(self.reads) | set(self.writes)))

    @functools.cached_property
    def brings(self) -> tuple[int, ...]:
        """The slot of the symbol the edit brings (the near miss reads it, the member not)."""
        return tuple(slot for slot in self.slots if slot not in self.reads)

    @property
    def min_alphabet(self) -> int:
        """Fewest alphabet symbols it is tried with: a distinct symbol it brings needs two."""
        return 2 if self.distinct and self.brings else 1

    @property
    def undo(self) -> EditKind:
        """The record of :attr:`inverse`."""
        return edit_kind(self.inverse)

    def member_reads(self, word: tuple[int, ...]) -> tuple[int | None, ...] | None:
        """What the member reads at an edit where the near miss reads `word`.

        `word` holds the symbols of :attr:`writes`; the answer those of
        :attr:`reads`, None for a slot that `word` leaves open (any symbol:
        the near-miss automaton takes them all). None where no edit writes
        `word`: a slot named twice with two symbols, or the same symbol in
        two slots that must be distinct.

        Examples
        --------
        >>> edit_kind("transpose").member_reads((3, 5)), edit_kind("transpose").member_reads((3, 3))
        ((5, 3), None)
        >>> edit_kind("substitute").member_reads((4,))
        (None,)
        """
        value: dict[int, int] = {}
        for slot, symbol in zip(self.writes, word, strict=True):
            if value.setdefault(slot, symbol) != symbol:
                return None
        if self.distinct and len(set(value.values())) < len(value):
            return None
        return tuple(value.get(slot) for slot in self.reads)


_RECORDS = (
    EditKind("substitute", reads=(0,), writes=(1,), distinct=True, inverse="substitute",
             unit=True),
    EditKind("insert", reads=(), writes=(1,), inverse="delete", unit=True),
    EditKind("delete", reads=(0,), writes=(), inverse="insert", unit=True),
    EditKind("transpose", reads=(1, 0), writes=(0, 1), distinct=True, inverse="transpose"),
)

#: Every kind of edit that makes near misses, in the order strategies try them.
EDIT_KINDS: tuple[EditKind, ...] = tuple(
    dataclasses.replace(record, index=i) for i, record in enumerate(_RECORDS))
#: Their names (the public spelling of a kind).
KINDS: tuple[str, ...] = tuple(kind.name for kind in EDIT_KINDS)
#: The kinds made when none are named (by :func:`~grammar.negatives.near_misses`, the
#: command line, and a data set's ``"near_miss"`` negatives).
DEFAULT_KINDS: tuple[str, ...] = tuple(kind.name for kind in EDIT_KINDS if kind.default)
_BY_NAME = {kind.name: kind for kind in EDIT_KINDS}


def edit_kind(kind: Any) -> EditKind:
    """The record of a kind given by name, by index in :data:`EDIT_KINDS`, or as a record.

    Raises
    ------
    GrammarError
        If it names no kind.
    TypeError
        If it is neither a str, an int nor an :class:`EditKind`.

    Examples
    --------
    >>> edit_kind("insert") is edit_kind(1) is EDIT_KINDS[1]
    True
    >>> edit_kind("swap")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: unknown kind of edit 'swap'; choose from substitute, insert, \
delete, transpose
    """
    if isinstance(kind, EditKind):
        return kind
    if isinstance(kind, str):
        found = _BY_NAME.get(kind)
        if found is None:
            raise GrammarError(f"unknown kind of edit {kind!r}; choose from {', '.join(KINDS)}")
        return found
    try:
        return EDIT_KINDS[operator.index(kind)]
    except TypeError:
        raise TypeError(f"a kind of edit is a str, an int or an EditKind, not "
                        f"{type(kind).__name__}") from None
    except IndexError:
        raise GrammarError(f"no kind of edit has index {kind}; there are "
                           f"{len(EDIT_KINDS)}") from None


def check_kinds(kinds: Any) -> tuple[str, ...]:
    """Check a selection of kinds of edit; return it in the canonical order of :data:`KINDS`.

    A single str stands for one kind.

    Raises
    ------
    TypeError
        If `kinds` is not a str or a sequence of str.
    GrammarError
        If it is empty or names an unknown kind.

    Examples
    --------
    >>> check_kinds("delete")
    ('delete',)
    >>> check_kinds(["swap"])
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: unknown kind of edit 'swap'; choose from substitute, insert, \
delete, transpose
    """
    if isinstance(kinds, str):
        kinds = (kinds,)
    try:
        kinds = tuple(kinds)
    except TypeError:
        raise TypeError(f"kinds must be a sequence of str, not {type(kinds).__name__}") from None
    if not kinds:
        raise GrammarError(f"kinds is empty; choose from {', '.join(KINDS)}")
    for kind in kinds:
        if kind not in KINDS:
            raise GrammarError(f"unknown kind of edit {kind!r}; choose from {', '.join(KINDS)}")
    return tuple(kind for kind in KINDS if kind in kinds)


def _check_registry() -> None:
    """Names are unique, and each inverse is a kind of the mirrored shape."""
    if len(_BY_NAME) != len(EDIT_KINDS):
        raise GrammarError(f"two edit kinds share a name among {', '.join(KINDS)}")
    for kind in EDIT_KINDS:
        undo = kind.undo
        if (len(undo.reads), len(undo.writes)) != (len(kind.writes), len(kind.reads)):
            raise GrammarError(f"edit kind {kind.name!r}: its inverse {undo.name!r} must read "
                               "what it writes and write what it reads")


_check_registry()
