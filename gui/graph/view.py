"""A computation graph drawn left to right: one card per node with its value and derivative.

Variables are in the left column and the output on the right (``node.column``); within a column
each node sits near the mean height of its inputs, so the drawing is the same every run; a graph
too wide for the view wraps into bands (``layout.wrap_bands``). An operation's card is titled by
the sub-expression it computes (``w1*x1 + b``) over its value and derivative (``grad``, ∂f/∂ of
it, in reverse mode; ``d/dx`` in forward mode), or with large text on two lines ``w1*x1 = 0.5`` /
``grad = …`` (``gui.graph.cards``); an input's card says ``w1 = 0.5  ∂f/∂w1 = …`` on one line;
"—" stands for what the cursor has not computed. No card or formula shows a node id.
An edge shows its local derivative ∂target/∂source (the number; the formula on hover) once a
step has used it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetricsF, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

from core.expressions import Node, display_names, operand, step_names
from core.notation import fmt
from gui.graph.cards import NUMBER_TEMPLATE, TITLE_GAP, card_layout
from gui.graph.layout import (  # noqa: F401 (tests import draw_columns and layout_rows here)
    draw_columns,
    layout_rows,
    wrap_bands,
)
from gui.theme import Theme
from gui.zoom_view import ZoomView

PLACEHOLDER = "—"
# Fitting never changes the text's size by more than this: a small graph is spread over the
# view instead of blown up (so Ctrl+= / Ctrl+− still change the text), and a large one is
# shrunk at most to the legible size (line height 13 px at the normal text size), beyond which
# the view scrolls and follows the cursor.
MAX_FIT_SCALE = 1.0
MIN_FIT_SCALE = 0.86
MIN_FIT_SCALE_LARGE = 0.91  # presenter mode's bound is 22 px, a little more than 1.6 × 13 px
MAX_SPREAD = 3.0  # how far the gaps between cards may grow to fill the view


def node_symbol(node: Node, names: dict[str, str]) -> str | None:
    """The short name a card's lines use (``w1 = 0.5``, ``∂f/∂w1``; ``f`` for the output), or
    None for an unnamed operation, whose card is titled by its sub-expression and whose lines
    say ``value`` and ``grad``. ``names`` is :func:`core.expressions.step_names`."""
    if node.op in ("var", "const") or node.name:
        return names[node.id]
    name = names[node.id]
    return name if _is_symbol(name) else None


def _is_symbol(name: str) -> bool:
    return name.replace("_", "").isalnum()


class GraphView(ZoomView):
    """Shows the controller's graph with the numbers known at its cursor.

    Attributes for tests and callers: ``cards`` (node id → card item), ``labels`` (``label:``,
    ``value:``, ``derivative:`` and ``local:`` keys → text item), ``edges`` (edge id
    → arrow item) and ``centres`` (node id → scene point).
    """

    max_fit_scale = MAX_FIT_SCALE

    def __init__(self, controller, theme: Theme, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.theme = theme
        self.font_scale = 1.0
        self.cards: dict[str, QGraphicsPathItem] = {}
        self.labels: dict[str, QGraphicsSimpleTextItem] = {}
        self.edges: dict[str, QGraphicsPathItem] = {}
        self.centres: dict[str, QPointF] = {}
        self._edge_backs: dict[str, QGraphicsPathItem] = {}
        self._anchors: dict[str, QPointF] = {}  # where each label's centre goes
        self._local_prefixes: dict[str, str] = {}
        self._derivative_prefixes: dict[str, str] = {}
        self._left_aligned: set[str] = set()
        self._marked: set[str] = set()
        self.cursor_box: QGraphicsRectItem | None = None  # made with the scene
        self.halo: QGraphicsPathItem | None = None
        # A new trace can change the derivative texts and the card width: build again.
        controller.graph_replaced.connect(self._build_scene)
        controller.trace_replaced.connect(self._build_scene)
        controller.state_changed.connect(self._on_state_changed)

    # -- looks ----------------------------------------------------------------------------------

    def set_font_scale(self, scale: float) -> None:
        self.font_scale = scale
        self._build_scene()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._build_scene()

    def _font(self, factor: float = 1.0, bold: bool = False, italic: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(6, round(13 * self.font_scale * factor)))
        font.setBold(bold)
        font.setItalic(italic)
        return font

    def _pens(self) -> dict[str, QPen]:
        s, t = self.font_scale, self.theme
        dashed = QPen(t.muted, 1.2 * s, Qt.PenStyle.DashLine)
        return {
            "card": QPen(t.foreground, 1.5 * s),
            "constant": dashed,
            "read": QPen(t.reads, 3.2 * s),
            "edge": QPen(t.muted, 1.4 * s),
            "constant_edge": QPen(t.muted, 1.1 * s, Qt.PenStyle.DashLine),
            "read_edge": QPen(t.reads, 3.2 * s),
        }

    # -- building the scene -----------------------------------------------------------------

    def derivative_prefix(self, node: Node) -> str:
        """``∂f/∂b`` in reverse mode, ``db/da`` in forward mode by a; ``grad`` and ``d/da`` on
        the card of an unnamed operation (its title says what it is)."""
        c = self.controller
        sym = node_symbol(node, self._names)
        if c.mode == "forward":
            return (f"d{sym}/d{c.wrt}" if sym else f"d/d{c.wrt}") if c.wrt else ""
        return f"∂{c.graph.output_name}/∂{sym}" if sym else "grad"

    @property
    def compact(self) -> bool:
        """Large text (presenter mode): an operation's title and value share a line."""
        return self.font_scale >= 1.3

    def value_prefix(self, node: Node) -> str:
        """``w1`` or ``L`` for a named node; ``value`` (nothing on a compact card, whose
        title stands before it) for an operation."""
        sym = node_symbol(node, self._names)
        return sym if sym else "" if self.compact else "value"

    def value_text(self, node: Node, number: str) -> str:
        prefix = self.value_prefix(node)
        return f"{prefix} = {number}" if prefix else f"= {number}"

    def _untitled(self, node: Node, titles: dict[str, str]) -> bool:
        """A card whose value line already names it (``w1 = 0.5``) needs no title."""
        return node.op != "const" and titles[node.id] == node_symbol(node, self._names)

    def local_prefix(self, edge) -> str:
        """The formula of an edge's local derivative: ``∂(w1*x1 + b)/∂(w1*x1)``."""
        target, source = self._names[edge.target], self._names[edge.source]
        return f"∂{operand(target)}/∂{operand(source)}"

    def _build_scene(self) -> None:
        scene = self.scene()
        scene.clear()
        for table in (
            self.cards,
            self.labels,
            self.edges,
            self.centres,
            self._edge_backs,
            self._anchors,
            self._local_prefixes,
            self._derivative_prefixes,
        ):
            table.clear()
        self._marked = set()
        self._left_aligned: set[str] = set()  # labels whose anchor is their left edge
        graph = self.controller.graph
        if graph is None:
            return
        self._names = step_names(graph)
        theme, fs = self.theme, 13 * self.font_scale
        self.setBackgroundBrush(QBrush(theme.background))
        pens = self._pens()
        fonts = {
            "label": self._font(1.05, bold=True),
            "value": self._font(),
            "derivative": self._font(),
            "local": self._font(),
        }
        # Small graphs have room for longer names; large ones need narrow cards.
        titles = display_names(graph)
        metrics = {k: QFontMetricsF(f) for k, f in fonts.items()}

        # Card sizes: wide enough for every text this trace will show.
        self._columns = draw_columns(graph)
        cards = card_layout(self, graph, titles, metrics, fs, self.compact)
        sizes, one_line, row_gap, pitch = cards.sizes, cards.one_line, cards.row_gap, cards.pitch
        card_h, pad_x, pad_y = cards.card_h, cards.pad_x, cards.pad_y
        h_label, h_line = cards.h_label, cards.h_line
        # An edge shows its local derivative's number; the formula ∂(a + b)/∂a is its tooltip.
        tight = 0.5 if self.compact else 1.0  # room around an edge's number
        numbers = [NUMBER_TEMPLATE] if not self.compact else [  # compact: this trace's own
            fmt(x) for x in self.controller.local.values()]
        local_w = max(metrics["local"].horizontalAdvance(t) for t in numbers or ["0"]) + tight * fs
        rows = layout_rows(graph, lambda n: (sizes[n.id][1] + row_gap) / pitch)
        column_ws: dict[int, float] = {}
        for n in graph.nodes:
            k = self._columns[n.id]
            column_ws[k] = max(column_ws.get(k, 0.0), sizes[n.id][0])
        port = self.viewport().size()
        self._built_for = (port.width(), port.height(), self.font_scale)
        gap = local_w + (0.1 if self.compact else 0.8) * fs
        wrap = wrap_bands(self._columns, rows, column_ws, (gap, pitch, card_h, fs),
                          (port.width(), port.height()), MAX_SPREAD, self.max_fit_scale,
                          self._least_scale(), lane=1.1 if self.compact else 2.0,
                          aligned=not self.compact)
        per, dy, gap = wrap["per"], wrap["dy"], wrap["gap"]
        self.bands = len(wrap["tops"])
        self._band_of = {n.id: max(self._columns[n.id], 0) // per for n in graph.nodes}
        for n in graph.nodes:
            band, column = divmod(max(self._columns[n.id], 0), per)
            y = wrap["ys"][band] + (rows[n.id] - wrap["tops"][band]) * dy
            self.centres[n.id] = QPointF(wrap["xs"][band][column], y)

        # Cards.
        for n in graph.nodes:
            c = self.centres[n.id]
            w, h = sizes[n.id]
            rect = QRectF(c.x() - w / 2, c.y() - h / 2, w, h)
            path = QPainterPath()
            path.addRoundedRect(rect, 0.6 * fs, 0.6 * fs)
            card = QGraphicsPathItem(path)
            card.setPen(pens["constant" if n.op == "const" else "card"])
            card.setBrush(QBrush(theme.node))
            card.setZValue(1)
            card.setData(0, n.id)
            card.setToolTip(n.source)
            scene.addItem(card)
            self.cards[n.id] = card
            top = rect.top() + pad_y
            colour = theme.muted if n.op == "const" else theme.foreground
            title_at = QPointF(c.x(), top + h_label / 2)
            if n.id in cards.compact:  # the title and the value on the first line
                line = max(h_label, h_line)
                left = c.x() - (cards.title_ws[n.id] + TITLE_GAP * fs + cards.value_ws[n.id]) / 2
                title_at = QPointF(left + cards.title_ws[n.id] / 2, top + line / 2)
            if not self._untitled(n, titles):
                self._add_label(f"label:{n.id}", titles[n.id], title_at,
                                self._font(1.05, bold=True, italic=n.op == "var"), colour)
                if n.id not in cards.compact:
                    top += h_label + 0.15 * fs
            if n.op == "const":
                continue
            y = top + h_line / 2
            value_at, derivative_at = QPointF(c.x(), y), QPointF(c.x(), y + h_line)
            if n.id in cards.compact:
                y = top + max(h_label, h_line) / 2
                x = left + cards.title_ws[n.id] + TITLE_GAP * fs  # the value's left edge
                self._left_aligned.add(f"value:{n.id}")
                value_at, derivative_at = QPointF(x, y), QPointF(c.x(), y + h_line / 2
                                                                 + max(h_label, h_line) / 2)
            if n.id in one_line:  # side by side
                value_at = QPointF(rect.left() + pad_x + cards.value_w / 2, y)
                derivative_at = QPointF(rect.right() - pad_x - cards.derivative_w / 2, y)
            self._add_label(f"value:{n.id}", "", value_at, fonts["value"], theme.foreground)
            self._add_label(f"derivative:{n.id}", "", derivative_at, fonts["derivative"],
                            theme.delta)

        # Edges: from the source's right side to the target's left side, one entry per slot.
        pairs: dict[tuple[str, str], int] = {}
        rightmost = max(c.x() + sizes[n][0] / 2 for n, c in self.centres.items())  # cards' edge
        label_spots: dict[int, list[tuple[float, str]]] = {}
        for e in graph.edges:
            source, target = graph.node(e.source), graph.node(e.target)
            (sw, sh), (tw, th) = sizes[e.source], sizes[e.target]
            s, t = self.centres[e.source], self.centres[e.target]
            k = len(target.inputs)
            repeat = pairs.get((e.source, e.target), 0)
            pairs[(e.source, e.target)] = repeat + 1
            p1 = QPointF(s.x() + sw / 2, s.y() + repeat * 0.3 * sh)
            p2 = QPointF(t.x() - tw / 2, t.y() + (e.slot - (k - 1) / 2) * 0.42 * th)
            via = []
            if self._band_of[e.target] != self._band_of[e.source]:
                # Into a later band: out to the right, along the gap below the source's band,
                # then in from the left.
                lane = wrap["lanes"][self._band_of[e.source]]
                bend = p1.x() + 0.5 * gap
                if self.compact:  # close beside the band: a wide bend ran off the view
                    bend = min(bend, rightmost + 0.35 * fs)
                via = [QPointF(bend, p1.y()), QPointF(bend, lane),
                       QPointF(p2.x() - 0.85 * gap, lane), QPointF(p2.x() - 0.85 * gap, p2.y())]
            arrow = QGraphicsPathItem(self._arrow_path(p1, p2, 0.65 * fs, via))
            constant = source.op == "const"
            arrow.setPen(pens["constant_edge" if constant else "edge"])
            arrow.setBrush(QBrush(theme.muted))
            arrow.setZValue(0)
            arrow.setData(0, e.id)
            arrow.setData(1, bool(via))  # into a later band: out beside the bands
            scene.addItem(arrow)
            self.edges[e.id] = arrow
            if constant:
                continue
            # The local derivative sits in the middle of the gap in front of the target.
            x = t.x() - tw / 2 - (0.4 if via else 0.5) * gap  # clear of a wrapped edge's bend
            f = (x - p1.x()) / (p2.x() - p1.x()) if p2.x() != p1.x() else 0.5
            y = p2.y() - 0.6 * fs if via else p1.y() + f * (p2.y() - p1.y())
            label_spots.setdefault(self._columns[target.id], []).append((y, e.id))
            self._add_label(f"local:{e.id}", "", QPointF(x, 0), fonts["local"], theme.muted)
            self._local_prefixes[e.id] = self.local_prefix(e)
            back = QGraphicsPathItem()
            back.setPen(QPen(Qt.PenStyle.NoPen))
            back.setBrush(QBrush(theme.background))
            back.setZValue(2)
            scene.addItem(back)
            self._edge_backs[e.id] = back
        # Labels in one gap that would touch are pushed apart, keeping their order.
        step = metrics["local"].height() + 0.25 * fs
        for spots in label_spots.values():
            spots.sort()
            placed: list[float] = []
            for y, _ in spots:
                placed.append(y if not placed else max(y, placed[-1] + step))
            shift = (sum(y for y, _ in spots) - sum(placed)) / len(placed)
            for (_, edge_id), y in zip(spots, placed):
                key = f"local:{edge_id}"
                self._anchors[key] = QPointF(self._anchors[key].x(), y + shift)
                self._place(key)

        self.cursor_box = QGraphicsRectItem()
        self.cursor_box.setBrush(QBrush(theme.cursor))
        self.cursor_box.setPen(QPen(Qt.PenStyle.NoPen))
        self.cursor_box.setZValue(2)
        scene.addItem(self.cursor_box)
        self.halo = QGraphicsPathItem()
        self.halo.setPen(QPen(theme.cursor_edge, 4 * self.font_scale))
        self.halo.setZValue(-1)  # under the edges, so that their arrowheads stay visible
        scene.addItem(self.halo)
        self._sizes, self._fs = sizes, fs
        self._on_state_changed()
        rect = QRectF()
        # The cards, their labels and (where there is room, at normal text size) the edges: a
        # wrapped edge runs out beside the bands.
        edges = self.edges.values() if not self.compact else [  # (compact: the wrapped ones)
            arrow for arrow in self.edges.values() if arrow.data(1)]
        for item in (*self.cards.values(), *self.labels.values(), *edges):
            rect = rect.united(item.sceneBoundingRect())
        for key in self.labels:  # room for labels still empty
            if key.startswith(("value:", "derivative:", "local:")):
                a = self._anchors[key]
                rect = rect.united(QRectF(a.x() - local_w / 2, a.y() - fs, local_w, 2 * fs))
        m = (0.2 if self.compact else 0.4) * fs
        scene.setSceneRect(rect.adjusted(-m, -m, m, m))
        if self.auto_fit:
            super().fit()
            self._keep_legible()

    def fit(self) -> None:
        """Wrap the graph into as many bands as suit the view's shape, then fit it."""
        port = self.viewport().size()
        if self.controller.graph is not None and (
                getattr(self, "_built_for", None) != (port.width(), port.height(),
                                                      self.font_scale)):
            self.auto_fit = True
            self._build_scene()  # fits at its end
            return
        super().fit()
        self._keep_legible()

    def _keep_legible(self) -> None:
        """Fitted below the legible scale: show it at that scale around the cursor instead."""
        least = self._least_scale()
        if self.transform().m11() >= least or self.controller.graph is None:
            return
        self.resetTransform()
        self.scale(least, least)
        self.auto_fit = True
        self.show_scroll_bars_if_needed()
        self._follow_cursor(centre=True)
        self.zoom_changed()

    def _least_scale(self) -> float:
        return MIN_FIT_SCALE if self.font_scale < 1.3 else MIN_FIT_SCALE_LARGE

    def _follow_cursor(self, centre: bool = False) -> None:
        """Keep the current node in view when the graph is larger than the view."""
        if self.halo is None or not self.halo.isVisible():
            if centre:
                self.centerOn(self.scene().sceneRect().center())
            return
        rect = self.halo.sceneBoundingRect()
        if centre:
            self.centerOn(rect.center())
        else:
            self.ensureVisible(rect, 30, 30)

    @staticmethod
    def _arrow_path(p1: QPointF, p2: QPointF, size: float, via=()) -> QPainterPath:
        path = QPainterPath(p1)
        for point in via:
            path.lineTo(point)
        start, via = p1, list(via)
        if via:
            p1 = via[-1]
        line = p2 - p1
        length = max((line.x() ** 2 + line.y() ** 2) ** 0.5, 1e-9)
        ux, uy = line.x() / length, line.y() / length
        base = QPointF(p2.x() - ux * size * 1.4, p2.y() - uy * size * 1.4)
        path.lineTo(base)
        for point in reversed([start, *via]):  # back along the line: a path that encloses
            path.lineTo(point)  # nothing, so the arrowhead's brush does not fill a bend
        normal = QPointF(-uy * size * 0.6, ux * size * 0.6)
        path.addPolygon(QPolygonF([p2, base + normal, base - normal, p2]))
        return path

    def _add_label(self, key: str, text: str, anchor: QPointF, font: QFont, colour) -> None:
        item = QGraphicsSimpleTextItem(text)
        item.setFont(font)
        item.setBrush(QBrush(colour))
        item.setZValue(3)
        item.setData(1, colour)
        self.scene().addItem(item)
        self.labels[key] = item
        self._anchors[key] = anchor
        self._place(key)

    def _place(self, key: str) -> None:
        item, a = self.labels[key], self._anchors[key]
        r = item.boundingRect()
        left = a.x() if key in self._left_aligned else a.x() - r.width() / 2
        item.setPos(left, a.y() - r.height() / 2)

    # -- showing the cursor -----------------------------------------------------------------

    def _set_text(self, key: str, text: str) -> None:
        item = self.labels[key]
        if item.text() != text:
            item.setText(text)
            self._place(key)

    def _on_state_changed(self) -> None:
        c = self.controller
        if c.graph is None or not self.cards:
            return
        known = c.known()
        graph = c.graph
        for n in graph.nodes:
            if n.op == "const":
                continue
            value = known.get(f"value:{n.id}")
            self._set_text(f"value:{n.id}",
                           self.value_text(n, PLACEHOLDER if value is None else fmt(value)))
            derivative = known.get(f"derivative:{n.id}")
            prefix = self._derivative_prefixes[n.id]
            self._set_text(
                f"derivative:{n.id}",
                f"{prefix} = {PLACEHOLDER if derivative is None else fmt(derivative)}"
                if prefix
                else "",
            )
        for edge_id, back in self._edge_backs.items():
            local = known.get(f"local:{edge_id}")
            key = f"local:{edge_id}"
            text = "" if local is None else fmt(local)
            if self.labels[key].text() != text:
                self._set_text(key, text)
                self.labels[key].setToolTip(
                    f"{self._local_prefixes[edge_id]} = {text}" if text else "")
                path = QPainterPath()
                if text:
                    r = self.labels[key].sceneBoundingRect().adjusted(-3, -1, 3, 1)
                    path.addRoundedRect(r, 3, 3)
                back.setPath(path)
        self._update_marks(c.current)
        if self.cursor_box is not None:
            self._follow_cursor()

    def _update_marks(self, op) -> None:
        """Highlight the current record's node and the values and edges it reads."""
        graph, pens = self.controller.graph, self._pens()
        marked: set[str] = set()
        if op is not None:
            for key in op.reads:
                if "->" in key:
                    marked |= {f"edge:{key}", f"local:{key}"}
                    continue
                marked.add(f"card:{key}")
                if graph.node(key).op == "const":
                    marked.add(f"label:{key}")
                if op.phase in ("forward", "tangent"):
                    marked.add(f"value:{key}")
                if op.phase in ("backward", "tangent"):
                    marked.add(f"derivative:{key}")
        for key in self._marked ^ marked:
            kind, _, rest = key.partition(":")
            on = key in marked
            if kind == "card":
                const = graph.node(rest).op == "const"
                self.cards[rest].setPen(pens["read" if on else "constant" if const else "card"])
            elif kind == "edge":
                const = graph.node(rest.split("->")[0]).op == "const"
                pen = pens["read_edge" if on else "constant_edge" if const else "edge"]
                self.edges[rest].setPen(pen)
                self.edges[rest].setBrush(QBrush(pen.color()))
            elif key in self.labels:
                item = self.labels[key]
                item.setBrush(QBrush(self.theme.reads if on else item.data(1)))
        self._marked = marked
        # A box behind the number just computed, and a halo round its node.
        if op is None:
            self.cursor_box.setVisible(False)
            self.halo.setVisible(False)
            return
        keys = {
            "forward": ["value"],
            "backward": ["derivative"],
            "tangent": ["value", "derivative"],
        }[op.phase]
        if graph.node(op.node).op == "const":
            keys = ["label"]
        rect = QRectF()
        for kind in keys:
            item = self.labels.get(f"{kind}:{op.node}")
            if item is not None and item.text():
                rect = rect.united(item.sceneBoundingRect())
        self.cursor_box.setRect(rect.adjusted(-3, -1, 3, 1))
        self.cursor_box.setVisible(not rect.isEmpty())
        w, h = self._sizes[op.node]
        c, m = self.centres[op.node], 0.3 * self._fs
        path = QPainterPath()
        path.addRoundedRect(
            QRectF(c.x() - w / 2 - m, c.y() - h / 2 - m, w + 2 * m, h + 2 * m),
            0.8 * self._fs,
            0.8 * self._fs,
        )
        self.halo.setPath(path)
        self.halo.setVisible(True)

    # -- zoom, pan, fit -------------------------------------------------------------------------

    def node_count(self) -> int:
        """The number of nodes drawn."""
        return len(self.cards)

    def text(self, key: str) -> str:
        """The text a label shows now: ``value:n0``, ``derivative:n0``, ``local:n0->n2:0``."""
        return self.labels[key].text()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        """A double click fits the graph to the window again."""
        self.fit()
        event.accept()
