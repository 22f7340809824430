""":func:`certify`: prove that a GRU verifier computes a grammar at every length, or refute it.

Examples
--------
>>> from grammar import library
>>> from neural.judge.certify.construct import exact_verifier
>>> g = library.tomita(4)
>>> cert = certify(exact_verifier(g), g, budget=10)
>>> cert.verdict, cert.cell
('proved', 'gru')
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import numpy as np
import torch

from grammar import EmptyLanguageError, Grammar, GrammarError
from grammar.checks import check_count
from grammar.seeds import as_generator
from neural.device import cpu_threads
from neural.judge.certify import DEFAULT_BUDGET, checker
from neural.judge.certify.boxes import BoxCover, expansion, find_boxes
from neural.judge.certify.margin import ARITHMETIC, float32_margin
from neural.judge.certify.network import GRUWeights, sigmoid
from neural.judge.certify.pumping import first_wrong, pumped_words, random_words
from neural.judge.certify.result import Certificate
from neural.judge.common import check_budget
from neural.judge.extract import recorded_grammar
from neural.judge.search import search

__all__ = ["certify", "automaton"]

# The share of the budget for finding boxes, and of what is left then for the exhaustive search.
_PROOF, _SEARCH = 0.6, 0.3
# The longest words of the counterexample search, unless told otherwise.
_LONG = 4096
# Symbols read before the states are taken as settled, for the expansion diagnostic.
_SETTLE = 200
# Random long words, and members, drawn after the pumped ones.
_RANDOM, _MEMBERS = 400, 60


def automaton(g: Grammar, alphabet: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, int]:
    """`g`'s complete minimal DFA with its columns in the network's symbol order.

    A symbol the network reads but `g` lacks leads to a rejecting sink.

    Raises
    ------
    GrammarError
        If `g` has a symbol the network cannot read.

    Examples
    --------
    >>> from grammar import library
    >>> table, accepting, start = automaton(library.parity(), ("0", "1", "2"))
    >>> table.tolist(), accepting.tolist(), start
    ([[0, 1, 2], [1, 0, 2], [2, 2, 2]], [True, False, False], 0)
    """
    dfa = g.dfa
    missing = [s for s in dfa.alphabet if s not in alphabet]
    if missing:
        raise GrammarError(f"the grammar's symbol {missing[0]!r} is not one the network reads")
    table = np.asarray(dfa.table, dtype=np.int64)
    accepting = np.asarray(dfa.accepting, dtype=bool)
    column = {s: j for j, s in enumerate(dfa.alphabet)}
    sink = dfa.dead
    if any(s not in column for s in alphabet) and sink < 0:
        sink = len(table)
        table = np.vstack([table, np.full((1, table.shape[1]), sink)])
        accepting = np.append(accepting, False)
    out = np.array([[table[q, column[s]] if s in column else sink for s in alphabet]
                    for q in range(len(table))], dtype=np.int64).reshape(len(table), -1)
    return out, accepting, int(dfa.start)


def _covered(verifier: Any) -> str | None:
    """Why the margin does not cover the verifier's arithmetic, or None."""
    device = getattr(verifier, "device", torch.device("cpu"))
    precision = getattr(verifier, "precision", "fp32")
    if getattr(device, "type", "cpu") != "cpu" or precision not in ("auto", "fp32"):
        return (f"the claims hold in {ARITHMETIC}, but this verifier answers in {precision} on "
                f"{device}, which the margin does not cover: load it with device='cpu' and "
                "precision 'fp32'")
    if torch.get_float32_matmul_precision() != "highest":
        return ("the claims hold in float32, but torch's float32 matmul precision is "
                f"{torch.get_float32_matmul_precision()!r}, which the margin does not cover")
    return None


def _mismatch(verifier: Any, weights: GRUWeights, text: Any, rng: np.random.Generator) -> float:
    """Largest gap between the verifier's probabilities and its weights' float64 GRU."""
    worst = 0.0
    for length in (0, 1, 3, 9):
        words = [tuple(int(s) for s in rng.integers(0, weights.n_symbols, size=length))
                 for _ in range(8)]
        p = np.asarray(verifier.predict([text(w) for w in words]), dtype=np.float64)
        mine = sigmoid(weights.logit(weights.run(words)))
        worst = max(worst, float(np.max(np.abs(p - mine))))
    return worst


