"""Words and their symbols.

A word is a plain ``str`` when every symbol of its grammar is one character,
and a tuple of tokens otherwise. Functions that take a word also accept a
list or tuple of single-character symbols, and in token mode a
whitespace-separated ``str`` (the text form used by the command line and by
files; token symbols therefore never contain whitespace).

Examples
--------
>>> split_word("BTXSE", single_char=True)
['B', 'T', 'X', 'S', 'E']
>>> split_word("open read close", single_char=False)
['open', 'read', 'close']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["Word", "split_word", "word_text"]

Word = str | tuple[str, ...]


def split_word(word: Any, single_char: bool) -> list[str]:
    """Split a word into its symbols: characters, or whitespace-separated tokens.

    Raises
    ------
    TypeError
        If `word` is neither a str nor a sequence of str.

    Examples
    --------
    >>> split_word("open close", single_char=False), split_word(("a", "b"), single_char=True)
    (['open', 'close'], ['a', 'b'])
    """
    if isinstance(word, str):
        return list(word) if single_char else word.split()
    # tuple and list first: the abstract Sequence check is slow on hot paths
    if not isinstance(word, (tuple, list)) and (
            isinstance(word, (bytes, bytearray)) or not isinstance(word, (Sequence, np.ndarray))):
        raise TypeError(f"a word is a str or a sequence of str symbols, not {type(word).__name__}")
    symbols = list(word)
    for symbol in symbols:
        if not isinstance(symbol, str):
            raise TypeError(f"a word's symbols are str, not {type(symbol).__name__} ({symbol!r})")
    return symbols


def word_text(word: Any) -> str:
    """The text form of a word: itself for a str, tokens joined by single spaces otherwise.

    Examples
    --------
    >>> word_text("abc"), word_text(("open", "close")), word_text(())
    ('abc', 'open close', '')
    """
    return word if isinstance(word, str) else " ".join(word)
