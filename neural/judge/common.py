"""What every judge shares: one disagreement, one verdict, one word display, one budget check.

The judges hold a network against the exact automaton: :func:`neural.compare`
on drawn test sets, :func:`neural.search` on every word in scope,
:func:`neural.extract` through the automaton it learns, and
:func:`neural.certify` by a proof. They speak one vocabulary:

- a :class:`Disagreement` is a word on which the network and the automaton
  differ; its `kind` is one of :data:`KINDS`: ``"member"``, ``"near_miss"``
  (a non-member one edit from a member) or ``"other"``;
- a :class:`Verdict` is one of :data:`VERDICTS`, in every result, the API,
  the command line, the suites and the report page alike:

  ``"proved"``
      (certify only) a certificate shows that the network gives the
      grammar's answer on every word of every length;
  ``"counterexample"``
      a word where the network is wrong, confirmed by running it on that
      word alone;
  ``"agrees"``
      no disagreement in what was checked, which the verdict says (how many
      words, up to which length). Not a proof;
  ``"undecided"``
      within the budget, none of the above; the verdict says what failed.

Results written before ``"agrees"`` had its name say ``"equivalent"``, which
claimed more than was shown; :func:`read_verdict` reads them as ``"agrees"``.

Examples
--------
>>> v = Verdict("agrees", "no disagreement on 127 words, up to length 6", words=127, longest=6)
>>> v, v == "agrees", v.words, v.line
('agrees', True, 127, 'verdict: no disagreement on 127 words, up to length 6')
>>> read_verdict("equivalent"), percent(0.5), percent(None), show_word(("open", "close"))
('agrees', '50.00%', '-', 'open close')
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grammar.cli_shared import show_word
from grammar.errors import GrammarError

if TYPE_CHECKING:
    from grammar import Grammar

__all__ = ["Disagreement", "Verdict", "VERDICTS", "KINDS", "OLD_VERDICTS", "read_verdict",
           "word_kind", "show_word", "percent", "check_budget"]

#: The verdicts, strongest first.
VERDICTS = ("proved", "counterexample", "agrees", "undecided")
#: Verdict names that results once used: old name -> the name read today.
OLD_VERDICTS = {"equivalent": "agrees"}
#: The kinds of word a disagreement can be.
KINDS = ("member", "near_miss", "other")


def read_verdict(value: Any) -> Any:
    """A verdict name as read from a saved result: old names mapped to today's.

    Anything else (None included) is returned as it is.

    Examples
    --------
    >>> read_verdict("equivalent"), read_verdict("proved"), read_verdict(None)
    ('agrees', 'proved', None)
    """
    return OLD_VERDICTS.get(value, value) if isinstance(value, str) else value


class Verdict(str):
    """A judge's verdict: its name as a ``str``, with what it rests on.

    A verdict compares, hashes and serialises as its name (``"agrees"``), so
    ``result.verdict == "agrees"`` and ``json.dumps`` need nothing more; it is
    frozen.

    Parameters
    ----------
    name : str
        One of :data:`VERDICTS` (an old name, ``"equivalent"``, is read as
        ``"agrees"``).
    text : str
        The verdict in one line, for people.
    words : int, optional
        Words checked.
    longest : int, optional
        The longest word checked.

    Raises
    ------
    ValueError
        If `name` is not a verdict.

    Examples
    --------
    >>> Verdict("counterexample", "the network accepts 10").line
    'verdict: the network accepts 10'
    >>> Verdict("equivalent").name
    'agrees'
    >>> Verdict("sure")
    Traceback (most recent call last):
    ...
    ValueError: a verdict is one of proved, counterexample, agrees, undecided; not 'sure'
    """

    text: str
    words: int | None
    longest: int | None

    def __new__(cls, name: str, text: str = "", *, words: int | None = None,
                longest: int | None = None) -> Verdict:
        name = read_verdict(name)
        if name not in VERDICTS:
            raise ValueError(f"a verdict is one of {', '.join(VERDICTS)}; not {name!r}")
        self = super().__new__(cls, name)
        self.__dict__.update(text=str(text), words=words, longest=longest)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Verdict is frozen: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Verdict is frozen: cannot delete {name!r}")

    @property
    def name(self) -> str:
        """The name, as a plain ``str``."""
        return str.__str__(self)

    @property
    def line(self) -> str:
        """``"verdict: "`` and the text: the line a judge's printed result ends with."""
        return f"verdict: {self.text}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str) and not isinstance(other, Verdict) and other in OLD_VERDICTS:
            warnings.warn(f"the verdict {other!r} is now called {OLD_VERDICTS[other]!r}",
                          DeprecationWarning, stacklevel=2)
            other = OLD_VERDICTS[other]
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__

    def __call__(self) -> str:
        """The line; ``report.verdict()`` once was a method (deprecated)."""
        warnings.warn("calling a verdict is deprecated: the verdict is a field now; its line "
                      "is verdict.line (its text verdict.text)", DeprecationWarning, stacklevel=2)
        return self.line


