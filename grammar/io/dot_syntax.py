r"""DOT syntax: quoting IDs, parsing with pydot, and replaying statements with their defaults.

This module knows the DOT language and nothing about grammars;
:mod:`grammar.io.dot` reads grammars out of what it returns.

- In a quoted string ``\"`` stands for ``"`` and ``\\`` for ``\``, as
  graphviz draws labels; a backslash before a line break continues the line.
- :func:`quote` ends a quoted piece after a backslash that precedes a line
  break and starts the next piece with the line break, joined by DOT's
  ``+``, so that no reader takes the pair for a line continuation.
- An attribute written without a value (``[label=a, foo]``), which pydot
  accepts, is refused with its line (:func:`valueless_attribute_line`).

Examples
--------
>>> print(quote("q0"), quote("a b"), quote('say "hi"'))
q0 "a b" "say \"hi\""
>>> print(quote("x\\\ny"))
"x\\" + "
y"
>>> parse_dot("digraph { a -> b [label=" + quote("x\\\ny") + "] }", "").edges[0][2]["label"]
'x\\\ny'
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from typing import Any

from grammar.errors import GrammarError

__all__ = [
    "quote", "unquote", "node_id", "attr_list", "valueless_attribute_line", "DotStatements",
    "parse_dot",
]  # fmt: skip

_QUOTED_ESCAPE = re.compile(r'\\(["\\\n])')
_NODE_ID = re.compile(r'"(?:[^"\\]|\\.)*"|[^:]*', re.DOTALL)
_BARE_ID = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|[0-9]+")
_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})
# Between a backslash and a line break: where a quoted ID is cut in two.
_CONTINUATION = re.compile(r"(?<=\\)(?=[\r\n])")
# DOT's tokens, as far as finding attribute lists needs: blanks and comments, quoted
# strings, IDs and numerals, and any other single character (HTML strings are read apart).
_TOKEN = re.compile(
    r"""(?P<skip>\s+|//[^\n]*|/\*.*?(?:\*/|\Z)|(?<![^\n])\#[^\n]*)
      | (?P<id>"(?:[^"\\]|\\.)*"?|[A-Za-z_\x80-\U0010ffff][A-Za-z_0-9\x80-\U0010ffff]*
               |-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def unquote(text: str) -> str:
    """The value of a DOT ID: quotes removed, ``\\"`` and ``\\\\`` unescaped."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return _QUOTED_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text[1:-1])
    return text


def quote(text: str) -> str:
    """A DOT ID for `text`: bare when that is safe, else quoted and escaped."""
    if _BARE_ID.fullmatch(text) and text.lower() not in _KEYWORDS:
        return text
    pieces = _CONTINUATION.split(text)
    return " + ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in pieces)


def node_id(raw: str) -> str:
    """A node name from pydot, without quotes or a ``:port`` suffix."""
    return unquote(_NODE_ID.match(raw).group(0))


def _html_end(text: str, start: int) -> int:
    """The index just past the HTML string ``<...>`` that opens at `start`."""
    depth, i = 0, start
    while i < len(text):
        depth += {"<": 1, ">": -1}.get(text[i], 0)
        i += 1
        if depth == 0:
            break
    return i


def valueless_attribute_line(text: str, name: str) -> int | None:
    """The line of the first attribute `name` written without ``=VALUE`` in a ``[...]`` list.

    None if there is none (the DOT text is scanned, not parsed).

    Examples
    --------
    >>> valueless_attribute_line('digraph {\\n a -> b [label="x,y", foo] }', "foo")
    2
    >>> valueless_attribute_line('digraph { a [foo=1] }', "foo") is None
    True
    """
    in_list = value_next = False
    pending: tuple[str, int] | None = None  # an attribute name not yet followed by "="
    position = 0
    while position < len(text):
        if text[position] == "<":  # an HTML string: no attribute inside
            kind, token, end = "id", "<>", _html_end(text, position)
        else:
            match = _TOKEN.match(text, position)
            kind, token, end = match.lastgroup, match.group(), match.end()
        start, position = position, end
        if kind == "skip" or not in_list:
            in_list = in_list or token == "["
            continue
        if value_next:  # the value after "=", and after each "+" joining quoted pieces
            value_next = False
        elif token in ("=", "+"):
            pending, value_next = None, True
        else:
            if pending is not None and pending[0] == name:
                return pending[1]
            pending = (unquote(token), text.count("\n", 0, start) + 1) if kind == "id" else None
            in_list = token != "]"
    return pending[1] if pending is not None and pending[0] == name else None


def attr_list(attrs: dict[str, Any]) -> str:
    """`` [k=v, ...]`` for a statement, or nothing when there are no attributes.

    Examples
    --------
    >>> attr_list({"label": "a b", "weight": 2}), attr_list({})
    (' [label="a b", weight=2]', '')
    """
    if not attrs:
        return ""
    return " [" + ", ".join(f"{k}={quote(str(v))}" for k, v in attrs.items()) + "]"


class DotStatements:
    """The nodes, edges and graph attributes of a parsed DOT graph, defaults applied.

    DOT default statements (``node [...]``, ``edge [...]``) apply to what
    follows them, within their subgraph; pydot keeps them as nodes named
    ``node`` and ``edge`` with a sequence number, so statements are replayed
    in that order. Attribute values are unquoted; node names lose their ports.
    """

    def __init__(self, graph: Any, text: str = "") -> None:
        self.text = text  # the DOT text, to name the line of a malformed attribute
        self.name = unquote(graph.get_name())
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.graph_attrs = self._values(graph)
        self._replay(graph, {}, {}, top=True)

    def _values(self, statement: Any) -> dict[str, str]:
        """A statement's attributes, unquoted; one without a value is an error."""
        attrs = statement.get_attributes()
        for key, value in attrs.items():
            if value is None:
                line = valueless_attribute_line(self.text, unquote(key))
                at = "" if line is None else f"line {line}: "
                raise GrammarError(
                    f"{at}attribute {unquote(key)!r} has no value; write {unquote(key)}=VALUE"
                )
        return {k: unquote(v) for k, v in attrs.items()}

    def _add_node(self, name: str, defaults: dict) -> dict:
        return self.nodes.setdefault(name, dict(defaults))

    def _endpoints(self, end: Any, defaults: dict) -> list[str]:
        # an ID, or an anonymous subgraph as in `a -> {b c}`
        names = [node_id(end)] if isinstance(end, str) else [node_id(n) for n in end["nodes"]]
        for name in names:
            self._add_node(name, defaults)
        return names

    def _replay(self, graph: Any, node_defaults: dict, edge_defaults: dict, top: bool) -> None:
        statements = [*graph.get_nodes(), *graph.get_edges(), *graph.get_subgraphs()]
        statements.sort(key=lambda s: s.obj_dict.get("sequence") or 0)
        for statement in statements:
            kind = statement.obj_dict["type"]
            attrs = self._values(statement)
            if kind == "subgraph":
                self._replay(statement, dict(node_defaults), dict(edge_defaults), top=False)
            elif kind == "edge":
                sources = self._endpoints(statement.get_source(), node_defaults)
                targets = self._endpoints(statement.get_destination(), node_defaults)
                data = {**edge_defaults, **attrs}
                self.edges.extend((u, v, dict(data)) for u in sources for v in targets)
            elif statement.get_name() == "node":
                node_defaults.update(attrs)
            elif statement.get_name() == "edge":
                edge_defaults.update(attrs)
            elif statement.get_name() == "graph":
                if top:
                    self.graph_attrs.update(attrs)
            else:
                self._add_node(node_id(statement.get_name()), node_defaults).update(attrs)


