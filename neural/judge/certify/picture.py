"""The picture of a proof: hidden states in 2-D, coloured by DFA state, and the certificate boxes.

A certificate (:mod:`neural.judge.certify`) lists boxes in the network's state
space, each named for a state of the grammar's minimal DFA, and proves that
every word's hidden state lands in a box of the word's DFA state. The
picture lets a reader see that:

- **the states**: the float64 step of the certified weights
  (:class:`~neural.judge.certify.network.GRUWeights`) after random words, from the
  state after BOS on, each point coloured by the DFA state its word reaches
  (the walks prefer symbols that keep the word able to be accepted, so that
  live states are not drowned by the dead one; at most :data:`PER_STATE`
  points per state are drawn);
- **the projection**: principal components (numpy's SVD) fitted on those
  states and the boxes' centres together;
- **the boxes**: the image of a box under the linear projection is a
  zonotope; each box is drawn as that zonotope's bounding rectangle,
  ``centre ± |P|·halfwidth`` (:meth:`Projection.rectangles`), in its state's
  colour, the start box with a thick edge; a rectangle too small to see is
  marked by an open square around it. A rectangle holds its box's whole
  image, so every point whose state is in a box is drawn inside that box's
  rectangle; a point inside a rectangle need not be inside the box, and the
  rectangles of disjoint boxes may overlap.

:func:`write_proof_picture` saves it (the suite's certify step writes
``proof.svg`` beside the run: :data:`neural.suite.judges.PROOF_PICTURE`), and
the report page shows it next to a "proved" verdict. The picture draws no
grammar name or word, only numbers.

Examples
--------
>>> from grammar import library
>>> from neural.judge.certify import certify
>>> from neural.judge.certify.construct import exact_verifier
>>> g = library.parity()
>>> cert = certify(exact_verifier(g), g, budget=10)
>>> layout = proof_layout(cert.to_dict(), cert.weights)
>>> layout.xy.shape[1], len(layout.lower) == len(cert.lo), set(layout.dfa_states.tolist())
(2, True, {0, 1})
>>> proof_svg(cert.to_dict(), cert.weights).startswith("<svg")
True
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grammar.seeds import as_generator

__all__ = ["PER_STATE", "Projection", "ProofLayout", "fit_projection",
           "reachable_states", "proof_layout", "proof_svg", "write_proof_picture",
           "proof_svg_from_files"]

#: The most points drawn per DFA state.
PER_STATE = 100
#: Random walks, and the symbols each reads.
WALKS, STEPS = 64, 48
# Probability that a walk's next symbol is drawn from those that keep it live.
_LIVE_BIAS = 0.85
_PALETTE = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
            "tab:pink", "tab:gray", "tab:olive", "tab:cyan")


@dataclass(frozen=True)
class Projection:
    """An affine map to 2-D: ``x ↦ basis · (x − mean)``.

    Attributes
    ----------
    mean : numpy.ndarray
        ``(width,)``.
    basis : numpy.ndarray
        ``(2, width)``, orthonormal rows (a row of zeros for a 1-unit state).
    explained : tuple of float
        The fraction of the fitted data's spread along each axis.
    """

    mean: np.ndarray
    basis: np.ndarray
    explained: tuple[float, float]

    def points(self, x: np.ndarray) -> np.ndarray:
        """Project states ``(N, width)`` to ``(N, 2)``.

        Examples
        --------
        >>> p = Projection(np.zeros(3), np.array([[1.0, 0, 0], [0, 0, 1.0]]), (0.5, 0.5))
        >>> p.points(np.array([[1.0, 2.0, 3.0]])).tolist()
        [[1.0, 3.0]]
        """
        return (np.atleast_2d(np.asarray(x, dtype=np.float64)) - self.mean) @ self.basis.T

    def rectangles(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The bounding rectangles of the boxes' images: ``(lower, upper)``, each ``(n, 2)``.

        The image of the box ``[lo, hi]`` is a zonotope; its extent along
        each axis is ``basis · (centre − mean) ± |basis| · halfwidth``.

        Examples
        --------
        >>> p = Projection(np.zeros(2), np.array([[0.6, 0.8], [-0.8, 0.6]]), (0.5, 0.5))
        >>> lower, upper = p.rectangles(np.array([[0.0, 0.0]]), np.array([[1.0, 1.0]]))
        >>> np.round(lower, 6).tolist(), np.round(upper, 6).tolist()
        ([[0.0, -0.8]], [[1.4, 0.6]])
        """
        lo = np.atleast_2d(np.asarray(lo, dtype=np.float64))
        hi = np.atleast_2d(np.asarray(hi, dtype=np.float64))
        centre = self.points((lo + hi) / 2)
        reach = ((hi - lo) / 2) @ np.abs(self.basis).T
        return centre - reach, centre + reach


