"""The Keras recipe: its five steps, where each is set in this app and what it is for this
network, and the app's current network exported as a runnable PyTorch or Keras file."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
)

from core.notation import fmt
from gui.lessons.plots.base import LessonFigure, live_note

FRAMEWORKS = (("PyTorch", "pytorch"), ("Keras", "keras"))
CODE_FILTER = "Python files (*.py);;All files (*)"
INFO = ('The file marks each step with a comment such as "# 1. Describe the model '
        'architecture"; running it fits the same network from the same weights.')


class RecipeView(LessonFigure):
    """``code_for(framework)`` returns the file's text (the lesson controller's
    ``export_code``); ``ask_save_path`` is an attribute so that tests can answer."""

    title = "The five steps of the Keras recipe, and this network as code"

    def __init__(self, code_for: Callable[[str], str], parent=None) -> None:
        super().__init__(parent)
        self.code_for = code_for
        self.ask_save_path = self._ask_save_path
        self.steps = QTableWidget(5, 3)
        self.steps.setHorizontalHeaderLabels(["Step", "In this app", "This network"])
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.steps.setWordWrap(True)
        self.steps.verticalHeader().hide()
        self.steps.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.steps.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self._fit_steps())  # rows rewrap when wider
        self.steps.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body.addWidget(self.steps)

        row = QHBoxLayout()
        caption = QLabel("<b>The app's network now, as a Python file:</b>")
        caption.setWordWrap(True)  # large text on a narrow tab: it wraps, the buttons stay
        row.addWidget(caption, 1)
        self.framework_combo = QComboBox()
        self.framework_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for text, name in FRAMEWORKS:
            self.framework_combo.addItem(text, name)
        self.framework_combo.currentIndexChanged.connect(lambda _: self.refresh())
        row.addWidget(self.framework_combo)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Export the network again (after training it, say)")
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(self.refresh_button)
        self.save_button = QPushButton("Save as .py…")
        self.save_button.clicked.connect(self.save_dialog)
        row.addWidget(self.save_button)
        self.body.addLayout(row)
        self.code = QPlainTextEdit()
        self.code.setReadOnly(True)
        self.code.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.code.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body.addWidget(self.code, 1)
        self.message = QLabel()
        self.message.setStyleSheet("color: #5f6368; border: none;")
        self.body.addWidget(self.message)

    def _fit_steps(self) -> None:
        """As tall as the five rows, so the code gets the rest of the height."""
        if getattr(self, "_fitting", False):
            return
        self._fitting = True
        try:
            table = self.steps
            self._fit_rows()
            height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + sum(
                table.rowHeight(r) for r in range(table.rowCount())
            )
            if table.height() != height + 2:
                table.setFixedHeight(height + 2)
        finally:
            self._fitting = False

    def _fit_rows(self) -> None:
        """Each row as tall as its longest text wrapped in its column (measured with the
        table's font; Qt's own estimate can come out a line short when the text is large)."""
        table = self.steps
        metrics = table.fontMetrics()
        pad = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
        flags = Qt.TextFlag.TextWordWrap
        for r in range(table.rowCount()):
            lines = metrics.height()
            for c in range(table.columnCount()):
                item = table.item(r, c)
                width = table.columnWidth(c) - pad - 6
                if item is not None and width > 0:
                    rect = metrics.boundingRect(0, 0, width, 100000, flags, item.text())
                    lines = max(lines, rect.height())
            height = lines + pad + 6
            if table.rowHeight(r) != height:
                table.setRowHeight(r, height)

    def set_text_scale(self, scale: float) -> None:
        super().set_text_scale(scale)
        self._fit_steps()  # rows as tall as their text at the new size

    @property
    def framework(self) -> str:
        return self.framework_combo.currentData()

    def show_result(self, result) -> None:
        for r, step in enumerate(result.extras["steps"]):
            for c, text in enumerate((f"{step['step']}. {step['title']}", step["app"],
                                      step["value"])):  # fmt: skip
                item = self.steps.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                    self.steps.setItem(r, c, item)
                item.setText(text)
        self._fit_steps()
        self.set_info(INFO)
        self.refresh()

    def show_live(self, result, live, k: int) -> None:
        """Step 4 as it goes: the live run's epoch and loss; at its end the code is exported
        again (the app's network is then the trained one)."""
        m = live.measures
        text = f"{live_note(live)}: training loss {fmt(m['final_loss'], 3)}"
        if "test_accuracy" in m:
            text += f", test accuracy {m['test_accuracy']:.1%}"
        self.set_info(text)
        if len(live.history) >= live.config.epochs or live.status != "ok":
            self.refresh()

    def clear_live(self) -> None:
        self.set_info(INFO)

    def refresh(self) -> None:
        text = self.code_for(self.framework)
        if self.code.toPlainText() != text:
            self.code.setPlainText(text)

    def _ask_save_path(self) -> str:
        name = f"model_{self.framework}.py"
        path, _ = QFileDialog.getSaveFileName(self, "Save the code", name, CODE_FILTER)
        return path

    def save_dialog(self) -> None:
        path = self.ask_save_path()
        if path:
            self.save(path)

    def save(self, path: str) -> bool:
        """Write the code shown (refreshed first) to ``path``; ``.py`` is added if missing."""
        if not path.endswith(".py"):
            path += ".py"
        self.refresh()
        try:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(self.code.toPlainText())
        except OSError as exc:
            window = self.window()
            show = getattr(window, "show_error", None)
            if show is not None:
                show("Cannot save the code", str(exc))
            return False
        self.message.setText(f"Saved {path}")
        return True
