"""Every number of the sample in two tables, Units and Weights, in step with the cursor.

A cell shows a value only once it is known at the cursor (never a stale one). Inputs, targets,
weights and biases can be edited in place; the controller recomputes everything downstream.

The tables are views on a small model (values_model.py) that formats values when Qt paints
them, so a refresh costs the same for 10 weights or 10,000: swap the values, emit one
``dataChanged``. A refresh never calls ``setData``, so it can never be mistaken for an edit.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTabWidget,
    QWidget,
)

from core.notation import fmt
from core.trace import unit_label, unit_name, value_name
from gui.stepper.column_widths import cell_width, column_texts
from gui.stepper.values_model import ValuesModel, describe_key, parse_value
from gui.stepper.weight_tables import sample_values
from gui.theme import number_font

# ∂L/∂b is δ (as in the network view), so the δ column shows it; layer by layer, ∂L/∂b is the
# batch's mean of δ, and has its own column (GRAD_B_COLUMN, hidden otherwise).
UNIT_COLUMNS = ("unit", "z", "u", "δ", "b", "∂L/∂b", "new b", "y")
GRAD_B_COLUMN = 5
WEIGHT_COLUMNS = ("edge", "w", "∂L/∂w", "new w", "change")
BIAS_UPDATE_COLUMNS = (5, 6)  # hidden when the network does not train its biases
BASE_POINTS = 10.0
MAX_SHARE = 0.45  # of the window's width, the most the dock asks for (the network keeps the rest)
MIN_SHRINK = 0.75  # the numbers shrink to no less than this share of their size to fit


class _Tabs(QTabWidget):
    """Tabs that ask for the width of their widest table, so the dock opens wide enough."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        widths = [
            sum(t.columnWidth(c) for c in range(t.model().columnCount()) if not t.isColumnHidden(c))
            + t.verticalScrollBar().sizeHint().width()
            + 2 * t.frameWidth()
            for t in (self.widget(k) for k in range(self.count()))
        ]
        return QSize(max([hint.width(), *widths]), hint.height())


