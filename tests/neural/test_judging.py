"""One judging vocabulary: one Disagreement, one Verdict (a field of every result), one
word display, percentage and budget check, and the old names still served.

Oracles: ``Grammar.accepts`` and a brute-force one-edit neighbourhood for the kinds of
word; hand-built networks whose answers are known (the exact GRU computes its grammar,
a planted verifier is wrong exactly on its planted words); plain Python for the rest.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from dataclasses import fields, replace

import pytest

import neural
from grammar import GrammarError, library
from neural import Comparison, Disagreement, Extraction, SearchResult, Verdict
from neural.judge.certify.construct import exact_verifier
from neural.judge.common import KINDS, VERDICTS, check_budget, percent, read_verdict
from neural.moved import MOVED
from neural.testing import PlantedVerifier


def _one_edit_from_a_member(g, word: str) -> bool:
    """Brute force: some single substitution, insertion or deletion makes a member."""
    symbols = g.alphabet
    for i in range(len(word) + 1):
        if any(g.accepts(word[:i] + s + word[i:]) for s in symbols):
            return True
        if i < len(word) and (g.accepts(word[:i] + word[i + 1:])
                              or any(g.accepts(word[:i] + s + word[i + 1:]) for s in symbols)):
            return True
    return False


# -- the Verdict ---------------------------------------------------------------------------------


def test_a_verdict_is_its_name_frozen_with_what_it_rests_on():
    v = Verdict("agrees", "all 7 words", words=7, longest=2)
    assert v == "agrees" and v.name == "agrees" and type(v.name) is str
    assert json.dumps({"verdict": v}) == '{"verdict": "agrees"}'
    assert {v: 1}["agrees"] == 1 and (v.words, v.longest, v.line) == (7, 2, "verdict: all 7 words")
    with pytest.raises(AttributeError, match="frozen"):
        v.text = "changed"
    with pytest.raises(ValueError, match="one of proved, counterexample, agrees, undecided"):
        Verdict("equivalence")
    assert VERDICTS == ("proved", "counterexample", "agrees", "undecided")


def test_the_old_name_equivalent_is_read_as_agrees_and_compares_with_a_warning():
    assert read_verdict("equivalent") == "agrees" and Verdict("equivalent") == "agrees"
    with pytest.warns(DeprecationWarning, match="now called 'agrees'"):
        assert Verdict("agrees") == "equivalent"
    with pytest.warns(DeprecationWarning, match="now called 'agrees'"):
        assert Verdict("counterexample") != "equivalent"


def test_every_result_has_a_verdict_field():
    for result in (SearchResult, Extraction, Comparison, neural.Certificate):
        assert "verdict" in {f.name for f in fields(result)}, result


def test_the_exact_network_agrees_everywhere_and_is_proved():
    g = library.parity()
    v = exact_verifier(g)  # computes parity by construction
    search = neural.search(v, g, max_length=8, progress=False)
    ex = neural.extract(v, g, budget=3, max_length=8, n_long=50, progress=False)
    comparison = neural.compare(v, g, n_per_set=30, seed=0)
    cert = neural.certify(v, g, budget=20)
    assert (search.verdict, ex.verdict, comparison.verdict, cert.verdict) == (
        "agrees", "agrees", "agrees", "proved")
    for result in (search, ex, comparison):
        assert isinstance(result.verdict, Verdict) and result.verdict.words > 0
        assert json.loads(result.to_json())["verdict"] == "agrees"
    assert search.verdict.words == 2**9 - 1 and search.verdict.longest == 8
    assert "not a proof" in ex.verdict.text and str(ex).endswith(f"({ex.seconds:.1f} s in all)")


def test_a_planted_error_is_a_counterexample_for_every_judge_that_looks_there():
    g = library.tomita(1)  # 1*
    v = PlantedVerifier(g, ["101"])
    search = neural.search(v, g, max_length=4, progress=False)
    ex = neural.extract(v, g, budget=3, progress=False)
    assert (search.verdict, ex.verdict) == ("counterexample", "counterexample")
    assert "shortest: 101 (non-member" in search.verdict.text
    assert "accepts 101" in ex.verdict.text


def test_a_search_whose_findings_predict_does_not_confirm_is_undecided():
    g = library.tomita(1)
    report = neural.search(PlantedVerifier(g, ["0"]), g, max_length=2, progress=False)
    unconfirmed = [replace(d, confirmed=False) for d in report.disagreements]
    doubtful = replace(report, disagreements=unconfirmed)
    assert doubtful.verdict == "undecided" and "confirmed none" in doubtful.verdict.text
    assert report.verdict == "counterexample"


# -- one Disagreement ----------------------------------------------------------------------------


def test_compare_search_and_extract_give_one_disagreement_type_with_one_kind_vocabulary(
        parity_verifier):
    g = library.tomita(4)  # no 000; the network learnt parity, so it is wrong both ways
    comparison = neural.compare(parity_verifier, g, n_per_set=20, seed=0)
    search = neural.search(parity_verifier, g, max_length=6, progress=False)
    ex = neural.extract(PlantedVerifier(g, ["01101"]), g, budget=3, progress=False)
    found = [*comparison.disagreements, *search.disagreements, ex.counterexample]
    assert comparison.disagreements and search.disagreements
    for d in found:
        assert type(d) is Disagreement and d.kind in KINDS
        word = d.word if isinstance(d.word, str) else "".join(d.word)
        member = g.accepts(word)
        expected = ("member" if member else
                    "near_miss" if _one_edit_from_a_member(g, word) else "other")
        assert (d.member, d.kind) == (member, expected), d
    assert {d.kind for d in found} >= {"member", "near_miss"}
    for d in comparison.disagreements:
        assert d.set in comparison.sets and d.made_by is not None and d.confirmed
    assert all(d.set is None and d.made_by is None for d in search.disagreements)


def test_one_word_display_in_every_judge():
    g = library.file_protocol()  # tokens
    report = neural.search(PlantedVerifier(g, [("open", "close")]), g, max_length=3,
                           progress=False)
    assert "shortest: open close (" in report.verdict.text
    assert "\n  open close  " in str(report)
    empty = Disagreement("", 0, "other", False, 0.9, explanation="rejected")
    assert empty.line().startswith("''  non-member")


# -- one percentage, one budget check -----------------------------------------------------------


def test_one_percentage_format():
    assert (percent(0.5), percent(1), percent(None), percent(None, missing="–")) == (
        "50.00%", "100.00%", "-", "–")
    g = library.parity()
    comparison = neural.compare(neural.Verifier.untrained(g), g, n_per_set=20, seed=0)
    assert f"{100 * comparison.accuracy:.2f}%" in str(comparison)


@pytest.mark.parametrize("bad, error", [(0, GrammarError), (-1.0, GrammarError),
                                        (float("inf"), GrammarError), (True, TypeError),
                                        ("5", TypeError)])
def test_one_budget_check_for_search_and_extract(bad, error):
    g = library.tomita(1)
    v = PlantedVerifier(g)
    with pytest.raises(error, match="budget must be") as raised:
        check_budget(bad)
    message = str(raised.value)
    with pytest.raises(error) as by_extract:
        neural.extract(v, g, budget=bad, progress=False)
    with pytest.raises(error) as by_search:
        neural.search(v, g, max_length=2, budget=bad, progress=False)
    assert str(by_extract.value) == message
    assert str(by_search.value).replace(" or None", "") == message
    assert check_budget(None, optional=True) is None


# -- names: the new homes, the old spellings ------------------------------------------------------


def _run(script: str) -> str:
    done = subprocess.run([sys.executable, "-W", "ignore::DeprecationWarning", "-c", script],
                          capture_output=True, text=True, timeout=300, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("first", ["neural.search.scope", "neural.search", "neural.compare.run",
                                   "neural.extract", "neural.train", "neural.certify.checker",
                                   "neural.certify", "neural.judge.certify.checker",
                                   "neural.judge.search", "neural.training"])
def test_the_judges_stay_functions_whichever_module_is_imported_first(first):
    script = (f"import sys, types, {first}\nimport neural\n"
              "print(type(sys.modules['neural']) is types.ModuleType, *(isinstance(getattr("
              "neural, n), types.FunctionType) for n in ('search', 'extract', 'compare', "
              "'train', 'certify')))")
    assert _run(script) == "True True True True True True"


def test_every_old_module_path_warns_and_serves_the_new_module():
    for old, new in MOVED.items():
        module = sys.modules[old]
        target = __import__(new, fromlist=["_"])
        name = next(n for n in target.__all__ if not n.startswith("_"))
        with pytest.warns(DeprecationWarning, match=f"{old} is deprecated; use {new}"):
            assert getattr(module, name) is getattr(target, name), (old, name)


def test_monkeypatching_an_old_path_patches_the_new_module(monkeypatch):
    import neural.training.loop as loop

    old = sys.modules["neural.train"]
    real = loop.batch_loss
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with monkeypatch.context() as patch:
            patch.setattr(old, "batch_loss", "patched")
            assert loop.batch_loss == "patched"
    # The patch's undo (which finds nothing in the stand-in's own namespace, so deletes
    # the name there) puts the function back in the new module.
    assert loop.batch_loss is real


@pytest.mark.parametrize("old, new", [
    ("from neural.search import Finding", Disagreement),
    ("from neural.compare import Disagreement", Disagreement),
    ("from neural.compare import Report", Comparison),
    ("from neural import Report", Comparison),
    ("from neural.search.planted import PlantedVerifier", PlantedVerifier),
    ("from neural import SearchReport", SearchResult),
    ("from neural.judge.search import SearchReport", SearchResult),
    ("from neural.search.report import SearchReport", SearchResult),
])
def test_old_names_still_work_with_a_warning(old, new):
    space: dict = {}
    with pytest.warns(DeprecationWarning):
        exec(old, space)  # noqa: S102 - a fixed import statement
    assert space[old.split()[-1]] is new


def test_the_old_verdict_method_still_works_with_a_warning():
    g = library.tomita(1)
    report = neural.search(PlantedVerifier(g), g, max_length=3, progress=False)
    with pytest.warns(DeprecationWarning, match="verdict.line"):
        line = report.verdict()
    assert line == report.verdict.line == str(report).splitlines()[-1]
