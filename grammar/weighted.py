"""Exact weighted choices for many rows at once, guided by float64 weights.

Counts of words grow like k**L, past int64 and float64's 53 exact bits at the
lengths benchmarks use. Drawing among options in proportion to such counts
with Python integers costs a Python operation per option; this module draws
with float64 weights instead and stays exact:

- each row draws a uniform y on the grid of 53-bit fractions
  (``Generator.random``), and the option whose float interval holds
  ``y * total`` is taken when the whole interval ``[y, y + 2**-53) * total``
  lies inside it with a margin larger than the float error of the weights;
- otherwise (about once in 10**9 choices) the same y is refined with more
  random bits and compared with the exact integer weights, which the caller
  computes only then.

So every option is taken with probability exactly ``weight / total`` (the
float path only ever decides what the exact comparison would decide for
every refinement of y), at the speed of float arithmetic.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> weights = np.array([[1.0, 0.0, 3.0], [0.0, 2.0, 0.0]])
>>> choose(weights, lambda rows: [[1, 0, 3], [0, 2, 0]][rows[0]], rng, 1e-12).tolist()
[2, 1]
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate

import numpy as np

__all__ = ["UNIT", "choose", "exact_choice", "float_error", "margin"]

#: Relative rounding error of one float64 operation.
UNIT = 2.0**-53


def float_error(levels: int, terms: int) -> float:
    """A bound on the relative error of counts made by `levels` rounds of sums of at most
    `terms` positive float64 terms (each sum adds at most ``terms`` units of rounding),
    with a safety factor of 8.

    Examples
    --------
    >>> float_error(30, 64) < 1e-11
    True
    """
    return 8.0 * (levels + 2) * (terms + 4) * UNIT


def margin(error: float, options: int) -> float:
    """How far, as a fraction of the float total, the float point ``y * total`` must lie
    from both ends of its option's float interval for the float choice to be the exact one.

    Let ``eta = error + 2 * options * UNIT`` bound the relative error of each
    float cumulative weight (the weights' own `error`, then at most `options`
    roundings of the cumulative sum, for ``options * UNIT`` far below 1).
    With exact cumulative weights C and exact total T, ``|cum - C| <= eta T``
    and ``T <= total / (1 - eta)``. The uniform number lies in
    ``[y, y + UNIT)``; its point lies in the exact interval of the option
    for every refinement when ``x - lower > UNIT total + 2 eta T`` and
    ``upper - x > UNIT total + (2 eta + UNIT) T``, where ``x = fl(y total)``
    is within ``UNIT total`` of ``y total``. Both follow from margins above
    ``(2 eta + 2 UNIT) / (1 - eta)`` of the total; the value returned has
    ``6 UNIT`` more for the roundings of the subtractions and of the bound
    itself. Past ``eta = 1/4`` it is infinite: every choice is a close call.

    Examples
    --------
    >>> margin(0.0, 4) < 1e-14, margin(0.3, 4)
    (True, inf)
    """
    eta = error + 2 * options * UNIT
    if not eta < 0.25:
        return math.inf
    return (2 * eta + 8 * UNIT) / (1 - eta)


def exact_choice(weights: Sequence[int], y53: int, rng: np.random.Generator) -> int:
    """The option whose share of ``sum(weights)`` holds the uniform number starting with
    the 53 bits `y53`, refining it with fresh random bits until the answer is certain.

    Examples
    --------
    >>> exact_choice([1, 1], 2**52 - 1, np.random.default_rng(0)), exact_choice([1, 1], 2**52, None)
    (0, 1)
    """
    cum = list(accumulate(int(w) for w in weights))
    total = cum[-1]
    num, bits = int(y53), 53
    while True:
        # The number lies in [num, num + 1) / 2**bits; times total, in [lo, hi) / 2**bits.
        lo, hi = num * total, (num + 1) * total
        scaled = [c << bits for c in cum]
        j = bisect_right(scaled, lo)
        if hi <= scaled[j]:
            return j
        num = (num << 32) | int(rng.integers(0, 1 << 32))
        bits += 32


def choose(weights: np.ndarray, exact: Callable[[np.ndarray], Sequence[int]],
           rng: np.random.Generator, error: float) -> np.ndarray:
    """One option per row, option j with probability ``weights[j] / weights.sum()``, exactly.

    Parameters
    ----------
    weights : numpy.ndarray
        (m, K) float64, each within relative `error` of the exact weights
        (which are non-negative integers), including any rounding made in
        forming them; exact zeros where the exact weight is zero. A row whose
        float total is not positive is decided exactly; its exact total must
        be positive.
    exact : callable
        ``exact(rows)`` gives the exact integer weights of the first row of
        `rows` (called one row at a time, only for close calls).
    rng : numpy.random.Generator
    error : float
        The relative error of `weights` (see :func:`float_error`).

    Returns
    -------
    numpy.ndarray
        The chosen option of each row (intp). The float path decides a row
        only where every refinement of its uniform number would make the same
        choice on the exact weights (see :func:`margin`), so the choices, and
        the random numbers drawn, are those of the exact arithmetic.
    """
    m = len(weights)
    if m == 0:
        return np.zeros(0, dtype=np.intp)
    cum = np.cumsum(weights, axis=1)
    total = cum[:, -1]
    y = rng.random(m)
    x = y * total
    choice = np.minimum((cum <= x[:, None]).sum(axis=1), weights.shape[1] - 1)
    rows = np.arange(m)
    lower = np.where(choice > 0, cum[rows, choice - 1], 0.0)
    upper = cum[rows, choice]
    slack = margin(error, weights.shape[1]) * total
    # Close calls (and rows with no positive total, which break the premise) go exact.
    close = ~(total > 0) | ~(x - lower > slack) | ~(upper - x > slack)
    for i in np.flatnonzero(close).tolist():
        choice[i] = exact_choice(exact(np.array([i])), int(y[i] * 2.0**53), rng)
    return choice
