"""How far the network's own float32 step can stray from the exact one: the margin.

A certificate's claims are about the exact (real-number) step of the stored
float32 weights; the network computes that step in float32. The margin
bounds the difference for one step, from the weights alone, so that the
float32 state stays inside a box at every step: if the exact image of a box
lies inside the target box shrunk by the margin, so does the float32 state,
and errors do not accumulate from step to step.

What it covers
--------------
**CPU float32**, as torch evaluates ``nn.GRU`` and the linear head without
TF32 and with ``torch.get_float32_matmul_precision() == "highest"``: dot
products in any order, with or without fused multiply-adds, then torch's
``gru_cell`` (``r``, ``z`` from one sigmoid each, ``n = tanh(x_n + r·h_n)``,
``h' = n + z·(h − n)``) or the textbook ``(1 − z)·n + z·h``. It does **not**
cover bf16 autocast, TF32 (cuDNN's default on Ampere and later GPUs) or
half precision; :func:`neural.judge.certify.certify` never reports "proved" for a
verifier set to answer in those.

The bound (standard forward error analysis, Higham ch. 3), with
``u = 2**-24`` and ``γ_n = n·u / (1 − n·u)``:

- a pre-activation computed as a dot product of ``n`` terms plus a bias
  errs by at most ``γ_{n+1} · (Σ|w_j|·|x_j| + |b|)``, with ``|x_j|``
  bounded by the largest embedding entry (layer 0) or by ``hmax``, the
  largest coordinate of any box (at least 1);
- adding the input and hidden parts, and each product, adds one rounding;
- float32 ``sigmoid`` and ``tanh`` are taken to err by at most ``16·u``
  absolutely, on top of the error their argument carries (their slopes are
  at most 1/4 and 1). torch's CPU kernels were measured at 1.5u and 0.54u;
- the update's three roundings are followed through both forms above and
  the larger bound kept.

The step bound is the largest over layers and units. The logit, a dot
product with the head's row 0 plus a bias, errs by at most
``γ_{H+1}·(Σ|w|·hmax + |b|)``; a float32 logit that clears zero by
``128·u`` lands on the right side of 0.5 after float32 sigmoid (its value
is at least ``0.5 + logit/5`` there, minus ``16·u``). The margin is the
larger of the step bound and the logit bound plus ``128·u``: images must lie
inside their target box shrunk by it, and logits must clear zero by it.

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> from neural.judge.certify.network import GRUWeights
>>> w = GRUWeights.from_verifier(Verifier.untrained(library.parity(), seed=0))
>>> 1e-7 < float32_margin(w) < 1e-4
True
"""

from __future__ import annotations

import numpy as np

from neural.judge.certify.network import BOS_ROW, GRUWeights

__all__ = ["float32_margin", "step_bound", "logit_bound", "U", "FUNCTION_ERROR",
           "SIGMOID_CLEARANCE", "ARITHMETIC"]

#: float32's unit roundoff.
U = 2.0**-24
#: The absolute error allowed to float32 sigmoid and tanh.
FUNCTION_ERROR = 16 * U
#: How far a float32 logit must clear zero for float32 sigmoid to clear 0.5.
SIGMOID_CLEARANCE = 128 * U
#: The arithmetic the margin covers, as written in certificates.
ARITHMETIC = "cpu-float32"


def _gamma(n: int) -> float:
    return n * U / (1.0 - n * U)


def _layer_bound(w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray,
                 x_bar: np.ndarray, hmax: float) -> float:
    """The largest float32 error of one layer's new state, given exact inputs."""
    size = w_hh.shape[1]
    si = np.abs(w_ih) @ x_bar + np.abs(b_ih)  # (3H,) bounds of |input part|
    sh = np.abs(w_hh).sum(axis=1) * hmax + np.abs(b_hh)  # (3H,) bounds of |hidden part|
    ei = _gamma(w_ih.shape[1] + 1) * si
    eh = _gamma(size + 1) * sh
    gates = []
    for g in (0, 1):
        part = slice(g * size, (g + 1) * size)
        pre = ei[part] + eh[part] + U * (si[part] + sh[part] + ei[part] + eh[part])
        gates.append(pre / 4 + FUNCTION_ERROR)
    dr, dz = gates
    part = slice(2 * size, 3 * size)
    gh, egh = sh[part], eh[part]
    product = dr * (gh + egh) + egh + U * (1 + dr) * (gh + egh)
    pre_n = (ei[part] + product
             + U * (si[part] + ei[part] + (1 + dr) * (gh + egh) * (1 + U)))
    dn = pre_n + FUNCTION_ERROR
    # torch's gru_cell: h' = n + z * (h - n)
    diff = (hmax + 1 + dn) * (1 + U)
    diff_err = dn + U * (hmax + 1 + dn)
    q_err = dz * diff + diff_err + U * (1 + dz) * diff
    torch_form = dn + q_err + U * (1 + dn + (1 + dz) * diff * (1 + U))
    # textbook: h' = (1 - z) * n + z * h
    one_minus = dz + U * (1 + dz)
    a_err = one_minus * (1 + dn) + dn * (1 + dz) + U * (1 + dz) * (1 + dn) * (1 + U)
    b_err = dz * hmax + U * (1 + dz) * hmax
    sums = (1 + dz) * (1 + dn) * (1 + U) ** 2 + (1 + dz) * hmax * (1 + U)
    textbook = a_err + b_err + U * sums
    return float(np.max(np.maximum(torch_form, textbook)))


def step_bound(weights: GRUWeights, hmax: float = 1.0) -> float:
    """Largest float32 error of one step, any layer, any unit, states within ``±hmax``.

    Each layer is charged only for its own rounding; the interval step
    widens the next layer's input by the margin (see
    :func:`neural.judge.certify.intervals.step_boxes`).
    """
    hmax = max(1.0, float(hmax))
    x_bar = np.abs(weights.embedding[BOS_ROW:]).max(axis=0)
    worst = 0.0
    for k in range(weights.layers):
        bar = x_bar if k == 0 else np.full(weights.hidden, hmax)
        worst = max(worst, _layer_bound(weights.w_ih[k], weights.w_hh[k], weights.b_ih[k],
                                        weights.b_hh[k], bar, hmax))
    return worst


def logit_bound(weights: GRUWeights, hmax: float = 1.0) -> float:
    """Largest float32 error of the membership logit, states within ``±hmax``."""
    hmax = max(1.0, float(hmax))
    return _gamma(weights.hidden + 1) * (float(np.abs(weights.head_w).sum()) * hmax
                                         + abs(weights.head_b))


def float32_margin(weights: GRUWeights, hmax: float = 1.0) -> float:
    """The certificate's margin: step bound, or logit bound plus the sigmoid clearance.

    Slightly rounded up, so that the number written to JSON and read back
    still covers the bound.
    """
    m = max(step_bound(weights, hmax), logit_bound(weights, hmax) + SIGMOID_CLEARANCE)
    return float(np.nextafter(m * (1 + 1e-9), np.inf))
