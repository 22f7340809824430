"""Every example in README.md and docs/ runs, and prints what the page shows.

Each page runs top to bottom, in a fresh temporary directory, with one Python
namespace for all its blocks, so that a later block may use what an earlier
one made. What a fenced block's info string says decides what happens:

- ``pycon``: a doctest session (``>>>`` and ``...`` prompts); the output shown
  must be the output printed (``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``, as
  for the docstrings).
- ``python``: run as a script; it must not raise.
- ``console``: every ``$ grammar ...`` and ``$ neural ...`` line runs
  in-process; the lines after it, up to the next ``$`` or the block's end,
  must be its output (stdout, then stderr), line by line, where ``...``
  stands for any text. The exit status must be 0, or the N of a trailing
  ``# exit N`` comment. Any other command fails the test: mark it ``{.notest}``.
- any block with ``title="PATH"`` is a file: it is written to PATH, and
  later blocks may read it.
- ``{.notest}`` in the info string (```` ```python {.notest} ````): shown,
  never run. Blocks in other languages (``bash``, ``text``, ``toml``
  without a title) are not run.

A page that does not run in a few seconds has ``<!-- docs-test: slow -->``
on a line of its own, and runs only with ``-m slow``.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib.util
import io
import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^`\n]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.M | re.S)
SLOW_MARK = re.compile(r"^<!-- docs-test: slow -->$", re.M)
EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass(frozen=True)
class Block:
    """One fenced block of a page."""

    lang: str
    classes: frozenset[str]
    title: str | None
    body: str
    line: int


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, in order, dedented to their fence."""
    found = []
    for m in FENCE.finditer(text):
        info = m["info"].strip()
        lang = info.split(" ", 1)[0].split("{", 1)[0].strip()
        braces = re.search(r"\{([^}]*)\}", info)
        classes = frozenset(c.lstrip(".") for c in braces[1].split()) if braces else frozenset()
        title = re.search(r'title="([^"]+)"', info)
        indent = len(m["indent"])
        body = "".join(line[indent:] if line[:indent].isspace() else line
                       for line in m["body"].splitlines(keepends=True))
        found.append(Block(
            lang=lang,
            classes=classes,
            title=title[1] if title else None,
            body=body,
            line=text.count("\n", 0, m.start()) + 2,
        ))
    return found


def console_examples(body: str) -> list[tuple[str, int, list[str]]]:
    """``(command, expected exit status, output lines)`` for each ``$`` line of a console block."""
    examples: list[tuple[str, int, list[str]]] = []
    for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
        lines = chunk.rstrip("\n").split("\n")
        command = lines.pop(0)
        while command.endswith("\\") and lines:
            command = command[:-1].rstrip() + " " + lines.pop(0).strip()
        status = EXIT.search(command)
        if status:
            command = command[:status.start()]
        examples.append((command, int(status[1]) if status else 0, lines))
    return examples


def run_command(command: str) -> tuple[int, str]:
    """Run one ``grammar`` or ``neural`` command in-process: its exit status and output."""
    program, *argv = shlex.split(command)
    if program == "grammar":
        from grammar.cli import main
    elif program == "neural":
        from neural.cli import main
    else:
        raise AssertionError(f"{command!r}: only grammar and neural commands run; "
                             "mark the block {.notest} if it must not run")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as stop:  # --help and its like
            status = stop.code if isinstance(stop.code, int) else 0
    return status, out.getvalue() + err.getvalue()


def check_console(block: Block, where: str) -> None:
    checker = doctest.OutputChecker()
    for command, expected_status, expected in console_examples(block.body):
        status, got = run_command(command)
        got = "\n".join(line.rstrip() for line in got.splitlines()) + "\n"
        want = "\n".join(line.rstrip() for line in expected) + "\n"
        if not checker.check_output(want, got, doctest.ELLIPSIS):
            raise AssertionError(f"{where}: $ {command}\nexpected:\n{want}got:\n{got}")
        assert status == expected_status, f"{where}: $ {command} exited {status}\n{got}"


def check_pycon(block: Block, namespace: dict, where: str) -> None:
    test = doctest.DocTestParser().get_doctest(block.body, namespace, where, where, 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS, verbose=False)
    report = io.StringIO()
    runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)  # a DocTest runs in a copy of the namespace
    assert runner.failures == 0, report.getvalue()


@contextlib.contextmanager
def hypothesis_without_a_clock():
    """The pages' Hypothesis tests show what they find, not how fast: on a loaded machine the
    first draw (which builds the near-miss machinery) may be slow, and must not fail them."""
    settings.register_profile("docs-before", settings.default)
    settings.register_profile("docs", settings.default, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("docs")
    try:
        yield
    finally:
        settings.load_profile("docs-before")


def run_page(page: Path) -> None:
    """Run every block of `page`, in order, in the current directory."""
    with hypothesis_without_a_clock():
        run_blocks(page)


def run_blocks(page: Path) -> None:
    name = page.relative_to(ROOT).as_posix()
    namespace: dict = {"__name__": "__docs__"}
    for block in blocks(page.read_text(encoding="utf-8")):
        where = f"{name}:{block.line}"
        if "notest" in block.classes:
            continue
        if block.title:
            target = Path(block.title)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.body, encoding="utf-8")
        elif block.lang == "python":
            exec(compile(block.body, where, "exec"), namespace)
        elif block.lang == "pycon":
            check_pycon(block, namespace, where)
        elif block.lang == "console":
            check_console(block, where)


