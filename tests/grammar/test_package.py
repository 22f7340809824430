"""The package face: every public name resolves, and importing it costs nothing."""

import subprocess
import sys

import pytest

import grammar


def test_every_public_name_resolves():
    for name in grammar.__all__:
        assert getattr(grammar, name) is not None, name
    assert set(grammar.__all__) <= set(dir(grammar))


def test_plain_functions_and_methods_agree():
    g = grammar.library.reber()
    assert grammar.sample(g, 20, seed=3) == g.sample(20, seed=3)
    assert grammar.from_json(grammar.to_json(g)) == g
    with pytest.warns(DeprecationWarning, match="Grammar.distance"):  # a deprecated method now
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


# -- formats: one implementation each, spelled grammar.from_dot and Grammar.from_dot -----------


def test_format_functions_are_grammars_own_and_check_their_argument():
    from grammar import Grammar
    from grammar.conversions import ConversionMethods
    from grammar.formats import FormatMethods
    from grammar.io import FORMAT_FUNCTIONS

    names = [n for n in grammar.__all__ if n.startswith(("from_", "to_"))]
    defined = [n for mixin in (FormatMethods, ConversionMethods) for n in vars(mixin)
               if n.startswith(("from_", "to_"))]
    assert sorted(names) == sorted(defined) == sorted(FORMAT_FUNCTIONS) and len(names) == 12
    for name in names:
        assert getattr(grammar, name) == getattr(Grammar, name), name
    g = grammar.library.tomita(3)
    assert grammar.to_att(g) == g.to_att()
    assert grammar.from_att(g.to_att()) == g == Grammar.from_dot(grammar.to_dot(g))
    with pytest.raises(TypeError, match="a Grammar is needed, not int"):
        grammar.to_json(42)


def test_every_file_suffix_loads_by_name_and_is_in_the_help(tmp_path, capsys):
    from grammar.cli import main
    from grammar.io import FILE_SUFFIXES

    g = grammar.library.tomita(4)
    for suffix, format_name in FILE_SUFFIXES.items():
        path = tmp_path / f"t4{suffix.upper()}"  # suffixes are read case-blind
        path.write_text(getattr(grammar, f"to_{format_name}")(g), encoding="utf-8")
        loaded = grammar.load(str(path))
        assert [w for w in loaded.strings(7)] == [w for w in g.strings(7)], suffix
        assert all(loaded.accepts(w) == ("000" not in w) for w in ("", "1", "0001", "1001001"))
    assert main(["check", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert all(suffix in help_text for suffix in FILE_SUFFIXES)
    assert "re:PATTERN" in help_text


def test_the_io_face_loads_no_grammar_and_no_numpy():
    code = ("import sys, grammar.io; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('grammar', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(["grammar", "grammar.io"])


# -- the spellings of earlier releases still work, and warn -----------------------------------

_MOVED_FROM_IO = ["from_dot", "to_dot", "from_json", "to_json", "from_att", "to_att",
                  "from_pyformlang_graph", "from_aalpy", "to_aalpy", "from_regex", "from_automata",
                  "to_automata", "load"]


@pytest.mark.parametrize("name", _MOVED_FROM_IO)
def test_grammar_io_names_of_earlier_releases_warn_and_are_the_package_ones(name):
    import grammar.io

    with pytest.warns(DeprecationWarning, match=rf"grammar\.io\.{name} is deprecated; "
                                                rf"use grammar\.{name}"):
        old = getattr(grammar.io, name)
    assert old == getattr(grammar, name)


def test_from_import_of_an_old_io_name_works_with_a_warning():
    with pytest.warns(DeprecationWarning, match="grammar.io.load"):
        from grammar.io import load
    assert load("re:(ab)*").accepts("abab") and not load("re:(ab)*").accepts("aba")


# the names grammar.commandline had before it became grammar.cli_shared, listed by hand
_COMMANDLINE_NAMES = [
    "ERROR", "INTERRUPTED", "MAX_LENGTH", "OK", "CommandParser", "at_least", "digits", "emit",
    "NAME_HELP", "emit_json", "fraction", "length", "length_range", "load_grammar",
    "non_negative", "one_line", "run_main", "seconds", "seed", "show_word", "word_line",
]


@pytest.mark.parametrize("name", _COMMANDLINE_NAMES)
def test_grammar_commandline_names_warn_and_are_the_cli_shared_ones(name):
    import grammar.cli_shared
    import grammar.commandline

    with pytest.warns(DeprecationWarning, match=rf"grammar\.commandline\.{name} is deprecated; "
                                                rf"use grammar\.cli_shared\.{name}"):
        old = getattr(grammar.commandline, name)
    assert old is getattr(grammar.cli_shared, name)


def test_deprecated_generator_methods_warn_and_give_the_plain_functions_results():
    from grammar.walks import expected_walk_length

    g = grammar.library.reber()
    with pytest.warns(DeprecationWarning, match=r"Grammar\.non_members is deprecated"):
        old = g.non_members(5, length=7, seed=2)
    assert old.words == grammar.non_members(g, 5, length=7, seed=2).words
    assert not any(g.accepts(w) for w in old.words)
    with pytest.warns(DeprecationWarning, match=r"use grammar\.distance\(g, word\)"):
        assert g.distance("BTXSEE") == 1  # one deletion from BTXSE
    with pytest.warns(DeprecationWarning, match=r"grammar\.walks\.expected_walk_length"):
        assert g.expected_walk_length() == round(expected_walk_length(g), 9) == 8.0


def test_kept_generator_methods_forward_without_a_warning():
    import warnings

    g = grammar.library.embedded_reber()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert g.sample(20, seed=3) == grammar.sample(g, 20, seed=3)
        assert g.sample_uniform(5, length=9, seed=1) == grammar.sample_uniform(g, 5, 9, seed=1)
        assert g.near_misses(5, seed=4).words == grammar.near_misses(g, 5, seed=4).words
    assert {"sample", "sample_uniform", "near_misses"} <= set(dir(grammar.Grammar))
