"""What the ``grammar`` and ``neural`` command lines share: parser, option types, errors, output.

Both command lines promise the same things: a usage or input error is one
line on stderr with exit status 2, never a traceback; every option error
names the option; a word is printed so that it can be read back, and shown
safely when it is not printable text. This module keeps those promises in
one place:

- :class:`CommandParser`, an :class:`argparse.ArgumentParser` whose usage
  errors are one line;
- option types for :mod:`argparse` (:func:`length_range`, :func:`length`,
  :func:`non_negative`, :func:`at_least`, :func:`seed`, :func:`fraction`),
  whose errors argparse prefixes with the option's name;
- :func:`run_main`, the wrapper that turns the typed errors into one line;
- output helpers (:func:`show_word`, :func:`digits`, :func:`emit_json`);
- :func:`load_grammar`, the one place a command line looks a grammar up,
  and :data:`NAME_HELP`, how both describe such a NAME.

Its old name, :mod:`grammar.commandline`, still serves these names, with a
:class:`DeprecationWarning`.

Examples
--------
>>> parser = CommandParser(prog="demo")
>>> _ = parser.add_argument("--seed", type=seed)
>>> parser.parse_args(["--seed", "7"]).seed
7
>>> run_main("demo", lambda: parser.parse_args(["--seed", "-5"]) and 0)
2
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from grammar.cli_options import (
    MAX_LENGTH,
    at_least,
    fraction,
    length,
    length_range,
    non_negative,
    seconds,
    seed,
)
from grammar.errors import GrammarError
from grammar.io import REGEX_PREFIX, file_types

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = [
    "ERROR", "INTERRUPTED", "MAX_LENGTH", "OK", "CommandParser", "at_least", "digits", "emit",
    "NAME_HELP", "emit_json", "fraction", "length", "length_range", "load_grammar", "non_negative",
    "one_line", "run_main", "seconds", "seed", "show_word", "word_line",
]  # fmt: skip

# Exit statuses shared by both command lines (1 is each command's own "no").
OK, ERROR, INTERRUPTED = 0, 2, 130


# The errors a command reports as one line: bad values, wrong types, a missing
# optional dependency, and numeric failures (a diverging training run).
_TYPED_ERRORS = (GrammarError, ValueError, TypeError, ImportError, ArithmeticError)


class CommandParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose usage errors are one line on stderr, exit 2.

    Examples
    --------
    >>> import contextlib, io
    >>> parser = CommandParser(prog="demo")
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     run_main("demo", lambda: parser.parse_args(["--bogus"]))
    2
    >>> print(err.getvalue(), end="")
    demo: error: unrecognized arguments: --bogus (see 'demo --help')
    """

    def error(self, message: str) -> NoReturn:
        self.exit(ERROR, f"{self.prog}: error: {one_line(message)} (see '{self.prog} --help')\n")


def one_line(error: BaseException | str) -> str:
    """An error's message on one line (whitespace runs become one space).

    Examples
    --------
    >>> one_line(ValueError("bad\\n  value"))
    'bad value'
    >>> one_line(KeyError())
    'KeyError'
    """
    text = " ".join(str(error).split())
    return text or type(error).__name__


def run_main(
    prog: str,
    body: Callable[[], int],
    *,
    errors: Callable[[], tuple[type[BaseException], ...]] = tuple,
    interrupted: str = "interrupted",
) -> int:
    """Run `body` and return its exit status, reporting typed errors as one line.

    Parameters
    ----------
    prog : str
        The program name that starts each error line.
    body : callable
        Parses the arguments and runs the command; returns the exit status.
    errors : callable, optional
        Returns more error types to report as one line. A callable, so that a
        type from a heavy module is looked up only once an error happened
        (the module is then loaded, since it raised it).
    interrupted : str, optional
        The line printed on Ctrl-C (exit status 130).

    Returns
    -------
    int
        `body`'s status; 0 after ``--help``; 2 for a reported error.

    Examples
    --------
    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> def body():
    ...     raise GrammarError("no built-in grammar named 'x'")
    >>> with contextlib.redirect_stderr(err):
    ...     run_main("demo", body)
    2
    >>> err.getvalue()
    "demo: error: no built-in grammar named 'x'\\n"
    """
    try:
        return body()
    except SystemExit as exit_:  # argparse: --help, --version and usage errors
        return exit_.code if isinstance(exit_.code, int) else (ERROR if exit_.code else OK)
    except KeyboardInterrupt:
        print(f"{prog}: {interrupted}", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`grammar sample ... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"{prog}: error: {where}{err.strerror or one_line(err)}", file=sys.stderr)
        return ERROR
    except Exception as err:
        if not isinstance(err, _TYPED_ERRORS + errors()):
            raise
        print(f"{prog}: error: {one_line(err)}", file=sys.stderr)
        return ERROR


# -- output -------------------------------------------------------------------------------------


def word_line(word: str | Sequence[str]) -> str:
    """A word as a line of text, as ``grammar check --file`` reads it: tokens space-separated.

    Examples
    --------
    >>> word_line("BTXSE"), word_line(("open", "close"))
    ('BTXSE', 'open close')
    """
    return word if isinstance(word, str) else " ".join(word)


def show_word(word: str | Sequence[str]) -> str:
    """A word inside a message: its line if printable, else a Python literal.

    The empty word, and a word holding control characters or undecodable
    bytes from the command line (lone surrogates), are shown as a
    ``repr``, which any terminal can print.

    Examples
    --------
    >>> show_word("BTXSE"), show_word(""), show_word("BT\\udcffXSE")
    ('BTXSE', "''", "'BT\\\\udcffXSE'")
    """
    text = word_line(word)
    return text if text and text.isprintable() else repr(text)


def digits(number: int) -> str:
    """An int in decimal, however many digits it has.

    ``str(int)`` stops at 4,300 digits by default; the limit is a process
    setting, so a command line that lifts it would lift it for the whole
    program. :mod:`decimal` converts exactly without it.

    Examples
    --------
    >>> len(digits(2**14299))
    4305
    """
    import decimal  # imported here: a count is the only command that prints one

    return str(decimal.Decimal(number))


def emit(lines: Iterable[str]) -> None:
    """Write `lines` to stdout, each ending in a newline."""
    sys.stdout.write("".join(f"{line}\n" for line in lines))


def emit_json(document: Any) -> None:
    """Write `document` to stdout as one line of JSON.

    Text is written as is where stdout can carry it; a document holding
    undecodable command-line bytes (lone surrogates) is written with ASCII
    escapes instead, so that the output stays valid UTF-8.

    Examples
    --------
    >>> emit_json({"word": "é", "bytes": "\\udcff"})
    {"word": "\\u00e9", "bytes": "\\udcff"}
    >>> emit_json({"word": "é"})
    {"word": "é"}
    """
    import json  # imported here: only --json output needs it, and start-up counts

    text = json.dumps(document, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(document)
    sys.stdout.write(text + "\n")


#: What a grammar NAME may be, for both command lines' help (suffixes from :mod:`grammar.io`).
NAME_HELP = (f"a built-in grammar (see 'grammar list'), a {file_types()} file, "
             f"or {REGEX_PREFIX}PATTERN")


def load_grammar(name: str) -> Grammar:
    """The grammar a command line names: a built-in, a file or a regex, as :func:`grammar.load`.

    Examples
    --------
    >>> load_grammar("reber").name
    'reber'
    """
    from grammar.lookup import load

    return load(name)
