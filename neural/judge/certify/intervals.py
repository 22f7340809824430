"""Plain interval arithmetic for one GRU step, in float64, rounded outward.

Boxes are two arrays, ``lo`` and ``hi``, of shape ``(N, width)``: many
boxes are stepped at once. One step from a box, reading one symbol, follows
the network's formula with intervals in place of numbers:

- the embedding row of the symbol is a point;
- each gate's pre-activation is an interval dot product (written as
  ``w @ mid ± |w| @ rad``, which is the same interval);
- sigmoid and tanh are applied to the interval's ends (both increase);
- ``r ⊙ (W_hn h + b_hn)`` is enclosed by the min and max of the four
  corner products, and ``z ⊙ h + (1 − z) ⊙ n`` by the min and max over the
  eight corners of ``(z, h, n)``;
- the membership logit is an interval dot product with the head's row 0.

Every result is widened outward by a bound on float64's own rounding
(``γ_n`` for a dot product of ``n`` terms, a few ulps for ``exp`` and
``tanh``) and then moved one more float outward with :func:`numpy.nextafter`,
so the intervals enclose the exact real-number step of the float32 weights.

For a network of several layers, layer ``k``'s input is layer ``k − 1``'s
new interval widened by `margin` (the float32 state the next layer really
reads may differ from the exact one by that much; see
:mod:`neural.judge.certify.margin`).

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> from neural.judge.certify.network import GRUWeights
>>> w = GRUWeights.from_verifier(Verifier.untrained(library.parity(), seed=0))
>>> lo = hi = np.zeros((1, w.width))
>>> a, b = step_boxes(w, lo, hi, 1, 0.0)            # BOS from the zero state
>>> point = w.step(lo, 1)
>>> bool(np.all(a <= point) and np.all(point <= b)), float(np.max(b - a)) < 1e-12
(True, True)
"""

from __future__ import annotations

import numpy as np

from neural.judge.certify.network import GRUWeights, sigmoid

__all__ = ["step_boxes", "logit_boxes", "affine", "gamma", "EPS"]

#: float64's unit roundoff.
EPS = 2.0**-53
# An absolute allowance for underflow in sums of products.
_TINY = 1e-300
# Relative error allowed to numpy's float64 exp and tanh, with the sigmoid's own two
# roundings: far more than the few ulps they are accurate to.
_FUNCTION = 64 * EPS


def gamma(n: int) -> float:
    """Higham's ``γ_n = n·u / (1 − n·u)`` for float64.

    Examples
    --------
    >>> gamma(10) > 10 * EPS
    True
    """
    return n * EPS / (1.0 - n * EPS)


def _down(x: np.ndarray) -> np.ndarray:
    return np.nextafter(x, -np.inf)


def _up(x: np.ndarray) -> np.ndarray:
    return np.nextafter(x, np.inf)