class ValuesDock(QDockWidget):
    """A dock "Values" with the tables ``units_table`` and ``weights_table`` (QTableViews on
    ``units_model`` and ``weights_model``).

    Signals
    -------
    edit_rejected(str) : an edited cell held no usable number; the message says why. The dock
        shows it with ``warn`` (a QMessageBox by default; tests replace it) after the edit ends.
    """

    edit_rejected = Signal(str)

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__("Values", parent)
        self.setObjectName("values_dock")
        self.controller = controller
        self.warn = self._message_box
        self.units_model = ValuesModel(UNIT_COLUMNS, 1, self.commit_edit, self)
        self.weights_model = ValuesModel(WEIGHT_COLUMNS, 1, self.commit_edit, self)
        self.units_table = self._make_table(self.units_model)
        self.weights_table = self._make_table(self.weights_model)
        self.tabs = _Tabs()
        self.tabs.addTab(self.units_table, "Units")
        self.tabs.addTab(self.weights_table, "Weights")
        self.setWidget(self.tabs)
        self._values: dict[str, float] = {}
        self._seen: tuple | None = None  # (trace, cursor) the values belong to
        self._shape: tuple | None = None
        self._marked_for: object = None
        self._last_table: QTableView | None = None
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        self._written_brush = QBrush(self._with_alpha(highlight, 130))
        self._read_brush = QBrush(QColor(255, 170, 0, 80))
        for model in (self.units_model, self.weights_model):
            model.row_brush = QBrush(self._with_alpha(highlight, 45))
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_columns)
        self.tabs.currentChanged.connect(lambda _: self._fit_timer.start())
        self._needs: tuple | None = None  # (the trace measured, widths by font)
        self._settled: tuple | None = None  # (trace, width and the like, points) found last
        self.app_width: int | None = None  # the width the app last gave it (None: the user's)
        self.set_font_scale(1.0)
        self.edit_rejected.connect(self._on_edit_rejected, Qt.ConnectionType.QueuedConnection)
        controller.network_replaced.connect(self._on_network_replaced)
        controller.state_changed.connect(self.refresh)
        self._on_network_replaced()

    @staticmethod
    def _with_alpha(colour: QColor, alpha: int) -> QColor:
        return QColor(colour.red(), colour.green(), colour.blue(), alpha)

    def _make_table(self, model: ValuesModel) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        return table

    # -- building --------------------------------------------------------------------------

    def _shape_of(self, network) -> tuple:
        units = tuple(layer.units for layer in network.layers)
        layer_mode = bool(getattr(self.controller, "layer_mode", False))
        return network.inputs, units, bool(network.train_biases), layer_mode

    def _on_network_replaced(self) -> None:
        self._rebuild()
        self.refresh()

    def _rebuild(self) -> None:
        """One row per unit and one per edge of the network being stepped."""
        stepper = self.controller.stepper
        self._seen, self._marked_for, self._last_table = None, None, None
        unit_rows, edge_rows = [], []
        aliases = self.units_model.aliases = {}
        batch = bool(getattr(self.controller, "layer_mode", False))  # ∂L/∂b: mean of a batch
        if stepper is not None:
            net = stepper.network
            L = len(net.layers)
            sizes = [net.inputs] + [layer.units for layer in net.layers]
            for l, n in enumerate(sizes):
                for j in range(n):
                    keys = [None, f"u:{l}:{j}", None, None, None, None, None]
                    if l > 0:
                        keys[0], keys[2], keys[3] = f"z:{l}:{j}", f"delta:{l}:{j}", f"b:{l}:{j}"
                        keys[4], keys[5] = f"grad_b:{l}:{j}", f"new_b:{l}:{j}"
                        if not batch:
                            aliases[f"grad_b:{l}:{j}"] = f"delta:{l}:{j}"
                    if l == L:
                        keys[6] = f"y:{j}"
                    labels = (unit_label(net, l, j), unit_name(net, l, j))
                    unit_rows.append((labels, tuple(keys)))
            for l in range(1, L + 1):
                for j in range(sizes[l]):
                    for i in range(sizes[l - 1]):
                        words = f"from {unit_name(net, l - 1, i)} to {unit_name(net, l, j)}"
                        edge = f"{unit_label(net, l - 1, i)}→{unit_label(net, l, j)}"
                        labels = (edge, f"w{l}[{j + 1},{i + 1}] {words}")
                        w, new = f"w:{l}:{j}:{i}", f"new_w:{l}:{j}:{i}"
                        edge_rows.append((labels, (w, f"grad_w:{l}:{j}:{i}", new, (w, new))))
        self._shape = None if stepper is None else self._shape_of(stepper.network)
        self.units_model.set_rows(unit_rows)
        self.weights_model.set_rows(edge_rows)
        train_biases = stepper is not None and stepper.network.train_biases
        for c in BIAS_UPDATE_COLUMNS:
            self.units_table.setColumnHidden(c, not train_biases or (c == GRAD_B_COLUMN
                                                                     and not batch))
        self._set_column_widths()

    # -- refreshing ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the values known at the cursor and mark the current operation's cells."""
        stepper = self.controller.stepper
        if stepper is None:
            if self._shape is not None:
                self._rebuild()
            return
        if self._shape_of(stepper.network) != self._shape:
            self._rebuild()
        if getattr(self.controller, "layer_mode", False):
            # Layer by layer: the shown sample's column and the batch's gradients, afresh.
            self._values, self._seen = self.controller.known(), None
            for model in (self.units_model, self.weights_model):
                model.values = self._values
            self._mark(None)
            self.units_model.refreshed(None)
            self.weights_model.refreshed(None)
            self._fit_timer.start()  # the columns fit the batch's numbers too
            return
        trace, cursor = stepper.trace, stepper.cursor
        touched: set[str] | None = None  # the keys whose cells change; None: all of them
        if self._seen is not None and self._seen[0] is trace:
            # Same trace, so the given values are the same: only the ops the cursor crossed.
            start, stop = sorted((self._seen[1], cursor))
            touched = set()
            for op in trace[start:stop]:
                touched.add(op.key)
                if op.index < cursor:
                    self._values[op.key] = op.value
                else:
                    self._values.pop(op.key, None)
        else:  # an edit, another sample or another network: take everything afresh
            self._values = stepper.known()
        self._seen = (trace, cursor)
        for model in (self.units_model, self.weights_model):
            model.values = self._values
        marked = self._mark(stepper.current)
        if touched is not None and len(touched) < 200:  # else repainting all is cheaper
            touched |= marked
        else:
            touched = None
        self.units_model.refreshed(touched)
        self.weights_model.refreshed(touched)
        self._fit_timer.start()  # once the events of this step are through

    def _mark(self, op) -> set[str]:
        """Tint the current operation's row, the value it wrote and the values it read.

        Returns the keys whose tint changed (their rows need repainting).
        """
        marker = None if op is None else (op.key, op.reads)
        if marker == self._marked_for:
            return set()
        changed = set() if self._marked_for is None else {self._marked_for[0], *self._marked_for[1]}
        self._marked_for = marker
        units, weights = self.units_model, self.weights_model
        units.brushes, weights.brushes = {}, {}
        units.marked_row = weights.marked_row = -1
        if op is None:
            return changed
        changed |= {op.key, *op.reads}
        shown = units.aliases  # ∂L/∂b in the δ cell
        for key in op.reads:
            units.brushes[shown.get(key, key)] = weights.brushes[key] = self._read_brush
        units.brushes[shown.get(op.key, op.key)] = weights.brushes[op.key] = self._written_brush
        for model, table in ((units, self.units_table), (weights, self.weights_table)):
            index = model.index_of(op.key)
            if not index.isValid():
                continue
            model.marked_row = index.row()
            if table is not self._last_table:  # follow the cursor from Units to Weights
                self._last_table = table
                self.tabs.setCurrentWidget(table)
            table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return changed

    # -- editing ---------------------------------------------------------------------------

    def commit_edit(self, key: str, text: str) -> bool:
        """Set the value ``key`` to the number in ``text``; False (and edit_rejected) if bad."""
        try:
            self.controller.edit(key, parse_value(text))
        except ValueError as exc:
            network = self.controller.network
            name = key
            if network is not None:
                people, words = value_name(network, key), describe_key(network, key)
                name = people if words in (people, key) else f"{people} ({words})"
            message = f"Cannot set {name}: {exc}"
            if key in self._values:
                message += f" The old value {fmt(self._values[key])} was kept."
            self.edit_rejected.emit(message)
            return False
        return True

    def _on_edit_rejected(self, message: str) -> None:
        self.warn(message)

    def _message_box(self, message: str) -> None:
        QMessageBox.warning(self, "Value not changed", message)

    # -- looks -----------------------------------------------------------------------------

    def set_font_scale(self, scale: float) -> None:
        """Scale the tables' fonts (presenter mode uses about 1.6–2.0)."""
        font = self.tabs.font()
        font.setPointSizeF(BASE_POINTS * scale)
        self.tabs.setFont(font)
        self._points = font.pointSizeF()
        self._asked = 0  # the width last asked of the window at this size of text
        numbers = number_font(font)
        for table in (self.units_table, self.weights_table):
            table.setFont(numbers)
        self._set_column_widths()

    def _set_column_widths(self) -> None:
        for table in (self.units_table, self.weights_table):
            header = table.horizontalHeader()
            header.setMinimumSectionSize(4)  # each column gets the width its texts need
            for c in range(table.model().columnCount()):
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
        self._needs = None
        self._fit_columns()
        self.tabs.updateGeometry()

    def _set_points(self, points: float) -> None:
        for table in (self.units_table, self.weights_table):
            if table.font().pointSizeF() != points:
                font = table.font()
                font.setPointSizeF(points)
                table.setFont(font)
            rows = table.fontMetrics().height() + 8
            if table.verticalHeader().defaultSectionSize() != rows:  # (else a needless repaint)
                table.verticalHeader().setDefaultSectionSize(rows)

    def _sample_values(self) -> dict:
        """Every value the tables will show in this sample (the columns are sized for them all,
        so that no column changes width as the sample is stepped through)."""
        stepper = self.controller.stepper
        if stepper is None or getattr(self.controller, "layer_mode", False):
            return dict(self._values)
        return {**sample_values(stepper), **self._values}

    def _column_needs(self) -> dict[QTableView, list[int]]:
        """The width each column needs to show its widest text of the sample whole."""
        stepper = self.controller.stepper
        trace = None if stepper is None else stepper.trace
        layer_mode = getattr(self.controller, "layer_mode", False)
        if self._needs is None or self._needs[0] is not trace or layer_mode:
            self._needs = (trace, {})  # one sample's widths, by the size of the numbers
        by_font, font = self._needs[1], self.units_table.font().key()
        if font in by_font:
            return by_font[font]
        values = self._sample_values()
        needs = {}
        for table in (self.units_table, self.weights_table):
            model = table.model()
            texts = column_texts(model, values)
            needs[table] = [cell_width(table, t, model.headers[c]) for c, t in enumerate(texts)]
        by_font[font] = needs
        return needs

    def _room(self, table: QTableView) -> int:
        """The width ``table`` has for its columns. A table in a hidden tab keeps an old size, so
        this is worked out from the tab on show."""
        shown = self.tabs.currentWidget() or table
        height = shown.height() - 2 * table.frameWidth() - table.horizontalHeader().height()
        bar = table.verticalScrollBar().sizeHint().width()
        return (shown.width() - 2 * table.frameWidth()
                - (bar if table.verticalHeader().length() > height else 0))

    def _shortfall(self) -> int:
        """How many pixels the widest table lacks to show its needs (0 or less: none)."""
        needs = self._column_needs()
        return max(sum(n for c, n in enumerate(needs[t]) if not t.isColumnHidden(c)) - self._room(t)
                   for t in (self.units_table, self.weights_table))

    def spare_width(self) -> int:
        """How many pixels narrower the dock could be with every column of both tables whole
        at the present size of its numbers."""
        return max(0, -self._shortfall())

    def can_give_room(self) -> bool:
        """Whether the dock may narrow for the network view: shown, docked, at the width the app
        gave it (a width the user set is kept), with pixels to spare."""
        return (self.isVisible() and not self.isFloating() and self.app_width is not None
                and abs(self.width() - self.app_width) <= 2 and self.spare_width() > 0)

    def give_room(self, extra: int) -> bool:
        """Narrow the dock by ``extra`` px if :meth:`can_give_room` and that much is spare."""
        window = self.parentWidget()
        if (extra <= 0 or not isinstance(window, QMainWindow) or not self.can_give_room()
                or self.spare_width() < extra):
            return False
        width = self.width() - extra
        window.resizeDocks([self], [width], Qt.Orientation.Horizontal)
        self.app_width = self._asked = width  # (so that it may ask for more again)
        return True

    def _fit_columns(self) -> None:
        """Give each column the width its numbers need and share what is left evenly among the
        number columns, so that every number is whole and every column (b and y too) is in
        view. A dock too narrow for that asks the window for the width (up to ``MAX_SHARE``
        of it), then makes its numbers smaller (by up to ``MIN_SHRINK``)."""
        stepper = self.controller.stepper
        trace = None if stepper is None else stepper.trace
        tables = (self.units_table, self.weights_table)
        room = (self.width(), self._points, self.isVisible(),
                tuple(t.isColumnHidden(c) for t in tables for c in range(t.model().columnCount())))
        if self._settled is not None and self._settled[0] is trace and self._settled[1] == room:
            points = self._settled[2]  # this sample in this room: the size found before
            self._set_points(points)
        else:
            points = self._points
            self._set_points(points)
            if self._shortfall() > 0:
                self._ask_for_width(self.width() + self._shortfall())
            while (self.isVisible() and self._shortfall() > 0
                   and points > MIN_SHRINK * self._points):
                points = max(MIN_SHRINK * self._points, points - 0.5)
                self._set_points(points)
            self._settled = (trace, room, points)
        needs = self._column_needs()
        for table in tables:
            shown = [c for c in range(len(needs[table])) if not table.isColumnHidden(c)]
            extra = max(0, self._room(table) - sum(needs[table][c] for c in shown))
            numbers = shown[1:]
            for c in shown:
                width = needs[table][c]
                if c in numbers:  # the last one takes the pixels the even share leaves
                    width += extra // len(numbers)
                    if c == numbers[-1]:
                        width += extra % len(numbers)
                if table.columnWidth(c) != width:
                    table.setColumnWidth(c, width)

    def _ask_for_width(self, width: int) -> None:
        """Widen the docked dock to ``width``, within ``MAX_SHARE`` of the window; once for each
        width, so that a user who narrows the dock again is not overruled at the next step."""
        window = self.parentWidget()
        if not isinstance(window, QMainWindow) or self.isFloating() or not self.isVisible():
            return
        width = min(width, int(MAX_SHARE * window.width()))
        if width > self.width() and width > self._asked:
            self._asked = self.app_width = width
            window.resizeDocks([self], [width], Qt.Orientation.Horizontal)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._fit_timer.start()
