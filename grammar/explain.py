"""Why a word is rejected: the longest viable prefix and what was expected there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grammar.automaton import DFA

__all__ = ["Explanation", "explain_symbols"]


@dataclass(frozen=True)
class Explanation:
    """The diagnosis of one word against a grammar.

    Attributes
    ----------
    accepted : bool
        Whether the word is a member.
    position : int or None
        Index of the first symbol after which no member can follow; the
        word's length when it ended too early; None when accepted.
    prefix : tuple of str
        The longest prefix of the word that some member starts with.
    found : str or None
        The symbol at `position`, or None when the word ended too early.
    expected : tuple of str
        The symbols that would have kept the word viable at `position`.
    ended_early : bool
        True when every symbol was viable but the word stopped short.

    Examples
    --------
    >>> from grammar import library
    >>> print(library.reber().explain("BPVPVVE"))
    rejected at position 4: found 'V' after 'BPVP', expected one of 'S', 'X'
    """

    accepted: bool
    position: int | None
    prefix: tuple[str, ...]
    found: str | None
    expected: tuple[str, ...]
    ended_early: bool

    def __str__(self) -> str:
        if self.accepted:
            return "accepted"
        prefix = "".join(self.prefix) if all(len(s) == 1 for s in self.prefix) else " ".join(
            self.prefix
        )
        expected = ", ".join(repr(s) for s in self.expected) or "nothing"
        if self.ended_early:
            return f"rejected: ended early after {prefix!r}, expected one of {expected}"
        return (
            f"rejected at position {self.position}: found {self.found!r} after {prefix!r}, "
            f"expected one of {expected}"
        )


def explain_symbols(dfa: DFA, symbols: Sequence[str]) -> Explanation:
    """Run `symbols` through `dfa` and report where the word leaves the language.

    Examples
    --------
    >>> from grammar import library
    >>> explain_symbols(library.reber().dfa, list("BT")).ended_early
    True
    """
    column = {symbol: j for j, symbol in enumerate(dfa.alphabet)}
    live = dfa.live
    rows = dfa.table.tolist()

    def viable_next(state: int) -> tuple[str, ...]:
        return tuple(s for s, target in zip(dfa.alphabet, rows[state], strict=True) if live[target])

    state = dfa.start
    for position, symbol in enumerate(symbols):
        j = column.get(symbol)
        if j is None or not live[rows[state][j]]:
            return Explanation(
                accepted=False,
                position=position,
                prefix=tuple(symbols[:position]),
                found=symbol,
                expected=viable_next(state),
                ended_early=False,
            )
        state = rows[state][j]
    if dfa.accepting[state]:
        return Explanation(True, None, tuple(symbols), None, (), False)
    return Explanation(
        accepted=False,
        position=len(symbols),
        prefix=tuple(symbols),
        found=None,
        expected=viable_next(state),
        ended_early=True,
    )
