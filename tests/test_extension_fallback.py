"""Both installs of the exact side: with the C extensions, and numpy alone.

``setup.py`` builds ``grammar._fastdfa`` and ``grammar._kernels`` where a C
compiler is present and installs without them where not. Here the same
script runs in two fresh interpreters, one with both extensions blocked from
importing (as on a machine without a compiler), and must print the same
acceptances, file counts, samples and near misses. Oracles for the results
themselves: Python predicates and ``re.fullmatch`` for each language, over
every binary word up to length 10. ``.ci/run`` also installs the sdist with a
compiler that fails (``CC=false``) and checks the command line on it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from itertools import product
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = ("grammar._fastdfa", "grammar._kernels")

# Independent definitions of the built-in binary languages.
LANGUAGES = {
    "tomita-1": lambda w: re.fullmatch("1*", w) is not None,
    "tomita-2": lambda w: re.fullmatch("(10)*", w) is not None,
    "tomita-4": lambda w: "000" not in w,
    "tomita-5": lambda w: w.count("0") % 2 == 0 and w.count("1") % 2 == 0,
    "tomita-6": lambda w: (w.count("0") - w.count("1")) % 3 == 0,
    "tomita-7": lambda w: re.fullmatch("0*1*0*1*", w) is not None,
    "parity": lambda w: w.count("1") % 2 == 0,
    "divisible-by-3": lambda w: w != "" and int(w, 2) % 3 == 0,
}
BINARY_WORDS = ["".join(p) for n in range(11) for p in product("01", repeat=n)]

SCRIPT = """
import io, json, sys
from grammar import bulk, library, near_misses, sample
from grammar.codes import compiled_kernels

words = {words!r}
results = {{"fastdfa": bulk.HAVE_EXTENSION, "kernels": compiled_kernels() is not None}}
for name in {names!r}:
    g = library.get(name)
    drawn = sample(g, 200, seed=5, max_length=12)
    near = [str(w) for w in near_misses(g, 100, seed=6)]
    checked = words if set(g.alphabet) == {{"0", "1"}} else drawn + near
    text = "".join(w + "\\n" for w in checked).encode()
    results[name] = {{
        "sample": drawn,
        "near": near,
        "accepted": bulk.accepts_many(g, checked).tolist(),
        "count": list(bulk.count_file(g, io.BytesIO(text))),
    }}
print(json.dumps(results))
"""


def _run(blocked: tuple[str, ...]) -> dict:
    blocker = "".join(f"sys.modules[{name!r}] = None\n" for name in blocked)
    script = "import sys\n" + blocker + textwrap.dedent(
        SCRIPT.format(words=BINARY_WORDS, names=[*LANGUAGES, "reber", "embedded-reber"])
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def both() -> tuple[dict, dict]:
    return _run(()), _run(EXTENSIONS)


def test_blocking_the_extensions_leaves_numpy(both):
    built, numpy_only = both
    assert (numpy_only["fastdfa"], numpy_only["kernels"]) == (False, False)
    if os.environ.get("CI") == "true":  # CI has a compiler: the extensions must be built
        assert (built["fastdfa"], built["kernels"]) == (True, True)


def test_numpy_alone_gives_what_the_extensions_give(both):
    built, numpy_only = both
    for name in [*LANGUAGES, "reber", "embedded-reber"]:
        assert numpy_only[name] == built[name], name


@pytest.mark.parametrize("name", list(LANGUAGES))
def test_numpy_alone_is_right(both, name):
    member = LANGUAGES[name]
    result = both[1][name]
    expected = [member(w) for w in BINARY_WORDS]
    assert result["accepted"] == expected
    assert result["count"] == [sum(expected), len(BINARY_WORDS)]
    assert result["sample"] and all(member(w) for w in result["sample"])
    assert result["near"] and not any(member(w) for w in result["near"])


# Reber by state elimination over its edges (1 -T S* X-> 4, 1 -P T* V-> 5, 4 -X T* V P-> 4,
# 4 -S or X T* V V-> 6, 5 -P-> 4, 5 -V-> 6), and embedded Reber around it.
REBER = r"B(?:TS*X{loop}|PT*V(?:P{loop}|V))E".format(loop=r"(?:XT*VP)*(?:S|XT*VV)")
REGEXES = {"reber": REBER, "embedded-reber": rf"B(?:T{REBER}T|P{REBER}P)E"}


@pytest.mark.parametrize("name", list(REGEXES))
def test_reber_on_numpy_alone_is_right(both, name):
    result = both[1][name]
    checked = result["sample"] + result["near"]
    assert result["accepted"] == [re.fullmatch(REGEXES[name], w) is not None for w in checked]
    assert result["sample"] and all(result["accepted"][: len(result["sample"])])
    assert result["near"] and not any(result["accepted"][len(result["sample"]):])
    assert result["count"] == [len(result["sample"]), len(checked)]