def fit_projection(states: np.ndarray, centres: np.ndarray) -> Projection:
    """The two principal axes of `states` and `centres` together (numpy's SVD).

    Parameters
    ----------
    states, centres : numpy.ndarray
        ``(N, width)`` and ``(M, width)``; at least one row in all.

    Examples
    --------
    >>> x = np.array([[-4.0, 0, 0], [4.0, 0, 0], [0, -1.0, 0], [0, 1.0, 0]])
    >>> p = fit_projection(x, np.zeros((0, 3)))
    >>> np.abs(p.basis).tolist(), [round(share, 3) for share in p.explained]
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [0.941, 0.059])
    """
    data = np.concatenate([np.atleast_2d(states), np.atleast_2d(centres)]).astype(np.float64)
    if data.size == 0:
        raise ValueError("fit_projection needs at least one state or box centre")
    mean = data.mean(axis=0)
    _, spread, axes = np.linalg.svd(data - mean, full_matrices=False)
    basis = np.zeros((2, data.shape[1]))
    basis[:min(2, len(axes))] = axes[:2]
    total = float((spread ** 2).sum())
    shares = [(float(s) ** 2 / total if total > 0 else 0.0) for s in spread[:2]]
    shares += [0.0] * (2 - len(shares))
    return Projection(mean, basis, (shares[0], shares[1]))


def _live(table: np.ndarray, accepting: np.ndarray) -> np.ndarray:
    """The DFA states from which an accepting state can be reached."""
    live = np.asarray(accepting, dtype=bool).copy()
    while True:
        grown = live | live[table].any(axis=1)
        if (grown == live).all():
            return live
        live = grown


