"""The network drawn as a graph: units with their z, u and δ, edges with their weights.

All edges are painted by one item that batches them by pen, labels are
QGraphicsSimpleTextItems whose text changes only when the string does, and the scene has no
index: this keeps a step on a 6 × 16 network (about 1,300 edges) well inside one frame.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from core.notation import fmt
from core.trace import unit_label
from gui.stepper.edges_item import EdgesItem, HighlightItem
from gui.stepper.layer_marks import hide_layer_box, mark_layer
from gui.stepper.network_edit import PLACEHOLDER, NetworkEditing, rounded  # noqa: F401
from gui.stepper.network_focus import show_focus
from gui.stepper.network_layout import (
    U_PLATE_INSET,
    Metrics,
    edge_line,
    layout_network,
    unit_label_spots,
)
from gui.stepper.weight_tables import (
    KINDS,
    STACK_FONT,
    add_table_labels,
    room_wanted,
    table_layout,
)
from gui.theme import Theme
from gui.zoom_view import ZoomView

NUMBER_TEMPLATE = "−0.0008888"  # the widest number fmt writes (smaller ones go to e-notation)
WIDTH_LEVELS = 6


class NetworkView(NetworkEditing, ZoomView):
    """Shows the controller's network at its cursor and lets the user edit given values.

    Signals
    -------
    edit_failed(str) : an edit was refused (the message says why).
    units_drawn() : the units were drawn for the current state (after any change or rebuild).
    wants_room(int) : laid out again; the weight tables would have all their lines with this
        many pixels more width (0: they have them, more would not do, the view is zoomed or
        layer by layer, or ``room_available()`` says nobody could give the width).
    """

    edit_failed = Signal(str)
    units_drawn = Signal()
    wants_room = Signal(int)  # px of width the weight tables lack for all their lines

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
        self.spread = 1.0  # the canvas's size over the view's (zoomed in: more than 1)
        self.room_wanted = 0  # see wants_room
        self.room_available = lambda: False  # whether anyone could give the view more width
        self.labels: dict[str, tuple[QGraphicsSimpleTextItem, str]] = {}
        self.nodes: dict[tuple[int, int], QGraphicsEllipseItem] = {}
        self.centres: dict[tuple[int, int], QPointF] = {}
        self.edge_keys: list[str] = []
        self.edge_ends = np.zeros((0, 4))
        self._weights_shown: np.ndarray | None = None
        self._shown_values: dict[str, float | None] = {}
        self._marked: set[str] = set()
        self.ask_value = self._ask_value  # replaced in tests
        controller.network_replaced.connect(self._on_new_network)
        controller.state_changed.connect(self._on_state_changed)

    # -- building the scene ---------------------------------------------------------------

    def _on_new_network(self) -> None:
        """Another network: shown whole again."""
        self.spread, self.auto_fit = 1.0, True
        self.resetTransform()
        self._on_network_replaced()

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

    def _metrics(self) -> Metrics:
        value = QFontMetricsF(self._font())
        bold = QFontMetricsF(self._font(1.0, True))
        small = QFontMetricsF(self._font(0.9))
        net = self.controller.network
        names = [small.horizontalAdvance(unit_label(net, l, j))
                 for l, n in enumerate(net.sizes) for j in range(n)]
        return Metrics(
            font_px=13 * self.font_scale, line=value.height(),
            number=value.horizontalAdvance(NUMBER_TEMPLATE),
            unit_number=bold.horizontalAdvance(NUMBER_TEMPLATE),
            edge_text=max(value.horizontalAdvance("−0.0000 → −0.0000"),
                          value.horizontalAdvance("∂L/∂w −0.0000")),
            bias_text=value.horizontalAdvance(f"b {NUMBER_TEMPLATE}"),
            target_text=value.horizontalAdvance(f"y {NUMBER_TEMPLATE}"),
            name_text=max(names, default=0.0),
        )

    def _on_network_replaced(self) -> None:
        scene = self.scene()
        scene.clear()
        self.labels.clear()
        self.nodes.clear()
        self.centres.clear()
        self.plates = {}
        self.focus_items: list[QGraphicsSimpleTextItem] = []
        self._weights_shown = None
        self._shown_values: dict[str, float | None] = {}
        self._marked = set()
        self._focus: set[str] = set()
        self.labels_visible = True
        self.room_wanted = 0
        net = self.controller.network
        if net is None:
            return
        theme = self.theme
        self.setBackgroundBrush(QBrush(theme.background))
        sizes = net.sizes
        # Laid out in the viewport's pixels, so that at "fit" the text has its own size.
        vp = self.viewport().size()
        self._laid_out_for = (vp.width(), vp.height(), self.font_scale, self.spread)
        metrics = self._metrics()
        # Zoomed in, the network is laid out on a larger canvas: more room between the units
        # at the same text size, so that the numbers a dense network hides come out.
        width = max(vp.width(), 200) * self.spread
        height = max(vp.height(), 150) * self.spread
        layout = layout_network(sizes, width, height, metrics)
        # Too dense to label every edge: the weights in tables below the drawing, if they fit.
        self.tables = None
        stepper = self.controller.stepper
        self._tables_trace = None if stepper is None else stepper.trace
        if not layout.edge_labels and not self.controller.layer_mode:
            self.metrics = metrics
            planned = table_layout(self, width, height, layout_network)
            if ((planned is None or planned[2].kinds != KINDS or planned[2].close)
                    and self.spread == 1 and self.room_available()):
                self.room_wanted = room_wanted(self, width, height, layout_network)
            if planned is not None:
                layout, metrics, self.tables = planned
        self.layout, self.metrics = layout, metrics
        # Every edge, or those with room; none in layer mode (the weights are in the matrices).
        self.show_edge_labels = bool(layout.edge_spots) and not self.controller.layer_mode
        radius = layout.radius
        half_width = max(layout.half_width, radius)
        for key, (x, y) in layout.centres.items():
            self.centres[key] = QPointF(x, y)

        # Edges, from the right side of unit i to the left side of unit j.
        lines, keys, ends = [], [], []
        for l in range(1, len(sizes)):
            for j in range(sizes[l]):
                for i in range(sizes[l - 1]):
                    key = f"{l}:{j}:{i}"
                    end = edge_line(layout, key)
                    lines.append(QLineF(*end))
                    keys.append(key)
                    ends.append(end)
        self.edges_item = EdgesItem(antialias=len(lines) <= 200)
        self.edges_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.edges_item.set_lines(lines)
        scene.addItem(self.edges_item)
        self.highlight_item = HighlightItem()
        # Under the labels' plates; but where z and δ are left of the units (where the edges
        # arrive), over the plates (still under the text), or the current edge would seem to
        # end at the wrong unit, or short of its unit.
        self.highlight_item.setZValue(2.3 if layout.side else 0.5)
        scene.addItem(self.highlight_item)
        self.hover_item = HighlightItem()  # the edge of the table cell under the mouse
        self.hover_item.setZValue(0.6)
        scene.addItem(self.hover_item)
        self.edge_index = {k: n for n, k in enumerate(keys)}
        self.edge_keys = keys
        self.edge_ends = np.array(ends, dtype=float).reshape(-1, 4)

        # Units: a circle with u inside, z above, δ below, the bias at the lower left.
        node_pen = QPen(theme.foreground, max(1.5, 1.5 * self.font_scale))
        last = len(sizes) - 1
        for (l, j), c in self.centres.items():
            node = scene.addEllipse(c.x() - half_width, c.y() - radius, 2 * half_width,
                                    2 * radius, node_pen, QBrush(theme.node))
            node.setData(0, f"node:{l}:{j}")
            node.setZValue(1)
            # Antialiased circles are dear to paint; cached, a repaint is a blit.
            node.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.nodes[(l, j)] = node
            spots = unit_label_spots(layout, metrics, l, j)
            if layout.names:
                self._add_label(f"name:{l}:{j}", unit_label(net, l, j), spots["name"],
                                self._font(0.9), theme.muted)
            self._add_label(f"u:{l}:{j}", "", spots["u"], self._font(1.0, True),
                            theme.foreground, prefix="")
            if l > 0:
                # (Beside tables, in the tables' size.)
                side = self._font(STACK_FONT) if layout.small else self._font()
                self._add_label(f"z:{l}:{j}", "", spots["z"], side, theme.foreground,
                                prefix="z ")
                self._add_label(f"delta:{l}:{j}", "", spots["delta"], side,
                                theme.delta, prefix="δ ")
                self._add_label(f"b:{l}:{j}", "", spots["b"], side, theme.muted,
                                prefix="b ")
            if l == last:  # (beside tables, in their size too: y and the next b are close)
                self._add_label(f"y:{j}", "", spots["y"],
                                self._font(STACK_FONT) if layout.small else self._font(),
                                theme.muted, prefix="y ")
        x, y = layout.loss_at
        self._add_label("loss", "", (x, y, "right"), self._font(1.1, True), theme.foreground,
                        prefix="L = ")
        if self.show_edge_labels:
            for key in layout.edge_spots:
                cx, cy = layout.edge_spots[key]
                self._add_label(f"edge:{key}", "", (cx, cy, "centre"), self._font(),
                                theme.foreground)
        if self.tables is not None:
            add_table_labels(self, self.tables)
        # In focus mode only u is always shown; the rest while the cursor uses it.
        self.always_shown = None if layout.full else {
            k for k in self.labels if k.startswith(("u:", "name:", "loss", "y:"))}
        for key, (item, _) in self.labels.items():
            if not self._wanted(key):
                item.setVisible(False)
                self._place(item)

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
        self._radius, self._half_width = radius, half_width
        self._tallest = max(sizes)
        scene.setSceneRect(QRectF(0, 0, layout.width, layout.height))
        self._on_state_changed()
        if self.auto_fit:
            self._show_fitted()
        self.wants_room.emit(self.room_wanted)

    def _add_label(self, key, text, spot, font, colour, prefix=None) -> None:
        item = QGraphicsSimpleTextItem(text)
        item.setFont(font)
        item.setBrush(QBrush(colour))
        item.setZValue(3)
        item.setData(0, key)
        item.setData(1, spot)
        self.scene().addItem(item)
        self.labels[key] = (item, prefix if prefix is not None else "")
        if not key.startswith(("name:", "loss")) or (key.count(":") == 2 and self.layout.side):
            # A plate in the background colour keeps the number readable over edges (and a
            # unit's name beside it, where edges leave and arrive).
            plate = QGraphicsRectItem()
            plate.setPen(QPen(Qt.PenStyle.NoPen))
            colour = QColor(self.theme.background)
            colour.setAlpha(150 if key.startswith("name:") else 215)  # (a name: edges show)
            plate.setBrush(QBrush(colour))
            plate.setZValue(2.4 if key.startswith("edge:") else 2.2)
            self.scene().addItem(plate)
            self.plates[key] = plate
        self._place(item)

    def _place(self, item: QGraphicsSimpleTextItem) -> None:
        if item.flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations:
            self._place_on_screen(item)
            return
        x, y, anchor = item.data(1)
        r = item.boundingRect()
        if anchor == "centre":
            item.setPos(x - r.width() / 2, y - r.height() / 2)
        elif anchor == "right":
            item.setPos(x - r.width(), y - r.height() / 2)
        else:
            item.setPos(x, y - r.height() / 2)
        plate = self.plates.get(item.data(0))
        if plate is not None:
            if item.text() and item.isVisible():
                r = item.sceneBoundingRect()
                # Inside its unit, u's plate only covers its digits' height: the oval is
                # narrower above and below its middle line.
                inset = U_PLATE_INSET * r.height() if item.data(0).startswith("u:") else 0.0
                plate.setRect(r.adjusted(-2, inset, 2, -inset))
                plate.setVisible(True)
            else:
                plate.setVisible(False)

    def fit(self) -> None:
        """Lay the network out for the view's present size and show it at its own scale."""
        vp = self.viewport().size()
        self.spread = 1.0
        if self.controller.network is not None and getattr(self, "_laid_out_for", None) != (
                vp.width(), vp.height(), self.font_scale, 1.0):
            self.auto_fit = True
            self._on_network_replaced()
        else:
            self._show_fitted()

    def _show_fitted(self) -> None:
        self.resetTransform()
        self.show_scroll_bars_if_needed()
        self.centerOn(self.scene().sceneRect().center())
        self.auto_fit = True
        self.zoom_changed()

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
        known = self.controller.known()  # in layer mode, the picked sample's column
        if self.tables is not None and stepper.trace is not self._tables_trace:
            # Another sample or an edit: the columns fit its numbers.
            self._on_network_replaced()
            return
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
            show_focus(self, stepper, known)
            self._update_marks(stepper)
        self._follow_cursor()
        self.units_drawn.emit()

    def _update_labels(self, known: dict[str, float]) -> None:
        shown = self._shown_values
        for key, (_item, prefix) in self.labels.items():
            if key.startswith(("name:", "edge:")):
                continue
            value = known.get(key)
            if key in shown and shown[key] == value:
                continue  # same number as on screen: skip formatting it again
            shown[key] = value
            if value is None:
                # A table cell's gradient and new value appear only once known.
                self._set_text(key, "" if key.startswith(("grad_w:", "new_w:")) else
                               prefix + PLACEHOLDER)
            else:
                self._set_text(key, prefix + fmt(value))
        for key in self.layout.edge_spots if self.show_edge_labels else ():
            self._set_text(f"edge:{key}", self._edge_text(key, known))

    def _follow_cursor(self) -> None:
        """When zoomed in, pan so that the current operation's unit or label stays in view."""
        if self.auto_fit or not self.cursor_box.isVisible():
            return
        self.ensureVisible(self.cursor_box.sceneBoundingRect(), 40, 40)

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
                item.setVisible(visible and self._wanted(key))
                self._place(item)
        # The loss stays readable at any zoom: it is drawn at a fixed size on screen.
        loss_item = self.labels["loss"][0]
        loss_item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, not visible)
        self._place(loss_item)
        if visible and self.controller.stepper is not None:
            self._shown_values.clear()
            self._focus = set()
            self._on_state_changed()  # labels, and the focus placed again

    def _wanted(self, key: str) -> bool:
        """Whether a label shows at a readable zoom: all of them, or in focus mode only u and
        the values in the current operation's focus."""
        return self.always_shown is None or key in self.always_shown or key in self._focus

    def _place_on_screen(self, item: QGraphicsSimpleTextItem) -> None:
        """A fixed-size label in the lower right corner, below the (usually few) outputs."""
        scale = max(self.transform().m11(), 1e-6)
        rect, box = self.scene().sceneRect(), item.boundingRect()
        item.setPos(rect.right() - (box.width() + 4) / scale,
                    rect.bottom() - (box.height() + 4) / scale)

    @staticmethod
    def _edge_text(key: str, known: dict[str, float]) -> str:
        """The weight, with its gradient below once known, and its new value once stepped."""
        w = known[f"w:{key}"]
        new, grad = known.get(f"new_w:{key}"), known.get(f"grad_w:{key}")
        top = fmt(w) if new is None else f"{fmt(w)} → {fmt(new)}"
        return top if grad is None else f"{top}\n∂L/∂w {fmt(grad)}"

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
        # Dense networks get thin edges: at full width they would merge into one dark mass.
        scale = self.font_scale if self.layout.full else 0.6 * min(self.font_scale, 1.0)
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
            hw = self._half_width + 4 * self.font_scale
            self.halo.setRect(c.x() - hw, c.y() - r, 2 * hw, 2 * r)
            self.halo.setVisible(True)
        else:
            self.halo.setVisible(False)

    def _label_key(self, key: str) -> str:
        """The label that shows value ``key`` (edge values share their edge's label)."""
        kind, _, rest = key.partition(":")
        if kind in ("w", "grad_w", "new_w") and rest in self.layout.edge_spots:
            return f"edge:{rest}"
        if kind == "grad_b":
            return f"delta:{rest}"  # ∂L/∂b is δ: the δ label shows it
        if kind == "new_b":
            return f"b:{rest}"
        if kind in ("grad_w", "new_w") and key not in self.labels and f"w:{rest}" in self.labels:
            return f"w:{rest}"  # a table cell without that line: its weight's line is marked
        return key

    def _colour_of(self, key: str) -> QColor:
        if key.startswith(("delta:", "grad_w:")):
            return self.theme.delta
        if key.startswith(("b:", "y:", "name:")):
            return self.theme.muted
        return self.theme.foreground

    # -- zoom, pan, fit -------------------------------------------------------------------

    def zoom_changed(self) -> None:
        self._update_level_of_detail()
        if self.labels and not self.labels_visible:
            self._place(self.labels["loss"][0])
