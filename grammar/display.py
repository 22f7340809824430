"""Pictures of a grammar: its minimal DFA as Graphviz DOT and SVG, and Jupyter's ``_repr_svg_``.

:func:`dfa_dot` writes the canonical minimal DFA as DOT text: states are
numbered circles, accepting ones doubled, an arrow marks the start, and the
edges between two states are merged into one, labelled with their symbols.
The dead state (no member reachable from it) is left out, as is usual in
drawings; a missing edge goes there. :func:`svg_of_dot` runs Graphviz's
``dot`` on it when the program is installed.

:class:`DisplayMethods` gives :class:`grammar.Grammar` ``g.to_svg()`` and
``_repr_svg_``, so that a grammar shows itself as a diagram in Jupyter when
Graphviz is installed and quietly falls back to its text form when it is not.
Only ``g.dfa`` and ``g.name`` are used, so this module never imports
:mod:`grammar.core`.

Every symbol reaches Graphviz as a quoted, escaped string, and Graphviz
escapes text in its SVG output, so symbols such as ``<script>`` are drawn as
text, never run as markup.

Examples
--------
>>> from grammar import library
>>> text = dfa_dot(library.parity().dfa)
>>> print(text.splitlines()[0])
digraph dfa {
>>> 's0 -> s1 [label="1"];' in text
True
"""

from __future__ import annotations

import errno
import re
import shutil
import subprocess
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grammar.automaton import DFA

__all__ = [
    "DisplayMethods", "MAX_DRAWN_EDGES", "MAX_DRAWN_STATES", "dfa_dot", "dot_program",
    "grammar_svg", "svg_of_dot", "too_large_to_draw",
]

#: Above this many live states or drawn edges a diagram is unreadable, and
#: Graphviz's layout takes seconds to minutes (a random 40-state DFA over 8
#: symbols, 291 edges: 19 s): ``_repr_svg_`` gives nothing, :meth:`to_svg` refuses.
MAX_DRAWN_STATES = 100
MAX_DRAWN_EDGES = 160

# Seconds Graphviz may take to lay one drawing out.
_DOT_TIMEOUT = 30


def _quote(text: str) -> str:
    r"""A DOT double-quoted string showing `text` literally.

    Backslashes would start Graphviz escapes (``\n``, ``\N``, ``\G``) and
    ``&`` an HTML entity, so both are escaped too.
    """
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + text.replace("\n", "\\n").replace("\r", "\\r") + '"'


def _symbols_label(symbols: list[str]) -> str:
    shown = [s if s.strip() and s == s.strip() else repr(s) for s in symbols]
    return ", ".join(shown)


def dfa_dot(dfa: DFA, *, name: str | None = None) -> str:
    """The minimal DFA `dfa` as Graphviz DOT text, the dead state left out.

    Parameters
    ----------
    dfa : grammar.DFA
        The automaton (``g.dfa``).
    name : str, optional
        Drawn as the diagram's caption.

    Returns
    -------
    str
        A ``digraph`` whose nodes are ``s0``, ``s1``, ... (the DFA's state
        numbers) plus the start marker ``start``.

    Examples
    --------
    >>> from grammar import library
    >>> lines = dfa_dot(library.tomita(2).dfa, name="tomita-2").splitlines()
    >>> [line for line in lines if "->" in line]
    ['  start -> s0;', '  s0 -> s2 [label="1"];', '  s2 -> s0 [label="0"];']
    """
    live = dfa.live
    lines = [
        "digraph dfa {",
        '  rankdir=LR; bgcolor="transparent";',
        '  node [shape=circle, fontname="Helvetica", fontsize=12];',
        '  edge [fontname="Helvetica", fontsize=11];',
    ]
    if name:
        lines.append(f"  labelloc=t; label={_quote(name)};")
    lines.append('  start [shape=point, width=0.08, label=""];')
    shown = [s for s in range(dfa.n_states) if live[s] or s == dfa.start]
    for s in shown:
        shape = "doublecircle" if dfa.accepting[s] else "circle"
        lines.append(f'  s{s} [label="{s}", shape={shape}];')
    lines.append(f"  start -> s{dfa.start};")
    for s in shown:
        targets: dict[int, list[str]] = {}
        for j, symbol in enumerate(dfa.alphabet):
            t = int(dfa.table[s, j])
            if live[t]:
                targets.setdefault(t, []).append(symbol)
        for t, symbols in targets.items():
            lines.append(f"  s{s} -> s{t} [label={_quote(_symbols_label(symbols))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_program() -> str | None:
    """The path of Graphviz's ``dot`` program, or None when it is not installed.

    Examples
    --------
    >>> dot_program() is None or dot_program().endswith("dot")
    True
    """
    return shutil.which("dot")


def svg_of_dot(text: str) -> str | None:
    """Lay DOT `text` out with Graphviz: the ``<svg>`` element, or None without Graphviz.

    The XML prologue and comments are dropped, so the result can be placed
    inline in an HTML page.

    Raises
    ------
    RuntimeError
        When ``dot`` is installed but fails on `text` or takes too long.

    Examples
    --------
    >>> from grammar import library
    >>> svg = svg_of_dot(dfa_dot(library.parity().dfa))
    >>> svg is None or (svg.startswith("<svg") and svg.count('class="node"') == 3)
    True
    """
    program = dot_program()
    if program is None:
        return None
    try:
        done = subprocess.run([program, "-Tsvg"], input=text.encode("utf-8"),
                              capture_output=True, timeout=_DOT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"Graphviz's dot took over {_DOT_TIMEOUT} s to draw") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"Graphviz's dot failed: {detail[0] if detail else done.returncode}")
    svg = done.stdout.decode("utf-8")
    svg = re.sub(r"<!--.*?-->", "", svg[svg.find("<svg"):], flags=re.DOTALL)
    return svg.strip()


