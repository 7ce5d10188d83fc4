"""The network view's edges: every edge in one item that batches them by pen (so that a step
on a 6 × 16 network, about 1,300 edges, stays inside one frame), and the few edges the current
operation uses, drawn over them."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem


class EdgesItem(QGraphicsItem):
    """Every edge of the network in one item: lines grouped by pen and drawn with drawLines.

    The item caches its pixmap, so a step that changes no weight does not repaint the edges;
    antialiasing is left off for large networks, where it costs ten times as much.
    """

    def __init__(self, antialias: bool = True) -> None:
        super().__init__()
        self.lines: list[QLineF] = []
        self.buckets: list[tuple[QPen, list[QLineF]]] = []
        self.antialias = antialias
        self._rect = QRectF()

    def set_lines(self, lines: list[QLineF]) -> None:
        self.prepareGeometryChange()
        self.lines = lines
        rect = QRectF()
        for line in lines:
            rect = rect.united(QRectF(line.p1(), line.p2()).normalized())
        self._rect = rect.adjusted(-10, -10, 10, 10)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias)
        for pen, lines in self.buckets:
            painter.setPen(pen)
            painter.drawLines(lines)


class HighlightItem(EdgesItem):
    """The few edges that the current operation reads or writes, drawn over the others."""

    def __init__(self) -> None:
        super().__init__(antialias=True)
