"""Check a hand-written generator against the grammar it claims to follow.

:func:`check_generator` calls a generator many times, checks every output
with the exact automaton, and reports the bad ones, shortest first, each
with :meth:`grammar.Grammar.explain`'s diagnosis: where the word leaves the
language and what was expected there. :func:`assert_generates_members`
raises an ``AssertionError`` carrying that report, for use in tests.

Examples
--------
A hand-written Reber generator with the classic bug: after the ``P`` from
state 5 it writes state 4's choices out again, and forgets the ``X``.

>>> import random
>>> from grammar import library
>>> def buggy_reber():
...     word, state = "B", 1
...     while state != 6:
...         heads = random.random() < 0.5
...         if state == 1:
...             word, state = (word + "T", 2) if heads else (word + "P", 3)
...         elif state == 2:
...             word, state = (word + "S", 2) if heads else (word + "X", 4)
...         elif state == 3:
...             word, state = (word + "T", 3) if heads else (word + "V", 5)
...         elif state == 4:
...             word, state = (word + "X", 3) if heads else (word + "S", 6)
...         elif state == 5 and heads:  # P, then state 4 inline:
...             word += "P"
...             if random.random() < 0.5:
...                 state = 3  # BUG: the X before going to state 3 is missing
...             else:
...                 word, state = word + "S", 6
...         else:
...             word, state = word + "V", 6
...     return word + "E"
>>> report = check_generator(buggy_reber, library.reber(), n=10000, seed=0)
>>> print(report)  # doctest: +ELLIPSIS
1886 of 10000 outputs (18.86%) are not members of 'reber'; 522 distinct
shortest bad output: 'BPVPVVE' (x138)
  rejected at position 4: found 'V' after 'BPVP', expected one of 'S', 'X'
next shortest:
...
>>> report.shortest
'BPVPVVE'
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import check_count, grammar_label
from grammar.explain import Explanation

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = ["BadOutput", "GeneratorReport", "check_generator", "assert_generates_members"]

# How many distinct bad outputs the report prints.
_SHOWN = 5


@dataclass(frozen=True)
class BadOutput:
    """One distinct bad output of a generator.

    Attributes
    ----------
    word : object
        The output as the generator returned it.
    count : int
        How many times it was returned.
    explanation : Explanation or None
        Where it leaves the language; None when it is not a word at all.
    reason : str
        One line: the explanation, or why the output is not a word.
    """

    word: Any
    count: int
    explanation: Explanation | None
    reason: str

    def __str__(self) -> str:
        return f"{self.word!r} (x{self.count}): {self.reason}"


@dataclass(frozen=True)
class GeneratorReport:
    """What :func:`check_generator` found.

    Attributes
    ----------
    grammar : str or None
        The grammar's name.
    n : int
        Outputs checked.
    n_bad : int
        Outputs that are not members (counting repeats).
    bad : tuple of BadOutput
        The distinct bad outputs, shortest first (then in lexicographic order).
    """

    grammar: str | None
    n: int
    n_bad: int
    bad: tuple[BadOutput, ...]

    @property
    def ok(self) -> bool:
        """True when every output was a member."""
        return self.n_bad == 0

    @property
    def fraction_bad(self) -> float:
        """The fraction of outputs that are not members."""
        return self.n_bad / self.n if self.n else 0.0

    @property
    def shortest(self) -> Any:
        """The shortest bad output, or None."""
        return self.bad[0].word if self.bad else None

    def __str__(self) -> str:
        name = repr(self.grammar) if self.grammar else "the grammar"
        if self.ok:
            return f"all {self.n} outputs are members of {name}"
        lines = [
            f"{self.n_bad} of {self.n} outputs ({self.fraction_bad:.2%}) are not members of "
            f"{name}; {len(self.bad)} distinct",
            f"shortest bad output: {self.bad[0].word!r} (x{self.bad[0].count})",
            f"  {self.bad[0].reason}",
        ]
        if len(self.bad) > 1:
            lines.append("next shortest:")
            lines += [f"  {bad}" for bad in self.bad[1:_SHOWN]]
            if len(self.bad) > _SHOWN:
                lines.append(f"  ... and {len(self.bad) - _SHOWN} more")
        return "\n".join(lines)


def _outputs(fn: Callable[[], Any] | Iterable[Any], n: int) -> list[Any]:
    """Up to `n` outputs of a zero-argument callable, a generator function, or an iterable."""
    if callable(fn):
        first = fn()
        if isinstance(first, Iterator) and not isinstance(first, str):
            return list(islice(first, n))  # a generator function: one call, many words
        return [first, *(fn() for _ in range(n - 1))] if n else []
    if isinstance(fn, (str, bytes)) or not isinstance(fn, Iterable):
        raise TypeError(f"fn must be a callable or an iterable of words, not {type(fn).__name__}")
    return list(islice(iter(fn), n))


class _Seeded:
    """Seed Python's and numpy's global generators for the duration, then restore them."""

    def __init__(self, seed: int | None) -> None:
        self.seed = seed

    def __enter__(self) -> None:
        if self.seed is not None:
            self.state = random.getstate(), np.random.get_state()
            random.seed(self.seed)
            np.random.seed(self.seed)

    def __exit__(self, *exc: object) -> None:
        if self.seed is not None:
            random.setstate(self.state[0])
            np.random.set_state(self.state[1])


@dataclass(frozen=True)
class _Unhashable:
    """Stands in for an output that cannot be a dict key (a dict, a set ...) in the tally."""

    kind: type
    text: str


def _tally_key(word: Any) -> Any:
    """The key an output is counted under: equal outputs share one."""
    key = tuple(word) if isinstance(word, list) else word
    try:
        hash(key)
    except TypeError:
        return _Unhashable(type(word), repr(word))
    return key


def _order(word: Any) -> tuple:
    try:
        return (0, len(word), str(word))
    except TypeError:
        return (1, 0, repr(word))


def check_generator(
    fn: Callable[[], Any] | Iterable[Any],
    g: Grammar,
    n: int = 10000,
    seed: int | None = None,
) -> GeneratorReport:
    """Run a word generator `n` times and report the outputs that are not members of `g`.

    Parameters
    ----------
    fn : callable or iterable
        A zero-argument callable returning one word per call, a generator
        function (called once), or an iterable of words.
    g : Grammar
    n : int
        Outputs to check (fewer if an iterable ends first).
    seed : int, optional
        Seeds Python's :mod:`random` and numpy's global generator while `fn`
        runs (and restores them afterwards), so a report reproduces.

    Returns
    -------
    GeneratorReport
        The bad outputs, shortest first, each with its diagnosis, and the
        fraction of bad outputs.

    Examples
    --------
    >>> from grammar import library
    >>> print(check_generator(iter(["BTXSE", "BTSE", "BTE", "BTSE"]), library.reber()))
    3 of 4 outputs (75.00%) are not members of 'reber'; 2 distinct
    shortest bad output: 'BTE' (x1)
      rejected at position 2: found 'E' after 'BT', expected one of 'S', 'X'
    next shortest:
      'BTSE' (x2): rejected at position 3: found 'E' after 'BTS', expected one of 'S', 'X'
    """
    n = check_count(n)
    with _Seeded(seed):
        outputs = _outputs(fn, n)
    tally: Counter = Counter()
    first: dict[Any, Any] = {}  # each key's first output, as the generator returned it
    for word in outputs:
        key = _tally_key(word)
        tally[key] += 1
        first.setdefault(key, word if isinstance(key, _Unhashable) else key)
    bad = []
    words = [w for w in tally if isinstance(w, (str, tuple))]
    try:
        accepted = dict(zip(words, g.accepts_many(words).tolist(), strict=True)) if words else {}
    except TypeError:  # a tuple holding a non-str: check one by one below
        accepted = {}
    for key, count in tally.items():
        word = first[key]
        try:
            member = accepted[key] if key in accepted else g.accepts(word)
        except TypeError as err:
            bad.append(BadOutput(word, count, None, f"not a word: {err}"))
            continue
        if not member:
            explanation = g.explain(word)
            bad.append(BadOutput(word, count, explanation, str(explanation)))
    bad.sort(key=lambda b: _order(b.word))
    return GeneratorReport(
        grammar=g.name,
        n=len(outputs),
        n_bad=sum(b.count for b in bad),
        bad=tuple(bad),
    )


def assert_generates_members(
    fn: Callable[[], Any] | Iterable[Any],
    g: Grammar,
    n: int = 10000,
    seed: int | None = None,
) -> GeneratorReport:
    """Assert that every output of `fn` is a member of `g`; see :func:`check_generator`.

    Returns the report when all is well.

    Raises
    ------
    AssertionError
        With the report (shortest bad output first) as its message.

    Examples
    --------
    >>> from grammar import library
    >>> assert_generates_members(lambda: "BTXSE", library.reber(), n=10).ok
    True
    >>> assert_generates_members(lambda: "BTSE", library.reber(), n=10)
    Traceback (most recent call last):
    ...
    AssertionError: generator output is not in grammar 'reber': 10 of 10 outputs (100.00%) ...
    """
    report = check_generator(fn, g, n=n, seed=seed)
    if not report.ok:
        raise AssertionError(f"generator output is not in {grammar_label(g)}: {report}")
    return report
