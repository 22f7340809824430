"""The second opinion: re-check a certificate with numpy alone.

This module imports numpy, and ``safetensors.numpy`` to read the weights;
nothing from torch and nothing from the code that searched for the boxes. Its
interval arithmetic is written independently: dot products by their
endpoints (``Σ min(w·lo, w·hi)``), sigmoid as ``0.5 + 0.5·tanh(x/2)``, each
result widened by a bound on float64's rounding and one float further with
:func:`numpy.nextafter`. It re-derives the float32 margin from the weights
(the analysis documented in :mod:`neural.judge.certify.margin`) and checks, in
order:

1. the file's format and cell, and the weights' SHA-256;
2. the alphabet (against the checkpoint's) and the automaton (against the
   grammar's: the same language, by a walk of the product automaton);
3. the boxes (finite, ``lo <= hi``, one state each) and the margin (at least
   the bound);
4. **start**: BOS read from the zero state lands in the start box, shrunk by
   the margin;
5. **steps**: one per box and symbol, each landing in the box it names, of
   the right state, shrunk by the margin;
6. **answers**: each box's logit clears zero by the margin, on its state's side.

It stops at the first claim that fails and names it.

Examples
--------
>>> check({"format": "something else"}, {})
"format: expected 'grammarlab-certificate/1', got 'something else'"
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load as load_safetensors

__all__ = ["check", "check_files", "FORMAT"]

FORMAT = "grammarlab-certificate/1"
EPS = 2.0**-53  # float64
U = 2.0**-24  # float32
TINY = 1e-300
CHUNK = 256  # boxes per batch of endpoint products


def _lower(x: np.ndarray, err: Any = 0.0) -> np.ndarray:
    return np.nextafter(x - err - TINY, -np.inf)


def _upper(x: np.ndarray, err: Any = 0.0) -> np.ndarray:
    return np.nextafter(x + err + TINY, np.inf)


def dot(lo: np.ndarray, hi: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[Any, Any]:
    """``[lo, hi] @ w.T + b`` by endpoints: each term ``min/max(w·lo, w·hi)``."""
    outs_lo, outs_hi = [], []
    n = w.shape[1] + 1
    bound = (n + 2) * EPS / (1 - (n + 2) * EPS)
    for s in range(0, len(lo), CHUNK):
        a, c = w[None] * lo[s:s + CHUNK, None, :], w[None] * hi[s:s + CHUNK, None, :]
        least, most = np.minimum(a, c).sum(axis=2) + b, np.maximum(a, c).sum(axis=2) + b
        size = np.maximum(np.abs(a), np.abs(c)).sum(axis=2) + np.abs(b)
        outs_lo.append(_lower(least, 2 * bound * size))
        outs_hi.append(_upper(most, 2 * bound * size))
    return np.concatenate(outs_lo), np.concatenate(outs_hi)


def cell_step(p: dict[str, Any], lo: np.ndarray, hi: np.ndarray, row: int,
              margin: float) -> tuple[np.ndarray, np.ndarray]:
    """Interval image of the boxes ``[lo, hi]`` under one GRU step reading embedding `row`."""
    size, out = p["hidden"], []
    x = np.repeat(p["embed"][row][None], len(lo), axis=0)
    x_lo, x_hi = x, x
    for k in range(p["layers"]):
        h_lo, h_hi = lo[:, k * size:(k + 1) * size], hi[:, k * size:(k + 1) * size]
        i_lo, i_hi = dot(x_lo, x_hi, p["w_ih"][k], p["b_ih"][k])
        g_lo, g_hi = dot(h_lo, h_hi, p["w_hh"][k], p["b_hh"][k])
        s_lo, s_hi = _lower(i_lo + g_lo), _upper(i_hi + g_hi)
        r_lo, r_hi, z_lo, z_hi = [_squash(s[:, part], lower) for part in
                                  (slice(0, size), slice(size, 2 * size))
                                  for s, lower in ((s_lo, True), (s_hi, False))]
        cand = slice(2 * size, 3 * size)
        prods = [a * b for a in (r_lo, r_hi) for b in (g_lo[:, cand], g_hi[:, cand])]
        n_lo = _lower(i_lo[:, cand] + _lower(np.min(prods, axis=0)))
        n_hi = _upper(i_hi[:, cand] + _upper(np.max(prods, axis=0)))
        n_lo = _lower(np.tanh(n_lo), 32 * EPS)
        n_hi = _upper(np.tanh(n_hi), 32 * EPS)
        corners = [z * h + (1 - z) * n for z in (z_lo, z_hi) for h in (h_lo, h_hi)
                   for n in (n_lo, n_hi)]
        zmax = np.maximum(np.abs(z_lo), np.abs(z_hi))
        err = 8 * EPS * (zmax * np.maximum(np.abs(h_lo), np.abs(h_hi))
                         + (1 + zmax) * np.maximum(np.abs(n_lo), np.abs(n_hi)))
        new_lo, new_hi = _lower(np.min(corners, axis=0), err), _upper(np.max(corners, axis=0), err)
        out.append((new_lo, new_hi))
        x_lo, x_hi = _lower(new_lo, margin), _upper(new_hi, margin)
    return np.concatenate([o[0] for o in out], 1), np.concatenate([o[1] for o in out], 1)


def _squash(x: np.ndarray, lower: bool) -> np.ndarray:
    value = 0.5 + 0.5 * np.tanh(0.5 * x)  # the logistic function
    return _lower(value, 32 * EPS) if lower else _upper(value, 32 * EPS)


def float32_bound(p: dict[str, Any], hmax: float) -> float:
    """The float32 error bound of :mod:`neural.judge.certify.margin`, derived again."""
    hmax = max(1.0, hmax)

    def gamma(n: int) -> float:
        return n * U / (1 - n * U)

    fn, size, worst = 16 * U, p["hidden"], 0.0
    for k in range(p["layers"]):
        w_ih, w_hh = p["w_ih"][k], p["w_hh"][k]
        x_bar = (np.abs(p["embed"][1:]).max(axis=0) if k == 0 else np.full(size, hmax))
        si = np.abs(w_ih) @ x_bar + np.abs(p["b_ih"][k])
        sh = np.abs(w_hh).sum(axis=1) * hmax + np.abs(p["b_hh"][k])
        ei, eh = gamma(w_ih.shape[1] + 1) * si, gamma(size + 1) * sh
        gate = (ei + eh + U * (si + sh + ei + eh)) / 4 + fn
        dr, dz = gate[:size], gate[size:2 * size]
        si_n, ei_n, sh_n, eh_n = si[2 * size:], ei[2 * size:], sh[2 * size:], eh[2 * size:]
        gh = sh_n + eh_n
        dn = (ei_n + dr * gh + eh_n + U * (1 + dr) * gh
              + U * (si_n + ei_n + (1 + dr) * gh * (1 + U))) + fn
        d = (hmax + 1 + dn) * (1 + U)
        lerp = dn + dz * d + dn + U * (hmax + 1 + dn) + U * (1 + dz) * d \
            + U * (1 + dn + (1 + dz) * d * (1 + U))
        one_minus = dz + U * (1 + dz)
        textbook = (one_minus * (1 + dn) + dn * (1 + dz) + U * (1 + dz) * (1 + dn) * (1 + U)
                    + dz * hmax + U * (1 + dz) * hmax
                    + U * ((1 + dz) * (1 + dn) * (1 + U) ** 2 + (1 + dz) * hmax * (1 + U)))
        worst = max(worst, float(np.max(np.maximum(lerp, textbook))))
    head = gamma(size + 1) * (float(np.abs(p["head_w"]).sum()) * hmax + abs(p["head_b"]))
    return max(worst, head + 128 * U)


def _params(tensors: Mapping[str, np.ndarray]) -> dict[str, Any]:
    def get(name: str) -> np.ndarray:
        if name not in tensors:
            raise KeyError(name)
        return np.asarray(tensors[name], dtype=np.float64)

    layers = 0
    while f"gru.weight_hh_l{layers}" in tensors:
        layers += 1
    if not layers:
        raise KeyError("gru.weight_hh_l0")
    w_hh = [get(f"gru.weight_hh_l{k}") for k in range(layers)]

    def bias(name: str) -> np.ndarray:
        return get(name) if name in tensors else np.zeros(len(w_hh[0]))

    return {"embed": get("embed.weight"), "layers": layers, "hidden": w_hh[0].shape[1],
            "w_ih": [get(f"gru.weight_ih_l{k}") for k in range(layers)], "w_hh": w_hh,
            "b_ih": [bias(f"gru.bias_ih_l{k}") for k in range(layers)],
            "b_hh": [bias(f"gru.bias_hh_l{k}") for k in range(layers)],
            "head_w": get("head.weight")[0], "head_b": float(bias("head.bias")[0])}


def same_language(cert_dfa: Mapping[str, Any], alphabet: Sequence[str],
                  grammar_dfa: tuple[Sequence[str], Any, Any, int]) -> str | None:
    """Why the certificate's automaton and the grammar's differ, or None (product walk)."""
    g_alphabet, g_table, g_accepting, g_start = grammar_dfa
    g_table, g_accepting = np.asarray(g_table), np.asarray(g_accepting, dtype=bool)
    missing = [s for s in g_alphabet if s not in alphabet]
    if missing:
        return f"dfa: the grammar's symbol {missing[0]!r} is not in the certificate's alphabet"
    column = {s: j for j, s in enumerate(g_alphabet)}
    table, accepting = cert_dfa["table"], cert_dfa["accepting"]
    seen = {(cert_dfa["start"], g_start)}
    todo = list(seen)
    while todo:
        q, s = todo.pop()
        if bool(accepting[q]) != (s >= 0 and bool(g_accepting[s])):
            return f"dfa: state {q} disagrees with the grammar's language"
        for a, symbol in enumerate(alphabet):
            nxt = (table[q][a], int(g_table[s, column[symbol]]) if s >= 0 and symbol in column
                   else -1)
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return None


def _shrunk_miss(lo: np.ndarray, hi: np.ndarray, box_lo: np.ndarray, box_hi: np.ndarray,
                 margin: float) -> tuple[float, int]:
    """How far ``[lo, hi]`` reaches out of the box shrunk by `margin` (<= 0: inside)."""
    out = np.maximum((box_lo + margin) - lo, hi - (box_hi - margin))
    worst = int(np.argmax(out))
    return float(out[worst]), worst


def _structure(cert: Mapping[str, Any], p: dict[str, Any]) -> str | None:
    """Shapes and types of every entry; None when all is well formed."""
    width = p["hidden"] * p["layers"]
    for key in ("alphabet", "boxes", "steps"):
        if not isinstance(cert[key], list):
            return f"{key}: must be a list"
    if not all(isinstance(s, str) for s in cert["alphabet"]):
        return "alphabet: must list the symbols as strings"
    dfa = cert.get("dfa")
    if not isinstance(dfa, Mapping) or not {"start", "accepting", "table"} <= set(dfa):
        return "dfa: needs 'start', 'accepting' and 'table'"
    if not isinstance(dfa["accepting"], list) or not all(
            isinstance(x, bool) for x in dfa["accepting"]):
        return "dfa: accepting must be a list of true/false, one per state"
    n_states, n_symbols = len(dfa["accepting"]), len(cert["alphabet"])
    if len(p["embed"]) != n_symbols + 2:
        return (f"alphabet: {n_symbols} symbols, but the embedding has {len(p['embed'])} rows "
                "(PAD, BOS and one per symbol)")
    if len(dfa["table"]) != n_states or any(
            len(row) != n_symbols or any(not isinstance(t, int) or not 0 <= t < n_states
                                         for t in row) for row in dfa["table"]):
        return f"dfa: the table must have {n_states} rows of {n_symbols} states"
    if not isinstance(dfa["start"], int) or not 0 <= dfa["start"] < n_states:
        return f"dfa: start {dfa['start']!r} is not a state"
    for i, box in enumerate(cert["boxes"]):
        if (not isinstance(box, Mapping) or not isinstance(box.get("state"), int)
                or not 0 <= box["state"] < n_states):
            return f"box {i}: its state must be one of the dfa's {n_states} states"
        lo, hi = np.asarray(box.get("lo"), dtype=float), np.asarray(box.get("hi"), dtype=float)
        if lo.shape != (width,) or hi.shape != (width,):
            return f"box {i}: lo and hi must hold {width} numbers each"
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi)) and np.all(lo <= hi)):
            return f"box {i}: lo and hi must be finite with lo <= hi"
    margin = cert.get("margin")
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not margin > 0:
        return f"margin: must be a positive number, got {margin!r}"
    start = cert.get("start_box")
    if not isinstance(start, int) or not 0 <= start < len(cert["boxes"]):
        return f"start_box: {start!r} is not a box"
    return None


def check(cert: Mapping[str, Any], tensors: Mapping[str, np.ndarray], *,
          alphabet: Sequence[str] | None = None,
          grammar_dfa: tuple[Sequence[str], Any, Any, int] | None = None,
          fingerprint: str | None = None, sha256: str | None = None) -> str | None:
    """Re-check every claim of `cert` against the weights `tensors`.

    Parameters
    ----------
    cert : mapping
        The certificate, as read from ``certificate.json``.
    tensors : mapping of str to numpy.ndarray
        The network's weights (``model.safetensors``).
    alphabet : sequence of str, optional
        The checkpoint's alphabet; the certificate's must equal it.
    grammar_dfa : tuple, optional
        ``(alphabet, table, accepting, start)`` of the grammar's DFA; the
        certificate's automaton must have the same language.
    fingerprint : str, optional
        The grammar's fingerprint; the certificate must name it.
    sha256 : str, optional
        SHA-256 of the weights file; the certificate must record it.

    Returns
    -------
    str or None
        The first claim that fails, in words, or None when every claim holds.
    """
    if not isinstance(cert, Mapping) or cert.get("format") != FORMAT:
        got = cert.get("format") if isinstance(cert, Mapping) else cert
        return f"format: expected {FORMAT!r}, got {got!r}"
    for key in ("weights_sha256", "grammar", "cell", "alphabet", "margin", "dfa", "boxes",
                "start_box", "steps"):
        if key not in cert:
            return f"{key}: missing"
    if cert["cell"] != "gru":
        return f"cell: only 'gru' certificates are checked, got {cert['cell']!r}"
    if sha256 is not None and cert["weights_sha256"] != sha256:
        return "weights_sha256: does not match model.safetensors"
    if alphabet is not None and list(cert["alphabet"]) != list(alphabet):
        return "alphabet: differs from the checkpoint's"
    try:
        p = _params(tensors)
    except KeyError as err:
        return f"weights: no tensor {err.args[0]!r}"
    try:
        problem = _structure(cert, p)
    except (TypeError, ValueError, KeyError, IndexError) as err:
        problem = f"certificate: malformed entry ({type(err).__name__}: {err})"
    if problem is not None:
        return problem
    dfa = cert["dfa"]
    if fingerprint is not None and (cert["grammar"] or {}).get("fingerprint") != fingerprint:
        return "grammar: the fingerprint differs from the grammar's"
    if grammar_dfa is not None and (why := same_language(dfa, cert["alphabet"],
                                                          grammar_dfa)) is not None:
        return why
    boxes = cert["boxes"]
    lo = np.array([b["lo"] for b in boxes], dtype=float)
    hi = np.array([b["hi"] for b in boxes], dtype=float)
    state = np.array([b["state"] for b in boxes])
    margin = float(cert["margin"])
    need = float32_bound(p, float(max(np.abs(lo).max(), np.abs(hi).max())))
    if margin < need:
        return f"margin: {margin:.6g} is below the float32 error bound {need:.6g}"
    start = cert["start_box"]
    if state[start] != dfa["start"]:
        return f"start: box {start} belongs to state {state[start]}, not the start state"
    zero = np.zeros((1, lo.shape[1]))
    a, b = cell_step(p, zero, zero, 1, margin)
    miss, at = _shrunk_miss(a[0], b[0], lo[start], hi[start], margin)
    if miss > 0:
        return f"start: BOS leaves box {start} by {miss:.3g} (coordinate {at})"
    n_symbols = len(cert["alphabet"])
    target = -np.ones((len(boxes), n_symbols), dtype=np.int64)
    for entry in cert["steps"]:
        if (not isinstance(entry, (list, tuple)) or len(entry) != 3
                or not all(isinstance(v, int) for v in entry)):
            return f"step {entry!r}: must be [box, symbol index, box]"
        src, sym, dst = entry
        if not (0 <= src < len(boxes) and 0 <= sym < n_symbols and 0 <= dst < len(boxes)):
            return f"step {list(entry)}: names no such box or symbol"
        if target[src, sym] >= 0:
            return f"step {list(entry)}: box {src} reading symbol {sym} is listed twice"
        if state[dst] != dfa["table"][state[src]][sym]:
            return (f"step {list(entry)}: box {dst} belongs to state {state[dst]}, but the dfa "
                    f"goes from {state[src]} to {dfa['table'][state[src]][sym]}")
        target[src, sym] = dst
    if (target < 0).any():
        src, sym = map(int, np.argwhere(target < 0)[0])
        return f"steps: none for box {src} reading symbol {sym}"
    for sym in range(n_symbols):
        a, b = cell_step(p, lo, hi, sym + 2, margin)
        dst = target[:, sym]
        out = np.maximum((lo[dst] + margin) - a, b - (hi[dst] - margin)).max(axis=1)
        if (out > 0).any():
            src = int(np.argmax(out > 0))
            return (f"step [{src}, {sym}, {int(dst[src])}]: the image of box {src} reading "
                    f"{cert['alphabet'][sym]!r} leaves box {int(dst[src])} by {out[src]:.3g}")
    head_w = p["head_w"][None]
    last = slice((p["layers"] - 1) * p["hidden"], None)
    a, b = dot(lo[:, last], hi[:, last], head_w, np.array([p["head_b"]]))
    accepting = np.array([bool(dfa["accepting"][q]) for q in state])
    short = np.where(accepting, margin - a[:, 0], b[:, 0] + margin)
    if (short >= 0).any():
        i = int(np.argmax(short >= 0))
        side = "accepting" if accepting[i] else "rejecting"
        return (f"answer of box {i}: its state {state[i]} is {side}, but its logit lies in "
                f"[{a[i, 0]:.6g}, {b[i, 0]:.6g}], not clear of zero by the margin {margin:.3g}")
    return None


def check_files(directory: str | Path, *, grammar_dfa: tuple[Sequence[str], Any, Any, int]
                | None = None, fingerprint: str | None = None) -> str | None:
    """Check ``certificate.json`` in `directory` against its ``model.safetensors``.

    The alphabet is read from the directory's ``config.json``. Returns the
    first failing claim, as :func:`check` does.

    Raises
    ------
    OSError
        If a file cannot be read.
    ValueError
        If ``certificate.json`` or ``config.json`` is not JSON, or the weights
        file is not safetensors.
    """
    directory = Path(directory)
    cert = json.loads((directory / "certificate.json").read_text(encoding="utf-8"))
    data = (directory / "model.safetensors").read_bytes()
    try:
        tensors = load_safetensors(data)
    except Exception as err:  # safetensors raises its own error type
        raise ValueError(f"{directory / 'model.safetensors'} is not a safetensors file: "
                         f"{err}") from None
    config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    return check(cert, tensors, alphabet=config.get("alphabet"), grammar_dfa=grammar_dfa,
                 fingerprint=fingerprint, sha256=hashlib.sha256(data).hexdigest())
