"""Finding the boxes: an inductive cover of the network's reachable states, per DFA state.

The search starts from the interval image of BOS read from the zero state
and follows the grammar's complete minimal DFA: for each box ``B`` of a state
``q`` and each symbol ``a`` it computes the interval image of ``B``
(:func:`neural.judge.certify.intervals.step_boxes`), widened by the margin, and
places it in a box of ``δ(q, a)``:

- in a box that already holds it;
- else in the box of ``δ(q, a)`` whose hull with the image is narrowest,
  grown to that hull (and a little past it, more each time the same box
  grows, so that a contracting network reaches a fixed point in finitely many
  rounds), if the hull is no wider than the attempt's *cap*; a box that grows
  has its own steps computed again;
- else in a new box, the image itself.

When no image is left unplaced, every step claim holds by construction;
then every box's logit interval must clear zero, on the side of its state,
by the margin. One attempt per cap, from one box per DFA state (cap
infinite) down to finer and finer covers, until one closes, or the time or
the box limit runs out. An attempt fails early when a box's answer fails
(boxes only grow, so it cannot recover) or a box grows past ±1.5 (a GRU's
states stay within ±1: the boxes have blown up).

Only plain interval arithmetic is used, so whatever closes is exactly what
the checker confirms.

Examples
--------
>>> from neural.judge.certify.construct import exact_verifier
>>> from neural.judge.certify.network import GRUWeights
>>> from neural.judge.certify.margin import float32_margin
>>> from grammar import library
>>> g = library.parity()
>>> w = GRUWeights.from_verifier(exact_verifier(g))
>>> found = find_boxes(w, g.dfa.table, g.dfa.accepting, g.dfa.start, float32_margin(w, 1.01))
>>> found.closed, len(found.lo) >= g.dfa.n_states
(True, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from neural.judge.certify.intervals import logit_boxes, step_boxes
from neural.judge.certify.network import BOS_ROW, FIRST_SYMBOL_ROW, GRUWeights

__all__ = ["find_boxes", "expansion", "BoxCover", "Failure", "CAPS"]

#: The caps tried, widest first: the largest width a box may grow to by merging.
CAPS = (math.inf, 0.5, 0.2, 0.08, 0.03, 0.01, 3e-3, 1e-3, 3e-4, 1e-4)
# Boxes one attempt may hold before it gives up.
_MAX_BOXES = 4000
# Boxes whose steps are computed between two looks at the clock and the limits.
_CHUNK = 128
# How far out a box may reach: a GRU's states stay within ±1, so a box past this has blown up.
_REACH = 1.5


@dataclass(frozen=True)
class Failure:
    """A claim that did not hold in the search's last attempt.

    Attributes
    ----------
    kind : str
        ``"step"``: the image of a box spilled out of every box of the target
        state when the attempt stopped; ``"answer"``: a box's logit interval
        did not clear zero on its state's side by the margin.
    box : int
        The box (the source, for a step).
    state : int
        The DFA state of the box (the source, for a step).
    symbol : int or None
        The symbol read, for a step.
    target : int or None
        The DFA state the step goes to.
    amount : float
        By how much: how far the image reaches out of the nearest target box
        (its largest coordinate), or by how much the logit misses.
    detail : str
        One line for people.
    """

    kind: str
    box: int
    state: int
    symbol: int | None
    target: int | None
    amount: float
    detail: str


@dataclass
class BoxCover:
    """The boxes found and their steps.

    Attributes
    ----------
    lo, hi : numpy.ndarray
        ``(n_boxes, width)``.
    state : numpy.ndarray
        int, the DFA state of each box.
    start_box : int
    steps : numpy.ndarray
        ``(n_boxes, n_symbols)`` int: the box each step lands in (-1: none).
    closed : bool
        Every step placed and every answer holding.
    cap : float
        The cap of the attempt this cover comes from.
    failures : list of Failure
        Why the last attempt did not close (empty when closed).
    attempts : int
    stopped : str
        Why the search stopped without closing (``""`` when closed).
    """

    lo: np.ndarray
    hi: np.ndarray
    state: np.ndarray
    start_box: int
    steps: np.ndarray
    closed: bool
    cap: float
    failures: list[Failure] = field(default_factory=list)
    attempts: int = 0
    stopped: str = ""


class _Attempt:
    """One attempt at one cap."""

    def __init__(self, weights: GRUWeights, table: np.ndarray, accepting: np.ndarray,
                 margin: float, cap: float, max_boxes: int) -> None:
        self.w = weights
        self.table = table
        self.accepting = accepting
        self.margin = margin
        self.pad = margin * 1e-3 + 1e-12
        self.cap = cap
        self.max_boxes = max_boxes
        width = weights.width
        self.lo = np.zeros((16, width))
        self.hi = np.zeros((16, width))
        self.state = np.zeros(16, dtype=np.int64)
        self.grown = np.zeros(16, dtype=np.int64)
        self.n = 0
        self.of_state: list[list[int]] = [[] for _ in range(table.shape[0])]
        self.steps = np.full((16, table.shape[1]), -1, dtype=np.int64)
        self.failures: list[Failure] = []

    def _add(self, lo: np.ndarray, hi: np.ndarray, q: int) -> int:
        if self.n == len(self.lo):
            grow = len(self.lo)
            self.lo = np.concatenate([self.lo, np.zeros_like(self.lo)])
            self.hi = np.concatenate([self.hi, np.zeros_like(self.hi)])
            self.state = np.concatenate([self.state, np.zeros(grow, dtype=np.int64)])
            self.grown = np.concatenate([self.grown, np.zeros(grow, dtype=np.int64)])
            self.steps = np.concatenate([self.steps, np.full_like(self.steps, -1)])
        b = self.n
        self.lo[b], self.hi[b], self.state[b] = lo, hi, q
        self.of_state[q].append(b)
        self.n += 1
        return b

    def place(self, lo: np.ndarray, hi: np.ndarray, q: int) -> tuple[int, bool]:
        """The box of `q` that now holds ``[lo, hi]``; True when it is new or grew.

        A new or grown box gets a little room beyond ``[lo, hi]`` (a
        thousandth of the margin), so that another enclosure of the same
        image, rounded another way (the checker's), fits too.
        """
        mine = np.asarray(self.of_state[q], dtype=np.int64)
        if len(mine):
            blo, bhi = self.lo[mine], self.hi[mine]
            inside = np.all((blo <= lo) & (hi <= bhi), axis=1)
            if inside.any():
                return int(mine[np.argmax(inside)]), False
            hull_lo, hull_hi = np.minimum(blo, lo), np.maximum(bhi, hi)
            widths = (hull_hi - hull_lo).max(axis=1)
            best = int(np.argmin(widths))
            if widths[best] <= self.cap:
                b = int(mine[best])
                self._grow(b, np.minimum(hull_lo[best], lo - self.pad),
                           np.maximum(hull_hi[best], hi + self.pad))
                return b, True
        return self._add(lo - self.pad, hi + self.pad, q), True

    def _grow(self, b: int, lo: np.ndarray, hi: np.ndarray) -> None:
        """Grow box `b` to the hull ``[lo, hi]`` and past it on the sides that moved."""
        self.grown[b] += 1
        factor = 2.0 ** (self.grown[b] // 2)  # overshoot more, the more often it grows
        down = np.maximum(self.lo[b] - lo, 0.0) * factor
        up = np.maximum(hi - self.hi[b], 0.0) * factor
        if math.isfinite(self.cap):  # overshoot no further than the cap allows
            room = np.maximum(self.cap - (hi - lo), 0.0)
            total = down + up
            scale = np.where(total > room, room / np.where(total > 0, total, 1.0), 1.0)
            down, up = down * scale, up * scale
        self.lo[b], self.hi[b] = lo - down, hi + up

    def answer_failure(self, boxes: np.ndarray) -> Failure | None:
        """The first box among `boxes` whose logit does not clear zero by the margin."""
        a, b = logit_boxes(self.w, self.lo[boxes], self.hi[boxes])
        accept = self.accepting[self.state[boxes]]
        miss = np.where(accept, self.margin - a, b + self.margin)
        worst = int(np.argmax(miss))
        if miss[worst] < 0:
            return None
        box = int(boxes[worst])
        q = int(self.state[box])
        side = "> " if accept[worst] else "< -"
        return Failure("answer", box, q, None, None, float(miss[worst]),
                       f"box {box} of {'accepting' if accept[worst] else 'rejecting'} state {q}: "
                       f"logit in [{a[worst]:.6g}, {b[worst]:.6g}], needs {side}{self.margin:.3g}")


def find_boxes(weights: GRUWeights, table: np.ndarray, accepting: np.ndarray, start: int,
               margin: float, *, deadline: float | None = None, caps: tuple[float, ...] = CAPS,
               max_boxes: int = _MAX_BOXES) -> BoxCover:
    """Search for boxes whose claims all hold under plain interval arithmetic.

    Parameters
    ----------
    weights : GRUWeights
    table : numpy.ndarray
        ``(n_states, n_symbols)`` transitions of the complete DFA, columns in
        the network's symbol order.
    accepting : numpy.ndarray
        bool per state.
    start : int
    margin : float
        See :mod:`neural.judge.certify.margin`.
    deadline : float, optional
        :func:`time.perf_counter` time to stop at.
    caps : tuple of float
        The attempts' caps, in order.
    max_boxes : int
        Boxes one attempt may hold.

    Returns
    -------
    BoxCover
        The first cover that closed, or the last attempt's, with its failures.
    """
    table = np.asarray(table, dtype=np.int64)
    accepting = np.asarray(accepting, dtype=bool)
    last: BoxCover | None = None
    for attempts, cap in enumerate(caps, 1):
        if deadline is not None and time.perf_counter() > deadline and last is not None:
            break
        cover = _attempt(weights, table, accepting, start, margin, cap, max_boxes, deadline)
        cover.attempts = attempts
        last = cover
        if cover.closed:
            return cover
        if cover.stopped == "time":
            break
    assert last is not None
    return last


def _attempt(weights: GRUWeights, table: np.ndarray, accepting: np.ndarray, start: int,
             margin: float, cap: float, max_boxes: int, deadline: float | None) -> BoxCover:
    run = _Attempt(weights, table, accepting, margin, cap, max_boxes)
    zero = np.zeros((1, weights.width))
    ilo, ihi = step_boxes(weights, zero, zero, BOS_ROW, margin)
    start_box, _ = run.place(ilo[0] - margin, ihi[0] + margin, start)
    queue = {start_box}
    stopped = ""
    while queue:
        if deadline is not None and time.perf_counter() > deadline:
            stopped = "time"
            break
        if run.n > max_boxes:
            stopped = "boxes"
            break
        batch = np.array(sorted(queue)[:_CHUNK], dtype=np.int64)
        queue.difference_update(batch.tolist())
        failure = run.answer_failure(batch)
        if failure is not None:
            run.failures.append(failure)
            stopped = "answer"
            break
        for a in range(table.shape[1]):
            lo, hi = step_boxes(weights, run.lo[batch], run.hi[batch], a + FIRST_SYMBOL_ROW,
                                margin)
            lo, hi = lo - margin, hi + margin
            for i, b in enumerate(batch):
                target, changed = run.place(lo[i], hi[i], int(table[run.state[b], a]))
                run.steps[b, a] = target
                if changed:
                    queue.add(target)
        reach = np.maximum(-run.lo[:run.n], run.hi[:run.n]).max(axis=1)
        if reach.max() > _REACH:
            box = int(np.argmax(reach))
            q = int(run.state[box])
            run.failures.append(Failure("step", box, q, None, None, float(reach[box] - 1),
                                        f"box {box} of state {q} grew out to {reach[box]:.3g}, "
                                        "past the states a GRU can reach (±1)"))
            stopped = "reach"
            break
    if not stopped:
        failure = run.answer_failure(np.arange(run.n))
        if failure is not None:
            run.failures.append(failure)
            stopped = "answer"
    if stopped in ("time", "boxes", "reach"):
        run.failures.extend(_spills(run, np.array(sorted(queue), dtype=np.int64)))
    n = run.n
    return BoxCover(lo=run.lo[:n].copy(), hi=run.hi[:n].copy(), state=run.state[:n].copy(),
                    start_box=start_box, steps=run.steps[:n].copy(), closed=not stopped,
                    cap=cap, failures=run.failures, stopped=stopped)


def _spills(run: _Attempt, pending: np.ndarray, keep: int = 5) -> list[Failure]:
    """The worst step claims still open when an attempt stopped: how far each image spills.

    Only the first boxes still pending are looked at, so that this stays quick.
    """
    pending = pending[:_CHUNK]
    found: list[Failure] = []
    if not len(pending):
        return found
    for a in range(run.table.shape[1]):
        lo, hi = step_boxes(run.w, run.lo[pending], run.hi[pending], a + FIRST_SYMBOL_ROW,
                            run.margin)
        lo, hi = lo - run.margin, hi + run.margin
        for i, b in enumerate(pending):
            q = int(run.state[b])
            target = int(run.table[q, a])
            mine = np.asarray(run.of_state[target], dtype=np.int64)
            if not len(mine):
                continue
            out = np.maximum(run.lo[mine] - lo[i], hi[i] - run.hi[mine]).max(axis=1)
            amount = float(out.min())
            if amount > 0:
                found.append(Failure("step", int(b), q, a, target, amount,
                                     f"the image of box {int(b)} of state {q} reading symbol "
                                     f"#{a} spills out of every box of state {target} by "
                                     f"{amount:.3g}"))
    found.sort(key=lambda f: -f.amount)
    return found[:keep]


def expansion(weights: GRUWeights, rng: np.random.Generator, *, words: int = 200,
              length: int = 300, radius: float = 1e-4) -> tuple[float, float]:
    """How much one interval step widens a small box around the states the network reaches.

    The states after `length` random symbols, for `words` words, each get a
    cube of half-width `radius`; the ratio of its image's largest half-width
    to `radius`, over every symbol, is summed up as its median and maximum.
    Boxes can close only where the ratio is below 1 (a unit that holds its
    value, or a step that mixes units, gives 1 or more).

    Examples
    --------
    >>> from grammar import library
    >>> from neural.judge.certify.construct import exact_verifier
    >>> w = GRUWeights.from_verifier(exact_verifier(library.parity()))
    >>> median, largest = expansion(w, np.random.default_rng(0), words=4, length=20)
    >>> largest < 1e-3
    True
    """
    h = weights.run(rng.integers(0, weights.n_symbols, size=(words, length)).tolist())
    ratios = []
    for a in range(weights.n_symbols):
        lo, hi = step_boxes(weights, h - radius, h + radius, a + FIRST_SYMBOL_ROW, 0.0)
        ratios.append((hi - lo).max(axis=1) / (2 * radius))
    every = np.concatenate(ratios)
    return float(np.median(every)), float(every.max())
