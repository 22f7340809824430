""":func:`extract`: learn a DFA from a network with L*, judge it with the exact grammar.

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> g = library.tomita(1)
>>> ex = extract(Verifier.untrained(g, seed=0), g, budget=5, progress=False)
>>> ex.verdict, ex.counterexample.confirmed
('counterexample', True)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from grammar import Grammar, GrammarError
from grammar.checks import check_count
from grammar.lookup import load
from neural.device import cpu_threads
from neural.judge.common import Disagreement, check_budget, word_kind
from neural.judge.extract.lstar import Table
from neural.judge.extract.result import Extraction
from neural.judge.extract.sampling import check_long
from neural.judge.search import SearchResult, search
from neural.judge.search.run import affordable_length, check_max_length, single_char

__all__ = ["extract", "recorded_grammar", "DEFAULT_BUDGET"]

#: Seconds an extraction may take unless told otherwise.
DEFAULT_BUDGET = 30.0
# The check's shares of the time left after learning: the search, then the long samples.
_SEARCH_SHARE = 0.85


def extract(
    verifier: Any,
    g: Grammar | None = None,
    *,
    budget: float = DEFAULT_BUDGET,
    max_length: int | None = None,
    n_long: int = 3000,
    max_states: int | None = None,
    seed: int = 0,
    device: Any = None,
    threads: int | None = None,
    progress: bool = True,
) -> Extraction:
    """Learn the network's automaton with L* and say whether it computes `g`'s language.

    1. **Learn.** Angluin's L* asks the network membership questions, in
       batches (one network call per round of the observation table).
    2. **Judge each hypothesis with the exact grammar.** Where the hypothesis
       and `g` differ, :meth:`grammar.Grammar.counterexample` gives the
       shortest word. If the network agrees with `g` there, the word refines
       the hypothesis; if not, the network itself is wrong on it: learning
       stops, and an exhaustive search up to that length looks for a shorter
       such word.
    3. **Check.** When the hypothesis equals `g`, the network is held
       against `g` by :func:`neural.judge.search.search` (every word up to the
       length the budget allows, members and near misses beyond), then on
       `n_long` long words drawn at random (members, near misses and random
       words, up to twice the search's length). No disagreement: the verdict
       is ``"agrees"``, with the words checked and how far the check got
       (a search that the budget cut short says where it stopped). It is
       not a proof: :func:`neural.certify` gives those.

    The verdict is ``"undecided"`` when learning does not converge within
    the budget or `max_states`.

    Parameters
    ----------
    verifier : Verifier
    g : Grammar, optional
        The judge; default the grammar the verifier was trained on, as its
        checkpoint records it (a built-in name or a grammar file).
    budget : float
        Seconds for the whole extraction, learning and checking.
    max_length : int, optional
        The longest members and near misses the search checks (at most
        100,000); default the
        verifier's longest training length (30 when unknown), shortened to
        what half the check's budget allows.
    n_long : int
        Long words drawn at random after the search (0 for none).
    max_states : int, optional
        Give up (undecided) when a hypothesis passes this many states;
        default ``max(50, 4 * g.dfa.n_states)``.
    seed : int
        Seed of the long words.
    device, threads
        Where the network runs, and its CPU threads (see :func:`neural.judge.search.search`).
    progress : bool
        Progress bars on stderr, when it is a terminal.

    Returns
    -------
    Extraction

    Raises
    ------
    GrammarError
        If `g` is None and the verifier's grammar cannot be found, or an
        argument is out of range.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.verifier import Verifier
    >>> g = library.parity()
    >>> ex = extract(Verifier.untrained(g, seed=3), g, budget=5, progress=False)
    >>> ex.verdict in ("counterexample", "undecided"), ex.minimal_states
    (True, 2)
    """
    started = time.perf_counter()
    budget = check_budget(budget)
    deadline = started + budget
    if g is None:
        g = recorded_grammar(verifier)
    if not isinstance(g, Grammar):
        raise TypeError(f"extract needs a Grammar, not {type(g).__name__}")
    n_long = check_count(n_long, "n_long")
    limit = max(50, 4 * g.dfa.n_states) if max_states is None else check_count(max_states,
                                                                               "max_states")
    if max_length is not None:
        max_length = check_max_length(max_length)
    with cpu_threads(threads):  # the network's calls, learning and checking alike
        single = single_char(verifier)

        def text(word: tuple[str, ...]) -> Any:
            return "".join(word) if single else word

        def ask(words: list[tuple[str, ...]]) -> np.ndarray:
            return np.asarray(verifier.predict([text(w) for w in words]), dtype=np.float32) > 0.5

        name = f"extracted from {getattr(verifier, 'grammar_name', None) or 'a'} verifier"
        table = Table(verifier.alphabet, ask)
        table.close()
        hypothesis = table.hypothesis(name)
        wrong: tuple[str, ...] | None = None
        reason = ""
        rounds = 0
        while True:
            rounds += 1
            found = g.counterexample(hypothesis)
            if found is None:
                break
            word = tuple(g.symbols_of(found))
            if table.member(word) != g.accepts(word):
                wrong = word
                break
            if time.perf_counter() > deadline:
                reason = (f"learning had not converged after {rounds} equivalence queries "
                          f"({hypothesis.dfa.n_states} states)")
                break
            table.add_counterexample(word)
            if not table.close(limit):
                reason = f"the learnt automaton passed {limit} states"
                hypothesis = table.hypothesis(name) if _closed(table) else hypothesis
                break
            hypothesis = table.hypothesis(name)
        learned = time.perf_counter()

        report: SearchResult | None = None
        counterexample: Disagreement | None = None
        proven = False
        sampled, sampled_lengths, longest = 0, None, 0
        if wrong is not None:
            # Is there a shorter word (or a shortlex-earlier one) where the network is wrong?
            report = search(verifier, g, max_length=len(wrong),
                            budget=max(deadline - time.perf_counter(), 0.5), device=device,
                            threads=threads, progress=progress, keep=1)
            candidates = [_finding(verifier, g, text(wrong)), *report.disagreements]
            order = {s: j for j, s in enumerate(verifier.alphabet)}
            counterexample = min(candidates, key=lambda f: (
                f.length, [order[s] for s in g.symbols_of(f.word)]))
            proven = report.checked_below(counterexample.length)
            longest = len(wrong)
        elif not reason:
            began = time.perf_counter()
            searched = began + max(deadline - began, 0.5) * _SEARCH_SHARE  # the search's end
            cap = max_length if max_length is not None else _train_max(verifier)
            length = affordable_length(verifier, g, budget=searched - began, cap=cap,
                                       device=device, threads=threads)
            report = search(verifier, g, max_length=length,
                            budget=max(searched - time.perf_counter(), 0.5), device=device,
                            threads=threads, progress=progress, keep=1)
            longest = length
            if report.disagreements:
                counterexample = report.disagreements[0]
                proven = report.shortest_proven
            elif n_long and time.perf_counter() < deadline:
                lengths = (length + 1, max(2 * length, length + 1))
                long = check_long(ask, g, verifier.alphabet, n=n_long, lengths=lengths,
                                  seed=seed, deadline=deadline)
                sampled, sampled_lengths = long.checked, lengths if long.checked else None
                longest = max(longest, long.longest)
                if long.wrong is not None:
                    counterexample = _finding(verifier, g, text(long.wrong))
        finished = time.perf_counter()

        if counterexample is not None:
            verdict = "counterexample"
        elif reason:
            verdict = "undecided"
        else:
            verdict = "agrees"
        return Extraction(
            verdict=verdict,
            grammar=hypothesis,
            target=g.name or "grammar",
            trained_on=getattr(verifier, "grammar_name", None),
            states=hypothesis.dfa.n_states,
            minimal_states=g.dfa.n_states,
            counterexample=counterexample,
            shortest_proven=proven,
            membership_queries=table.queries,
            network_calls=table.batches,
            equivalence_queries=rounds,
            search=report,
            sampled=sampled,
            sampled_lengths=sampled_lengths,
            words_checked=(report.words if report is not None else 0) + sampled,
            longest_checked=longest,
            reason=reason if verdict == "undecided" else "",
            learn_seconds=round(learned - started, 3),
            check_seconds=round(finished - learned, 3),
            seconds=round(finished - started, 3),
            budget=budget,
        )


def _closed(table: Table) -> bool:
    rows = {table.row(s) for s in table.access}
    try:
        return all(table.row(s + (a,)) in rows for s in table.access for a in table.alphabet)
    except KeyError:
        return False


def _train_max(verifier: Any) -> int:
    info = getattr(verifier, "info", None) or {}
    config = info.get("train_config") if isinstance(info, dict) else None
    lengths = config.get("lengths") if isinstance(config, dict) else None
    try:
        return int(lengths[1])
    except (TypeError, ValueError, IndexError):
        return 30


def _finding(verifier: Any, g: Grammar, word: Any) -> Disagreement:
    p = float(np.asarray(verifier.predict([word]), dtype=np.float32)[0])
    member = g.accepts(word)
    kind = word_kind(g, word)
    return Disagreement(word=word if isinstance(word, str) else list(word),
                   length=len(g.symbols_of(word)), kind=kind, member=member, probability=p,
                   confirmed=(p > 0.5) != member, explanation=str(g.explain(word)))


def recorded_grammar(verifier: Any) -> Grammar:
    """The grammar a verifier's checkpoint records: its source file, else its built-in name.

    Raises
    ------
    GrammarError
        If none is recorded, it cannot be loaded, or its language is not the
        one the verifier was trained on.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.verifier import Verifier
    >>> recorded_grammar(Verifier.untrained(library.reber())).name
    'reber'
    """
    info = getattr(verifier, "info", None) or {}
    recorded = info.get("grammar") if isinstance(info, dict) else None
    recorded = recorded if isinstance(recorded, dict) else {}
    where = recorded.get("source") or recorded.get("name")
    if not where:
        raise GrammarError("the verifier records no grammar; pass one")
    g = load(where)
    fingerprint = recorded.get("fingerprint")
    if fingerprint and fingerprint != g.fingerprint:
        raise GrammarError(f"the grammar {where!r} is not the language the verifier was "
                           "trained on (fingerprints differ); pass the grammar")
    return g
