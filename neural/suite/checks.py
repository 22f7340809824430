"""What the suite spec's readers share: :class:`SpecError` and :class:`KeyChecker`.

Examples
--------
>>> KeyChecker("x.toml").integer(3, "seeds[0]", low=0)
3
>>> KeyChecker("x.toml")("models[0].hidden", "must be >= 1, got 0")
Traceback (most recent call last):
...
neural.suite.SpecError: x.toml: models[0].hidden: must be >= 1, got 0
"""

from __future__ import annotations

from typing import Any

from neural.suite.judges import JUDGES

__all__ = ["SpecError", "KeyChecker", "TOP_KEYS", "top_keys"]

#: The keys of a spec's top level, the judges' tables aside.
BASE_KEYS = ("name", "description", "seeds", "grammars", "models", "train", "compare")


def top_keys() -> tuple[str, ...]:
    """The keys of a spec's top level: :data:`BASE_KEYS`, then one table per judge of
    :data:`~neural.suite.judges.JUDGES`."""
    return (*BASE_KEYS, *JUDGES)


#: :func:`top_keys` as the module was loaded.
TOP_KEYS = top_keys()


class SpecError(ValueError):
    """A bad suite spec; the message names the file and the key at fault."""

    # Shown under its public name.
    __module__ = "neural.suite"


class KeyChecker:
    """Checks values of a spec and raises :class:`SpecError` naming the file and the key."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __call__(self, key: str, message: str) -> None:
        raise SpecError(f"{self.where}: {key}: {message}")

    def unknown(self, table: dict, known: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key not in known:
                hint = (f" (a top-level key written after [{prefix[:-1]}] belongs to that table:"
                        " move it above the first table)" if prefix and key in top_keys() else "")
                self(f"{prefix}{key}", f"unknown key; expected one of {', '.join(known)}{hint}")

    def type(self, value: Any, kind: type, key: str) -> None:
        names = {str: "a string", list: "a list", dict: "a table", bool: "true or false"}
        if not isinstance(value, kind):
            self(key, f"must be {names.get(kind, kind.__name__)}, not {value!r}")

    def integer(self, value: Any, key: str, *, low: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self(key, f"must be an integer, not {value!r}")
        if value < low:
            self(key, f"must be >= {low}, got {value}")
        return value
