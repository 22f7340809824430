"""The import graph of the two packages, read from their source with ``ast``.

Guards the layout rules in CI:
- no import circle among modules (imports inside functions count; imports under
  ``if TYPE_CHECKING:`` do not, since they never run). Package faces are read as
  they run, as ``../shared/tools/structure.py`` reads them: importing ``pkg.sub``
  first runs ``pkg/__init__.py``, so it is an arrow to that face too. A face that
  imports its own descendants is only re-exporting them, and a module's own
  enclosing faces have already run, so neither is an arrow; a face importing a
  module beside or above it is an arrow like any other, and can close a circle;
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


Modules = dict[str, tuple[Path, ast.Module]]


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> Modules:
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            found[_module_name(path, root)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = _modules()


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _imports(name: str, modules: Modules = MODULES) -> list[tuple[str, str]]:
    """(module imported, name imported or '') for every run-time import of module `name`."""
    path, tree = modules[name]
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
                found.append((child, "") if child in modules else (source, alias.name))
    return found


def _graph(modules: Modules = MODULES) -> dict[str, set[str]]:
    """The run-time arrows between modules, package faces included, as they run."""
    graph = {}
    for name, (path, _) in modules.items():
        targets = set()
        for module, _ in _imports(name, modules):
            parts = module.split(".")
            # importing a.b.c runs the faces a and a.b, then a.b.c itself
            targets |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & modules.keys()
        if path.name == "__init__.py":  # a face re-exporting its own descendants
            targets = {t for t in targets if not t.startswith(name + ".")}
        # a module's own enclosing faces have already run when it runs
        graph[name] = {t for t in targets if t != name and not name.startswith(t + ".")}
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


def _plant(root: Path, files: dict[str, str]) -> Modules:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return _modules(root, ("pkg",))


def test_a_face_importing_above_itself_closes_a_circle(tmp_path):
    # core reaches pkg.io.dot lazily, which runs the face pkg.io first; that face imports core
    modules = _plant(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/core.py": "def to_dot():\n    from pkg.io.dot import write\n    return write()\n",
        "pkg/io/__init__.py": "from pkg.core import to_dot\n",
        "pkg/io/dot.py": "def write():\n    return ''\n",
    })
    assert _circles(_graph(modules)) == [["pkg.core", "pkg.io"]]


def test_faces_reexporting_their_own_modules_close_no_circle(tmp_path):
    modules = _plant(tmp_path, {
        "pkg/__init__.py": "from pkg.core import to_dot\n",  # re-exports a descendant
        "pkg/core.py": "import pkg\nfrom pkg.io import dot\n",  # pkg has already run
        "pkg/io/__init__.py": "from pkg.io.dot import write\n",
        "pkg/io/dot.py": "import pkg.io\ndef write():\n    return ''\n",
    })
    assert _graph(modules)["pkg.core"] == {"pkg.io", "pkg.io.dot"}
    assert _circles(_graph(modules)) == []


def test_the_circle_of_a_face_planted_in_a_copy_of_grammar_is_found(tmp_path):
    # grammar.io's face once imported grammar.lookup: lookup -> library -> ops -> core, and
    # core's format methods load grammar.io.dot, which runs that face first
    for path in (ROOT / "grammar").rglob("*.py"):
        copy = tmp_path / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert _circles(_graph(_modules(tmp_path, ("grammar",)))) == []
    face = tmp_path / "grammar" / "io" / "__init__.py"
    face.write_text(face.read_text(encoding="utf-8") + "\nfrom grammar.lookup import load\n",
                    encoding="utf-8")
    circles = _circles(_graph(_modules(tmp_path, ("grammar",))))
    assert len(circles) == 1
    assert {"grammar.io", "grammar.lookup", "grammar.core", "grammar.formats"} <= set(circles[0])


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

