"""Checkpoints on disk: safetensors weights, JSON configs, atomic writes, no pickle.

A verifier directory holds

``model.safetensors`` (:data:`WEIGHTS`)
    The network's weights (safetensors: plain tensors, no code, no pickle).
``config.json`` (:data:`CONFIG`)
    Format marker, package version, the model and train configs, the
    alphabet, the grammar (name, source, fingerprint of its canonical DFA),
    metrics, and the SHA-256 of ``model.safetensors`` so that a truncated or
    swapped weights file is caught on load. Every field is checked on load.
``train_words.json`` (:data:`WORDS`)
    The words it was trained on, when known, kept out of later test sets.

A training run adds ``resume.safetensors`` (:data:`RESUME`: weights,
optimiser moments and the run's history in one file, so one rename commits
an epoch) and ``log.jsonl`` (:data:`LOG`). Every file is written to a
temporary name in the same directory, flushed, fsynced and moved into place
with :func:`os.replace`, so a crash, even ``kill -9``, leaves either the old
file or the new one.

Anything wrong with a checkpoint raises :class:`CheckpointError`, a
``ValueError`` (not a :class:`grammar.GrammarError`) whose message names the
file at fault, and the field where there is one.

The package holds the file primitives (:mod:`~neural.checkpoint.files`), the
saved verifier (:mod:`~neural.checkpoint.verifier_files`) and the resume
state (:mod:`~neural.checkpoint.resume`); every name is re-exported here.

Examples
--------
>>> import tempfile, torch
>>> with tempfile.TemporaryDirectory() as d:
...     digest = write_tensors(f"{d}/w.safetensors", {"x": torch.ones(2)}, {"epoch": 3})
...     tensors, meta = read_tensors(f"{d}/w.safetensors", sha256=digest)
>>> tensors["x"].tolist(), meta
([1.0, 1.0], {'epoch': 3})
"""

from neural.checkpoint.files import (
    CONFIG,
    FORMAT,
    FORMAT_VERSION,
    LOG,
    RESUME,
    WEIGHTS,
    WORDS,
    CheckpointError,
    atomic_write,
    package_version,
    read_json,
    read_tensors,
    write_json,
    write_tensors,
)
from neural.checkpoint.resume import RESUMABLE, ResumeState, load_resume, save_epoch, write_log
from neural.checkpoint.verifier_files import (
    check_verifier_config,
    grammar_info,
    load_verifier_files,
    read_training_words,
    save_verifier_files,
    write_training_words,
)

__all__ = [
    "CheckpointError",
    "FORMAT",
    "FORMAT_VERSION",
    "WEIGHTS",
    "CONFIG",
    "WORDS",
    "RESUME",
    "LOG",
    "RESUMABLE",
    "package_version",
    "atomic_write",
    "write_tensors",
    "read_tensors",
    "write_json",
    "read_json",
    "grammar_info",
    "save_verifier_files",
    "load_verifier_files",
    "check_verifier_config",
    "write_training_words",
    "read_training_words",
    "ResumeState",
    "save_epoch",
    "load_resume",
    "write_log",
]
