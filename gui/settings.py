"""Values read back from QSettings, validated: anything can be in a settings file (an old
version, a hand edit, another program), and a bad value must never stop the app.

Each reader returns the value when it is good and the default otherwise; a bad value is reported
once per key and process with one line on stderr ("warning: settings: font_scale: …"), and the
app carries on with the default.
"""

from __future__ import annotations

import math
import sys

from PySide6.QtCore import QByteArray, QSettings

from core.messages import one_line

_WARNED: set[str] = set()


def warn_once(key: str, problem: str) -> None:
    """One line on stderr about the bad value of ``key`` (only the first time per process)."""
    if key in _WARNED:
        return
    _WARNED.add(key)
    print(f"warning: settings: {one_line(key)}: {one_line(problem)}; using the default",
          file=sys.stderr)  # fmt: skip


def _raw(settings: QSettings, key: str):
    try:
        return settings.value(key)
    except Exception as exc:  # a value Qt cannot turn into a Python object
        warn_once(key, f"unreadable ({type(exc).__name__})")
        return None


def read_float(
    settings: QSettings, key: str, default: float, low: float, high: float
) -> float:
    """A finite number from ``low`` to ``high``; ``default`` when missing or bad."""
    value = _raw(settings, key)
    if value is None:
        return default
    try:
        number = float(value) if isinstance(value, (int, float, str)) else math.nan
    except ValueError:
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number) or not low <= number <= high:
        warn_once(key, f"{_shown(value)} is not a number from {low:g} to {high:g}")
        return default
    return number


def read_string(settings: QSettings, key: str, default: str = "") -> str:
    """A string (one that can be written out again); ``default`` when missing or bad."""
    value = _raw(settings, key)
    if value is None:
        return default
    if not isinstance(value, str) or not _encodable(value):
        warn_once(key, f"{_shown(value)} is not a text")
        return default
    return value


def read_string_list(settings: QSettings, key: str) -> list[str]:
    """A list of strings; QSettings gives a lone string for a one-item list and None for an
    empty one. Items that are not strings are dropped (with the warning)."""
    value = _raw(settings, key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        warn_once(key, f"{_shown(value)} is not a list of texts")
        return []
    good = [v for v in value if isinstance(v, str) and v and _encodable(v)]
    if len(good) != len(value):
        warn_once(key, "some entries are not texts")
    return good


def read_bytes(settings: QSettings, key: str) -> QByteArray | None:
    """Saved window geometry or state (a QByteArray); None when missing or bad."""
    value = _raw(settings, key)
    if value is None:
        return None
    if isinstance(value, bytes):
        return QByteArray(value)
    if not isinstance(value, QByteArray):
        warn_once(key, f"{_shown(value)} is not saved window data")
        return None
    return value


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"