def parse_dot(text: str, where: str) -> DotStatements:
    """Parse DOT text with pydot into the statements of its one digraph, or raise a GrammarError.

    Examples
    --------
    >>> parsed = parse_dot('digraph g { a -> b [label=x] }', "<DOT text>")
    >>> parsed.name, parsed.edges
    ('g', [('a', 'b', {'label': 'x'})])
    """
    try:
        import pydot
    except ImportError as err:  # a declared dependency, but say what to do if it is missing
        raise GrammarError(f"{where}: reading DOT needs pydot; pip install pydot") from err
    messages = io.StringIO()
    # pydot prints syntax errors instead of raising, and its grammar trips
    # pyparsing's deprecation warnings; keep both off the user's terminal.
    with warnings.catch_warnings(), contextlib.redirect_stdout(messages):
        warnings.simplefilter("ignore")
        try:
            graphs = pydot.graph_from_dot_data(text)
        except Exception as err:  # pydot raises assorted types on malformed input
            raise GrammarError(f"{where}: invalid DOT: {err}") from err
    if not graphs:
        lines = [line.strip() for line in messages.getvalue().splitlines() if line.strip()]
        reason = lines[-1] if lines else "no graph found"
        raise GrammarError(f"{where}: invalid DOT: {reason}")
    if len(graphs) > 1:
        raise GrammarError(f"{where}: holds {len(graphs)} graphs; put one grammar per file")
    graph = graphs[0]
    if graph.get_type() != "digraph":
        raise GrammarError(f"{where}: is an undirected graph; declare the grammar as a digraph")
    try:
        return DotStatements(graph, text)
    except GrammarError as err:
        raise GrammarError(f"{where}: {err}") from err