@dataclass(frozen=True)
class Disagreement:
    """A word on which the network and the automaton disagree, whichever judge found it.

    Attributes
    ----------
    word : str or list of str
        The word (tokens for a token grammar).
    length : int
    kind : str
        One of :data:`KINDS`: ``"member"``, ``"near_miss"`` (a non-member
        one edit from a member) or ``"other"``.
    member : bool
        The automaton's answer.
    probability : float
        The network's membership probability, from :meth:`Verifier.predict`.
    confirmed : bool
        Whether :meth:`Verifier.predict`, run on the word by itself, gives
        the wrong answer (a search walks words with shared prefixes, which
        can differ from it on a probability within rounding of 0.5).
    explanation : str
        :meth:`grammar.Grammar.explain` of the word.
    set : str or None
        The test set that held the word (:func:`neural.compare` only).
    made_by : str or None
        How that test set made the word: ``"member"``, ``"random"`` or the
        edit that made a near miss (``"substitute"``, ...; compare only).
    """

    word: str | list[str]
    length: int
    kind: str
    member: bool
    probability: float
    confirmed: bool = True
    explanation: str = ""
    set: str | None = None
    made_by: str | None = None

    @property
    def truth(self) -> str:
        """``"member"`` or ``"non-member"``: the automaton's answer, in words."""
        return "member" if self.member else "non-member"

    def line(self) -> str:
        """One line for people: the word, the truth and where it came from, p and why.

        Examples
        --------
        >>> Disagreement("10", 2, "other", False, 0.9, explanation="rejected at 0").line()
        '10  non-member (other), p=0.900: rejected at 0'
        """
        where = self.kind.replace("_", " ")
        if self.set is not None:
            made = f": {self.made_by}" if self.made_by and self.made_by != self.kind else ""
            where = f"{self.set.replace('_', ' ')}, {where}{made}"
        note = "" if self.confirmed else " [not confirmed by predict]"
        return (f"{show_word(self.word)}  {self.truth} ({where}), p={self.probability:.3f}: "
                f"{self.explanation}{note}")


def word_kind(g: Grammar, word: Any) -> str:
    """The :data:`KINDS` name of `word` in `g`: member, near miss (one edit away) or other.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.tomita(1)
    >>> word_kind(g, "11"), word_kind(g, "101"), word_kind(g, "1001")
    ('member', 'near_miss', 'other')
    """
    from grammar import EmptyLanguageError
    from grammar.negatives import distance

    if g.accepts(word):
        return "member"
    try:
        return "near_miss" if distance(g, word) == 1 else "other"
    except EmptyLanguageError:  # no member, so no near miss
        return "other"


def percent(value: float | None, missing: str = "-") -> str:
    """A fraction as a percentage with two decimals; `missing` for None.

    Examples
    --------
    >>> percent(0.98765), percent(None), percent(None, missing="–")
    ('98.77%', '-', '–')
    """
    return missing if value is None else f"{100 * value:.2f}%"


def check_budget(budget: Any, *, optional: bool = False) -> float | None:
    """A budget in seconds: a positive finite number (None too, when `optional`).

    Raises
    ------
    TypeError
        If it is not a number (bools are not).
    GrammarError
        If it is not positive and finite.

    Examples
    --------
    >>> check_budget(5), check_budget(None, optional=True)
    (5.0, None)
    >>> check_budget(0)
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: budget must be a positive number of seconds, got 0
    """
    if budget is None and optional:
        return None
    if isinstance(budget, bool) or not isinstance(budget, numbers.Real):
        allowed = " or None" if optional else ""
        raise TypeError(f"budget must be a number of seconds{allowed}, not "
                        f"{type(budget).__name__}")
    if not math.isfinite(budget) or budget <= 0:
        raise GrammarError(f"budget must be a positive number of seconds, got {budget!r}")
    return float(budget)
