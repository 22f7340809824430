"""The page that ``neural report`` writes, in a real headless Chromium; the DFA pictures.

The browser tests open the page, take a screenshot, and check the key elements
against independent oracles: the grammar's own DFA (states drawn), the suite's
``results.json`` (table rows), Python's sort (column order), the automaton's
``explain`` (highlighted symbol). A suite whose grammar's name and tokens are
HTML (``<script>alert(1)</script>``, ``"><img src=x onerror=alert(1)>``) must
run no script. They skip, saying why, where Chromium or Playwright is missing,
unless ``CI=true``: then they must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grammar import Grammar, library
from grammar.display import DisplayMethods, dfa_dot, dot_program, svg_of_dot
from neural import train
from neural.cli import main
from neural.page import page_html, write_page
from neural.suite import GRAMMAR_FILE, RUNS, parse_spec, read_results, run_suite

SCRIPT = "<script>alert(1)</script>"
# Tokens hold no whitespace (they are written space-separated), so the token form of the
# attribute payload uses the slashes HTML also accepts; the name carries the spaced form.
IMG = '"><img/src=x/onerror=alert(1)>'
EVIL_NAME = '<b>bold</b>"><img src=x onerror=alert(2)>'
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

TRAIN = """
[[models]]
name = "tiny"
hidden = 8
[train]
n_examples = 300
lengths = [0, 8]
embedding = 4
batch_size = 16
lr = 0.03
grad_clip = 1.0
update_bias = 2.0
max_epochs = 2
target_accuracy = 1.0
min_samples = 0
threads = 1
[compare]
n_per_set = 60
"""


def _evil_grammar() -> Grammar:
    # Words alternate the two HTML tokens, ending on the script token.
    edges = [(0, 1, SCRIPT), (1, 0, IMG), (1, 1, "&amp;")]
    return Grammar.from_edges(edges, start=0, accepting=[1], name=EVIL_NAME)


def _anchor(run_id: str) -> str:
    return "run-" + re.sub(r"[^A-Za-z0-9_-]", "_", run_id)


def _chromium() -> str | None:
    found = os.environ.get("GRAMMARLAB_CHROMIUM")
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = found or shutil.which(name)
    return found


@pytest.fixture(scope="module")
def browser_page():
    """A function opening a local HTML file in headless Chromium; yields Playwright pages."""
    chromium = _chromium()
    reason = None
    if chromium is None:
        reason = "no Chromium found (apt-get install chromium, or set GRAMMARLAB_CHROMIUM)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "the playwright package is not installed (pip install playwright)"
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
        pytest.skip(reason)
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=CHROMIUM_FLAGS[1:],
            viewport={"width": 1280, "height": 1000})
        # Record any alert() instead of showing it: the page must never call one.
        context.add_init_script("window.__alerts = []; window.alert = function (m) "
                                "{ window.__alerts.push(String(m)); };")
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))

        def open_page(path: Path):
            page = context.new_page()
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            return page

        open_page.requests = requests
        yield open_page
        context.close()


@pytest.fixture(scope="module")
def suite_page(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("report")
    (root / "evil.json").write_text(_evil_grammar().to_json(), encoding="utf-8")
    spec = parse_spec('[grammars]\nbuiltin = ["tomita-2", "parity"]\nfiles = ["evil.json"]\n'
                      + TRAIN, base=root)
    run_suite(spec, root / "suite", progress=False)
    html = write_page(root / "suite", root / "suite.html")
    return root / "suite", html


# -- the checks a page must pass (an empty table or a broken SVG fails them) ---------------------


def check_suite_page(page, suite: Path) -> None:
    rows = read_results(suite)["rows"]
    body = page.locator("#results-table tbody tr")
    assert body.count() == len(rows) > 0, "the results table has the wrong number of rows"
    for k, row in enumerate(rows):
        cells = body.nth(k).locator("td")
        assert cells.nth(1).inner_text().strip() == (row["grammar"] or "ε")
        target = body.nth(k).locator("a").get_attribute("href")
        assert page.locator(target).count() == 1, f"row {k} links to no section"
    for plot in ("summary-states", "summary-alphabet"):
        lines = page.locator(f'#summary svg g[id^="{plot}-"] path')
        assert lines.count() >= 1, f"{plot}: nothing drawn"
        assert (lines.first.get_attribute("d") or "").strip(), f"{plot}: empty line"
    for row in rows:
        run_dir = suite / RUNS / row["run"]
        g = Grammar.from_json(str(run_dir / GRAMMAR_FILE))
        check_run_section(page.locator("#" + _anchor(row["run"])), g)


def check_run_section(section, g: Grammar) -> None:
    assert section.count() == 1
    svg = section.locator("figure.dfa svg")
    if dot_program() is not None:
        assert svg.count() == 1, "no DFA drawing"
        expected = int(g.dfa.live.sum()) + (0 if g.dfa.live[g.dfa.start] else 1) + 1  # + start
        assert svg.locator("g.node").count() == expected, "the DFA drawing lacks states"
        box = svg.bounding_box()
        assert box is not None and box["width"] > 20 and box["height"] > 20
    else:
        assert section.locator("table.transitions tbody tr").count() >= 1
    line = section.locator('figure.accuracy-plot svg g[id$="-accuracy"] path')
    assert line.count() >= 1 and (line.first.get_attribute("d") or "").strip(), "no plot"
    assert section.locator("table.sets tbody tr").count() == 5  # four sets and the total
    assert section.locator("table.kinds tbody tr").count() >= 2


# -- browser tests ---------------------------------------------------------------------------------


def test_suite_page_in_the_browser(browser_page, suite_page, tmp_path: Path) -> None:
    suite, html = suite_page
    page = browser_page(html)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.title() == "Suite " + read_results(suite)["suite"]
    check_suite_page(page, suite)
    assert all(url.startswith("file:") for url in browser_page.requests), "the page fetched"


def test_escaping_runs_no_script(browser_page, suite_page) -> None:
    suite, html = suite_page
    page = browser_page(html)
    assert page.evaluate("window.__alerts") == []
    assert page.evaluate("document.scripts.length") == 1  # the page's own sorter
    assert page.locator("img").count() == 0
    assert page.locator("b").count() == 0  # the grammar name's <b> stayed text
    text = page.locator("body").inner_text()
    assert EVIL_NAME in text and SCRIPT in text and IMG in text
    # The tokens are drawn as text in the DFA too.
    evil = next(r for r in read_results(suite)["rows"] if r["grammar"] == EVIL_NAME)
    section = page.locator("#" + _anchor(evil["run"]))
    if dot_program() is not None:
        drawn = section.locator("figure.dfa svg").inner_html()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in drawn and "&amp;amp;" in drawn


def test_sorting_a_column(browser_page, suite_page) -> None:
    suite, html = suite_page
    page = browser_page(html)
    rows = read_results(suite)["rows"]
    # The page's first column is the run's link; the results' "run" column is not shown.
    shown_columns = [c for c in read_results(suite)["columns"] if c != "run"]
    column = shown_columns.index("samples") + 1
    header = page.locator("#results-table thead th").nth(column)
    assert header.inner_text().strip().startswith("samples")

    def shown() -> list[int]:
        return [int(v) for v in page.locator(f"#results-table tbody tr td:nth-child({column + 1})")
                .evaluate_all("cells => cells.map(c => c.getAttribute('data-value'))")]

    header.click()
    assert shown() == sorted(r["samples"] for r in rows)
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert shown() == sorted((r["samples"] for r in rows), reverse=True)
    grammar = page.locator("#results-table thead th").nth(1)
    grammar.click()
    names = page.locator("#results-table tbody tr td:nth-child(2)").all_inner_texts()
    assert names == sorted((r["grammar"] for r in rows), key=str.lower)


def test_offending_symbol_is_highlighted(browser_page, suite_page) -> None:
    suite, html = suite_page
    page = browser_page(html)
    marks = 0
    for row in read_results(suite)["rows"]:
        g = Grammar.from_json(str(suite / RUNS / row["run"] / GRAMMAR_FILE))
        section = page.locator("#" + _anchor(row["run"]))
        table = section.locator("table.disagreements tbody tr")
        expected = json.loads((suite / RUNS / row["run"] / "report.json").read_text())[
            "disagreements"]
        assert table.count() == len(expected)
        for k, d in enumerate(expected):
            word = d["word"] if isinstance(d["word"], str) else tuple(d["word"])
            why = g.explain(word)
            mark = table.nth(k).locator("mark.offending")
            if why.accepted:
                assert mark.count() == 0
            elif why.ended_early:
                assert mark.inner_text() == "⟂"
            else:
                assert mark.inner_text() == g.symbols_of(word)[why.position]
                marks += 1
            assert table.nth(k).locator("td.why").inner_text() == str(why)
    assert marks >= 1, "no disagreement had a symbol to mark; train less"


def test_checks_fail_on_an_empty_table_or_a_broken_svg(browser_page, suite_page,
                                                       tmp_path: Path) -> None:
    suite, html = suite_page
    text = html.read_text(encoding="utf-8")
    empty = re.sub(r"(<tbody>)(.*?)(</tbody>)", r"\1\3", text, count=1, flags=re.DOTALL)
    broken = text.replace('class="node"', 'class="nodule"')
    for name, bad in (("empty.html", empty), ("broken.html", broken)):
        if bad == text:
            continue
        (tmp_path / name).write_text(bad, encoding="utf-8")
        page = browser_page(tmp_path / name)
        with pytest.raises(AssertionError):
            check_suite_page(page, suite)


def test_training_directory_page(browser_page, tmp_path: Path) -> None:
    from neural import TrainConfig

    config = TrainConfig(n_examples=200, lengths=(0, 6), hidden=4, max_epochs=1, threads=1)
    train(library.reber(), config, device="cpu", out=tmp_path / "run", progress=False)
    html = write_page(tmp_path / "run", tmp_path / "run.html", n_per_set=40)
    page = browser_page(html)
    page.screenshot(path=str(tmp_path / "run.png"), full_page=True)
    assert page.title() == "Verifier for reber"
    check_run_section(page.locator("#run"), library.reber())
    assert page.locator("#results-table").count() == 0


# -- without a browser ---------------------------------------------------------------------------


def test_training_directory_report_from_the_cli(tmp_path: Path, capsys) -> None:
    from neural import TrainConfig

    config = TrainConfig(n_examples=200, lengths=(0, 6), hidden=4, max_epochs=1, threads=1)
    train(library.tomita(4), config, device="cpu", out=tmp_path / "run", progress=False)
    out = tmp_path / "t.html"
    assert main(["report", str(tmp_path / "run"), "--html", str(out), "--n-per-set", "30"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Verifier for tomita-4" in html and 'class="sets"' in html
    assert main(["report", str(tmp_path / "nope"), "--html", str(out)]) == 2
    assert "nope" in capsys.readouterr().err


def test_fallback_table_without_graphviz(suite_page, monkeypatch) -> None:
    suite, _ = suite_page
    monkeypatch.setenv("PATH", "/nonexistent")
    html = page_html(suite)
    g = library.tomita(2)
    assert "Graphviz&#39;s dot is not installed" in html or "Graphviz's dot is not" in html
    start = html.index('id="run-000-tomita-2-tiny-s0"')
    section = html[start:html.index("</section>", start)]
    assert "<svg" not in section.split('class="plot accuracy-plot"')[0]
    rows = re.findall(r"<tr><td>(?:→ )?(\d+)(?: \(accepting\))?</td>(.*?)</tr>",
                      section.split('class="transitions"')[1].split("</table>")[0])
    live = g.dfa.live
    assert [int(s) for s, _ in rows] == [s for s in range(g.dfa.n_states) if live[s]]
    for s, cells in rows:
        targets = re.findall(r"<td>(\w+)</td>", cells)
        assert targets == [str(int(t)) if live[t] else "dead" for t in g.dfa.table[int(s)]]


# -- grammar.display -------------------------------------------------------------------------------


class Shown(DisplayMethods):
    def __init__(self, g: Grammar) -> None:
        self.dfa, self.name = g.dfa, g.name


needs_dot = pytest.mark.skipif(dot_program() is None, reason="Graphviz's dot is not installed")


@needs_dot
def test_repr_svg_draws_every_live_state_and_symbol() -> None:
    g = _evil_grammar()
    svg = Shown(g)._repr_svg_()
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    nodes = [e for e in root.iter(f"{ns}g") if e.get("class") == "node"]
    assert len(nodes) == int(g.dfa.live.sum()) + 1
    texts = {t.text for t in root.iter(f"{ns}text")}
    for symbol in g.alphabet:
        assert any(symbol in (t or "") for t in texts), symbol
    assert EVIL_NAME in texts


def test_repr_svg_is_quietly_none_without_graphviz(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Shown(library.reber())._repr_svg_() is None
    with pytest.raises(FileNotFoundError, match="Graphviz"):
        Shown(library.reber()).to_svg()


@needs_dot
def test_dot_labels_survive_quotes_and_backslashes() -> None:
    g = Grammar.from_edges([(0, 1, 'a"b'), (1, 0, "c\\nd")], start=0, accepting=[1])
    root = ET.fromstring(svg_of_dot(dfa_dot(g.dfa)))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert 'a"b' in texts and "c\\nd" in texts


def test_too_large_to_draw_is_refused(monkeypatch) -> None:
    from grammar import random_grammar

    g = random_grammar(300, "ab", seed=0)
    assert Shown(g)._repr_svg_() is None
    with pytest.raises(ValueError, match="drawings stop at"):
        Shown(g).to_svg()


@needs_dot
def test_grammar_show_format_svg(capsys) -> None:
    from grammar.cli import main as grammar_main

    assert grammar_main(["show", "tomita-3", "--format", "svg"]) == 0
    root = ET.fromstring(capsys.readouterr().out)
    nodes = [e for e in root.iter("{http://www.w3.org/2000/svg}g") if e.get("class") == "node"]
    g = library.tomita(3)
    assert len(nodes) == int(g.dfa.live.sum()) + 1


# -- the judges' sections: one per judge of the registry, in the one vocabulary -------------------


# Parity, with every judge of the registry, each on a small budget.
JUDGED = ('[grammars]\nbuiltin = ["parity"]\n' + TRAIN + "[search]\nmax_length = 6\nbudget = 2.0\n"
          "[extract]\nbudget = 2.0\n[certify]\nbudget = 2.0\n")


@pytest.fixture(scope="module")
def judged_suite(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("judged")
    spec = parse_spec(JUDGED)
    run_suite(spec, root / "suite", progress=False)
    return root / "suite", write_page(root / "suite", root / "suite.html")


def test_every_judge_has_its_section_and_verdict_on_the_page(browser_page, judged_suite) -> None:
    from neural.judge.common import VERDICTS
    from neural.suite.judges import JUDGES

    suite, html = judged_suite
    (row,) = read_results(suite)["rows"]
    page = browser_page(html)
    section = page.locator("#" + _anchor(row["run"]))
    said = section.locator("p.verdict")
    assert said.count() == len(JUDGES)
    for k, judge in enumerate(JUDGES.values()):
        saved = json.loads((suite / RUNS / row["run"] / judge.file).read_text())
        assert saved["verdict"] in VERDICTS
        assert said.nth(k).get_attribute("data-verdict") == saved["verdict"]
        # The verdict once, then the saved summary, less the verdict where it says it first.
        head = saved["verdict"] + ": "
        assert said.nth(k).inner_text() == head + saved["summary"].removeprefix(head)
        assert section.locator("h3", has_text=judge.title).count() == 1
    assert row["verdict"] == json.loads((suite / RUNS / row["run"] / "extract.json").read_text())[
        "verdict"]
    assert row["certify_verdict"] in ("proved", "counterexample", "undecided")
    # The picture of the proof is shown for a proved run only.
    pictures = section.locator("figure.proof-picture svg")
    assert pictures.count() == (1 if row["certify_verdict"] == "proved" else 0)
    header = [c.strip() for c in page.locator("#results-table thead th").all_inner_texts()]
    assert "verdict" in header and "certify verdict" in header  # column names, spaced


@pytest.mark.parametrize("how", ["suite step", "certificate.json"])
def test_a_proved_run_shows_the_picture_of_its_proof(browser_page, tmp_path: Path, how) -> None:
    """A hand-built exact network is proved; its section shows the verdict and the picture.

    The suite's certify step saves certify.json and proof.svg; ``neural certify`` and
    ``neural train --until proved`` leave certificate.json alone, and the page draws the
    picture from it and the weights it names.
    """
    from neural.judge.certify import certify
    from neural.judge.certify.construct import exact_verifier
    from neural.suite.judges import JUDGES, PROOF_PICTURE
    from neural.suite.steps import run_judge

    g = library.tomita(3)
    run = tmp_path / "run"
    v = exact_verifier(g)
    v.save(run)
    if how == "suite step":
        assert run_judge(JUDGES["certify"], v, g, {"budget": 20.0}, run) == {
            "certify_verdict": "proved"}
        saved = json.loads((run / JUDGES["certify"].file).read_text())
        assert (run / PROOF_PICTURE).is_file()
    else:
        certify(v, g, budget=20).save(run)
        saved = json.loads((run / "certificate.json").read_text())
        assert not (run / PROOF_PICTURE).exists()
    html = write_page(run, tmp_path / "run.html", n_per_set=30)
    page = browser_page(html)
    page.screenshot(path=str(tmp_path / "proved.png"), full_page=True)
    section = page.locator("#run")
    verdict = section.locator('p.verdict[data-verdict="proved"]')
    assert verdict.count() == 1 and saved["summary"] in verdict.inner_text()
    figure = section.locator("figure.proof-picture")
    assert figure.count() == 1
    assert "bounding rectangle" in figure.locator("figcaption").inner_text()
    svg = figure.locator("svg")
    box = svg.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    # Every box of the certificate is drawn, and the points of every DFA state reached.
    assert svg.locator('[id^="proof-box-"]').count() == len(saved["boxes"])
    drawn = {int(i.rsplit("-", 1)[1]) for i in svg.locator('[id^="proof-state-"]').evaluate_all(
        "nodes => nodes.map(n => n.id)")}
    assert drawn == set(range(g.dfa.n_states))  # tomita-3's walks reach every state
    # The picture sits right after the verdict it explains.
    assert page.evaluate("() => document.querySelector('#run p.verdict[data-verdict=\"proved\"]')"
                         ".nextElementSibling.classList.contains('proof-picture')")


def test_a_suite_saved_when_agrees_was_called_equivalent_reads_as_agrees(judged_suite,
                                                                          tmp_path) -> None:
    suite, _ = judged_suite
    old = tmp_path / "old"
    shutil.copytree(suite, old)
    (row,) = read_results(old)["rows"]
    run_dir = old / RUNS / row["run"]
    extract = json.loads((run_dir / "extract.json").read_text())
    extract.update(verdict="equivalent", summary="equivalent: the extracted automaton equals "
                   "parity, and the network agreed with it on all 7 words checked")
    (run_dir / "extract.json").write_text(json.dumps(extract))
    for path in (run_dir / "row.json", old / "results.json"):
        path.write_text(path.read_text().replace(f'"verdict": "{row["verdict"]}"',
                                                 '"verdict": "equivalent"'))
    assert '"equivalent"' in (old / "results.json").read_text()
    assert read_results(old)["rows"][0]["verdict"] == "agrees"
    html = page_html(old)
    assert "equivalent" not in html
    assert "<strong>agrees</strong>: the extracted automaton equals parity" in html
    assert "agrees: agrees" not in html and "</strong>: agrees:" not in html
    # Resuming rewrites the table with today's name.
    spec = parse_spec(JUDGED)
    (again,) = run_suite(spec, old, progress=False)
    assert again["verdict"] == "agrees" and '"equivalent"' not in (old / "results.json").read_text()


@pytest.mark.parametrize("old, home, new", [
    ("from neural.report import write_report", "neural.page", "write_page"),
    ("from neural.report import render_report", "neural.page", "page_html"),
    ("from neural.page import write_report", "neural.page", "write_page"),
    ("from neural.report.collect import dfa_view", "neural.page.collect", "dfa_view"),
    ("from neural.page.checks import check_report", "neural.page.checks", "check_comparison"),
    ("from neural.suite import REPORT_FILE", "neural.suite", "COMPARISON_FILE"),
    ("from neural.suite.runner import REPORT_FILE", "neural.suite", "COMPARISON_FILE"),
])
def test_the_old_spellings_of_the_page_and_its_files_warn_and_serve_the_new_ones(old, home,
                                                                                  new):
    import importlib

    space: dict = {}
    with pytest.warns(DeprecationWarning):
        exec(old, space)  # noqa: S102 - a fixed import statement
    assert space[old.split()[-1]] is getattr(importlib.import_module(home), new)


def test_the_comparison_file_keeps_its_name_so_old_suites_still_read():
    from neural.suite import COMPARISON_FILE

    assert COMPARISON_FILE == "report.json"


# -- the table by MLRegTest class ------------------------------------------------------------------

# Two acceptors named like MLRegTest files (alphabet a b c d): no factor "ab" (SL), and an even
# number of a (Zp); the benchmark's recipe beside grammarlab's, at Small cut to 40 words.
CLASS_ACCEPTORS = {
    "04.04.SL.2.1.0": "0 0 b b\n0 0 c c\n0 0 d d\n0 1 a a\n1 1 a a\n1 0 c c\n1 0 d d\n0\n1\n",
    "04.04.Zp.2.1.0": "0 1 a a\n0 0 b b\n0 0 c c\n0 0 d d\n1 0 a a\n1 1 b b\n1 1 c c\n1 1 d d\n0\n",
}
CLASS_SUITE = """
[grammars]
directories = ["accs"]
[[models]]
name = "gru-default"
recipe = "default"
[[models]]
name = "gru-mlregtest"
recipe = "mlregtest"
[train]
size = "small"
hidden = 4
embedding = 4
max_epochs = 1
threads = 1
[compare]
n_per_set = 20
[search]
max_length = 3
budget = 2.0
"""


@pytest.fixture(scope="module")
def class_page(tmp_path_factory) -> tuple[Path, Path]:
    from grammar.datasets import MLREGTEST_SIZES

    root = tmp_path_factory.mktemp("classes")
    (root / "accs").mkdir()
    for name, text in CLASS_ACCEPTORS.items():
        (root / "accs" / f"{name}.att").write_text(text.replace(" ", "\t"), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(MLREGTEST_SIZES, "small", 40)
        run_suite(parse_spec(CLASS_SUITE, base=root), root / "suite", progress=False)
    return root / "suite", write_page(root / "suite", root / "suite.html")


def test_the_table_by_class_in_the_browser(browser_page, class_page, suite_page) -> None:
    suite, html = class_page
    rows = read_results(suite)["rows"]
    page = browser_page(html)
    check_suite_page(page, suite)
    tables = page.locator("#classes table.classes")
    assert tables.count() == 1
    assert (tables.get_attribute("data-size"), tables.get_attribute("data-cell")) == (
        "small", "gru")
    recipes = tables.locator("thead th[data-recipe]").all_inner_texts()
    assert recipes == ["default", "mlregtest"]
    body = tables.locator("tbody tr")
    assert [body.nth(k).get_attribute("data-class") for k in range(body.count())] == [
        "SL", "Zp", "all"]
    for k, cls in enumerate(("SL", "Zp", "all")):
        cells = body.nth(k).locator("td")
        assert cells.count() == 2 + 6 * len(recipes)
        for j, recipe in enumerate(recipes):
            mine = [r for r in rows if r["recipe"] == recipe
                    and (cls == "all" or r["grammar"].split(".")[2] == cls)]
            for s, name in enumerate(("SR", "LR", "SA", "LA")):
                shown = float(cells.nth(2 + 6 * j + s).get_attribute("data-value"))
                mean = sum(r[f"acc_{name}"] for r in mine) / len(mine)
                assert shown == pytest.approx(mean, abs=1e-9), (cls, recipe, name)
            # each network: right on every test word and the search found nothing, or not
            perfect = sum(all(r[c] == 1.0 for c in r if c.startswith("acc_"))
                          and r["counterexample"] is None for r in mine)
            said = [int(v) for v in cells.nth(2 + 6 * j + 4).get_attribute(
                "data-verdicts").split()]
            assert said == [0, len(mine) - perfect, perfect, 0]
            seconds = float(cells.nth(2 + 6 * j + 5).get_attribute("data-value"))
            assert seconds == pytest.approx(sum(r["seconds"] for r in mine) / len(mine))
    # A suite without MLRegTest's sets has no such section.
    assert browser_page(suite_page[1]).locator("#classes").count() == 0
