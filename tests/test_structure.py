"""The import graph of the two packages, read from their source with ``ast``.

Guards the layout rules in CI:
- no import circle among modules (imports inside functions count; imports under
  ``if TYPE_CHECKING:`` do not, since they never run; a package's ``__init__``
  re-exporting its children is not a circle);
- ``grammar`` never imports ``neural`` or ``torch``, at any depth of the code;
- no private name (leading underscore) is imported from another module of the project;
- importing ``grammar`` loads neither torch nor the generators' heavy dependencies it does
  not need (checked in a fresh interpreter).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("grammar", "neural")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = _modules()


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _imports(name: str) -> list[tuple[str, str]]:
    """(module imported, name imported or '') for every run-time import of module `name`."""
    path, tree = MODULES[name]
    skipped = _type_checking_nodes(tree)
    package_parts = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                child = f"{source}.{alias.name}"
                found.append((child, "") if child in MODULES else (source, alias.name))
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, (path, _) in MODULES.items():
        if path.name == "__init__.py":
            continue
        targets = set()
        for module, _ in _imports(name):
            if module in MODULES and module != name and MODULES[module][0].name != "__init__.py":
                targets.add(module)
        graph[name] = targets
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (iterative Tarjan)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_circle_finder_finds_circles():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles():
    assert _circles(_graph()) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("grammar")))
def test_grammar_never_imports_neural_or_torch(name):
    bad = [m for m, _ in _imports(name) if m.split(".")[0] in ("neural", "torch")]
    assert bad == [], f"{name} imports {bad}"


def test_no_private_names_cross_module_borders():
    crossing = []
    for name in MODULES:
        for module, imported in _imports(name):
            private = imported.startswith("_") and not imported.startswith("__")
            compiled = any((ROOT / module.replace(".", "/") / f"{imported}{suffix}").exists()
                           for suffix in (".c", ".pyx"))
            if private and module in MODULES and module != name and not compiled:
                crossing.append(f"{name} <- {module}.{imported}")
    assert crossing == []


def test_tests_use_public_names_only():
    crossing = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PACKAGES:
                for alias in node.names:
                    name = alias.name
                    compiled = (ROOT / node.module.replace(".", "/") / f"{name}.c").exists()
                    if name.startswith("_") and not name.startswith("__") and not compiled:
                        crossing.append(f"{path.name} <- {node.module}.{name}")
    assert crossing == []


def test_importing_grammar_loads_no_torch():
    code = "import sys, grammar, grammar.sampling, grammar.negatives; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert out.stdout.strip() == "False"

