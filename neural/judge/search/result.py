"""The :class:`SearchResult`: what a search covered, what it left out, what it found.

``str(result)`` is for people, :meth:`SearchResult.to_json` for machines,
and :attr:`SearchResult.verdict` ends both (and the printed comparison of
:func:`neural.compare` when it includes a search). Its old name,
``SearchReport``, still works, with a :class:`DeprecationWarning`.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

from neural.judge.common import KINDS, Disagreement, Verdict, show_word
from neural.judge.search.counts import COUNT_CAP

__all__ = ["SearchResult", "KINDS"]


def __getattr__(name: str) -> Any:
    if name == "Finding":
        warnings.warn("Finding is deprecated; use neural.Disagreement (the same class)",
                      DeprecationWarning, stacklevel=2)
        return Disagreement
    if name == "SearchReport":
        warnings.warn("SearchReport is deprecated; use neural.SearchResult (the same class)",
                      DeprecationWarning, stacklevel=2)
        return SearchResult
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class SearchResult:
    """The result of :func:`neural.judge.search.search`.

    Attributes
    ----------
    grammar : str
        Name of the judging grammar.
    trained_on : str or None
        Name of the grammar the verifier was trained on.
    max_length : int
        The longest words in scope.
    exhaustive_length : int
        Every word up to this length was in scope; beyond it, up to
        `max_length`, the members and the near misses.
    budget : float or None
        Seconds allowed (None: no limit).
    stopped : bool
        True when the budget ran out before the walk ended; then some words
        in scope were not checked (see `unchecked`).
    complete_to : dict of str to int
        Per kind, the longest length up to which every word of that kind was
        checked (-1 when none was).
    checked : dict of str to int
        Words checked per kind.
    checked_by_length : list of dict
        ``{"length", "member", "near_miss", "other"}`` words checked per length.
    left_out : int
        Non-members other than near misses, of lengths ``exhaustive_length +
        1`` to `max_length`: outside the scope the budget allowed.
    unchecked : int
        Words in scope that a stop left unchecked. This and `left_out` are
        exact below 2**53 (:data:`~neural.judge.search.counts.COUNT_CAP`); a value
        of 2**53 means at least that many.
    near_misses : bool
        False when the near-miss automaton was too large to build (within
        the budget, when there is one); then only members were checked
        beyond the exhaustive length.
    n_disagreements : int
    disagreements_by_kind : dict of str to int
    disagreements : list of Disagreement
        The shortest found, shortlex-first within a length, at most 10. The
        walk is depth first, so a search that the budget stopped may have
        found a long one before a shorter one it never reached: see
        :attr:`shortest_proven`.
    nodes : int
        Network steps taken (one per trie node).
    seconds : float
    device : str
    verdict : Verdict
        ``"agrees"`` when no word checked was wrong, ``"counterexample"``
        when one was (confirmed by :meth:`Verifier.predict`), else
        ``"undecided"``; its text is the line the printed result ends with.
    """

    grammar: str
    trained_on: str | None
    max_length: int
    exhaustive_length: int
    budget: float | None
    stopped: bool
    complete_to: dict[str, int]
    checked: dict[str, int]
    checked_by_length: list[dict[str, int]]
    left_out: int
    unchecked: int
    near_misses: bool
    n_disagreements: int
    disagreements_by_kind: dict[str, int]
    disagreements: list[Disagreement]
    nodes: int
    seconds: float
    device: str
    verdict: Verdict = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", self._judge())

    @property
    def words(self) -> int:
        """Words checked in all."""
        return sum(self.checked.values())

    @property
    def agrees(self) -> bool:
        """True when the network agreed with the automaton on every word checked."""
        return self.n_disagreements == 0

    def checked_below(self, length: int) -> bool:
        """Whether every word shorter than `length` was checked, whatever its kind.

        Examples
        --------
        >>> from grammar import library
        >>> from neural.verifier import Verifier
        >>> from neural.judge.search import search
        >>> g = library.tomita(1)
        >>> result = search(Verifier.untrained(g), g, max_length=6, exhaustive=3,
        ...                 progress=False)
        >>> result.checked_below(4), result.checked_below(5)
        (True, False)
        """
        return (self.exhaustive_length >= length - 1
                and min(self.complete_to.values()) >= length - 1)

    @property
    def shortest_proven(self) -> bool:
        """True when every word shorter than the first disagreement was checked, so that it
        is the shortest there is (False when there is none)."""
        return bool(self.disagreements) and self.checked_below(self.disagreements[0].length)

    def coverage(self) -> str:
        """One sentence on what was checked.

        Examples
        --------
        >>> from grammar import library
        >>> from neural.verifier import Verifier
        >>> from neural.judge.search import search
        >>> g = library.tomita(1)
        >>> search(Verifier.untrained(g), g, max_length=6, exhaustive=3,
        ...        progress=False).coverage()
        'every word up to length 3, then members and near misses up to length 6'
        """
        done = self.complete_to
        if self.stopped:
            beyond = min(done["member"], done["near_miss"])
            every = min(done["other"], beyond)
        else:
            every, beyond = min(self.exhaustive_length, self.max_length), self.max_length
        text = f"every word up to length {every}" if every >= 0 else "no length complete"
        if beyond > every:
            what = "members and near misses" if self.near_misses else "members"
            text += f", then {what} up to length {beyond}"
        return text

    def _judge(self) -> Verdict:
        """The verdict, from the other fields.

        Examples
        --------
        >>> from grammar import library
        >>> from neural.verifier import Verifier
        >>> from neural.judge.search import search
        >>> g = library.tomita(1)
        >>> result = search(Verifier.untrained(g, seed=0), g, max_length=4, progress=False)
        >>> result.verdict, result.verdict.words
        ('counterexample', 31)
        >>> print(result.verdict.text)  # doctest: +ELLIPSIS
        the network is wrong on ... of 31 words checked (every word up to length 4); ...
        """
        scope = f"({self.coverage()})"
        cut = "; the budget stopped the search early" if self.stopped else ""
        longest = max((row["length"] for row in self.checked_by_length
                       if any(row[k] for k in KINDS)), default=None)
        if self.agrees:
            return Verdict("agrees", f"the network agrees with the automaton on all "
                           f"{self.words:,} words checked {scope}{cut}", words=self.words,
                           longest=longest)
        if self.disagreements:
            first = self.disagreements[0]
            label, caveat = (("shortest", "") if self.shortest_proven else
                             ("shortest found", "; not every shorter word was checked"))
            found = f"; {label}: {show_word(first.word)} ({first.truth}, p={first.probability:.3f})"
        else:
            found, caveat = "", ""
        text = (f"the network is wrong on {self.n_disagreements:,} of {self.words:,} words "
                f"checked {scope}{found}{caveat}{cut}")
        confirmed = any(d.confirmed for d in self.disagreements)
        if not confirmed:
            text += "; predict, run on each word alone, confirmed none of those shown"
        return Verdict("counterexample" if confirmed else "undecided", text, words=self.words,
                       longest=longest)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-able dicts and lists."""
        data = asdict(self)
        data["words"] = self.words
        data["shortest_proven"] = self.shortest_proven
        data["verdict"] = self.verdict.name
        data["summary"] = self.verdict.text
        return data

    def to_json(self, **options: Any) -> str:
        """The result as JSON text (options go to :func:`json.dumps`).

        Examples
        --------
        >>> from grammar import library
        >>> from neural.verifier import Verifier
        >>> from neural.judge.search import search
        >>> g = library.parity()
        >>> data = json.loads(search(Verifier.untrained(g), g, max_length=3,
        ...                          progress=False).to_json())
        >>> data["words"], data["exhaustive_length"]
        (15, 3)
        """
        return json.dumps(self.to_dict(), **options)

    def __str__(self) -> str:
        budget = "no limit" if self.budget is None else f"budget {self.budget:g} s"
        lines = [
            f"exhaustive search: {self.trained_on or 'verifier'} verifier vs the exact automaton "
            f"of {self.grammar}, words up to length {self.max_length} ({budget})",
            f"checked: {self.coverage()}",
            f"words checked: {self.words:,} ({self.checked['member']:,} members, "
            f"{self.checked['near_miss']:,} near misses, {self.checked['other']:,} other "
            f"non-members) in {self.nodes:,} network steps, {self.seconds:.1f} s on {self.device}",
        ]
        if self.left_out:
            lines.append(
                f"left out: {_many(self.left_out)} other non-members of lengths "
                f"{self.exhaustive_length + 1}-{self.max_length} (beyond the exhaustive length "
                "the budget allowed)"
            )
        if not self.near_misses:
            within = "" if self.budget is None else " to build within the budget"
            lines.append("left out: near misses beyond the exhaustive length (the near-miss "
                         f"automaton is too large{within})")
        if self.stopped:
            lines.append(f"stopped by the budget: {_many(self.unchecked)} words in scope "
                         "unchecked")
        if self.agrees:
            lines.append("disagreements: none")
        else:
            kinds = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in
                              self.disagreements_by_kind.items() if n)
            lines += ["", f"disagreements: {self.n_disagreements:,} ({kinds}); the "
                      f"{len(self.disagreements)} shortest"
                      f"{'' if self.shortest_proven else ' found'} (word, truth, p, why):"]
            lines += [f"  {d.line()}" for d in self.disagreements]
        lines += ["", self.verdict.line]
        return "\n".join(lines)


def _many(count: int) -> str:
    """A capped count in words: "at least" at the cap."""
    return f"at least {count:,}" if count >= COUNT_CAP else f"{count:,}"

