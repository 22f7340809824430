"""The page's plots, drawn by matplotlib as inline SVG text.

matplotlib's SVG canvas is used directly (no pyplot state, no display).
Text stays text (``svg.fonttype = none``), escaped by matplotlib; no grammar
name or word is drawn into a plot, the page's headings carry those. Each
plot gets its own hash salt, so the ids of several plots on one page do not
collide, and its data line an id (``gid``) that tests and styles can find.

Examples
--------
>>> svg = accuracy_by_length_svg({"3": {"words": 4, "accuracy": 1.0}}, (1, 5), gid="demo")
>>> svg.startswith("<svg") and 'id="demo"' in svg
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from neural.plotting import figure, svg_text

__all__ = ["accuracy_by_length_svg", "summary_svg", "figure", "svg_text"]


_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")


def accuracy_by_length_svg(by_length: Mapping[str, Mapping[str, Any]],
                           train_lengths: Sequence[int], *, gid: str) -> str:
    """Accuracy against word length, the training range shaded, as an SVG element.

    Parameters
    ----------
    by_length : mapping
        ``{length: {"words": n, "accuracy": a}}`` as in
        :meth:`neural.Comparison.to_dict`.
    train_lengths : (int, int)
        The training range.
    gid : str
        The id of the accuracy line's group in the SVG.
    """
    fig, ax = figure()
    lo, hi = train_lengths
    ax.axvspan(lo - 0.5, hi + 0.5, color="tab:green", alpha=0.13, label="training lengths")
    points = sorted((int(k), float(v["accuracy"])) for k, v in by_length.items()
                    if v.get("accuracy") is not None)
    xs = [k for k, _ in points]
    ys = [100 * a for _, a in points]
    (line,) = ax.plot(xs, ys, marker="o", markersize=3, color="tab:blue",
                      label="agreement with the automaton")
    line.set_gid(gid)
    ax.set_xlabel("word length")
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(min([90.0, *ys]) - 2, 101)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return svg_text(fig, gid)


def summary_svg(rows: Sequence[Mapping[str, Any]], key: str, label: str, *, gid: str,
                log: bool = False) -> str:
    """Accuracy of each run against `key` (a row column), one colour and mean line per model.

    Examples
    --------
    >>> rows = [{"model": "m", "dfa_states": 3, "accuracy": 0.9},
    ...         {"model": "m", "dfa_states": 5, "accuracy": None}]
    >>> 'id="s-m"' in summary_svg(rows, "dfa_states", "DFA states", gid="s")
    True
    """
    fig, ax = figure()
    models: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        x, acc = row.get(key), row.get("accuracy")
        if isinstance(x, (int, float)) and isinstance(acc, (int, float)):
            models.setdefault(str(row.get("model")), []).append((float(x), 100 * float(acc)))
    for k, (model, points) in enumerate(sorted(models.items())):
        color = _COLORS[k % len(_COLORS)]
        ax.scatter([x for x, _ in points], [y for _, y in points], s=14, alpha=0.6, color=color)
        means: dict[float, list[float]] = {}
        for x, y in points:
            means.setdefault(x, []).append(y)
        xs = sorted(means)
        (line,) = ax.plot(xs, [sum(means[x]) / len(means[x]) for x in xs], color=color,
                          marker="o", markersize=4, label=f"model {k + 1} (mean)")
        line.set_gid(f"{gid}-{_safe(model)}")
    values = [y for points in models.values() for _, y in points]
    ax.set_ylim(min([90.0, *values]) - 2, 101)
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(label)
    ax.set_ylabel("accuracy (%)")
    ax.grid(alpha=0.3)
    if models:
        ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return svg_text(fig, gid)


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)
