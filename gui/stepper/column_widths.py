"""How wide a column of the Values dock must be for Qt to show each of its texts whole."""

from __future__ import annotations

import math

from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QStyle, QTableView

from core.notation import fmt


def column_texts(model, values: dict[str, float]) -> list[list[str]]:
    """Per column, the texts its cells show given ``values``."""
    texts: list[list[str]] = [[] for _ in model.headers]
    for labels, keys in model.rows:
        for c in range(model.fixed):
            texts[c].append(labels[c])
        for c, key in enumerate(keys, model.fixed):
            if isinstance(key, tuple):
                if key[0] in values and key[1] in values:
                    texts[c].append(fmt(values[key[1]] - values[key[0]]))
            elif key in values:
                texts[c].append(fmt(values[key]))
    return texts


def cell_width(table: QTableView, texts: list[str], header: str) -> int:
    """The least column width that shows each of ``texts`` and the header whole: Qt elides a
    text wider than the cell less its grid line and the style's text margins."""
    style = table.style()
    metrics = QFontMetricsF(table.font())
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    grid = 1 if table.showGrid() else 0
    # Each digit as the widest one: a few shapes to measure instead of every number.
    digit = max("0123456789", key=metrics.horizontalAdvance)
    shapes = {t.translate(str.maketrans("0123456789", digit * 10)) for t in texts}
    widest = max((metrics.horizontalAdvance(t) for t in shapes), default=0.0)
    head_margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, table)
    head = metrics.horizontalAdvance(header) + 2 * head_margin + 2
    return math.ceil(max(widest + 2 * margin + grid, head)) + 1
