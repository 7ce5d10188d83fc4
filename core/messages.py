"""Names inside messages: every error and warning is one line on stderr, whatever a user named
a file, a CSV column or a JSON key.

:func:`one_line` escapes what would break a line or a terminal (newlines, other control
characters, lone surrogates); ordinary text, accents and symbols stay as they are.
"""

from __future__ import annotations

import os
import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: object) -> str:
    """``text`` with newlines, control characters and lone surrogates escapes (``\\n``,
    ``\\x1b``, ``\\udc80``), so that it prints on one line and can be encoded."""
    if not isinstance(text, str):
        text = os.fsdecode(text) if isinstance(text, (bytes, os.PathLike)) else str(text)
    out = []
    for ch in text:
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def file_label(path: str | os.PathLike[str]) -> str:
    """A file's base name, made safe for a one-line message."""
    return one_line(os.path.basename(os.fspath(path)))
