"""Matplotlib figures as inline SVG, without pyplot: the one home of the drawing helpers.

The report page's plots (:mod:`neural.page.plots`) and the picture of a proof
(:mod:`neural.judge.certify.picture`) draw with these.

Examples
--------
>>> fig, ax = figure(2.0, 1.0)
>>> _ = ax.plot([0, 1], [0, 1])
>>> svg_text(fig, "example").startswith("<svg")
True
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["figure", "svg_text"]


def svg_text(fig: Any, salt: str) -> str:
    """`fig` as an inline SVG element, text kept as text, ids salted with `salt`."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.find("<svg"):].strip()


def figure(width: float = 6.4, height: float = 3.4) -> tuple[Any, Any]:
    """A matplotlib figure on an SVG canvas (no pyplot), and its one axes."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasSVG(fig)
    return fig, fig.add_subplot()