def _page_param(page: Path):
    slow = SLOW_MARK.search(page.read_text(encoding="utf-8")) is not None
    return pytest.param(page, id=page.relative_to(ROOT).as_posix(),
                        marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("page", [_page_param(p) for p in PAGES])
def test_page_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    run_page(page)


def test_the_pages_have_examples():
    """The README shows both sides and the command line; the docs pages hold many examples."""
    readme = [b for b in blocks(PAGES[0].read_text(encoding="utf-8")) if "notest" not in b.classes]
    assert {"python", "pycon", "console"} <= {b.lang for b in readme}
    assert any("from neural import" in b.body for b in readme)
    assert any("@given" in b.body for b in readme)
    run = [b for p in PAGES[1:] for b in blocks(p.read_text(encoding="utf-8"))
           if b.lang in ("python", "pycon", "console") and "notest" not in b.classes]
    assert len(run) >= 30


def test_the_readme_links_to_files_that_exist():
    """The README is not part of the site, so mkdocs does not check its links: this does."""
    links = re.findall(r"\]\(([^)#]+)", PAGES[0].read_text(encoding="utf-8"))
    local = [link for link in links if "://" not in link]
    assert len(local) >= 8
    assert [link for link in local if not (ROOT / link).is_file()] == []


def test_the_synopsis_lists_every_option_and_no_other(capsys):
    """docs/cli.md's synopsis against each subcommand's own --help."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    [synopsis] = [b for b in blocks(text) if "synopsis" in b.classes]
    listed: dict[str, set[str]] = {}
    command = None
    for line in synopsis.body.splitlines():
        line = line.split("#")[0]
        words = line.split()
        if words and words[0] in ("grammar", "neural", "torchrun"):
            command = " ".join(words[:2]) if words[0] != "torchrun" else None
        if command:
            listed.setdefault(command, set()).update(re.findall(r"(?<![\w-])--[a-z][a-z-]*", line))
    in_prose = {"--help", "--json", "--threads", "--quiet", "--device"}
    for command, options in listed.items():
        status, text = run_command(f"{command} --help")
        assert status == 0, command
        real = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text))
        assert options <= real, f"{command}: {sorted(options - real)} are not options"
        assert real <= options | in_prose, f"{command}: {sorted(real - options)} missing"
    assert {c.split()[1] for c in listed if c.startswith("neural")} >= {
        "train", "eval", "predict", "search", "extract", "certify", "check-certificate",
        "suite", "report"}


def test_the_pictures_are_drawn_from_the_code(tmp_path, capsys):
    """docs/make_pictures.py draws the Reber DFA and the import map (the quick two)."""
    if shutil.which("dot") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Graphviz's dot is not installed")
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")
    script = ROOT / "docs" / "make_pictures.py"
    spec = importlib.util.spec_from_file_location("make_pictures", script)
    pictures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pictures)
    assert pictures.main(["--only", "reber", "imports", "--out", str(tmp_path)]) == 0
    reber = (tmp_path / "img" / "reber.svg").read_text(encoding="utf-8")
    from grammar import library

    live = int(library.reber().dfa.live.sum())  # every state but the dead one, and the start
    assert reber.startswith("<svg") and reber.count('class="node"') == live + 1
    dot = pictures.imports_dot(pictures.module_imports())
    boxes = set(re.findall(r'^    "([\w.]+)" \[label', dot, flags=re.M))
    assert {"grammar.core", "grammar.io", "neural.judge", "neural.cells"} <= boxes
    arrows = re.findall(r'^  "([\w.]+)" -> "([\w.]+)";', dot, flags=re.M)
    import networkx as nx

    # The picture is the transitive reduction: a path stands for an import.
    assert nx.has_path(nx.DiGraph(arrows), "neural.model", "neural.cells")
    assert not [a for a in arrows if a[0].startswith("grammar") and a[1].startswith("neural")]
    assert "img/imports.svg" in capsys.readouterr().out


def test_blocks_are_parsed_as_the_convention_says():
    text = ('x\n```pycon\n>>> 1\n1\n```\n\n```python {.notest}\nboom()\n```\n'
            '    ```toml title="a/b.toml"\n    k = 1\n    ```\n')
    found = blocks(text)
    assert [(b.lang, sorted(b.classes), b.title, b.line) for b in found] == [
        ("pycon", [], None, 3), ("python", ["notest"], None, 8), ("toml", [], "a/b.toml", 11)]
    assert found[2].body == "k = 1\n"
    assert console_examples("$ grammar count reber -l 3 \\\n   --json  # exit 1\n{}\n") == [
        ("grammar count reber -l 3 --json", 1, ["{}"])]


def test_a_changed_output_fails(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    page.write_text("```console\n$ grammar count 're:[ab]*' -l 3\n9\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="expected"):
        check_console(blocks(page.read_text())[0], "page.md:2")
    wrong = Block("pycon", frozenset(), None, ">>> 2 + 2\n5\n", 1)
    with pytest.raises(AssertionError, match="Expected"):
        check_pycon(wrong, {}, "page.md:1")
    with pytest.raises(AssertionError, match="only grammar and neural"):
        run_command("ls -l")
