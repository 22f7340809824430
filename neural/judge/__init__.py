"""The judges: a trained network held against the exact automaton.

One package per judge, each with a function that :mod:`neural` exports
under the judge's name, and a result that carries a
:class:`~neural.judge.common.Verdict`:

- :mod:`~neural.judge.compare`: :func:`neural.compare`, drawn test sets;
- :mod:`~neural.judge.search`: :func:`neural.search`, every word in scope;
- :mod:`~neural.judge.extract`: :func:`neural.extract`, the automaton learnt with L*;
- :mod:`~neural.judge.certify`: :func:`neural.certify`, a proof at every length.

What they share, one of each (:mod:`~neural.judge.common`): the
:class:`~neural.judge.common.Disagreement`, the
:class:`~neural.judge.common.Verdict` and its names, the word display, the
percentage and the budget check.

Adding a judge takes one new package here, whose function bears the
package's name (:mod:`neural` finds it by the directory: ``neural.<name>`` is
that function, with no line elsewhere), and one entry in
:data:`neural.suite.judges.JUDGES` (for suites, whose rows and page read that
registry); a ``neural`` subcommand, if wanted, goes in
:mod:`neural.cli.forensics`.

Examples
--------
>>> Verdict("agrees") in VERDICTS
True
"""

from neural.judge.common import (
    KINDS,
    VERDICTS,
    Disagreement,
    Verdict,
    check_budget,
    percent,
    read_verdict,
    show_word,
    word_kind,
)

__all__ = ["Disagreement", "Verdict", "VERDICTS", "KINDS", "read_verdict", "word_kind",
           "show_word", "percent", "check_budget"]
