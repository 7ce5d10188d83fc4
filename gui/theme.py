"""Colours and font sizes of the normal and the presenter (high-contrast) look."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor, QFont, QFontDatabase

NUMBER_FAMILY = "DejaVu Sans Condensed"  # narrow digits for tables of numbers


@cache
def _has_number_family() -> bool:
    return NUMBER_FAMILY in QFontDatabase.families()


def number_font(font: QFont) -> QFont:
    """``font`` in the condensed face where it is installed (else unchanged): tables of numbers
    are measured, so without it they are only wider."""
    font = QFont(font)
    if _has_number_family():
        font.setFamily(NUMBER_FAMILY)
    return font


@dataclass(frozen=True)
class Theme:
    """Colours used by every view; ``presenter`` is the high-contrast variant."""

    name: str
    background: QColor
    foreground: QColor
    muted: QColor
    node: QColor
    delta: QColor
    positive: QColor
    negative: QColor
    reads: QColor
    cursor: QColor
    cursor_edge: QColor
    style_sheet: str


NORMAL = Theme(
    name="normal",
    background=QColor("#fbfbf8"),
    foreground=QColor("#1d1d1f"),
    muted=QColor("#5f6368"),
    node=QColor("#ffffff"),
    delta=QColor("#8e2c8f"),
    positive=QColor(33, 102, 172, 200),
    negative=QColor(214, 96, 39, 200),
    reads=QColor("#2b8a3e"),
    cursor=QColor(255, 214, 10, 150),
    cursor_edge=QColor("#f0b400"),
    style_sheet="",
)

PRESENTER = Theme(
    name="presenter",
    background=QColor("#ffffff"),
    foreground=QColor("#000000"),
    muted=QColor("#303030"),
    node=QColor("#ffffff"),
    delta=QColor("#6a006b"),
    positive=QColor("#0b3d91"),
    negative=QColor("#b33000"),
    reads=QColor("#006400"),
    cursor=QColor(255, 221, 0, 190),
    cursor_edge=QColor("#e6a800"),
    style_sheet=(
        "QMainWindow, QWidget { background: #ffffff; color: #000000; }"
        "QWidget:disabled { color: #8a8a8a; }"  # greyed-out controls stay visibly greyed out
        "QToolBar { border: none; spacing: 10px; }"
        # Check boxes as large as the presenter's text beside them.
        "QCheckBox::indicator { width: 20px; height: 20px; }"
        # The tabs readable from the back of the room too (the menu bar is hidden).
        "QTabBar::tab { font-size: 13pt; padding: 1px 12px 3px 12px; margin-right: 2px;"
        " background: #ececec; border: 1px solid #a0a0a0; border-bottom: none; }"
        "QTabBar::tab:selected { background: #ffffff; font-weight: bold;"
        " border-top: 3px solid #0b3d91; }"
    ),
)