def affine(lo: np.ndarray, hi: np.ndarray, w: np.ndarray,
           b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Enclose ``x @ w.T + b`` for every ``x`` in the boxes ``[lo, hi]``.

    Examples
    --------
    >>> lo, hi = np.array([[0.0, -1.0]]), np.array([[1.0, 1.0]])
    >>> a, b = affine(lo, hi, np.array([[2.0, 3.0]]), np.array([1.0]))
    >>> float(a[0, 0]) <= -2.0, float(b[0, 0]) >= 6.0, float(b[0, 0] - a[0, 0]) < 8 + 1e-12
    (True, True, True)
    """
    mid = (lo + hi) * 0.5
    rad = _up(np.maximum(hi - mid, mid - lo))  # [mid - rad, mid + rad] holds [lo, hi]
    aw = np.abs(w)
    centre = mid @ w.T + b
    radius = rad @ aw.T
    scale = np.abs(mid) @ aw.T + np.abs(b) + radius + np.abs(centre)
    err = gamma(2 * w.shape[1] + 8) * scale + _TINY
    return _down(centre - radius - err), _up(centre + radius + err)


def _sigmoid(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = sigmoid(lo), sigmoid(hi)
    return _down(a * (1.0 - _FUNCTION) - _TINY), _up(b * (1.0 + _FUNCTION) + _TINY)


def _tanh(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.tanh(lo), np.tanh(hi)
    return (_down(a - _FUNCTION * np.abs(a) - _TINY), _up(b + _FUNCTION * np.abs(b) + _TINY))


def _add(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]
         ) -> tuple[np.ndarray, np.ndarray]:
    return _down(a[0] + b[0]), _up(a[1] + b[1])


def _times(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]
           ) -> tuple[np.ndarray, np.ndarray]:
    corners = np.stack([a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]])
    return _down(corners.min(axis=0)), _up(corners.max(axis=0))


def _update(z: tuple[np.ndarray, np.ndarray], h: tuple[np.ndarray, np.ndarray],
            n: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``z·h + (1 − z)·n`` over the eight corners of ``(z, h, n)``."""
    corners = np.stack([zc * hc + (1.0 - zc) * nc for zc in z for hc in h for nc in n])
    size = [np.maximum(np.abs(v[0]), np.abs(v[1])) for v in (z, h, n)]
    err = 8 * EPS * (size[0] * size[1] + (1.0 + size[0]) * size[2]) + _TINY
    return _down(corners.min(axis=0) - err), _up(corners.max(axis=0) + err)


def _widen(lo: np.ndarray, hi: np.ndarray, margin: float) -> tuple[np.ndarray, np.ndarray]:
    return _down(lo - margin), _up(hi + margin)


def step_boxes(weights: GRUWeights, lo: np.ndarray, hi: np.ndarray, row: int,
               margin: float) -> tuple[np.ndarray, np.ndarray]:
    """Enclose one exact step from every point of the boxes ``[lo, hi]``, reading embedding `row`.

    Parameters
    ----------
    weights : GRUWeights
    lo, hi : numpy.ndarray
        ``(N, width)`` box corners.
    row : int
        Embedding row: 1 for BOS, ``j + 2`` for symbol ``j``.
    margin : float
        How far each layer's float32 output may stray from the exact one; the
        next layer's input interval is widened by it.

    Returns
    -------
    lo, hi : numpy.ndarray
        ``(N, width)`` enclosures of the new states.
    """
    lo = np.atleast_2d(lo)
    hi = np.atleast_2d(hi)
    size = weights.hidden
    x = weights.embedding[row][None, :]
    x_in = (x, x)
    out_lo, out_hi = [], []
    for k in range(weights.layers):
        part = slice(k * size, (k + 1) * size)
        h = (lo[:, part], hi[:, part])
        gi = affine(x_in[0], x_in[1], weights.w_ih[k], weights.b_ih[k])
        gh = affine(h[0], h[1], weights.w_hh[k], weights.b_hh[k])

        def gate(g: int, pair: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
            return pair[0][:, g * size:(g + 1) * size], pair[1][:, g * size:(g + 1) * size]

        r = _sigmoid(*_add(gate(0, gi), gate(0, gh)))
        z = _sigmoid(*_add(gate(1, gi), gate(1, gh)))
        n = _tanh(*_add(gate(2, gi), _times(r, gate(2, gh))))
        new = _update(z, h, n)
        out_lo.append(new[0])
        out_hi.append(new[1])
        x_in = _widen(new[0], new[1], margin)
    return np.concatenate(out_lo, axis=1), np.concatenate(out_hi, axis=1)


def logit_boxes(weights: GRUWeights, lo: np.ndarray, hi: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Enclose the membership logit over the boxes ``[lo, hi]``: two ``(N,)`` arrays."""
    last = slice((weights.layers - 1) * weights.hidden, None)
    a, b = affine(np.atleast_2d(lo)[:, last], np.atleast_2d(hi)[:, last],
                  weights.head_w[None, :], np.array([weights.head_b]))
    return a[:, 0], b[:, 0]
