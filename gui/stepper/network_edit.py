"""Zooming, hovering over and editing the network view: zooming in spreads the network out,
tooltips give full-precision values, and a double click on a weight, bias, input or target
changes it."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QCursor, QPen
from PySide6.QtWidgets import QInputDialog, QToolTip
from shiboken6 import isValid

from core.messages import one_line
from core.trace import value_name

PLACEHOLDER = "—"
MAX_SPREAD = 6.0  # zooming in spreads the network over at most this many views


class NetworkEditing:
    """Mixed into :class:`gui.stepper.network_view.NetworkView`."""

    def zoom(self, factor: float, about_mouse: bool = False) -> None:
        """Zooming in spreads the network over a larger canvas (the text keeps its size, the
        hidden numbers appear); zooming out past the fitted view shrinks it as a picture. The
        wheel's zoom (``about_mouse``) keeps the point under the mouse in place; the keys' and
        the menu's keep the cursor in view (the mouse may rest anywhere over the view)."""
        if self.controller.network is None or self.transform().m11() < 0.999 or (
                factor < 1 and self.spread <= 1.0):
            super().zoom(factor, about_mouse)
            if self.transform().m11() > 1.0:  # back at the layout's own scale: spread on
                self.fit()
            return
        spread = min(MAX_SPREAD, max(1.0, self.spread * factor))
        if spread == self.spread:
            return
        port = self.viewport().rect()
        anchor = self.mapFromGlobal(QCursor.pos())
        by_mouse = about_mouse and port.contains(anchor)
        if not by_mouse:
            anchor = port.center()
        rect, point = self.scene().sceneRect(), self.mapToScene(anchor)
        rel = ((point.x() - rect.left()) / max(rect.width(), 1.0),
               (point.y() - rect.top()) / max(rect.height(), 1.0))
        if spread == 1.0:
            self.fit()
            return
        self.spread = spread
        self.auto_fit = False
        self._on_network_replaced()
        self.resetTransform()
        self.show_scroll_bars_if_needed()
        rect = self.scene().sceneRect()
        target = QPointF(rect.left() + rel[0] * rect.width(), rect.top() + rel[1] * rect.height())
        self.centerOn(target + QPointF(port.center() - anchor))
        self.zoom_changed()
        if not by_mouse:
            self._follow_cursor()  # zoomed from the keyboard or the menu: keep the cursor in view

    # -- hover and editing ----------------------------------------------------------------

    def edge_at(self, pos: QPointF, tolerance: float = 6.0) -> str | None:
        """The ``l:j:i`` of the edge nearest to scene point ``pos``, if within ``tolerance``."""
        if not len(self.edge_ends):
            return None
        a, b = self.edge_ends[:, :2], self.edge_ends[:, 2:]
        p = np.array([pos.x(), pos.y()])
        ab = b - a
        t = np.clip(np.einsum("ij,ij->i", p - a, ab) / np.maximum((ab**2).sum(1), 1e-9), 0, 1)
        dist = np.hypot(*(a + t[:, None] * ab - p).T)
        k = int(np.argmin(dist))
        scale = max(self.transform().m11(), 1e-6)
        return self.edge_keys[k] if dist[k] <= tolerance / scale else None

    def _item_key(self, view_pos) -> str | None:
        """The editable value under a view position: a label, a unit, or an edge."""
        scene_pos = self.mapToScene(view_pos)
        for item in self.scene().items(scene_pos):
            key = item.data(0)
            if isinstance(key, str):
                if key.startswith("edge:"):
                    return "w:" + key[5:]
                if key.startswith(("grad_w:", "new_w:")):  # a weight table's cell
                    return "w:" + key.partition(":")[2]
                if key.startswith("node:"):
                    return key
                return key
        edge = self.edge_at(scene_pos)
        return f"w:{edge}" if edge else None

    def tooltip_text(self, key: str) -> str:
        known = self.controller.known()

        def line(label: str, k: str) -> str:
            v = known.get(k)
            return f"{label} = {PLACEHOLDER if v is None else rounded(v)}"

        if key.startswith("w:"):
            rest = key[2:]
            l, j, i = rest.split(":")
            head = f"w{l}[{int(j) + 1},{int(i) + 1}] (unit {int(i) + 1} → unit {int(j) + 1})"
            return "\n".join([head, line("w", f"w:{rest}"), line("∂L/∂w", f"grad_w:{rest}"),
                              line("new w", f"new_w:{rest}")])
        parts = key.split(":")
        if parts[0] in ("node", "z", "u", "delta", "b", "name") and len(parts) == 3:
            l, j = parts[1], parts[2]
            rows = [f"layer {l}, unit {int(j) + 1}", line("u", f"u:{l}:{j}")]
            if l != "0":
                rows = [rows[0], line("z", f"z:{l}:{j}"), rows[1], line("δ", f"delta:{l}:{j}"),
                        line("b", f"b:{l}:{j}")]
            return "\n".join(rows)
        if parts[0] == "y":
            return line(f"target y{int(parts[1]) + 1}", key)
        if key == "loss":
            return line("L", "loss")
        return ""

    def show_edge_of(self, key: str | None) -> None:
        """Draw the edge of weight ``key`` (``w:l:j:i``) highlighted, e.g. for a table cell
        under the mouse; None or another kind of key takes the highlight away."""
        item = getattr(self, "hover_item", None)
        if item is None or not isValid(item) or item.scene() is not self.scene():
            return
        rest = key[2:] if key and key.startswith("w:") else None
        lines = [self.edges_item.lines[self.edge_index[rest]]] if rest in self.edge_index else []
        item.set_lines(lines)
        item.buckets = [(QPen(self.theme.cursor_edge, 3.5 * self.font_scale + 3), lines)]

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if self.controller.stepper is not None:
            self.show_edge_of(self._item_key(event.position().toPoint()))
        super().mousePressEvent(event)

    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and self.controller.stepper is not None:
            key = self._item_key(event.pos())
            self.show_edge_of(key)
            text = self.tooltip_text(key) if key else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        key = self._item_key(event.position().toPoint())
        if key and key.startswith("node:"):
            _, l, j = key.split(":")
            key = f"u:0:{j}" if l == "0" else f"b:{l}:{j}"
        if key and (key.startswith(("w:", "b:", "y:")) or key.startswith("u:0:")):
            self.edit_value(key)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def edit_value(self, key: str) -> None:
        """Ask for a new value of ``key`` and hand it to the controller."""
        current = self.controller.stepper.known().get(key)
        text = self.ask_value(key, current)
        if text is None:
            return
        try:
            value = float(text.replace("−", "-"))
            self.controller.edit(key, value)
        except ValueError as exc:
            problem = str(exc) if "finite" in str(exc) else f"{one_line(text)!r} is not a number"
            self.edit_failed.emit(f"Cannot set {value_name(self.controller.network, key)}: "
                                  f"{problem}")  # fmt: skip

    def _ask_value(self, key: str, current: float | None) -> str | None:
        names = {"w": "weight", "b": "bias", "u": "input", "y": "target"}
        name = value_name(self.controller.network, key)
        text, ok = QInputDialog.getText(
            self, "Edit value", f"New value of the {names[key.split(':')[0]]} {name}:",
            text="" if current is None else repr(current))
        return text if ok else None


def rounded(value: float) -> str:
    """Full precision for tooltips without float noise (0.1 + 0.2 shows as 0.3)."""
    return repr(round(value, 12)) if math.isfinite(value) else str(value)
