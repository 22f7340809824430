"""Why a word is rejected: the longest viable prefix and what was expected there.

Words are shown in their text form (:func:`grammar.words.word_text`): a
grammar of one-character symbols shows ``'BPVP'``, a grammar of tokens shows
its tokens joined by spaces (``'a a'``), so token boundaries stay visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grammar.automaton import DFA
from grammar.words import word_text

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
    end_allowed : bool
        True when a member ends at `position`: the word could have stopped
        there (never true when it ended early).
    single_char : bool
        True when the grammar's symbols are single characters; token
        prefixes are shown with spaces between the tokens.

    Examples
    --------
    >>> from grammar import library
    >>> print(library.reber().explain("BPVPVVE"))
    rejected at position 4: found 'V' after 'BPVP', expected one of 'S', 'X'
    >>> print(library.reber().explain("BTXSEE"))
    rejected at position 5: found 'E' after 'BTXSE', expected the end of the word
    """

    accepted: bool
    position: int | None
    prefix: tuple[str, ...]
    found: str | None
    expected: tuple[str, ...]
    ended_early: bool
    end_allowed: bool = False
    single_char: bool = True

    def __str__(self) -> str:
        if self.accepted:
            return "accepted"
        prefix = word_text("".join(self.prefix) if self.single_char else self.prefix)
        options = [repr(s) for s in self.expected]
        if self.end_allowed:
            options.append("the end of the word")
        if not options:
            return "rejected: the language is empty"
        if self.end_allowed and len(options) == 1:
            expected = "expected the end of the word"
        elif self.end_allowed:
            expected = f"expected one of {', '.join(options[:-1])} or {options[-1]}"
        else:
            expected = f"expected one of {', '.join(options)}"
        if self.ended_early:
            return f"rejected: ended early after {prefix!r}, {expected}"
        found = f"found {self.found!r} after {prefix!r}"
        return f"rejected at position {self.position}: {found}, {expected}"


def explain_symbols(dfa: DFA, symbols: Sequence[str]) -> Explanation:
    """Run `symbols` through `dfa` and report where the word leaves the language.

    Examples
    --------
    >>> from grammar import library
    >>> explain_symbols(library.reber().dfa, list("BT")).ended_early
    True
    """
    column = {symbol: j for j, symbol in enumerate(dfa.alphabet)}
    single_char = all(len(symbol) == 1 for symbol in dfa.alphabet)
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
                end_allowed=bool(dfa.accepting[state]),
                single_char=single_char,
            )
        state = rows[state][j]
    if dfa.accepting[state]:
        return Explanation(True, None, tuple(symbols), None, (), False, True, single_char)
    return Explanation(
        accepted=False,
        position=len(symbols),
        prefix=tuple(symbols),
        found=None,
        expected=viable_next(state),
        ended_early=True,
        single_char=single_char,
    )
