"""The :class:`Extraction`: the automaton learnt from a network, and the verdict.

Examples
--------
>>> VERDICTS
('agrees', 'counterexample', 'undecided')
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from neural.judge.common import Disagreement, Verdict, show_word

if TYPE_CHECKING:
    from grammar import Grammar
    from neural.judge.search import SearchResult

__all__ = ["Extraction", "VERDICTS"]

#: The three verdicts: the network agrees with the grammar on every word checked (no
#: proof); it is wrong on a word; or the budget ran out first.
VERDICTS = ("agrees", "counterexample", "undecided")


@dataclass(frozen=True)
class Extraction:
    """The result of :func:`neural.judge.extract.extract`.

    Attributes
    ----------
    verdict : Verdict
        ``"agrees"``: the extracted automaton equals the grammar, and the
        network agreed with the grammar on every word checked (its `words`
        and `longest` say how far that went; see `search` too): not a proof.
        ``"counterexample"``: the network is wrong on `counterexample`,
        confirmed by running it on the word alone. ``"undecided"``: learning
        did not converge within the budget (or the state limit); `reason`
        says which. Given as a name, the text is filled in.
    grammar : Grammar
        The automaton learnt from the network (the last hypothesis): it can
        be drawn, saved (``grammar.to_dot()``) and compared.
    target : str
        Name of the judging grammar.
    trained_on : str or None
        Name of the grammar the verifier was trained on.
    states, minimal_states : int
        States of the extracted automaton and of the grammar, both as
        canonical minimal complete DFAs (a dead state included, if any).
    counterexample : Disagreement or None
        The shortest word found where the network is wrong.
    shortest_proven : bool
        True when every word shorter than `counterexample` was checked, so
        no shorter one exists.
    membership_queries, network_calls, equivalence_queries : int
        Distinct words the network was asked during learning, the batched
        calls that asked them, and the hypotheses held against the grammar.
    search : SearchResult or None
        The exhaustive search that held the network against the grammar.
    sampled : int
        Distinct long words drawn at random and checked after the search.
    sampled_lengths : tuple of int or None
        Their length range.
    words_checked : int
        Distinct words checked after learning: the search's and the sampled
        ones (longer than the search's, so none is counted twice).
    longest_checked : int
        The longest of them.
    reason : str
        Why the verdict is undecided ("" otherwise).
    learn_seconds, check_seconds, seconds : float
        Time spent learning, checking, and in all.
    budget : float
    """

    verdict: Verdict
    grammar: Grammar
    target: str
    trained_on: str | None
    states: int
    minimal_states: int
    counterexample: Disagreement | None
    shortest_proven: bool
    membership_queries: int
    network_calls: int
    equivalence_queries: int
    search: SearchResult | None
    sampled: int
    sampled_lengths: tuple[int, int] | None
    words_checked: int
    longest_checked: int
    reason: str
    learn_seconds: float
    check_seconds: float
    seconds: float
    budget: float

    def __post_init__(self) -> None:
        name = Verdict(self.verdict).name
        if name not in VERDICTS:
            raise ValueError(f"an extraction's verdict is one of {', '.join(VERDICTS)}; "
                             f"not {name!r}")
        object.__setattr__(self, "verdict", Verdict(name, self._text(name),
                                                    words=self.words_checked,
                                                    longest=self.longest_checked))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict; the extracted automaton as DOT text."""
        return {
            "verdict": self.verdict.name,
            "target": self.target,
            "trained_on": self.trained_on,
            "states": self.states,
            "minimal_states": self.minimal_states,
            "counterexample": None if self.counterexample is None else
            _finding(self.counterexample),
            "shortest_proven": self.shortest_proven,
            "membership_queries": self.membership_queries,
            "network_calls": self.network_calls,
            "equivalence_queries": self.equivalence_queries,
            "search": None if self.search is None else self.search.to_dict(),
            "sampled": self.sampled,
            "sampled_lengths": list(self.sampled_lengths) if self.sampled_lengths else None,
            "words_checked": self.words_checked,
            "longest_checked": self.longest_checked,
            "reason": self.reason,
            "learn_seconds": self.learn_seconds,
            "check_seconds": self.check_seconds,
            "seconds": self.seconds,
            "budget": self.budget,
            "summary": self.summary(),
            "dot": self.grammar.to_dot(),
        }

    def to_json(self, **options: Any) -> str:
        """The result as JSON text (options go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **options)

    def summary(self) -> str:
        """The verdict in one line: ``verdict.text``."""
        return self.verdict.text

    def _text(self, verdict: str) -> str:
        if verdict == "agrees":
            return (f"agrees: the extracted automaton equals {self.target}, and the network "
                    f"agreed with it on all {self.words_checked:,} words checked, up to length "
                    f"{self.longest_checked} (not a proof)")
        if verdict == "counterexample":
            c = self.counterexample
            if c is None:
                raise ValueError("a counterexample verdict needs its counterexample")
            said = "rejects" if c.member else "accepts"
            shortest = ("; no shorter word is wrong (every shorter word was checked)"
                        if self.shortest_proven else "")
            return (f"counterexample: the network {said} {show_word(c.word)} "
                    f"(p={c.probability:.3f}), "
                    f"a {'member' if c.member else 'non-member'} of {self.target}{shortest}")
        return f"undecided within the budget: {self.reason}"

    def __str__(self) -> str:
        lines = [
            f"extraction: {self.trained_on or 'verifier'} verifier against the exact automaton "
            f"of {self.target} (budget {self.budget:g} s)",
            f"learned (L*, the network as membership oracle, {self.target} as equivalence "
            f"oracle): {self.states} states (minimal DFA of {self.target}: "
            f"{self.minimal_states}); {self.membership_queries:,} membership queries in "
            f"{self.network_calls} network calls, {self.equivalence_queries} equivalence "
            f"queries; {self.learn_seconds:.2f} s",
        ]
        if self.search is not None:
            s = self.search
            lines.append(f"checked: {s.coverage()}: {s.words:,} words in {s.seconds:.1f} s"
                         + ("; stopped by the budget" if s.stopped else ""))
        if self.sampled_lengths:
            lo, hi = self.sampled_lengths
            lines.append(f"sampled: {self.sampled:,} long words of lengths {lo}-{hi}")
        if self.counterexample is not None:
            c = self.counterexample
            lines.append(f"the automaton on {show_word(c.word)}: {c.explanation}")
        lines.append(f"{self.verdict.line} ({self.seconds:.1f} s in all)")
        return "\n".join(lines)


def _finding(f: Disagreement) -> dict[str, Any]:
    return asdict(f)
