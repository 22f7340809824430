"""Suites: judge verifiers across many grammars with one command.

A TOML spec (:mod:`~neural.suite.spec`) lists grammars (built-ins, files,
random families), models, the training budget and seeds; :func:`run_suite`
(:mod:`~neural.suite.runner`) trains, compares (and searches, extracts and
certifies, as the spec asks: :data:`~neural.suite.judges.JUDGES`) every
grammar x model x seed, resumably,
and writes one row per run as CSV and JSON with a summary
(:mod:`~neural.suite.results`). ``neural suite SPEC --out DIR`` runs it;
``neural report DIR --html FILE`` writes its page (:mod:`neural.page`).

Examples
--------
>>> spec = parse_spec('[grammars]\\nbuiltin = ["parity"]\\n[[models]]\\nhidden = 8')
>>> [(run.grammar.label, run.model.name, run.seed) for run in spec.runs]
[('parity', 'gru-8', 0)]
"""

from typing import Any

from neural.suite.results import (
    COLUMNS,
    EXTRACT_COLUMNS,
    RESULTS_CSV,
    RESULTS_JSON,
    SEARCH_COLUMNS,
    SUMMARY_JSON,
    read_results,
    summarize,
    summary_text,
)
from neural.suite.runner import (
    COMPARISON_FILE,
    GRAMMAR_FILE,
    MANIFEST,
    ROW,
    RUNS,
    run_dirs,
    run_suite,
)
from neural.suite.shards import Part
from neural.suite.spec import SpecError, SuiteSpec, optional_step, parse_spec, read_spec

__all__ = [
    "COLUMNS", "COMPARISON_FILE", "EXTRACT_COLUMNS", "GRAMMAR_FILE", "MANIFEST", "Part",
    "RESULTS_CSV", "RESULTS_JSON", "ROW", "RUNS", "SEARCH_COLUMNS", "SUMMARY_JSON", "SpecError",
    "SuiteSpec", "optional_step", "parse_spec", "read_results", "read_spec", "run_dirs",
    "run_suite", "summarize", "summary_text",
]


def __getattr__(name: str) -> Any:
    if name == "REPORT_FILE":  # COMPARISON_FILE's old name, served by runner with a warning
        from neural.suite import runner

        return runner.REPORT_FILE
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
