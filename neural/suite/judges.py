"""The judges a suite runs after :func:`neural.compare`: one :class:`Judge` each in :data:`JUDGES`.

An entry says everything a suite and its report page need about a judge:
the spec table that asks for it (its name) with the options' defaults and
bounds, how to call the judge's function, the columns it adds to a run's
row and how to read them from its result (typed: each result carries a
:class:`~neural.judge.common.Verdict` and a ``to_dict()``), the file that
keeps the whole result (``<name>.json``, shown on the page) and, where it
saves one, the automaton the page draws. The spec reader, the runner, the
results table and the page all read this registry, so adding a judge to
suites is one entry here, beside the judge's own package.

The functions are imported when a run calls them, so that reading a spec
needs no torch.

Examples
--------
>>> list(JUDGES)
['search', 'extract', 'certify']
>>> JUDGES["extract"].columns, JUDGES["extract"].file
(('verdict', 'extracted_states'), 'extract.json')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from grammar.cli_shared import MAX_LENGTH
from neural.judge.certify.result import CERTIFICATE

if TYPE_CHECKING:
    from grammar import Grammar
    from neural.judge.certify import Certificate
    from neural.judge.common import Verdict
    from neural.judge.extract import Extraction
    from neural.judge.search import SearchReport

__all__ = ["Judge", "Result", "JUDGES", "EXTRACTED_GRAMMAR", "PROOF_PICTURE", "PROOF_CAPTION"]

#: The automaton an extraction learnt, as grammar JSON, for the page to draw.
EXTRACTED_GRAMMAR = "extracted.json"
#: The picture of a proof (:mod:`neural.judge.certify.picture`), and its caption on the page.
PROOF_PICTURE = "proof.svg"
PROOF_CAPTION = (
    "Why the proof holds: the network's hidden states after random words (the float64 step of "
    "its weights), projected to 2-D by principal components and coloured by the DFA state each "
    "word reaches (numbered as in the minimal DFA; × a rejecting state, • an accepting one), "
    "with the certificate's boxes in their state's colour, the start box thick-edged. Each box "
    "is drawn as the bounding rectangle of its projection (the projection itself is a zonotope "
    "inside it), so every state inside a box is drawn inside its rectangle, while rectangles "
    "may overlap where the boxes do not; a box too small to see is marked by an open square.")


class Result(Protocol):
    """What every judge returns: a verdict, and the whole result as JSON-able data."""

    verdict: Verdict | str

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Judge:
    """One judge, as suites run it.

    Attributes
    ----------
    name : str
        The spec's table (``[search]``) and the stem of the saved result.
    title : str
        Its heading on the report page.
    run : callable
        ``run(verifier, g, options)``: the judge's result, without progress bars.
    columns : tuple of str
        The columns it adds to a run's row, in order.
    row : callable
        ``row(result, run_dir)``: those columns' values (it may save files
        beside the result, such as :attr:`drawing`).
    options : mapping
        The spec table's keys and defaults: a float is a number of seconds
        (> its low), an int an integer (>= its low).
    lows, highs : mapping
        Bounds of the options (`highs` where there is one).
    drawing : str or None
        A grammar JSON file that `row` saves, drawn on the page.
    drawing_title : str
        Its caption.
    picture : str or None
        An SVG picture that `row` saves for a ``"proved"`` result, shown on
        the page next to the verdict.
    picture_title : str
        Its caption.
    command_file : str or None
        The file the judge's own command writes in a training directory
        (``certificate.json``), which the page reads where ``<name>.json``
        is absent.
    """

    name: str
    title: str
    run: Callable[[Any, Grammar, Mapping[str, Any]], Result]
    columns: tuple[str, ...]
    row: Callable[[Any, Path], dict[str, Any]]
    options: Mapping[str, Any]
    lows: Mapping[str, Any]
    highs: Mapping[str, Any] = field(default_factory=dict)
    drawing: str | None = None
    drawing_title: str = ""
    picture: str | None = None
    picture_title: str = ""
    command_file: str | None = None

    @property
    def file(self) -> str:
        """Where a run keeps the whole result: ``<name>.json``."""
        return f"{self.name}.json"


def _search(verifier: Any, g: Grammar, options: Mapping[str, Any]) -> SearchReport:
    from neural.judge.search import search

    return search(verifier, g, progress=False, **options)


def _search_row(report: SearchReport, run_dir: Path) -> dict[str, Any]:
    from grammar.words import word_text

    first = report.disagreements[0] if report.disagreements else None
    return {
        "counterexample": None if first is None else word_text(first.word),
        "counterexample_length": None if first is None else first.length,
        # Whether it is the shortest there is: a search the budget stopped may not know.
        "counterexample_shortest": None if first is None else report.shortest_proven,
        "search_disagreements": report.n_disagreements,
    }


def _extract(verifier: Any, g: Grammar, options: Mapping[str, Any]) -> Extraction:
    from neural.judge.extract import extract

    return extract(verifier, g, progress=False, **options)


def _extract_row(ex: Extraction, run_dir: Path) -> dict[str, Any]:
    from neural.checkpoint import atomic_write

    atomic_write(run_dir / EXTRACTED_GRAMMAR, ex.grammar.to_json().encode("utf-8"))
    return {"verdict": ex.verdict.name, "extracted_states": int(ex.grammar.dfa.n_states)}


def _certify(verifier: Any, g: Grammar, options: Mapping[str, Any]) -> Certificate:
    from neural.judge.certify import certify

    return certify(verifier, g, **options)


def _certify_row(cert: Certificate, run_dir: Path) -> dict[str, Any]:
    from neural.judge.certify.picture import write_proof_picture

    if cert.proved:
        write_proof_picture(run_dir / PROOF_PICTURE, cert.to_dict(), cert.weights)
    else:  # a picture left by an earlier run of this directory shows another network
        (run_dir / PROOF_PICTURE).unlink(missing_ok=True)
    return {"certify_verdict": str(cert.verdict)}


#: The judges, in the order a run calls them (and the page shows them).
JUDGES: dict[str, Judge] = {judge.name: judge for judge in (
    Judge("search", "Search", _search, ("counterexample", "counterexample_length",
                                        "counterexample_shortest", "search_disagreements"),
          _search_row, options={"max_length": 10, "budget": 10.0},
          lows={"max_length": 0, "budget": 0.0}, highs={"max_length": MAX_LENGTH}),
    Judge("extract", "Extraction", _extract, ("verdict", "extracted_states"), _extract_row,
          options={"budget": 10.0}, lows={"budget": 0.0}, drawing=EXTRACTED_GRAMMAR,
          drawing_title="Extracted automaton"),
    Judge("certify", "Certificate", _certify, ("certify_verdict",), _certify_row,
          options={"budget": 60.0}, lows={"budget": 0.0}, picture=PROOF_PICTURE,
          picture_title=PROOF_CAPTION, command_file=CERTIFICATE),
)}
