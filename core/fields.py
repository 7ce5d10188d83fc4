"""Checking the fields of a parsed JSON document: the validators the network and lesson file
readers share.

Every problem is a :class:`FieldError` whose message starts with the field's path
(``layers[1].units: at most 4096 allowed, got 5000``); each reader turns it into its own error
class with the source in front. A value is quoted in a message by a ``shorten`` function:
:func:`short` by default, which cuts a long value down to 40 characters.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Shorten = Callable[[Any], str]
# Every seed (a file's init.seed, dataset.seed, a lesson's seeds, --seed, the Training dock) is a
# whole number from 0 to MAX_SEED: what NumPy's generators take, and a 64-bit unsigned integer.
MAX_SEED = 2**64 - 1
SEED_RANGE = "a whole number from 0 to 2^64 − 1"


class FieldError(Exception):
    """A problem at one field path; the reader adds the source and raises its own error."""

    def __init__(self, path: str, message: str | None = None) -> None:
        super().__init__(path if message is None else f"{path}: {message}")


@dataclass(frozen=True)
class NonFinite:
    """Stands in for NaN, ±Infinity or an overflowing number so the error can name its field."""

    text: str


def short(value: Any) -> str:
    """``repr(value)``, cut to 40 characters."""
    text = repr(value.text) if isinstance(value, NonFinite) else repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def describe(value: Any, shorten: Shorten = short) -> str:
    """What a value is, for "expected …, got <this>": ``the string 'x'``, ``a list``, ``null``."""
    if isinstance(value, NonFinite):
        return value.text
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        return f"the string {shorten(value)}"
    if isinstance(value, (int, float)):
        return f"the number {shorten(value)}"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "an object"
    return f"a {type(value).__name__}"  # only from dicts built in Python


def check_text(data: Any, path: str = "") -> None:
    """Raise for a string (a value or a key) that is not valid Unicode: JSON's ``\\ud800``
    escapes can give a lone surrogate, which no file or terminal can take."""
    stack = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            _encodable(value, where or "(top level)")
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{k}]") for k, v in enumerate(value))
        elif isinstance(value, dict):
            for key, v in value.items():
                sub = f"{where}.{key}" if where else str(key)
                if isinstance(key, str):
                    _encodable(key, f"{where or '(top level)'}: a key")
                stack.append((v, sub))


def _encodable(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise FieldError(
            where.encode("utf-8", "backslashreplace").decode(),
            f"contains the lone surrogate \\u{ord(bad):04x}, which is not a character "
            "(the text must be valid Unicode)",
        ) from None


def did_you_mean(key: str, valid: tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest valid key, or "" when none is close."""
    close = difflib.get_close_matches(key, valid, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def reject_unknown(data: dict[str, Any], valid: tuple[str, ...], prefix: str) -> None:
    """Raise for the first key of ``data`` not in ``valid``; ``prefix`` starts its path."""
    for key in data:
        if key not in valid:
            hint = did_you_mean(key, valid) or f" (expected one of: {', '.join(valid)})"
            raise FieldError(f"{prefix}{key}", f"unknown field{hint}")


def expect_object(
    value: Any, path: str, keys: tuple[str, ...] | None, *, shorten: Shorten = short
) -> dict[str, Any]:
    """``value`` as a dict with only ``keys`` in it (any keys when ``keys`` is None)."""
    if not isinstance(value, dict):
        raise FieldError(path, f"expected an object, got {describe(value, shorten)}")
    if keys is not None:
        reject_unknown(value, keys, f"{path}.")
    return value


def required(data: dict[str, Any], key: str, path: str | None = None) -> Any:
    """``data[key]``, or "missing" at ``path`` (the key itself by default)."""
    if key not in data:
        raise FieldError(path or key, "missing")
    return data[key]


def choice(
    value: Any,
    options: tuple[str, ...],
    path: str,
    what: str | None = None,
    *,
    shorten: Shorten = short,
) -> str:
    """One of ``options``; the error says "unknown <what> 'x'", or "unknown value the string 'x'"
    when ``what`` is not given."""
    if not isinstance(value, str) or value not in options:
        given = f"{what} {shorten(value)}" if what else f"value {describe(value, shorten)}"
        raise FieldError(path, f"unknown {given} (expected one of: {', '.join(options)})")
    return value


def integer(
    value: Any,
    path: str,
    low: int,
    high: int | None = None,
    *,
    wording: str | None = None,
    shorten: Shorten = short,
) -> int:
    """An int (not a bool) from ``low`` to ``high``; ``wording`` names what was expected (by
    default "a positive integer", "a non-negative integer" or "an integer of at least <low>")."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        if wording is None:
            wording = {0: "a non-negative integer", 1: "a positive integer"}.get(
                low, f"an integer of at least {low}"
            )
        raise FieldError(path, f"expected {wording}, got {describe(value, shorten)}")
    if high is not None and value > high:
        raise FieldError(path, f"at most {high} allowed, got {shorten(value)}")
    return value


def seed(value: Any, path: str, *, shorten: Shorten = short) -> int:
    """A seed: an int from 0 to :data:`MAX_SEED`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise FieldError(path, f"expected a seed, {SEED_RANGE}, got {describe(value, shorten)}")
    return value


def parse_seed(text: str, what: str = "seed") -> int:
    """A seed typed by a user (command line, dock): ValueError naming ``what`` when it is not
    a whole number in the range."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or int(cleaned) > MAX_SEED:
        raise ValueError(f"{what}: expected {SEED_RANGE}, not {short(text)}")
    return int(cleaned)


def number(
    value: Any,
    path: str,
    low: float | None = None,
    high: float | None = None,
    *,
    shorten: Shorten = short,
) -> float:
    """A finite int or float (not a bool) as a float, optionally from ``low`` to ``high``."""
    if isinstance(value, NonFinite):
        raise FieldError(path, f"{value.text} is not allowed (numbers must be finite)")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(path, f"expected a number, got {describe(value, shorten)}")
    try:
        result = float(value)
    except OverflowError:  # an integer beyond the float range
        result = math.inf
    if not math.isfinite(result):  # NaN or ±Infinity the JSON parser let through
        raise FieldError(path, f"{shorten(value)} is not allowed (numbers must be finite)")
    if (low is not None and result < low) or (high is not None and result > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise FieldError(path, f"must be {bounds}, got {shorten(value)}")
    return result
