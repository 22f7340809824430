"""The package's dependencies: the exact side installs and runs without the neural extra.

Oracles: the third-party modules that ``grammar`` and ``neural`` import, read
from their source with ``ast``, against the requirements declared in
pyproject.toml; and fresh interpreters in which the neural extra's modules
cannot be imported (``sys.modules[name] = None``: ``import torch`` raises
ModuleNotFoundError and :func:`importlib.util.find_spec` finds nothing, as on
a machine where they were never installed). ``.ci/run`` repeats the check for
real: the built wheel in fresh virtual environments, with and without torch.
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neural.entry import EXTRA_MODULES, INSTALL_HINT

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

# Distribution names of the modules imported under another name.
DISTRIBUTION = {"automata": "automata-lib"}
NEURAL_EXTRA = ("torch", "safetensors", "matplotlib", "jinja2")


def _names(requirements: list[str]) -> set[str]:
    """The normalised distribution names of PEP 508 requirement strings."""
    return {re.match(r"[A-Za-z0-9._-]+", r).group().lower().replace("_", "-")
            for r in requirements}


def _third_party_imports(package: str) -> set[str]:
    """The top-level names of every module that `package` imports, at any depth of its code,
    that is neither the standard library nor this project."""
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = [node.module.split(".")[0]]
            else:
                continue
            found.update(r for r in roots if r not in sys.stdlib_module_names
                         and not r.startswith("_") and r not in ("grammar", "neural"))
    return found


def _distributions(modules: set[str]) -> set[str]:
    return {DISTRIBUTION.get(m, m) for m in modules}


def test_the_core_dependencies_are_the_exact_side_only():
    assert _names(PROJECT["dependencies"]) == {"numpy", "networkx", "hypothesis", "pydot", "tqdm"}
    extras = PROJECT["optional-dependencies"]
    assert set(NEURAL_EXTRA) <= _names(extras["neural"])
    assert set(EXTRA_MODULES) == set(NEURAL_EXTRA)
    # `pip install -e ".[dev]" && pytest` runs every test, the neural ones included.
    assert "grammarlab[neural]" in extras["dev"]
    assert {"pytest", "build", "twine"} <= _names(extras["dev"])


def test_what_grammar_imports_is_declared_and_not_the_neural_extra():
    imported = _distributions(_third_party_imports("grammar"))
    extras = PROJECT["optional-dependencies"]
    optional = set().union(*(_names(extras[e]) for e in extras if e not in ("neural", "dev")))
    assert not imported & set(NEURAL_EXTRA)
    # Optional adapters (aalpy, automata-lib) are imported where used, with an install hint.
    assert imported <= _names(PROJECT["dependencies"]) | optional, imported


def test_what_neural_imports_is_declared_in_the_core_or_the_neural_extra():
    imported = _distributions(_third_party_imports("neural"))
    declared = _names(PROJECT["dependencies"]) | _names(PROJECT["optional-dependencies"]["neural"])
    assert imported <= declared, imported - declared
    assert set(NEURAL_EXTRA) <= imported  # the extra holds nothing that neural does not use


def test_the_console_scripts_resolve():
    scripts = PROJECT["scripts"]
    assert set(scripts) == {"grammar", "neural"}
    for target in scripts.values():
        module, _, name = target.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), target
    assert scripts["neural"] == "neural.entry:main"


def test_the_readme_installs_what_its_commands_run():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"^pip install .*$", readme, flags=re.M)
    assert any(" neural train " in line for line in lines)
    for line in lines:
        if re.search(r"&& (neural|pytest)\b", line):
            assert re.search(r"\[(neural|dev)\]", line), line


def test_the_changelog_has_an_unreleased_section_and_ships_in_the_sdist():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", changelog, flags=re.M)
    assert sections[0] == "Unreleased"
    assert f"{PROJECT['version']} - " in changelog  # the released version has its entry
    assert "include CHANGELOG.md" in (ROOT / "MANIFEST.in").read_text(encoding="utf-8")


def _without(modules: tuple[str, ...], body: str) -> subprocess.CompletedProcess[str]:
    """Run `body` in a fresh interpreter where none of `modules` can be imported."""
    script = (f"import sys\nfor _name in {modules!r}:\n    sys.modules[_name] = None\n"
              + textwrap.dedent(body))
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_grammar_works_without_the_neural_extra():
    done = _without(NEURAL_EXTRA, """
        import contextlib, io, re
        import networkx as nx
        from grammar import Grammar, library, near_misses, sample
        from grammar.cli import main
        from grammar.strategies import members
        from hypothesis import given, settings

        # (ab)*c declared in networkx, sampled, and checked against re.fullmatch
        graph = nx.MultiDiGraph(start="s")
        graph.add_node("f", accepting=True)
        graph.add_edge("s", "a", symbol="a")
        graph.add_edge("a", "s", symbol="b")
        graph.add_edge("s", "f", symbol="c")
        g = Grammar(graph)
        words = sample(g, 200, seed=3, max_length=9)
        assert words and all(re.fullmatch("(ab)*c", w) for w in words), words
        assert not any(re.fullmatch("(ab)*c", w) for w in near_misses(g, 50, seed=4))

        @settings(max_examples=20, database=None)
        @given(members(library.reber()))
        def reber_members_end_in_e(word):
            assert word.startswith("B") and word.endswith("E")

        reber_members_end_in_e()
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            assert main(["check", "reber", "BTXSE"]) == 0
            assert main(["check", "reber", "BTE"]) == 1
        assert out.getvalue().splitlines()[0] == "BTXSE: accepted", out.getvalue()
        loaded = {"torch", "safetensors", "matplotlib", "jinja2", "neural"} & {
            m.split(".")[0] for m, v in sys.modules.items() if v is not None}
        print(sorted(loaded))
        """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


NEURAL_MAIN = """
import runpy
sys.argv = ["neural", *{args!r}]
runpy.run_module("neural", run_name="__main__")
"""


@pytest.mark.parametrize("args", [[], ["--help"], ["train", "tomita-1", "--out", "runs/x"],
                                  ["eval", "runs/x", "--json"]])
def test_neural_without_torch_names_the_extra_in_one_line(args):
    done = _without(NEURAL_EXTRA, NEURAL_MAIN.format(args=args))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "neural: error: torch, safetensors, matplotlib and jinja2 are not installed: the neural "
        f"command needs the neural extra: {INSTALL_HINT}\n"
    )
    assert "grammarlab[neural]" in done.stderr


def test_neural_names_the_one_module_missing():
    done = _without(("matplotlib",), NEURAL_MAIN.format(args=["train", "tomita-1"]))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("neural: error: matplotlib is not installed: ")
    assert done.stderr.count("\n") == 1


def test_check_certificate_needs_safetensors_but_not_torch(tmp_path):
    missing_dir = str(tmp_path / "missing")
    done = _without(("torch", "matplotlib", "jinja2"),
                    NEURAL_MAIN.format(args=["check-certificate", missing_dir]))
    # Past the extra's check: the command itself reports the missing directory.
    assert done.returncode == 2
    assert "not installed" not in done.stderr and missing_dir in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1
    done = _without(("safetensors",), NEURAL_MAIN.format(args=["check-certificate", missing_dir]))
    assert done.returncode == 2
    assert done.stderr.startswith("neural: error: safetensors is not installed: "), done.stderr


def test_neural_with_its_extra_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "neural", "--help"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: neural")