def _drawn_edges(dfa: DFA) -> int:
    live = dfa.live
    pairs = {(s, int(t)) for s in range(dfa.n_states) if live[s]
             for t in dfa.table[s] if live[t]}
    return len(pairs)


def too_large_to_draw(dfa: DFA) -> str | None:
    """Why `dfa` is too large to draw, or None when it is not.

    Examples
    --------
    >>> from grammar import library, random_grammar
    >>> too_large_to_draw(library.reber().dfa) is None
    True
    >>> too_large_to_draw(random_grammar(300, "ab", seed=0).dfa)
    '... live states; drawings stop at 100'
    """
    states = int(dfa.live.sum())
    if states > MAX_DRAWN_STATES:
        return f"the minimal DFA has {states} live states; drawings stop at {MAX_DRAWN_STATES}"
    edges = _drawn_edges(dfa)
    if edges > MAX_DRAWN_EDGES:
        return (f"the minimal DFA has {edges} edges between live states; drawings stop at "
                f"{MAX_DRAWN_EDGES}")
    return None


def grammar_svg(g: Any) -> str:
    """Grammar `g`'s minimal DFA drawn by Graphviz, as SVG text (``grammar show --format svg``).

    `g` needs only ``dfa`` and ``name``.

    Raises
    ------
    FileNotFoundError
        When Graphviz's ``dot`` is not installed.
    ValueError
        When the automaton is too large to draw (:func:`too_large_to_draw`).

    Examples
    --------
    >>> from grammar import library
    >>> dot_program() is None or grammar_svg(library.parity()).count('class="node"') == 3
    True
    """
    reason = too_large_to_draw(g.dfa)
    if reason is not None:
        raise ValueError(reason)
    svg = svg_of_dot(dfa_dot(g.dfa, name=g.name))
    if svg is None:
        raise FileNotFoundError(
            errno.ENOENT, "drawing needs Graphviz's dot program; install Graphviz "
            "(Debian: apt-get install graphviz)", "dot")
    return svg


class DisplayMethods:
    """Diagram methods of :class:`grammar.Grammar`: :meth:`to_svg` and ``_repr_svg_``.

    A mixin: it relies on the grammar's ``dfa`` and ``name`` only.

    Examples
    --------
    >>> from grammar import library
    >>> class Shown(DisplayMethods):
    ...     dfa, name = library.parity().dfa, "parity"
    >>> svg = Shown()._repr_svg_()
    >>> svg is None or "<svg" in svg
    True
    """

    __slots__ = ()

    def to_svg(self) -> str:
        """The minimal DFA drawn by Graphviz, as SVG text; see :func:`grammar_svg`.

        Examples
        --------
        >>> from grammar import library
        >>> class Shown(DisplayMethods):
        ...     dfa, name = library.tomita(1).dfa, "tomita-1"
        >>> dot_program() is None or Shown().to_svg().startswith("<svg")
        True
        """
        return grammar_svg(self)

    def _repr_svg_(self) -> str | None:
        """Jupyter's rich display: the diagram, or None (text display) without Graphviz."""
        try:
            return self.to_svg()
        except (OSError, ValueError, RuntimeError):
            return None
