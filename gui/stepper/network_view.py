"""The network drawn as a graph: units with their z, u and δ, edges with their weights.

All edges are painted by one item that batches them by pen, labels are
QGraphicsSimpleTextItems whose text changes only when the string does, and the scene has no
index: this keeps a step on a 6 × 16 network (about 1,300 edges) well inside one frame.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QInputDialog,
    QToolTip,
)

from core.messages import one_line
from core.notation import fmt
from core.trace import unit_label, value_name
from gui.stepper.layer_marks import hide_layer_box, mark_layer
from gui.theme import Theme
from gui.zoom_view import ZoomView

# Networks up to this many edges print every weight on its edge; larger ones show it on hover.
EDGE_LABEL_LIMIT = 40
WIDTH_LEVELS = 6
PLACEHOLDER = "—"


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


class NetworkView(ZoomView):
    """Shows the controller's network at its cursor and lets the user edit given values.

    Signals
    -------
    edit_failed(str) : an edit was refused (the message says why).
    """

    edit_failed = Signal(str)

    def __init__(self, controller, theme: Theme, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.theme = theme
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        self.labels_visible = True
        self.font_scale = 1.0
        self.labels: dict[str, tuple[QGraphicsSimpleTextItem, str]] = {}
        self.nodes: dict[tuple[int, int], QGraphicsEllipseItem] = {}
        self.centres: dict[tuple[int, int], QPointF] = {}
        self.edge_keys: list[str] = []
        self.edge_ends = np.zeros((0, 4))
        self._weights_shown: np.ndarray | None = None
        self._shown_values: dict[str, float | None] = {}
        self._marked: set[str] = set()
        self.ask_value = self._ask_value  # replaced in tests
        controller.network_replaced.connect(self._on_network_replaced)
        controller.state_changed.connect(self._on_state_changed)

    # -- building the scene ---------------------------------------------------------------

    def set_font_scale(self, scale: float) -> None:
        self.font_scale = scale
        self._on_network_replaced()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._on_network_replaced()

    def _font(self, factor: float = 1.0, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(6, round(13 * self.font_scale * factor)))
        font.setBold(bold)
        return font

    def _on_network_replaced(self) -> None:
        scene = self.scene()
        scene.clear()
        self.labels.clear()
        self.nodes.clear()
        self.centres.clear()
        self._weights_shown = None
        self._shown_values: dict[str, float | None] = {}
        self._marked = set()
        self.labels_visible = True
        net = self.controller.network
        if net is None:
            return
        theme = self.theme
        self.setBackgroundBrush(QBrush(theme.background))
        fs = 13 * self.font_scale
        sizes = net.sizes
        edges = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        self.show_edge_labels = edges <= EDGE_LABEL_LIMIT and not self.controller.layer_mode
        radius = 2.8 * fs
        dy = 2 * radius + 3.4 * fs
        dx = (26 if self.show_edge_labels else 15) * fs
        tallest = max(sizes)

        for l, n in enumerate(sizes):
            for j in range(n):
                y = (j - (n - 1) / 2) * dy
                self.centres[(l, j)] = QPointF(l * dx, y)

        # Edges, from the right side of unit i to the left side of unit j.
        lines, keys, ends = [], [], []
        for l in range(1, len(sizes)):
            for j in range(sizes[l]):
                b = self.centres[(l, j)]
                for i in range(sizes[l - 1]):
                    a = self.centres[(l - 1, i)]
                    line = QLineF(a.x() + radius, a.y(), b.x() - radius, b.y())
                    lines.append(line)
                    keys.append(f"{l}:{j}:{i}")
                    ends.append((line.x1(), line.y1(), line.x2(), line.y2()))
        self.edges_item = EdgesItem(antialias=len(lines) <= 200)
        self.edges_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.edges_item.set_lines(lines)
        scene.addItem(self.edges_item)
        self.highlight_item = HighlightItem()
        self.highlight_item.setZValue(0.5)
        scene.addItem(self.highlight_item)
        self.edge_index = {k: n for n, k in enumerate(keys)}
        self.edge_keys = keys
        self.edge_ends = np.array(ends, dtype=float).reshape(-1, 4)

        # Units: a circle with u inside, z above, δ below, the bias at the lower left.
        node_pen = QPen(theme.foreground, max(1.5, 1.5 * self.font_scale))
        for (l, j), c in self.centres.items():
            node = scene.addEllipse(c.x() - radius, c.y() - radius, 2 * radius, 2 * radius,
                                    node_pen, QBrush(theme.node))
            node.setData(0, f"node:{l}:{j}")
            node.setZValue(1)
            # Antialiased circles are dear to paint; cached, a repaint is a blit.
            node.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.nodes[(l, j)] = node
            name = unit_label(net, l, j)
            self._add_label(f"name:{l}:{j}", name, c.x() - radius * 0.95, c.y() - radius * 1.05,
                            self._font(0.8), theme.muted, anchor="right")
            self._add_label(f"u:{l}:{j}", "", c.x(), c.y(), self._font(1.0, True),
                            theme.foreground, prefix="")
            if l > 0:
                self._add_label(f"z:{l}:{j}", "", c.x(), c.y() - radius - 0.8 * fs,
                                self._font(), theme.foreground, prefix="z ")
                self._add_label(f"delta:{l}:{j}", "", c.x(), c.y() + radius + 0.8 * fs,
                                self._font(), theme.delta, prefix="δ ")
                self._add_label(f"b:{l}:{j}", "", c.x() - radius * 0.95,
                                c.y() + radius * 1.05, self._font(0.8), theme.muted,
                                prefix="b ", anchor="right")
        # Targets and the loss to the right of the output layer.
        L = len(sizes) - 1
        for j in range(sizes[L]):
            c = self.centres[(L, j)]
            self._add_label(f"y:{j}", "", c.x() + radius + 0.6 * fs, c.y(),
                            self._font(), theme.muted, prefix="y ", anchor="left")
        bottom = max(c.y() for c in self.centres.values())
        self._add_label("loss", "", L * dx, bottom + radius + 2.6 * fs, self._font(1.1, True),
                        theme.foreground, prefix="L = ")
        if self.show_edge_labels:
            for key, line in zip(keys, lines):
                self._add_label(f"edge:{key}", "", line, 0.7 * fs, self._font(0.85),
                                theme.foreground, anchor="edge")

        self.cursor_box = QGraphicsRectItem()
        self.cursor_box.setBrush(QBrush(theme.cursor))
        self.cursor_box.setPen(QPen(Qt.PenStyle.NoPen))
        self.cursor_box.setZValue(2)
        scene.addItem(self.cursor_box)
        self.halo = QGraphicsEllipseItem()
        self.halo.setPen(QPen(theme.cursor_edge, 4 * self.font_scale))
        self.halo.setZValue(1.5)
        self.halo.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        scene.addItem(self.halo)
        self._radius = radius
        self._tallest = tallest
        self._on_state_changed()
        # Measured after the first refresh, when the labels hold real numbers.
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-2 * fs, -fs, 2 * fs, fs))
        if self.auto_fit:
            self.fit()

    def _add_label(self, key, text, x, y, font, colour, prefix=None, anchor="centre") -> None:
        item = QGraphicsSimpleTextItem(text)
        item.setFont(font)
        item.setBrush(QBrush(colour))
        item.setZValue(3)
        item.setData(0, key)
        item.setData(1, (x, y, anchor))
        self.scene().addItem(item)
        self.labels[key] = (item, prefix if prefix is not None else "")
        self._place(item)

    def _place(self, item: QGraphicsSimpleTextItem) -> None:
        if item.flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations:
            self._place_on_screen(item)
            return
        x, y, anchor = item.data(1)
        r = item.boundingRect()
        if anchor == "edge":
            # x is the edge's line, y the lift above it: the label starts just right of the
            # source unit and sits on the line, so labels of one unit's edges fan out with them.
            line: QLineF = x
            t = min(0.5, max(0.26, (0.1 * line.dx() + r.width() / 2) / max(line.dx(), 1.0)))
            p = line.pointAt(t)
            item.setPos(p.x() - r.width() / 2, p.y() - y - r.height() / 2)
        elif anchor == "centre":
            item.setPos(x - r.width() / 2, y - r.height() / 2)
        elif anchor == "right":
            item.setPos(x - r.width(), y - r.height() / 2)
        else:
            item.setPos(x, y - r.height() / 2)

    # -- showing the cursor ---------------------------------------------------------------

    def _set_text(self, key: str, text: str) -> None:
        item, _ = self.labels[key]
        if item.text() != text:
            item.setText(text)
            self._place(item)

    def _on_state_changed(self) -> None:
        stepper = self.controller.stepper
        if stepper is None or not self.labels:
            return
        known = self.controller.known()
        if self.labels_visible:
            self._update_labels(known)
        else:
            loss = known.get("loss")
            self._set_text("loss", "L = " + (PLACEHOLDER if loss is None else fmt(loss)))
        self._update_nodes(known)
        self._update_edges(known)
        if getattr(self.controller, "layer_mode", False):
            mark_layer(self, self.controller.active_stepper.current)
        else:
            hide_layer_box(self)
            self._update_marks(stepper)

    def _update_labels(self, known: dict[str, float]) -> None:
        shown = self._shown_values
        for key, (_item, prefix) in self.labels.items():
            if key.startswith(("name:", "edge:")):
                continue
            value = known.get(key)
            if key in shown and shown[key] == value:
                continue  # same number as on screen: skip formatting it again
            shown[key] = value
            self._set_text(key, prefix + (PLACEHOLDER if value is None else fmt(value)))
        if self.show_edge_labels:
            for key in self.edge_keys:
                self._set_text(f"edge:{key}", self._edge_text(key, known))

    def _update_nodes(self, known: dict[str, float]) -> None:
        """Fill each unit by its output u once known (blue positive, orange negative)."""
        for (l, j), node in self.nodes.items():
            u = known.get(f"u:{l}:{j}")
            level = None if u is None or not math.isfinite(u) else round(min(abs(u), 1.0) * 8)
            state = None if level is None else (u >= 0, level)
            if node.data(1) == state:
                continue
            node.setData(1, state)
            if state is None:
                node.setBrush(QBrush(self.theme.node))
            else:
                base = QColor(self.theme.positive if state[0] else self.theme.negative)
                base.setAlpha(20 + 12 * level)
                node.setBrush(QBrush(base))

    def _update_level_of_detail(self) -> None:
        """Hide numbers too small to read at this zoom; hovering still shows them."""
        visible = self.transform().m11() * 13 * self.font_scale >= 7
        if visible == self.labels_visible:
            return
        self.labels_visible = visible
        for key, (item, _) in self.labels.items():
            if key != "loss":
                item.setVisible(visible)
        # The loss stays readable at any zoom: it is drawn at a fixed size on screen.
        loss_item = self.labels["loss"][0]
        loss_item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, not visible)
        self._place(loss_item)
        if visible and self.controller.stepper is not None:
            self._shown_values.clear()
            self._update_labels(self.controller.known())

    def _place_on_screen(self, item: QGraphicsSimpleTextItem) -> None:
        """A fixed-size label in the lower right corner, below the (usually few) outputs."""
        scale = max(self.transform().m11(), 1e-6)
        rect, box = self.scene().sceneRect(), item.boundingRect()
        item.setPos(rect.right() - (box.width() + 4) / scale,
                    rect.bottom() - (box.height() + 4) / scale)

    @staticmethod
    def _edge_text(key: str, known: dict[str, float]) -> str:
        w = known[f"w:{key}"]
        new = known.get(f"new_w:{key}")
        if new is not None:
            return f"{fmt(w)} → {fmt(new)}  (Δ {fmt(new - w, 3)})"
        grad = known.get(f"grad_w:{key}")
        if grad is not None:
            return f"{fmt(w)}   ∂L/∂w {fmt(grad)}"
        return fmt(w)

    def _update_edges(self, known: dict[str, float]) -> None:
        net = self.controller.network
        weights = np.concatenate([layer.W.ravel() for layer in net.layers])
        if self._weights_shown is not None and np.array_equal(weights, self._weights_shown):
            return
        self._weights_shown = weights.copy()
        finite = np.abs(weights[np.isfinite(weights)])
        top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        with np.errstate(invalid="ignore"):
            level = np.clip(np.abs(weights) / top * (WIDTH_LEVELS - 1), 0, WIDTH_LEVELS - 1)
        level = np.nan_to_num(level, nan=0).round().astype(int)
        positive = weights >= 0
        buckets: dict[tuple[bool, int], list[QLineF]] = {}
        for line, pos, lev in zip(self.edges_item.lines, positive, level):
            buckets.setdefault((bool(pos), int(lev)), []).append(line)
        scale = self.font_scale
        self.edges_item.buckets = [
            (QPen(self.theme.positive if pos else self.theme.negative,
                  (0.6 + 1.1 * lev) * scale), lines)
            for (pos, lev), lines in sorted(buckets.items())
        ]
        self.edges_item.update()

    def _update_marks(self, stepper) -> None:
        """Highlight the current operation and the values it reads."""
        op = stepper.current
        reads = set(op.reads) if op else set()
        marked = set()
        for key in reads:
            label_key = self._label_key(key)
            if label_key in self.labels:
                marked.add(label_key)
        for key in self._marked - marked:
            item, _ = self.labels[key]
            item.setBrush(QBrush(self._colour_of(key)))
        for key in marked - self._marked:
            item, _ = self.labels[key]
            item.setBrush(QBrush(self.theme.reads))
        self._marked = marked
        # Edges read by (or written by) the current operation.
        current_edges, read_edges = [], []
        index = self.edge_index
        for key in reads:
            kind, _, rest = key.partition(":")
            if kind in ("w", "grad_w") and rest in index:
                read_edges.append(self.edges_item.lines[index[rest]])
        if op is not None and op.quantity in ("grad_w", "w"):
            rest = f"{op.layer}:{op.unit}:{op.input}"
            current_edges.append(self.edges_item.lines[index[rest]])
        width = 3.5 * self.font_scale
        # Only the highlighted lines are its extent, so a step repaints just that region.
        self.highlight_item.set_lines(read_edges + current_edges)
        self.highlight_item.buckets = [
            (QPen(self.theme.reads, width + 2), read_edges),
            (QPen(self.theme.cursor_edge, width + 3), current_edges),
        ]
        # The box behind the value just computed, and a halo round its unit.
        target = self._label_key(op.key) if op else None
        if target in self.labels and self.labels_visible:
            item, _ = self.labels[target]
            r = item.sceneBoundingRect().adjusted(-3, -1, 3, 1)
            self.cursor_box.setRect(r)
            self.cursor_box.setVisible(True)
        else:
            self.cursor_box.setVisible(False)
        if op is not None and op.unit is not None and op.quantity in ("z", "u", "delta"):
            c, r = self.centres[(op.layer, op.unit)], self._radius + 4 * self.font_scale
            self.halo.setRect(c.x() - r, c.y() - r, 2 * r, 2 * r)
            self.halo.setVisible(True)
        else:
            self.halo.setVisible(False)

    def _label_key(self, key: str) -> str:
        """The label that shows value ``key`` (edge values share their edge's label)."""
        kind, _, rest = key.partition(":")
        if kind in ("w", "grad_w", "new_w") and self.show_edge_labels:
            return f"edge:{rest}"
        if kind == "grad_b" or kind == "new_b":
            return f"b:{rest}"
        return key

    def _colour_of(self, key: str) -> QColor:
        if key.startswith("delta:"):
            return self.theme.delta
        if key.startswith(("b:", "y:", "name:")):
            return self.theme.muted
        return self.theme.foreground

    # -- zoom, pan, fit -------------------------------------------------------------------

    def zoom_changed(self) -> None:
        self._update_level_of_detail()
        if self.labels and not self.labels_visible:
            self._place(self.labels["loss"][0])

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

    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and self.controller.stepper is not None:
            key = self._item_key(event.pos())
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
