"""Draw the documentation's pictures from the code: run ``python docs/make_pictures.py``.

- ``img/reber.svg``: the Reber grammar's minimal DFA, laid out by Graphviz (``dot``);
- ``img/imports.svg``: the import map, read from the source with ``ast``: one box per
  module or subpackage of ``grammar`` and ``neural``, an arrow from each to what it imports
  at run time (``if TYPE_CHECKING:`` imports left out), implied arrows dropped;
- ``img/accuracy.png``: accuracy against length of the tiny Tomita 3 verifier that
  docs/tutorials/verifiers.md trains, with the same settings (a few seconds);
- ``report.png``: the report page of a suite, ``suites/tomita.toml`` by default, shot by
  headless Chromium. The suite trains eight networks (minutes); a suite directory that is
  already there is reused (``neural suite`` skips the finished runs).

``--only reber accuracy`` draws some of them, ``--out DIR`` writes elsewhere than docs/.
Graphviz and Chromium come from Debian's ``graphviz`` and ``chromium`` packages.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
PICTURES = ("reber", "imports", "accuracy", "report")

# The settings of the tutorial's tiny verifier (docs/tutorials/verifiers.md).
TUTORIAL_CONFIG = {"n_examples": 600, "hidden": 8, "max_epochs": 10, "min_samples": 0}


def draw_reber(out: Path) -> Path:
    """The Reber grammar's minimal DFA as SVG, as Jupyter shows it."""
    from grammar import library

    svg = library.reber().to_svg()
    if svg is None:
        raise SystemExit("make_pictures: Graphviz's dot is not installed "
                         "(apt-get install graphviz)")
    path = out / "img" / "reber.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(svg, encoding="utf-8")
    return path


def module_imports(root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of grammar and neural, and the project's modules it imports at run time."""
    trees = {}
    for package in ("grammar", "neural"):
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            trees[".".join(parts)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    found: dict[str, set[str]] = {name: set() for name in trees}
    for name, (path, tree) in trees.items():
        hinted = {id(node) for block in ast.walk(tree)
                  if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                  for child in block.body for node in ast.walk(child)}
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(tree):
            if id(node) in hinted:
                continue
            if isinstance(node, ast.Import):
                sources = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                source = ".".join(base + ([node.module] if node.module else []))
                sources = [source] + [f"{source}.{alias.name}" for alias in node.names]
            else:
                continue
            found[name].update(s for s in sources if s in trees and s != name)
    return found


def imports_dot(imports: dict[str, set[str]]) -> str:
    """The import map as DOT: modules grouped to ``grammar.X`` / ``neural.X``, the arrows a
    transitive reduction (the package faces, which re-export, are left out)."""
    import networkx as nx

    def box(name: str) -> str:
        return ".".join(name.split(".")[:2])

    graph = nx.DiGraph()
    for name, targets in imports.items():
        if "." not in name or name.endswith("__main__"):
            continue
        graph.add_node(box(name))
        graph.add_edges_from((box(name), box(t)) for t in targets
                             if "." in t and box(t) != box(name))
    reduced = nx.transitive_reduction(graph)
    lines = ["digraph imports {", "  rankdir=BT;",
             '  node [shape=box, fontsize=10, fontname="Helvetica"];',
             '  edge [arrowsize=0.5, color="#888888"];']
    for package, color in (("grammar", "#e8f0fe"), ("neural", "#fdf0e6")):
        lines.append(f'  subgraph cluster_{package} {{ label="{package}"; style=filled; '
                     f'color="{color}";')
        lines += [f'    "{n}" [label="{n.split(".", 1)[1]}"];'
                  for n in sorted(reduced) if n.startswith(package + ".")]
        lines.append("  }")
    lines += [f'  "{a}" -> "{b}";' for a, b in sorted(reduced.edges)]
    return "\n".join(lines + ["}"]) + "\n"


def draw_imports(out: Path) -> Path:
    """The import map of docs/architecture.md."""
    from grammar.display import svg_of_dot

    svg = svg_of_dot(imports_dot(module_imports()))
    if svg is None:
        raise SystemExit("make_pictures: Graphviz's dot is not installed "
                         "(apt-get install graphviz)")
    path = out / "img" / "imports.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(svg, encoding="utf-8")
    return path


def draw_accuracy(out: Path) -> Path:
    """Accuracy against length of the tutorial's Tomita 3 verifier."""
    from grammar import library
    from neural import TrainConfig, compare, train

    g = library.tomita(3)
    v = train(g, TrainConfig(**TUTORIAL_CONFIG), device="cpu", progress=False)
    path = out / "img" / "accuracy.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    compare(v, g, seed=0, n_per_set=200).plot(str(path))
    return path


def chromium() -> str:
    """The headless browser that shoots the report page."""
    for name in (os.environ.get("GRAMMARLAB_CHROMIUM"), "chromium", "chromium-browser",
                 "google-chrome"):
        found = name and shutil.which(name)
        if found:
            return found
    raise SystemExit("make_pictures: no Chromium found (apt-get install chromium, "
                     "or set GRAMMARLAB_CHROMIUM)")


def draw_report(out: Path, spec: Path, suite_dir: Path) -> Path:
    """Run (or finish) the suite, write its report page, and shoot it at 1280 x 1400."""
    neural = [sys.executable, "-m", "neural"]
    subprocess.run([*neural, "suite", str(spec), "--out", str(suite_dir), "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    path = out / "report.png"
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        subprocess.run([*neural, "report", str(suite_dir), "--html", str(html)], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", f"--user-data-dir={tmp}/profile",
                        f"--screenshot={path.resolve()}", "--window-size=1280,1400",
                        html.as_uri()], check=True, capture_output=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=PICTURES, default=list(PICTURES))
    parser.add_argument("--out", type=Path, default=DOCS, help="folder to write (default docs/)")
    parser.add_argument("--suite", type=Path, default=ROOT / "suites" / "tomita.toml",
                        help="the suite spec of the report page")
    parser.add_argument("--suite-dir", type=Path, default=ROOT / "runs" / "tomita",
                        help="its run directory, reused when it is there")
    args = parser.parse_args(argv)
    for name in args.only:
        if name == "reber":
            path = draw_reber(args.out)
        elif name == "imports":
            path = draw_imports(args.out)
        elif name == "accuracy":
            path = draw_accuracy(args.out)
        else:
            path = draw_report(args.out, args.suite, args.suite_dir)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
