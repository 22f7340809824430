"""The package face: every public name resolves, and importing it costs nothing."""

import subprocess
import sys

import grammar


def test_every_public_name_resolves():
    for name in grammar.__all__:
        assert getattr(grammar, name) is not None, name
    assert set(grammar.__all__) <= set(dir(grammar))


def test_plain_functions_and_methods_agree():
    g = grammar.library.reber()
    assert grammar.sample(g, 20, seed=3) == g.sample(20, seed=3)
    assert grammar.from_json(grammar.to_json(g)) == g
    assert grammar.distance(g, "BTXSEE") == g.distance("BTXSEE") == 1


def test_unknown_names_raise_attribute_error():
    try:
        grammar.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_import_grammar_loads_nothing_heavy():
    code = "import sys, grammar; print(sorted({'numpy', 'networkx', 'torch'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
