"""Layer mode's matrices beside the network: the operands and the result of the current layer
operation as heat-mapped grids of numbers with their shapes, the row and column that make the
picked entry of the result, and (at a gradient step with B > 1) the B per-sample gradients
beside their mean. Clicking an entry of the result picks it; the equation panel then shows it
computed unit by unit."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.notation import fmt, to_html
from gui.theme import NORMAL, Theme

BASE_PX = 14  # numbers in the grids, in pixels at text scale 1 (line height ≥ 13 px)


class MatrixGrid(QWidget):
    """One matrix: a grid of numbers on a blue (positive) / orange (negative) heat map.

    ``rows``/``cols``/``cells`` are highlighted (the parts that make the picked entry); a
    clickable grid emits ``clicked(row, col)``.
    """

    clicked = Signal(int, int)

    def __init__(self, name: str, value, theme: Theme, px: int, clickable: bool = False) -> None:
        super().__init__()
        self.name, self.value, self.theme = name, value, theme
        self.clickable = clickable
        self.rows: set[int] = set()
        self.cols: set[int] = set()
        self.cells: set[tuple[int, int]] = set()
        self.texts = [[fmt(v) for v in row] for row in value]
        font = QFont(self.font())
        font.setPixelSize(px)
        self.setFont(font)
        metrics = QFontMetricsF(font)
        self.line_height = metrics.height()
        widest = max((metrics.horizontalAdvance(t) for row in self.texts for t in row), default=0)
        self.cell_w = max(widest + 0.6 * px, 3.2 * px)
        self.cell_h = self.line_height + 0.45 * px
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip("Click an entry to see it computed unit by unit")
        self.setFixedSize(self.sizeHint())

    def sizeHint(self) -> QSize:  # noqa: N802
        rows, cols = self.value.shape
        return QSize(int(cols * self.cell_w) + 3, int(rows * self.cell_h) + 3)

    def cell_rect(self, row: int, col: int) -> QRectF:
        return QRectF(1 + col * self.cell_w, 1 + row * self.cell_h, self.cell_w, self.cell_h)

    def set_highlight(self, rows=(), cols=(), cells=()) -> None:
        self.rows, self.cols, self.cells = set(rows), set(cols), set(cells)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        finite = [abs(v) for v in self.value.ravel() if abs(v) < float("inf")]
        top = max(finite, default=1.0) or 1.0
        theme = self.theme
        for (r, c), v in _entries(self.value):
            rect = self.cell_rect(r, c)
            if v == v and abs(v) < float("inf"):
                colour = QColor(theme.positive if v >= 0 else theme.negative)
                colour.setAlpha(int(25 + 110 * min(abs(v) / top, 1.0)))
                painter.fillRect(rect, colour)
            if r in self.rows or c in self.cols or (r, c) in self.cells:
                painter.fillRect(rect, QColor(theme.cursor))
            painter.setPen(QPen(theme.foreground))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.texts[r][c])
        painter.setPen(QPen(theme.muted, 1))
        rows, cols = self.value.shape
        painter.drawRect(QRectF(1, 1, cols * self.cell_w, rows * self.cell_h))
        edge = QPen(theme.cursor_edge, 2.5)
        painter.setPen(edge)
        for r, c in self.cells:
            painter.drawRect(self.cell_rect(r, c).adjusted(1, 1, -1, -1))
        for r in self.rows:
            painter.drawRect(QRectF(1, 1 + r * self.cell_h, cols * self.cell_w, self.cell_h))
        for c in self.cols:
            painter.drawRect(QRectF(1 + c * self.cell_w, 1, self.cell_w, rows * self.cell_h))

    def entry_at(self, x: float, y: float) -> tuple[int, int] | None:
        rows, cols = self.value.shape
        r, c = int((y - 1) // self.cell_h), int((x - 1) // self.cell_w)
        return (r, c) if 0 <= r < rows and 0 <= c < cols else None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        hit = self.entry_at(event.position().x(), event.position().y())
        if self.clickable and hit is not None:
            self.clicked.emit(*hit)
            event.accept()
            return
        super().mousePressEvent(event)


def _entries(value):
    rows, cols = value.shape
    for r in range(rows):
        for c in range(cols):
            yield (r, c), float(value[r, c])


def operators(op) -> list[str]:
    """The operator before each operand (``""`` for the first), read off ``op.shapes``."""
    out, pos = [], 0
    for operand in op.operands:
        piece = f"{operand.name}: {operand.shape[0]}×{operand.shape[1]}"
        at = op.shapes.find(piece, pos)
        out.append(op.shapes[pos:at].strip() if at >= 0 else ",")
        pos = at + len(piece) if at >= 0 else pos
    out[0] = ""
    return out


class MatrixPanel(QScrollArea):
    """Shows ``controller.layers.stepper.current`` as matrices; hidden outside layer mode."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.theme = NORMAL
        self.scale = 1.0
        self.grids: list[MatrixGrid] = []
        self.result_grid: MatrixGrid | None = None
        self.sample_grids: list[MatrixGrid] = []
        self.refreshed = None  # called after the content changed (the dock fits its width)
        self.setWidgetResizable(True)
        self.setObjectName("matrix_panel")
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.shapes_label = QLabel()
        self.shapes_label.setWordWrap(True)
        self.shapes_label.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.per_sample_box = QCheckBox("Show the per-sample gradients beside their mean")
        self.per_sample_box.toggled.connect(lambda _: self.refresh())
        self.grid_box = QWidget()
        self.grid_layout = QGridLayout(self.grid_box)
        self.grid_layout.setContentsMargins(0, 0, 0, 0)
        self.samples_box = QWidget()
        self.samples_layout = QGridLayout(self.samples_box)
        self.samples_layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.title, self.shapes_label, self.note, self.grid_box, self.per_sample_box,
                  self.samples_box):
            layout.addWidget(w)
        layout.addStretch(1)
        controller.state_changed.connect(self.refresh)
        controller.entry_changed.connect(self._highlight)
        self.set_font_scale(1.0)

    # -- appearance -----------------------------------------------------------------------

    def px(self) -> int:
        return max(8, round(BASE_PX * self.scale))

    def set_font_scale(self, scale: float) -> None:
        self.scale = scale
        for label, factor, bold in ((self.title, 1.1, True), (self.shapes_label, 1.0, False),
                                    (self.note, 0.95, False),
                                    (self.per_sample_box, 0.9, False)):
            font = QFont(label.font())
            font.setPixelSize(round(self.px() * factor))
            font.setBold(bold)
            label.setFont(font)
        self.refresh()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.refresh()

    # -- content --------------------------------------------------------------------------

    @property
    def shapes_text(self) -> str:
        return self.shapes_label.text()

    def _label(self, text: str, rich: bool = True, factor: float = 1.0) -> QLabel:
        label = QLabel(to_html(text) if rich else text)
        label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        font = QFont(label.font())
        font.setPixelSize(round(self.px() * factor))
        label.setFont(font)
        return label

    def _clear(self, layout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()

    def refresh(self) -> None:
        layers = self.controller.layers
        self._clear(self.grid_layout)
        self._clear(self.samples_layout)
        self.grids, self.sample_grids, self.result_grid = [], [], None
        op = layers.stepper.current if layers.on and layers.stepper is not None else None
        if op is None:
            B = len(layers.stepper.X) if layers.stepper is not None else 1
            self.title.setText(f"Layer by layer, batch of B = {B}: press → to compute Z⁽¹⁾. "
                               "Rows are units, columns are samples.")
            self.title.setWordWrap(True)
            self.shapes_label.setText("")
            self.note.hide()
            self.per_sample_box.hide()
            return
        B = len(layers.stepper.X)
        self.title.setText(f"{op.phase.capitalize()} · layer {op.layer} · batch of B = {B}")
        self.shapes_label.setText(to_html(op.shapes))
        ops = operators(op)
        px = self.px()
        top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        centre = Qt.AlignmentFlag.AlignCenter
        # One operand per row: the operator before it, its name and shape, its grid.
        for k, operand in enumerate(op.operands):
            if ops[k] and ops[k] != ",":  # a comma only lists the operands
                self.grid_layout.addWidget(self._label(ops[k], rich=False, factor=1.4),
                                           2 * k + 1, 0, centre)
            self.grid_layout.addWidget(
                self._label(f"{operand.name}: {operand.shape[0]}×{operand.shape[1]}"), 2 * k, 1)
            grid = MatrixGrid(operand.name, operand.value, self.theme, px)
            grid.role = operand.role
            self.grids.append(grid)
            self.grid_layout.addWidget(grid, 2 * k + 1, 1, top)
        n = len(op.operands)
        self.grid_layout.addWidget(self._label("→", rich=False, factor=1.4), 2 * n + 1, 0, centre)
        self.grid_layout.addWidget(
            self._label(f"{op.name}: {op.shape[0]}×{op.shape[1]}", factor=1.05), 2 * n, 1)
        result = MatrixGrid(op.name, op.value, self.theme, px, clickable=True)
        result.clicked.connect(self._on_clicked)
        self.result_grid = result
        self.grid_layout.addWidget(result, 2 * n + 1, 1, top)
        self.grid_layout.setColumnStretch(2, 1)
        gradient = op.quantity in ("grad_w", "grad_b")
        if gradient:
            what = "δ uᵀ" if op.quantity == "grad_w" else "δ"
            l2 = " (plus λW)" if op.quantity == "grad_w" and len(op.operands) > 2 else ""
            self.note.setText(
                f"{to_html(op.name)} is the mean of the B = {B} per-sample gradients {what}"
                f"{l2}: the batch loss is the mean of the samples' losses, hence the 1/B.")
        elif op.quantity == "delta":
            self.note.setText("Each column is one sample's δ for its own loss; the 1/B of the "
                              "mean loss comes in at the gradients.")
        else:
            self.note.setText("Rows are units, columns are samples." if op.quantity in
                              ("z", "u") else "")
        self.note.setVisible(bool(self.note.text()))
        self.per_sample_box.setVisible(gradient and B > 1)
        if gradient and B > 1 and self.per_sample_box.isChecked():
            self._show_per_sample(op)
        self._highlight()
        if self.refreshed is not None:
            self.refreshed()

    def _show_per_sample(self, op) -> None:
        px = max(8, round(self.px() * 0.9))
        what = "δ uᵀ" if op.quantity == "grad_w" else "δ"
        columns = 2
        for s, matrix in enumerate(op.per_sample):
            label = self._label(f"sample {s + 1}: {what}", rich=False, factor=0.9)
            grid = MatrixGrid(f"sample {s + 1}", matrix, self.theme, px)
            self.sample_grids.append(grid)
            r, c = divmod(s, columns)
            self.samples_layout.addWidget(label, 2 * r, c)
            self.samples_layout.addWidget(grid, 2 * r + 1, c, Qt.AlignmentFlag.AlignLeft)
        mean = self._label(f"mean of the {len(op.per_sample)} = {op.name} above"
                           + (" − λW" if len(op.operands) > 2 else ""), factor=0.9)
        rows = (len(op.per_sample) + columns - 1) // columns
        self.samples_layout.addWidget(mean, 2 * rows, 0, 1, columns)
        self.samples_layout.setColumnStretch(columns, 1)

    def content_width(self) -> int:
        """The width the grids need: the widest row of matrices, its operator and margins."""
        margins = self.widget().layout().contentsMargins()
        operator = round(self.px() * 1.4 * 1.2) + self.grid_layout.horizontalSpacing()
        widths = [g.width() for g in self.grids + [self.result_grid] if g is not None]
        per_row = 2 if self.sample_grids else 1
        if self.sample_grids:
            widths.append(sum(sorted(g.width() for g in self.sample_grids)[-per_row:])
                          + self.samples_layout.horizontalSpacing() - operator)
        return max(widths, default=0) + operator + margins.left() + margins.right()

    def _on_clicked(self, row: int, col: int) -> None:
        self.controller.layers.select_entry(row, col)

    def picked(self) -> tuple[int, int]:
        """The entry highlighted: the one clicked, else the shown sample's first entry."""
        layers = self.controller.layers
        op = layers.stepper.current
        if layers.entry is not None:
            return layers.entry
        B = len(layers.stepper.X)
        col = layers.sample if op.shape[1] == B and op.quantity in ("z", "u", "delta") else 0
        return 0, col

    def _highlight(self) -> None:
        if self.result_grid is None:
            return
        row, col = self.picked()
        self.result_grid.set_highlight(cells=[(row, col)])
        rows = self.result_grid.value.shape[0]
        for grid in self.grids:
            role = grid.role
            if role == "left":
                grid.set_highlight(rows=[row])
            elif role == "right":
                grid.set_highlight(cols=[col])
            elif role == "row":
                grid.set_highlight(rows=[row])
            elif role == "same" and grid.value.shape == self.result_grid.value.shape:
                grid.set_highlight(cells=[(row, col)])
            elif role == "all" and grid.value.shape[0] == rows and rows > 1:
                grid.set_highlight(cols=[col])  # softmax reads the whole column
            else:
                grid.set_highlight()
        for grid in self.sample_grids:
            grid.set_highlight(cells=[(row, col)])


class MatrixDock(QDockWidget):
    """The matrix panel as a side dock, in front of the value tables in layer mode (and kept
    in presenter mode, which hides the other docks); hidden unit by unit."""

    def __init__(self, controller, window) -> None:
        super().__init__("Matrices", window)
        self.setObjectName("matrix_dock")
        self.controller = controller
        self.panel = MatrixPanel(controller)
        self.panel.refreshed = self.fit_width
        self.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        values = getattr(window, "values_dock", None)
        if values is not None:
            window.tabifyDockWidget(values, self)
        self.hide()
        controller.mode_changed.connect(self._on_mode_changed)
        # The window may restore a saved layout with this dock shown: follow the mode instead.
        QTimer.singleShot(0, lambda: self.setVisible(controller.layer_mode))

    def _on_mode_changed(self, on: bool) -> None:
        if on:
            self.show_if_layer_mode()
        else:
            self.hide()

    def show_if_layer_mode(self) -> None:
        if not self.controller.layer_mode:
            return
        window = self.parentWidget()
        self.show()
        # A tabified dock that was hidden is raised only once it is tabified again.
        values = getattr(window, "values_dock", None)
        if values is not None and not self.isFloating() and not values.isHidden() and (
            window.dockWidgetArea(values) == window.dockWidgetArea(self)
        ):
            window.tabifyDockWidget(values, self)
        self.raise_()
        QTimer.singleShot(0, self.fit_width)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self.fit_width)  # once the window has its size

    def fit_width(self) -> None:
        """Widen the dock (up to half the window) when the matrices would be cut off."""
        window = self.parentWidget()
        if window is None or self.isFloating() or not self.isVisible():
            return
        needed = self.panel.content_width() + self.panel.verticalScrollBar().sizeHint().width()
        needed += 2 * self.panel.frameWidth() + 8
        room = int(window.width() * 0.5)
        if self.width() < needed and self.width() < room:
            window.resizeDocks([self], [min(needed, room)], Qt.Orientation.Horizontal)
