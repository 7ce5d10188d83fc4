"""Layer mode in the network view: the whole layer of the current layer operation in a box,
the values it reads marked, and the edges it reads or writes drawn over the others."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPen
from PySide6.QtWidgets import QGraphicsRectItem
from shiboken6 import isValid

from core.layers.stepper import layer_keys


def _box(view) -> QGraphicsRectItem:
    box = getattr(view, "_layer_box", None)
    if box is None or not isValid(box) or box.scene() is not view.scene():
        box = QGraphicsRectItem()
        box.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        box.setZValue(0.8)
        view.scene().addItem(box)
        view._layer_box = box
    box.setPen(QPen(view.theme.cursor_edge, 4 * view.font_scale, Qt.PenStyle.DashLine))
    return box


def hide_layer_box(view) -> None:
    box = getattr(view, "_layer_box", None)
    if box is not None and isValid(box):
        box.setVisible(False)


def mark_layer(view, op) -> None:
    """Highlight what layer operation ``op`` (None at the start) reads and writes."""
    net = view.controller.network
    reads, writes = layer_keys(op, net) if op is not None else (set(), set())
    marked = {view._label_key(k) for k in reads} & set(view.labels)
    for key in view._marked - marked:
        item, _ = view.labels[key]
        item.setBrush(QBrush(view._colour_of(key)))
    for key in marked - view._marked:
        item, _ = view.labels[key]
        item.setBrush(QBrush(view.theme.reads))
    view._marked = marked
    index, lines = view.edge_index, view.edges_item.lines
    read_edges, current_edges = [], []
    for key in reads:
        kind, _, rest = key.partition(":")
        if kind in ("w", "grad_w") and rest in index:
            read_edges.append(lines[index[rest]])
    for key in writes:
        kind, _, rest = key.partition(":")
        if kind in ("grad_w", "new_w") and rest in index:
            current_edges.append(lines[index[rest]])
    width = 3.5 * view.font_scale
    view.highlight_item.set_lines(read_edges + current_edges)
    view.highlight_item.buckets = [
        (QPen(view.theme.reads, width + 2), read_edges),
        (QPen(view.theme.cursor_edge, width + 3), current_edges),
    ]
    view.cursor_box.setVisible(False)
    view.halo.setVisible(False)
    box = _box(view)
    if op is None:
        box.setVisible(False)
        return
    layer = op.layer
    centres = [c for (l, _), c in view.centres.items() if l == layer]
    r = view._radius + 6 * view.font_scale
    rect = QRectF()
    for c in centres:
        rect = rect.united(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))
    box.setRect(rect)
    box.setVisible(True)
