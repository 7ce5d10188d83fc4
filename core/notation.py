"""Numbers and formulas as the app writes them.

Formulas are plain strings in a small markup: ``_{...}`` or ``_x`` is a subscript, ``^{...}`` or
``^x`` a superscript; everything else (Σ, δ, ∂, η, ·, −) is Unicode. :func:`to_html` renders the
markup as rich text for the GUI and the Markdown handout; the JSON trace keeps the markup itself.
"""

from __future__ import annotations

import html
import math

MINUS = "−"


def fmt(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits with a true minus sign: 0.3775, −0.0217, 1.2e-05."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    if text in ("-0", "0"):
        text = "0"
    return text.replace("-", MINUS)


def fmt_factor(x: float, digits: int = 4) -> str:
    """A number as a factor in a product: negative numbers in parentheses, ``(−0.5)``."""
    text = fmt(x, digits)
    return f"({text})" if text.startswith(MINUS) else text


def _script(markup: str, start: int) -> tuple[str, int]:
    """The script that begins at ``start`` (a braced group or one character) and its end."""
    if start < len(markup) and markup[start] == "{":
        depth = 0
        for k in range(start, len(markup)):
            if markup[k] == "{":
                depth += 1
            elif markup[k] == "}":
                depth -= 1
                if depth == 0:
                    return markup[start + 1 : k], k + 1
        return markup[start + 1 :], len(markup)
    return markup[start : start + 1], start + 1


# Fonts that draw combining accents (m̂ is m + U+0302) over their letter; many interface fonts,
# Qt's default DejaVu Sans among them, drop the accent. The first one installed is used.
ACCENT_FONTS = ("DejaVu Serif", "DejaVu Math TeX Gyre", "Latin Modern Math", "Cambria Math",
                "STIX Two Math", "Noto Serif", "Times New Roman", "serif")


def _is_combining(ch: str) -> bool:
    return "\u0300" <= ch <= "\u036f"


def to_html(markup: str) -> str:
    """Rich text with ``<sub>``/``<sup>`` for the markup's scripts; other text is escaped. A
    letter with a combining accent (m̂, v̂) is set in a font that draws the accent."""
    out: list[str] = []
    k = 0
    while k < len(markup):
        ch = markup[k]
        if ch in "_^" and k + 1 < len(markup):
            inner, k = _script(markup, k + 1)
            tag = "sub" if ch == "_" else "sup"
            out.append(f"<{tag}>{to_html(inner)}</{tag}>")
            continue
        end = k + 1
        while end < len(markup) and _is_combining(markup[end]):
            end += 1
        if end > k + 1:
            families = ", ".join(f"'{f}'" if " " in f else f for f in ACCENT_FONTS)
            out.append(f'<span style="font-family: {families};">'
                       f"{html.escape(markup[k:end], quote=False)}</span>")
            k = end
            continue
        out.append(html.escape(ch, quote=False))
        k += 1
    return "".join(out)


def to_plain(markup: str) -> str:
    """The markup for a terminal: braces of one-character scripts dropped, ``w_{j,i}`` kept."""
    out: list[str] = []
    k = 0
    while k < len(markup):
        ch = markup[k]
        if ch in "_^" and k + 1 < len(markup):
            inner, k = _script(markup, k + 1)
            plain = to_plain(inner)
            out.append(ch + (plain if len(plain) == 1 else "{" + plain + "}"))
            continue
        out.append(ch)
        k += 1
    return "".join(out)
