"""JSON files: one object holding the declaration, weights included.

The schema::

    {
      "name": "ab-star",                  // optional, str or null
      "description": "a b*",              // optional
      "nodes": ["q0", "q1"],              // optional: every state, in order
      "start": "q0",                      // a node: str or int
      "accepting": ["q1"],
      "edges": [
        {"source": "q0", "target": "q1", "symbol": "a", "weight": 2.0},
        {"source": "q1", "target": "q1", "symbol": "b"}
      ],
      "stop_weights": {"q1": 0.5},        // optional; keys are nodes as text
      "empty": false                      // optional: true declares the empty language
    }

``symbol`` is required on every edge; ``null`` is an epsilon move.
``weight`` defaults to 1. No other keys are allowed, so a typo is an error.
An empty ``accepting`` list is refused as a forgotten mark unless ``"empty":
true`` says the empty language is meant.

Integer and string node labels survive a round trip; others are written as
text, and when two labels would print the same, the states are numbered.

Examples
--------
>>> parsed = read_json('{"start": 0, "accepting": [1], '
...                    '"edges": [{"source": 0, "target": 1, "symbol": "a"}]}')
>>> parsed.declaration.start, sorted(parsed.declaration.accepting), parsed.where
(0, [1], '<JSON text>')
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from grammar.errors import GrammarError
from grammar.graph import Declaration, validate_declaration
from grammar.io.sources import Parsed, Source, in_file, portable_names, read_source

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = ["read_json", "write_json"]

_KEYS = ("name", "description", "nodes", "start", "accepting", "edges", "stop_weights", "empty")
_EDGE_KEYS = ("source", "target", "symbol", "weight")


def _node(value: Any, where: str) -> Hashable:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise GrammarError(f"{where} is {value!r}; a node is a string or an integer")
    return value


def _field(document: dict, key: str, kinds: type | tuple[type, ...], default: Any = ...) -> Any:
    if key not in document:
        if default is ...:
            raise GrammarError(f"missing key {key!r}")
        return default
    value = document[key]
    if not isinstance(value, kinds):
        names = "/".join(k.__name__ for k in (kinds if isinstance(kinds, tuple) else (kinds,)))
        raise GrammarError(f"{key!r} must be {names}, not {type(value).__name__}")
    return value


def _edge(edge: Any, index: int) -> tuple[Hashable, Hashable, dict]:
    where = f"edges[{index}]"
    if not isinstance(edge, dict):
        raise GrammarError(f"{where} must be an object, not {type(edge).__name__}")
    unknown = sorted(set(edge) - set(_EDGE_KEYS))
    if unknown:
        raise GrammarError(f"{where} has unknown key {unknown[0]!r}; allowed: {_EDGE_KEYS}")
    for key in ("source", "target", "symbol"):
        if key not in edge:
            hint = " (null for an epsilon move)" if key == "symbol" else ""
            raise GrammarError(f"{where} has no {key!r}{hint}")
    data = {"symbol": edge["symbol"]}
    if "weight" in edge:
        data["weight"] = edge["weight"]
    source = _node(edge["source"], f"{where}.source")
    return source, _node(edge["target"], f"{where}.target"), data


def _declaration(document: Any) -> Declaration:
    """The validated declaration of a parsed JSON document (see the module docstring)."""
    import networkx as nx

    if not isinstance(document, dict):
        raise GrammarError(f"the top level must be an object, not {type(document).__name__}")
    unknown = sorted(set(document) - set(_KEYS))
    if unknown:
        raise GrammarError(f"unknown key {unknown[0]!r}; allowed: {', '.join(_KEYS)}")
    if "start" not in document:
        raise GrammarError("missing key 'start'")
    G = nx.MultiDiGraph(start=_node(document["start"], "'start'"))
    if _field(document, "empty", bool, False):
        G.graph["empty"] = True
    for index, node in enumerate(_field(document, "nodes", list, [])):
        G.add_node(_node(node, f"nodes[{index}]"))
    G.add_node(G.graph["start"])
    for index, edge in enumerate(_field(document, "edges", list)):
        u, v, data = _edge(edge, index)
        G.add_edge(u, v, **data)
    for index, node in enumerate(_field(document, "accepting", list)):
        G.add_node(_node(node, f"accepting[{index}]"), accepting=True)
    by_text: dict[str, list] = {}
    for node in G.nodes:
        by_text.setdefault(str(node), []).append(node)
    for key, weight in _field(document, "stop_weights", dict, {}).items():
        matches = by_text.get(key, [])
        if len(matches) != 1:
            problem = "names no node" if not matches else f"is ambiguous between {matches!r}"
            raise GrammarError(f"stop_weights key {key!r} {problem}")
        G.nodes[matches[0]]["stop_weight"] = weight
    return validate_declaration(G)


def read_json(source: Source) -> Parsed:
    """Read a JSON file, JSON text or open file into a validated declaration.

    Raises
    ------
    TypeError
        If `source` is not a path, text or open file.
    GrammarError
        If the file is missing or unreadable, is not valid JSON, breaks the
        schema or declares an invalid grammar; the message starts with the
        file name.
    """
    text, where, stem = read_source(source, "JSON")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise GrammarError(
            f"{where}: invalid JSON: {err.msg} at line {err.lineno} column {err.colno}"
        ) from err
    with in_file(where):
        declaration = _declaration(document)
        description = _field(document, "description", str, "")
        name = _field(document, "name", (str, type(None)), None) or stem
    return Parsed(declaration, name=name, description=description, where=where)


def write_json(g: Grammar) -> str:
    """The grammar's declaration as JSON text, one edge per line, for :func:`read_json`."""
    declaration = g.declaration

    def convert(node: Any) -> int | str:
        if isinstance(node, numbers.Integral) and not isinstance(node, bool):
            return int(node)
        return node if isinstance(node, str) else str(node)

    names = portable_names(declaration.nodes, convert)
    dump = json.dumps
    edges = [
        dump(
            {
                "source": names[e.source],
                "target": names[e.target],
                "symbol": e.symbol,
                "weight": e.weight,
            },
            ensure_ascii=False,
        )
        for e in declaration.edges
    ]
    accepting = [names[n] for n in declaration.nodes if n in declaration.accepting]
    stop_weights = {str(names[n]): w for n, w in declaration.stop_weights.items()}
    edge_block = "[\n    " + ",\n    ".join(edges) + "\n  ]" if edges else "[]"
    lines = [
        f'  "name": {dump(g.name, ensure_ascii=False)}',
        f'  "description": {dump(g.description, ensure_ascii=False)}',
        f'  "nodes": {dump(list(names.values()), ensure_ascii=False)}',
        f'  "start": {dump(names[declaration.start], ensure_ascii=False)}',
        f'  "accepting": {dump(accepting, ensure_ascii=False)}',
        f'  "edges": {edge_block}',
        f'  "stop_weights": {dump(stop_weights, ensure_ascii=False)}',
    ]
    if not declaration.accepting:
        lines.append('  "empty": true')
    return "{\n" + ",\n".join(lines) + "\n}\n"