def certify(
    verifier: Any,
    g: Grammar | None = None,
    *,
    budget: float = DEFAULT_BUDGET,
    max_length: int = _LONG,
    seed: int = 0,
    threads: int | None = None,
) -> Certificate:
    """Prove that `verifier` gives `g`'s answer on every word, or find a word where it does not.

    1. **Boxes** (:func:`neural.judge.certify.boxes.find_boxes`, until six tenths
       of the budget): per state of `g`'s complete minimal DFA, boxes in the
       network's state space such that BOS lands in a box of the start
       state, every step from a box lands in a box of the next state, and
       every box's logit has its state's sign, all under plain interval
       arithmetic with the float32 margin (:mod:`neural.judge.certify.margin`).
       Then the independent numpy checker (:mod:`neural.judge.certify.checker`)
       re-checks every claim; only then, and only for a verifier that
       answers in CPU float32, is the verdict ``"proved"``.
    2. **Otherwise, every short word** (:func:`neural.search.search`, three
       tenths of the time left). A wrong word there is the counterexample.
    3. **Then words past the exhaustive bound**: the grammar's cycles through
       the states whose claims failed, pumped to `max_length` symbols, then
       random long words and members (:mod:`neural.judge.certify.pumping`). A
       wrong word is confirmed by running the network on it alone.

    Parameters
    ----------
    verifier : Verifier
        A GRU verifier (an LSTM gets no proof: its verdict is at best
        ``"undecided"``, or a counterexample).
    g : Grammar, optional
        The judge; default the grammar the verifier was trained on.
    budget : float
        Seconds for the whole call.
    max_length : int
        The longest words of the counterexample search.
    seed : int
        Seed of the random words.
    threads : int, optional
        CPU threads for torch (see :func:`neural.search.search`).

    Returns
    -------
    Certificate
        Save it next to the checkpoint with :meth:`Certificate.save`.

    Raises
    ------
    GrammarError
        If `g` has a symbol the verifier cannot read, or an argument is out of range.
    TypeError
        If an argument has the wrong type.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.verifier import Verifier
    >>> g = library.parity()
    >>> certify(Verifier.untrained(g, seed=0), g, budget=5).verdict
    'counterexample'
    """
    started = time.perf_counter()
    budget = check_budget(budget)
    deadline = started + budget
    max_length = check_count(max_length, "max_length")
    if g is None:
        g = recorded_grammar(verifier)
    if not isinstance(g, Grammar):
        raise TypeError(f"certify needs a Grammar, not {type(g).__name__}")
    alphabet = tuple(verifier.alphabet)
    table, accepting, start = automaton(g, alphabet)
    single = bool(getattr(getattr(verifier, "vocab", None), "single_char", g.single_char))
    cell = str(getattr(verifier, "cell", "gru"))
    # A recipe other than the default (neural.recipes) puts a dense head after the GRU.
    recipe = getattr(getattr(getattr(verifier, "model", None), "config", None), "recipe",
                     "default")
    rng = as_generator(seed)
    letters = {j: s for j, s in enumerate(alphabet)}

    def text(word: tuple[int, ...]) -> Any:
        if single and len(alphabet) < 256:  # one C-level pass for long words
            return bytes(word).decode("latin-1").translate(letters)
        symbols = [alphabet[a] for a in word]
        return "".join(symbols) if single else tuple(symbols)

    def ask(words: list[Any]) -> np.ndarray:
        return np.asarray(verifier.predict(words), dtype=np.float32) > 0.5

    run = _Run(started, {
        "grammar": {"name": g.name, "fingerprint": g.fingerprint}, "cell": cell,
        "alphabet": alphabet, "arithmetic": ARITHMETIC, "budget": budget,
        "dfa": {"start": start, "accepting": accepting.tolist(), "table": table.tolist()},
    })
    with cpu_threads(threads):
        if cell != "gru":
            run.reasons.append(f"only GRU networks get a proof; this one is an {cell.upper()}")
        elif recipe != "default":
            run.reasons.append(f"only a linear head gets a proof; this network has the dense "
                               f"head of the {recipe!r} recipe")
        elif _prove(run, verifier, g, (table, accepting, start), text, rng,
                    started + _PROOF * budget):
            return run.finish("proved")
        left = max(deadline - time.perf_counter(), 0.5)
        report = search(verifier, g, max_length=min(30, max_length), budget=_SEARCH * left,
                        progress=False, keep=1)
        run.words_checked, run.longest = report.words, report.max_length
        found = next((f for f in report.disagreements if f.confirmed), None)
        if found is not None:
            return run.finish("counterexample", found.word, found.member, found.probability,
                              "the exhaustive search of short words")
        first, focus = _focus(run.cover, table.shape[0])
        words = pumped_words(table, start, accepting, focus, max_length)
        lo = max(run.longest + 1, max_length // 2)
        wrong, asked = first_wrong(words, ask, g.accepts_many, text, deadline)
        where = (f"through state{'s' if len(first) > 1 else ''} {', '.join(map(str, first))}, "
                 "where claims failed" if first else "through every state")
        how = f"pumping the grammar's cycles (u·v^k·w) {where}"
        if wrong is None and time.perf_counter() < deadline:
            more = random_words(len(alphabet), _RANDOM, lo, max(lo, max_length), rng)
            more += _members(g, alphabet, lo, max(lo, max_length), rng)
            words += more
            wrong, extra = first_wrong(more, ask, g.accepts_many, text, deadline)
            asked += extra
            how = f"long random words and members, of lengths {lo} to {max(lo, max_length)}"
        run.words_checked += asked
        run.longest = max(run.longest, max(map(len, words), default=0) if asked else 0)
        if wrong is not None:
            p = float(np.asarray(verifier.predict([wrong]))[0])
            return run.finish("counterexample", wrong, bool(g.accepts(wrong)), p, how)
        if run.weights is not None:  # why the boxes did not close
            median, largest = expansion(run.weights, rng, words=64, length=_SETTLE)
            run.reasons.append(f"around the states reached after {_SETTLE} random symbols, one "
                               f"interval step widens a small box {median:.3g} times (median; "
                               f"at most {largest:.3g}): boxes close only where that is below 1")
    return run.finish("undecided")


class _Run:
    """What one call has found so far."""

    def __init__(self, started: float, fields: dict[str, Any]) -> None:
        self.started = started
        self.fields = fields
        self.reasons: list[str] = []
        self.cover: BoxCover | None = None
        self.weights: GRUWeights | None = None  # when boxes were searched for and not found
        self.margin = 0.0
        self.state_dict: dict[str, np.ndarray] = {}
        self.search_seconds = self.check_seconds = 0.0
        self.words_checked = self.longest = 0

    def finish(self, verdict: str, word: Any = None, member: bool | None = None,
               probability: float | None = None, found_by: str = "") -> Certificate:
        cover = self.cover
        width = 0 if cover is None else cover.lo.shape[1]
        reasons = self.reasons if verdict != "proved" else []
        if verdict == "undecided" and not reasons:
            reasons = ["no boxes were searched for"]
        return Certificate(
            verdict=verdict, **self.fields, margin=self.margin,
            lo=np.zeros((0, width)) if cover is None else cover.lo,
            hi=np.zeros((0, width)) if cover is None else cover.hi,
            box_state=np.zeros(0, dtype=np.int64) if cover is None else cover.state,
            start_box=None if cover is None else int(cover.start_box),
            steps=(np.zeros((0, len(self.fields["alphabet"])), dtype=np.int64)
                   if cover is None else cover.steps),
            counterexample=word, counterexample_member=member,
            counterexample_probability=probability, found_by=found_by, reasons=tuple(reasons),
            words_checked=self.words_checked, longest_checked=self.longest,
            seconds=round(time.perf_counter() - self.started, 3),
            search_seconds=round(self.search_seconds, 3),
            check_seconds=round(self.check_seconds, 3), weights=self.state_dict)


def _prove(run: _Run, verifier: Any, g: Grammar, dfa: tuple[np.ndarray, np.ndarray, int],
           text: Any, rng: np.random.Generator, deadline: float) -> bool:
    """Find boxes and have the checker confirm them; True when the verdict is "proved"."""
    weights = GRUWeights.from_verifier(verifier)
    run.state_dict = {k: v.detach().cpu().float().numpy()
                      for k, v in verifier.model.state_dict().items()}
    uncovered = _covered(verifier)
    gap = 0.0 if uncovered else _mismatch(verifier, weights, text, rng)
    if gap > 1e-3:
        run.reasons.append(f"the verifier's answers differ from its GRU weights' by {gap:.3g}; "
                           "its network is not the plain embedding-GRU-linear model")
        return False
    found_at = time.perf_counter()
    run.cover, run.margin = _boxes(weights, *dfa, deadline)
    run.search_seconds = time.perf_counter() - found_at
    if not run.cover.closed:
        run.reasons += _failure_reasons(run.cover, verifier.alphabet)
        run.weights = weights
        return False
    checked_at = time.perf_counter()
    d = g.dfa
    why = checker.check(run.finish("proved").to_dict(), run.state_dict,
                        alphabet=verifier.alphabet, fingerprint=g.fingerprint,
                        grammar_dfa=(d.alphabet, d.table, d.accepting, d.start))
    run.check_seconds = time.perf_counter() - checked_at
    if why is not None:
        run.reasons.append(f"the independent checker refused the boxes: {why}")
        return False
    if uncovered is not None:
        run.reasons.append(uncovered)
        return False
    return True


def _boxes(weights: GRUWeights, table: np.ndarray, accepting: np.ndarray, start: int,
           deadline: float) -> tuple[BoxCover, float]:
    """Find boxes, with a margin that covers how far out the boxes reach."""
    hmax = 1.001
    for _ in range(3):
        margin = float32_margin(weights, hmax)
        cover = find_boxes(weights, table, accepting, start, margin, deadline=deadline)
        if not cover.closed:
            return cover, margin
        reach = float(max(1.0, np.abs(cover.lo).max(), np.abs(cover.hi).max()))
        if float32_margin(weights, reach) <= margin:
            break
        hmax = reach * 1.01
    return cover, margin


def _failure_reasons(cover: BoxCover, alphabet: tuple[str, ...]) -> list[str]:
    why = {"time": "the time for finding boxes ran out",
           "boxes": "the boxes passed the limit", "answer": "a box's answer failed",
           "reach": "the boxes blew up"}
    head = (f"no boxes closed in {cover.attempts} attempt{'s' if cover.attempts > 1 else ''} "
            f"(the last, cap {cover.cap:g}, stopped: {why.get(cover.stopped, cover.stopped)}; "
            f"{len(cover.lo)} boxes)")
    details = [f"the image of box {f.box} of state {f.state} reading {alphabet[f.symbol]!r} "
               f"spills out of every box of state {f.target} by {f.amount:.3g}"
               if f.kind == "step" and f.symbol is not None else f.detail
               for f in cover.failures]
    return [head, *details]


def _focus(cover: BoxCover | None, n_states: int) -> tuple[list[int], list[int]]:
    """The DFA states where claims failed, and every state, those first."""
    first: list[int] = []
    if cover is not None:
        for f in cover.failures:
            for q in (f.state, f.target):
                if q is not None and q not in first:
                    first.append(int(q))
    return first, first + [q for q in range(n_states) if q not in first]


def _members(g: Grammar, alphabet: tuple[str, ...], lo: int, hi: int,
             rng: np.random.Generator) -> list[tuple[int, ...]]:
    index = {s: j for j, s in enumerate(alphabet)}
    with contextlib.suppress(EmptyLanguageError, GrammarError):
        words = g.sample_uniform(_MEMBERS, length=(lo, hi), seed=rng)
        return [tuple(index[s] for s in g.symbols_of(w)) for w in words]
    return []
