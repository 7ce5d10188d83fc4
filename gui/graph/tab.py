"""The "Computation graph" tab: an expression, its values, the graph, and the step at the cursor.

The tab owns a :class:`GraphController`; the main window routes its step keys (→/Space, ←,
Shift+→, End, Home, N) to ``tab.controller`` while the tab is shown.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.expressions import (
    PRESETS,
    ExpressionError,
    operation_counts,
)
from core.notation import MINUS
from gui.graph.controller import GraphController
from gui.graph.equation import equation_texts
from gui.graph.fields import build_fields, fit_mode_box
from gui.graph.view import GraphView
from gui.theme import Theme

ERROR_COLOUR = "#c62828"
EQUATION_SHARE = 0.35  # of the tab's height, at most, for the step's formulas and sentence
EQUATION_SHARE_LARGE = 0.28  # with presenter mode's text: the graph needs the height more
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's largest widget size: no limit
# (text, controller method, tip); the keys are the main window's, routed to this tab's controller
STEP_BUTTONS = (
    ("Start", "to_start", "Back to the start (Home)"),
    ("◀ Back", "back", "One step back (←)"),
    ("Step ▶", "step", "One step (→ or Space)"),
    ("Phase ▶▶", "to_phase_end", "To the end of this pass (Shift+→)"),
    ("End", "to_end", "To the end (End)"),
)
BASE_POINTS = {"tab": 10.0, "heading": 13.0, "equation": 13.0, "result": 14.0, "small": 10.0}


def format_values(values: dict[str, float]) -> str:
    """``{"a": 2.0, "b": -1.5}`` → ``a = 2, b = -1.5`` (the form the values box reads)."""
    return ", ".join(f"{name} = {value:.12g}" for name, value in values.items())


def parse_values(text: str) -> dict[str, float]:
    """``a = 2, b = -1.5`` (commas or semicolons between) → numbers; ValueError says why not."""
    values: dict[str, float] = {}
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        name, equals, number = part.partition("=")
        name, number = name.strip(), number.strip()
        if not equals or not name:
            raise ValueError(f"write values as name = number, separated by commas (not '{part}')")
        try:
            values[name] = float(number.replace(MINUS, "-"))
        except ValueError:
            raise ValueError(f"the value of '{name}' is not a number: '{number}'") from None
    return values


class GraphTab(QWidget):
    """Expression box, presets, values, mode, the graph view, the counts and the equation."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.font_scale = 1.0
        self.controller = GraphController(self)
        self.view = GraphView(self.controller, theme)

        controls = build_fields(self)

        # The record at the cursor, in words and formulas.
        self.equation_labels: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        equation = QWidget()
        grid = QGridLayout(equation)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(4)
        captions = {"formula": "Formula", "substituted": "With numbers", "result": "Result"}
        for row, name in enumerate(("heading", "formula", "substituted", "result", "sentence")):
            label = QLabel()
            rich = name in captions
            label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
            label.setContentsMargins(0, 0, 8, 0)  # a wrapped line with scripts can run over
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.equation_labels[name] = label
            if rich:
                caption = QLabel(captions[name])
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                self._captions[name] = caption
                grid.addWidget(caption, row, 0)
                grid.addWidget(label, row, 1)
            else:
                grid.addWidget(label, row, 0, 1, 2)
        grid.setRowStretch(5, 1)
        for name in ("formula", "sentence"):  # the two widths the texts wrap at
            self.equation_labels[name].installEventFilter(self)

        # How many passes each mode needs for the whole gradient.
        self.counts_table = QTableWidget(2, 3)
        self.counts_table.setHorizontalHeaderLabels(
            ["Forward\npasses", "Backward\npasses", "Derivative\nops"]
        )
        self.counts_table.horizontalHeaderItem(2).setToolTip(
            "Multiply-adds ∂·∂ along the edges, for the whole gradient"
        )
        self.counts_table.setVerticalHeaderLabels(["Forward mode", "Reverse mode"])
        self.counts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.counts_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.counts_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.counts_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.counts_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.counts_table.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        for row in range(2):
            for column in range(3):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.counts_table.setItem(row, column, item)
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.counts_label.setWordWrap(True)
        counts = QWidget()
        counts_layout = QVBoxLayout(counts)
        counts_layout.setContentsMargins(0, 0, 0, 0)
        counts_layout.addWidget(self.counts_table)
        counts_layout.addWidget(self.counts_label)
        counts_layout.addStretch(1)

        # Mouse users step here; the keys are the main window's.
        self.step_bar = QWidget()
        bar = QHBoxLayout(self.step_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.step_buttons: dict[str, QPushButton] = {}
        for text, method, tip in STEP_BUTTONS:
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(getattr(self.controller, method))
            bar.addWidget(button)
            self.step_buttons[method] = button
        self.progress_label = QLabel()
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        bar.addSpacing(12)
        bar.addWidget(self.progress_label)
        bar.addStretch(1)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.addWidget(self.step_bar)
        # The texts and the counts side by side, or the counts under the texts when the tab is
        # too narrow for both (``_arrange_lower``); a step whose formulas need more lines than
        # the room kept for them scrolls, and a word too long for the width scrolls sideways.
        content = QWidget()
        self._content = QGridLayout(content)
        self._content.setContentsMargins(0, 0, 0, 0)
        self._content.setHorizontalSpacing(12)
        self._content.addWidget(equation, 0, 0)
        self._counts = counts
        self.stacked = False  # counts under the texts
        self._content.addWidget(counts, 0, 1, Qt.AlignmentFlag.AlignTop)
        self._content.setColumnStretch(0, 1)
        self.equation_area = QScrollArea()
        self.equation_area.setWidget(content)
        self.equation_area.setWidgetResizable(True)
        self.equation_area.setFrameShape(QFrame.Shape.NoFrame)
        self.equation_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.equation_area.installEventFilter(self)
        lower_layout.addWidget(self.equation_area, 1)
        self._lower = lower
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.splitter, 1)

        self.controller.graph_replaced.connect(self._on_graph_replaced)
        self.controller.trace_replaced.connect(self._on_trace_replaced)
        self.controller.state_changed.connect(self._on_state_changed)
        self.set_theme(theme)
        self.set_font_scale(1.0)
        self.controller.load_preset(PRESETS[1].name)

    # -- looks ----------------------------------------------------------------------------------

    def set_font_scale(self, scale: float) -> None:
        """Scale every font of the tab and its graph (presenter mode uses about 1.6–2.0)."""
        self.font_scale = scale
        font = QFont(self.font())
        font.setPointSizeF(BASE_POINTS["tab"] * scale)
        self.setFont(font)
        for name, label in self.equation_labels.items():
            size = {"heading": "heading", "result": "result", "sentence": "small"}.get(
                name, "equation"
            )
            self._set_points(label, BASE_POINTS[size] * scale, bold=name == "heading")
        # Labels with a style sheet of their own do not take the tab's font.
        for label in (*self._captions.values(), self.counts_label):
            self._set_points(label, BASE_POINTS["small"] * scale)
        for label in (self.error_label, *self.field_captions, self.progress_label,
                      *self.step_buttons.values()):  # (the step bar: shown in presenter mode)
            self._set_points(label, BASE_POINTS["tab"] * scale)
        self.view.set_font_scale(scale)
        table_font = QFont(self.counts_table.font())
        table_font.setPointSizeF(BASE_POINTS["tab"] * scale)
        self.counts_table.setFont(table_font)
        # Under presenter mode's style sheet the headers and the fields keep a font of their
        # own: say it there.
        self.counts_table.setStyleSheet(
            f"QHeaderView {{ font-size: {BASE_POINTS['tab'] * scale:.1f}pt; }}")
        for field in (self.expression_edit, self.values_edit, self.preset_combo,
                      self.mode_combo, self.wrt_combo):
            field.setStyleSheet(f"font-size: {BASE_POINTS['tab'] * scale:.1f}pt;")
        fit_mode_box(self.mode_combo)
        self._fit_counts_table()
        self._arrange_lower()
        self._reserve_room()

    def _reserve_room(self) -> None:
        """Keep room under the graph for the tallest text any step of this trace shows at the
        labels' present width, and no more: the rest is the graph's. The room is at most
        ``EQUATION_SHARE`` of the tab's height; a step that needs more scrolls."""
        if not self.isVisible():  # (sized when shown: hidden, its text has no width yet, and
            return  # an uncapped room made the window taller than a 600 px screen)
        c = self.controller
        steps = [None, *c.trace] if c.graph is not None else [None]
        height = 0.0
        for name, label in self.equation_labels.items():
            lines = {"heading": 1, "sentence": 3}.get(name, 1)  # before the first layout
            width = label.contentsRect().width()
            if width < 100 or not c.trace:
                height += QFontMetrics(label.font()).lineSpacing() * lines + 4
                continue
            doc = QTextDocument()
            doc.setDefaultFont(label.font())
            doc.setDocumentMargin(0)
            doc.setTextWidth(width)
            tallest = 0.0
            for k, op in enumerate(steps):
                text = equation_texts(c, op, last=k == len(steps) - 1)[name]
                if label.textFormat() == Qt.TextFormat.RichText:
                    doc.setHtml(text)
                else:
                    doc.setPlainText(text)
                tallest = max(tallest, doc.size().height())
            height += tallest + 4
        # The step bar counts only where it shows (the main window steps with its toolbar).
        bar = 0 if self.step_bar.isHidden() else self.step_bar.sizeHint().height()
        if self.stacked:  # the counts under the texts
            height += self._counts.sizeHint().height() + self._content.verticalSpacing()
        else:  # the taller of the two
            height = max(height, self._counts.sizeHint().height())
        share = EQUATION_SHARE_LARGE if self.font_scale >= 1.3 else EQUATION_SHARE
        self._lower.setMinimumHeight(round(min(height, share * self.height()) + bar + 12))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        QTimer.singleShot(0, self._reserve_room)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        """A formula or sentence label of a new width may need more or fewer lines; a new
        width of the lower area may put the counts beside the texts or under them."""
        if event.type() == QEvent.Type.Resize and event.size().width() != event.oldSize().width():
            if watched is self.equation_area:
                self._arrange_lower()
            QTimer.singleShot(0, self._reserve_room)
        return False

    def text_room(self) -> int:
        """The width the step's texts need beside the counts: about 28 characters of the
        heading, so that a heading or formula wraps at most once or twice."""
        metrics = QFontMetrics(self.equation_labels["heading"].font())
        return 28 * metrics.averageCharWidth()

    def _arrange_lower(self) -> None:
        """The counts beside the texts when both fit the lower area's width, else under them."""
        width = self.equation_area.width()
        stacked = width < self.text_room() + self._counts.sizeHint().width() + 12
        if stacked == self.stacked:
            return
        self.stacked = stacked
        self._content.removeWidget(self._counts)
        if stacked:
            self._content.addWidget(self._counts, 1, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            self._content.addWidget(self._counts, 0, 1, Qt.AlignmentFlag.AlignTop)
        QTimer.singleShot(0, self._reserve_room)

    @staticmethod
    def _set_points(widget: QWidget, points: float, bold: bool = False) -> None:
        font = QFont(widget.font())
        font.setPointSizeF(points)
        font.setBold(bold)
        widget.setFont(font)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        muted = theme.muted.name()
        for caption in self._captions.values():
            caption.setStyleSheet(f"color: {muted};")
        self.counts_label.setStyleSheet(f"color: {muted};")
        self.view.set_theme(theme)
        self._update_counts()

    def _fit_counts_table(self) -> None:
        table = self.counts_table
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        # Size hints, not the headers' present sizes: those lag a font change until shown.
        width = (
            max(table.verticalHeader().width(), table.verticalHeader().sizeHint().width())
            + sum(table.columnWidth(c) for c in range(table.columnCount()))
            + 2 * table.frameWidth()
        )
        height = (
            max(table.horizontalHeader().height(), table.horizontalHeader().sizeHint().height())
            + sum(table.rowHeight(r) for r in range(table.rowCount()))
            + 2 * table.frameWidth()
        )
        table.setFixedSize(width + 4, height + 2)

    # -- what the user does ---------------------------------------------------------------------

    def _show_error(self, message: str) -> None:
        """A message under the fields; no empty line kept for one (the graph has the height)."""
        if self.error_label.text() != message:
            self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _on_expression_entered(self) -> None:
        try:
            self.controller.set_expression(self.expression_edit.text())
        except ExpressionError as exc:
            self._show_error(f"Expression: {exc}")
            return
        self._show_error("")

    def _on_values_entered(self) -> None:
        try:
            self.controller.set_values(parse_values(self.values_edit.text()))
        except ValueError as exc:
            self._show_error(f"Values: {exc}")
            return
        self._show_error("")
        self._on_trace_replaced()  # shows the values in their usual form

    def _on_preset_chosen(self, index: int) -> None:
        if index < 0:
            return
        self.controller.load_preset(self.preset_combo.itemData(index))
        self._show_error("")

    def _on_mode_chosen(self) -> None:
        mode = self.mode_combo.currentData()
        wrt = self.wrt_combo.currentText() or None
        self.controller.set_mode(mode, wrt)

    # -- what the controller says ---------------------------------------------------------------

    def _on_graph_replaced(self) -> None:
        c = self.controller
        if self.expression_edit.text() != c.text:
            self.expression_edit.setText(c.text)
            self.expression_edit.setCursorPosition(0)  # a long one shows its start ("L = …")
        self.wrt_combo.blockSignals(True)
        self.wrt_combo.clear()
        self.wrt_combo.addItems(list(c.graph.variables))
        self.wrt_combo.blockSignals(False)

    def _on_trace_replaced(self) -> None:
        c = self.controller
        text = format_values(c.values)
        if self.values_edit.text() != text:
            self.values_edit.setText(text)
            self.values_edit.setCursorPosition(0)
        for combo, index in (
            (self.mode_combo, self.mode_combo.findData(c.mode)),
            (self.wrt_combo, self.wrt_combo.findText(c.wrt or "")),
            (
                self.preset_combo,
                next(
                    (
                        k
                        for k, p in enumerate(PRESETS)
                        if p.expression == c.text and p.values == c.values
                    ),
                    -1,
                ),
            ),
        ):
            if combo.currentIndex() != index:
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
        # The input to differentiate by is forward mode's: in reverse mode its room is the
        # fields' (beside the Lesson dock at 1280x800 they cut their text short).
        forward = c.mode == "forward"
        fit_mode_box(self.mode_combo)
        for widget in (self.wrt_combo, self.wrt_caption):
            widget.setEnabled(forward)
            widget.setVisible(forward)
        self._update_counts()
        self._reserve_room()

    def _update_counts(self) -> None:
        c = self.controller
        if c.graph is None:
            return
        counts = operation_counts(c.graph)
        n = counts["inputs"]
        cells = [
            [
                str(counts["forward_mode"]["passes"]),
                "0",
                str(counts["forward_mode"]["derivative_ops"]),
            ],
            [
                "1",
                str(counts["reverse_mode"]["passes"]),
                str(counts["reverse_mode"]["derivative_ops"]),
            ],
        ]
        active = 0 if c.mode == "forward" else 1
        highlight = QBrush(self.theme.cursor)
        for row in range(2):
            for column in range(3):
                item = self.counts_table.item(row, column)
                if item.text() != cells[row][column]:
                    item.setText(cells[row][column])
                font = item.font()
                if font.bold() != (row == active):
                    font.setBold(row == active)
                    item.setFont(font)
                item.setBackground(highlight if row == active else QBrush())
        inputs = f"{n} input" + ("" if n == 1 else "s")
        if c.mode == "forward":
            passes = counts["forward_mode"]["passes"]
            this = f" This pass gives d{c.graph.output_name}/d{c.wrt}." if c.wrt else ""
            text = (
                f"Forward mode: {passes} pass{'' if passes == 1 else 'es'} for the whole "
                f"gradient, one per input ({inputs}).{this}"
            )
        else:
            text = (
                "Reverse mode: 1 forward pass for the values, then 1 backward pass gives "
                + (f"the derivative ({inputs})." if n == 1 else f"all {n} derivatives ({inputs}).")
            )
        if self.counts_label.text() != text:
            self.counts_label.setText(text)
        self._fit_counts_table()

    def progress_text(self) -> str:
        c = self.controller
        if not c.trace:
            return ""
        if c.cursor == 0:
            return "start · press → to step"
        phase, k, n = c.position()
        word = {
            "forward": "forward",
            "backward": "backward",
            "tangent": f"forward mode, d/d{c.wrt}",
        }[phase]
        return f"{word} · {k} of {n}"

    def _on_state_changed(self) -> None:
        c = self.controller
        op = c.current
        texts = equation_texts(c, op, last=c.at_end)
        for name, text in texts.items():
            label = self.equation_labels[name]
            if label.text() != text:
                label.setText(text)
            # An empty line takes no height, but keeps the width the room is sized by.
            label.setMaximumHeight(QWIDGETSIZE_MAX if text else 0)
            if name in self._captions:
                self._captions[name].setVisible(bool(text))
        progress = self.progress_text()
        if self.progress_label.text() != progress:
            self.progress_label.setText(progress)
