"""A small matrix as a table of numbers, each cell tinted by its sign and size (blue positive,
orange negative, as the network view colours weights), with a caption above."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.notation import fmt
from gui.lessons.fonts import scale_fonts, text_scale
from gui.theme import number_font

POSITIVE = (33, 102, 172)
NEGATIVE = (214, 96, 39)


def tint(value: float, scale: float) -> QColor:
    """A pale-to-full colour for ``value`` relative to ``scale`` (the largest |value| shown)."""
    if not np.isfinite(value) or scale <= 0:
        return QColor(255, 255, 255)
    strength = min(1.0, abs(value) / scale)
    r, g, b = POSITIVE if value >= 0 else NEGATIVE
    mix = 0.15 + 0.55 * strength
    return QColor(*(round(255 + (c - 255) * mix) for c in (r, g, b)))


class MatrixTable(QWidget):
    """A caption over a read-only table that fits its numbers."""

    def __init__(self, caption: str = "", parent=None, headers: bool = True) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.table = QTableWidget()
        self.table.setFont(number_font(self.table.font()))  # narrow digits: a row of matrices fits
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        if not headers:  # row and column numbers only take room when the shape says it all
            self.table.horizontalHeader().hide()
            self.table.verticalHeader().hide()
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.matrix = np.zeros((0, 0))

    def set_caption(self, html: str) -> None:
        if self.caption.text() != html:
            self.caption.setText(html)

    def set_matrix(self, matrix: np.ndarray, digits: int = 3, scale: float | None = None,
                   row_labels=None, column_labels=None) -> None:  # fmt: skip
        """Show ``matrix``; colours are relative to ``scale`` (default its largest |value|)."""
        M = np.atleast_2d(np.asarray(matrix, dtype=float))
        self.matrix = M.copy()
        table = self.table
        table.setRowCount(M.shape[0])
        table.setColumnCount(M.shape[1])
        table.setVerticalHeaderLabels(row_labels or [str(r + 1) for r in range(M.shape[0])])
        table.setHorizontalHeaderLabels(
            column_labels or [str(c + 1) for c in range(M.shape[1])]
        )
        finite = M[np.isfinite(M)]
        if scale is None:
            scale = float(np.abs(finite).max()) if finite.size else 1.0
        for r in range(M.shape[0]):
            for c in range(M.shape[1]):
                item = table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    table.setItem(r, c, item)
                item.setText(fmt(M[r, c], digits))
                item.setBackground(QBrush(tint(M[r, c], scale)))
                item.setForeground(QBrush(QColor("#1d1d1f")))
        # A table made after the figure's text was scaled takes that scale here.
        scale_fonts(self, text_scale(self))
        self._fit()

    def set_text_scale(self, scale: float) -> None:
        scale_fonts(self, scale)
        self.refit()

    def refit(self) -> None:
        """Fit the table to its numbers again (after its font changed)."""
        if self.matrix.size:
            self._fit()

    def _fit(self) -> None:
        table = self.table
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        vertical, horizontal = table.verticalHeader(), table.horizontalHeader()
        width = 2 * table.frameWidth() + sum(
            table.columnWidth(c) for c in range(table.columnCount())
        )
        height = 2 * table.frameWidth() + sum(
            table.rowHeight(r) for r in range(table.rowCount())
        )
        if not vertical.isHidden():
            width += vertical.sizeHint().width()
        if not horizontal.isHidden():
            height += horizontal.sizeHint().height()
        table.setFixedSize(width + 2, height + 2)

    def texts(self) -> list[list[str]]:
        """The numbers as shown (for tests)."""
        t = self.table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]
