"""The :class:`Certificate`: the verdict, and the boxes that prove it, as ``certificate.json``.

The file format, ``grammarlab-certificate/1``, has these fixed keys (others
may be added)::

    {"format": "grammarlab-certificate/1",
     "weights_sha256": "<sha256 of model.safetensors>",
     "grammar": {"name": ..., "fingerprint": ...},
     "cell": "gru",
     "alphabet": [symbols in vocabulary order: symbol i is embedding row i + 2],
     "margin": <float>,
     "dfa": {"start": s, "accepting": [bool per state], "table": [[next state per symbol] ...]},
     "boxes": [{"state": q, "lo": [floats], "hi": [floats]}, ...],
     "start_box": <index into boxes>,
     "steps": [[box, symbol index, box it lands in], ... one per (box, symbol)]}

This module adds ``verdict``, ``arithmetic`` (what the margin covers),
``counterexample``, ``reasons`` and timings.

Examples
--------
>>> VERDICTS
('proved', 'counterexample', 'undecided')
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from grammar.atomic import atomic_write

__all__ = ["Certificate", "VERDICTS", "FORMAT", "CERTIFICATE"]

#: The three verdicts.
VERDICTS = ("proved", "counterexample", "undecided")
#: The file format's name and version.
FORMAT = "grammarlab-certificate/1"
#: The file's name, next to ``model.safetensors``.
CERTIFICATE = "certificate.json"


@dataclass(frozen=True)
class Certificate:
    """The result of :func:`neural.judge.certify.certify`.

    Attributes
    ----------
    verdict : str
        ``"proved"``: every claim holds, so the network gives the grammar's
        answer on every word of every length (in the arithmetic the margin
        covers); the independent checker confirmed it. ``"counterexample"``:
        the network is wrong on `counterexample`, confirmed by running it on
        that word alone. ``"undecided"``: `reasons` says which claims failed
        and by how much.
    grammar : dict
        ``{"name": ..., "fingerprint": ...}`` of the judge.
    cell : str
    alphabet : tuple of str
        The network's symbols, in vocabulary order.
    margin : float
    arithmetic : str
        What the margin covers (``"cpu-float32"``).
    dfa : dict
        ``start``, ``accepting`` and ``table`` of the complete minimal DFA,
        columns in the network's symbol order.
    lo, hi : numpy.ndarray
        ``(n_boxes, width)`` box corners.
    box_state : numpy.ndarray
        The DFA state of each box.
    start_box : int or None
    steps : numpy.ndarray
        ``(n_boxes, n_symbols)``: the box each step lands in (-1 where the
        search left it open).
    counterexample : str or list of str or None
    counterexample_member : bool or None
        The grammar's answer on it (the network gives the other).
    counterexample_probability : float or None
    found_by : str
        How the counterexample was found.
    reasons : tuple of str
        Why the verdict is undecided (and, for a counterexample, which
        claims failed first).
    words_checked : int
        Words asked of the network while looking for a counterexample.
    longest_checked : int
    weights_sha256 : str or None
        Of ``model.safetensors``, once saved next to it.
    seconds, search_seconds, check_seconds : float
        The whole call; finding the boxes; the independent check.
    budget : float
    weights : dict
        The float32 weights certified (not written to JSON).
    """

    verdict: str
    grammar: dict[str, Any]
    cell: str
    alphabet: tuple[str, ...]
    margin: float
    arithmetic: str
    dfa: dict[str, Any]
    lo: np.ndarray
    hi: np.ndarray
    box_state: np.ndarray
    start_box: int | None
    steps: np.ndarray
    counterexample: Any = None
    counterexample_member: bool | None = None
    counterexample_probability: float | None = None
    found_by: str = ""
    reasons: tuple[str, ...] = ()
    words_checked: int = 0
    longest_checked: int = 0
    weights_sha256: str | None = None
    seconds: float = 0.0
    search_seconds: float = 0.0
    check_seconds: float = 0.0
    budget: float = 0.0
    weights: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def proved(self) -> bool:
        """Whether the verdict is ``"proved"``."""
        return self.verdict == "proved"

    def to_dict(self) -> dict[str, Any]:
        """The certificate as a JSON-able dict, fixed keys first."""
        steps = [[int(b), int(a), int(self.steps[b, a])] for b, a in np.argwhere(self.steps >= 0)]
        return {
            "format": FORMAT,
            "weights_sha256": self.weights_sha256,
            "grammar": dict(self.grammar),
            "cell": self.cell,
            "alphabet": list(self.alphabet),
            "margin": float(self.margin),
            "dfa": {"start": int(self.dfa["start"]),
                    "accepting": [bool(x) for x in self.dfa["accepting"]],
                    "table": [[int(t) for t in row] for row in self.dfa["table"]]},
            "boxes": [{"state": int(q), "lo": [float(x) for x in lo],
                       "hi": [float(x) for x in hi]}
                      for q, lo, hi in zip(self.box_state, self.lo, self.hi, strict=True)],
            "start_box": self.start_box,
            "steps": steps,
            "verdict": self.verdict,
            "arithmetic": self.arithmetic,
            "counterexample": self.counterexample,
            "counterexample_member": self.counterexample_member,
            "counterexample_probability": self.counterexample_probability,
            "found_by": self.found_by,
            "reasons": list(self.reasons),
            "words_checked": self.words_checked,
            "longest_checked": self.longest_checked,
            "seconds": self.seconds,
            "search_seconds": self.search_seconds,
            "check_seconds": self.check_seconds,
            "budget": self.budget,
            "summary": self.summary(),
        }

    def to_json(self, **options: Any) -> str:
        """The certificate as JSON text (options go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **options)

    def save(self, directory: str | os.PathLike) -> Certificate:
        """Write ``certificate.json`` next to the weights in `directory`, atomically.

        The weights in ``model.safetensors`` must be the ones certified; the
        file's SHA-256 goes into the certificate.

        Returns
        -------
        Certificate
            This one, with `weights_sha256` filled in.

        Raises
        ------
        ValueError
            If ``model.safetensors`` holds other weights than those certified.
        OSError
            If it cannot be read.
        """
        from safetensors.numpy import load as load_safetensors

        directory = Path(directory)
        data = (directory / "model.safetensors").read_bytes()
        stored = load_safetensors(data)
        for name, value in self.weights.items():
            if name not in stored or not np.array_equal(
                    np.asarray(stored[name], dtype=np.float32), value):
                raise ValueError(f"{directory / 'model.safetensors'}: {name!r} is not the "
                                 "weight that was certified")
        done = replace(self, weights_sha256=hashlib.sha256(data).hexdigest())
        atomic_write(directory / CERTIFICATE, (done.to_json(indent=1) + "\n").encode("utf-8"))
        return done

    def summary(self) -> str:
        """The verdict in one line."""
        name = self.grammar.get("name") or "the grammar"
        if self.verdict == "proved":
            return (f"proved: the network gives {name}'s answer on every word of every length "
                    f"({len(self.lo)} boxes over {len(self.dfa['accepting'])} states, margin "
                    f"{self.margin:.2g}, {self.arithmetic})")
        if self.verdict == "counterexample":
            text = (self.counterexample if isinstance(self.counterexample, str)
                    else " ".join(self.counterexample or ()))
            shown = repr(text) if len(text) <= 60 else f"{text[:40]!r}... ({len(text)} symbols)"
            said = "rejects" if self.counterexample_member else "accepts"
            return (f"counterexample: the network {said} {shown}, a "
                    f"{'member' if self.counterexample_member else 'non-member'} of {name} "
                    f"(found by {self.found_by})")
        return "undecided: " + ("; ".join(self.reasons[:3]) or "no reason recorded")

    def __str__(self) -> str:
        lines = [f"certificate for {self.grammar.get('name') or 'a grammar'}: {self.cell.upper()}"
                 f", {len(self.alphabet)} symbols, margin {self.margin:.3g} ({self.arithmetic})"]
        if len(self.lo):
            lines.append(f"boxes: {len(self.lo)} over {len(self.dfa['accepting'])} DFA states, "
                         f"found in {self.search_seconds:.2f} s")
        if self.verdict == "proved":
            lines.append(f"independent check (numpy only): every claim holds, "
                         f"{self.check_seconds:.2f} s")
        if self.words_checked:
            lines.append(f"counterexample search: {self.words_checked:,} words, up to length "
                         f"{self.longest_checked}")
        for reason in self.reasons[:5] if self.verdict != "proved" else ():
            lines.append(f"  {reason}")
        lines.append(f"verdict: {self.summary()} ({self.seconds:.2f} s in all)")
        return "\n".join(lines)