def reachable_states(weights: Any, table: np.ndarray, accepting: np.ndarray, start: int, *,
                     walks: int = WALKS, steps: int = STEPS,
                     seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Hidden states after random words, and the DFA state each word reaches.

    Each walk starts from the state after BOS and reads `steps` symbols,
    mostly ones that keep its word able to be accepted; every state on the
    way is kept.

    Parameters
    ----------
    weights : neural.judge.certify.network.GRUWeights
    table : numpy.ndarray
        ``(n_states, n_symbols)``, columns in the network's symbol order.
    accepting : numpy.ndarray
    start : int
    walks, steps : int
    seed : int, optional

    Returns
    -------
    states : numpy.ndarray
        ``(walks * (steps + 1), width)``, float64.
    dfa_states : numpy.ndarray
        ``(walks * (steps + 1),)``.
    """
    from neural.judge.certify.network import BOS_ROW, FIRST_SYMBOL_ROW

    table = np.asarray(table, dtype=np.int64)
    live = _live(table, accepting)
    rng = as_generator(seed)
    h = weights.step(np.zeros((walks, weights.width)), BOS_ROW)
    q = np.full(walks, int(start))
    states, dfa_states = [h], [q]
    for _ in range(steps):
        symbols = rng.integers(table.shape[1], size=walks)
        for k in np.flatnonzero(rng.random(walks) < _LIVE_BIAS):
            keep = np.flatnonzero(live[table[q[k]]])
            if len(keep):
                symbols[k] = rng.choice(keep)
        h = weights.step(h, symbols + FIRST_SYMBOL_ROW)
        q = table[q, symbols]
        states.append(h)
        dfa_states.append(q)
    return np.concatenate(states), np.concatenate(dfa_states)


@dataclass(frozen=True)
class ProofLayout:
    """What the picture draws, in the projection's coordinates.

    Attributes
    ----------
    projection : Projection
    states : numpy.ndarray
        ``(N, width)``: the states drawn (at most :data:`PER_STATE` per DFA state).
    dfa_states : numpy.ndarray
        ``(N,)``.
    xy : numpy.ndarray
        ``(N, 2)``: their projections.
    lo, hi : numpy.ndarray
        ``(n_boxes, width)``: the certificate's boxes.
    box_state : numpy.ndarray
    lower, upper : numpy.ndarray
        ``(n_boxes, 2)``: the boxes' rectangles.
    accepting : numpy.ndarray
        Per DFA state.
    start_box : int or None
    """

    projection: Projection
    states: np.ndarray
    dfa_states: np.ndarray
    xy: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    box_state: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    accepting: np.ndarray
    start_box: int | None


def proof_layout(certificate: Mapping[str, Any], state_dict: Mapping[str, Any], *,
                 seed: int | None = 0) -> ProofLayout:
    """The picture's data for a certificate (as :meth:`Certificate.to_dict` or the file).

    Parameters
    ----------
    certificate : mapping
        ``dfa``, ``boxes``, ``start_box`` and ``cell`` as in ``certificate.json``.
    state_dict : mapping
        The certified network's weights (``Certificate.weights``, or
        ``model.safetensors`` read with numpy).
    seed : int, optional
        Of the random walks.

    Raises
    ------
    TypeError
        If the network is not a GRU.
    """
    from neural.judge.certify.network import GRUWeights

    weights = GRUWeights.from_state_dict(state_dict, str(certificate.get("cell", "gru")))
    dfa = certificate["dfa"]
    table = np.asarray(dfa["table"], dtype=np.int64)
    accepting = np.asarray(dfa["accepting"], dtype=bool)
    boxes = certificate.get("boxes") or []
    lo = np.array([b["lo"] for b in boxes], dtype=np.float64).reshape(len(boxes), weights.width)
    hi = np.array([b["hi"] for b in boxes], dtype=np.float64).reshape(len(boxes), weights.width)
    box_state = np.array([int(b["state"]) for b in boxes], dtype=np.int64)
    rng = as_generator(seed)
    states, dfa_states = reachable_states(weights, table, accepting, int(dfa["start"]),
                                          seed=int(rng.integers(2**31)))
    kept = np.concatenate([rng.permutation(np.flatnonzero(dfa_states == q))[:PER_STATE]
                           for q in np.unique(dfa_states)])
    kept.sort()
    states, dfa_states = states[kept], dfa_states[kept]
    projection = fit_projection(states, (lo + hi) / 2)
    lower, upper = projection.rectangles(lo, hi)
    start_box = certificate.get("start_box")
    return ProofLayout(projection, states, dfa_states, projection.points(states), lo, hi,
                       box_state, lower, upper, accepting,
                       None if start_box is None else int(start_box))


def proof_svg(certificate: Mapping[str, Any], state_dict: Mapping[str, Any], *,
              seed: int | None = 0, gid: str = "proof") -> str:
    """The picture as an inline SVG element.

    Each DFA state's points are the group ``{gid}-state-{q}`` and each box's
    rectangle ``{gid}-box-{i}``, for tests and styles to find.
    """
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    from neural.plotting import figure, svg_text

    layout = proof_layout(certificate, state_dict, seed=seed)
    fig, ax = figure(7.2, 4.6)
    n_states = len(layout.accepting)
    named = set()
    for i, (lower, upper, q) in enumerate(zip(layout.lower, layout.upper, layout.box_state,
                                              strict=True)):
        colour = _PALETTE[int(q) % len(_PALETTE)]
        start = i == layout.start_box
        patch = Rectangle(tuple(lower), *(upper - lower), facecolor=to_rgba(colour, 0.14),
                          edgecolor=colour, linewidth=2.4 if start else 1.0)
        patch.set_gid(f"{gid}-box-{i}")
        ax.add_patch(patch)
    for q in range(n_states):
        at = layout.dfa_states == q
        if not at.any():
            continue
        colour = _PALETTE[q % len(_PALETTE)]
        accepting = bool(layout.accepting[q])
        label = f"state {q}" + (" (accepting)" if accepting else "")
        dots = ax.scatter(layout.xy[at, 0], layout.xy[at, 1], s=9 if accepting else 14,
                          marker="o" if accepting else "x", color=colour, linewidths=0.8,
                          alpha=0.75, label=label if len(named) < 12 else None)
        named.add(q)
        dots.set_gid(f"{gid}-state-{q}")
    ax.autoscale_view()
    # A box whose rectangle would be too small to see gets an open square at its centre.
    span = np.ptp(np.concatenate([layout.xy, layout.lower, layout.upper]), axis=0).max()
    small = ((layout.upper - layout.lower).max(axis=1) < 0.02 * span) if span > 0 else \
        np.ones(len(layout.lower), dtype=bool)
    if small.any():
        centres = (layout.lower[small] + layout.upper[small]) / 2
        marks = ax.scatter(centres[:, 0], centres[:, 1], s=90, marker="s", facecolors="none",
                           edgecolors=[_PALETTE[int(q) % len(_PALETTE)]
                                       for q in layout.box_state[small]], linewidths=1.0)
        marks.set_gid(f"{gid}-small-boxes")
    first, second = layout.projection.explained
    ax.set_xlabel(f"principal axis 1 ({100 * first:.0f}% of the spread)")
    ax.set_ylabel(f"principal axis 2 ({100 * second:.0f}%)")
    ax.grid(alpha=0.25)
    if named:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False,
                  title="DFA state" + ("" if len(named) <= 12 else " (first 12)"),
                  title_fontsize=7)
    fig.tight_layout()
    return svg_text(fig, gid)


def write_proof_picture(path: str | os.PathLike, certificate: Mapping[str, Any],
                        state_dict: Mapping[str, Any], *, seed: int | None = 0) -> Path:
    """Save the picture as SVG at `path`, atomically; return the path."""
    from grammar.atomic import atomic_write

    path = Path(path)
    atomic_write(path, proof_svg(certificate, state_dict, seed=seed).encode("utf-8"))
    return path


def proof_svg_from_files(directory: str | os.PathLike,
                         certificate: Mapping[str, Any]) -> str | None:
    """The picture drawn from `directory`'s ``model.safetensors``, or None.

    For a run whose ``proof.svg`` was never drawn (``neural certify``,
    ``neural train --until proved``): None unless `certificate` names the
    SHA-256 of the weights file there, so that no other weights are drawn.
    """
    from safetensors.numpy import load as load_safetensors

    path = Path(directory) / "model.safetensors"
    recorded = certificate.get("weights_sha256")
    if not recorded or not path.is_file():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != recorded:
        return None
    return proof_svg(certificate, load_safetensors(data))
