"""The "Lesson" dock: the open lesson's title, its explanation in our own words, where to look
and what to try, the numbers it measured, and Previous / Reset / Next."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.lessons import order_label
from gui.lessons.controller import lesson_view
from gui.lessons.fonts import scale_fonts, set_base_points
from gui.lessons.numbers import key_numbers

VIEW_WORDS = {"graph": "Computation graph tab", "stepper": "Stepper tab", "lessons": "Lessons tab"}
FOCUS_WORDS = {
    "equation": "the equation panel",
    "counts": "the table of operation counts",
    "network": "the product of the weight matrices",
    "loss": "the loss curves",
    "saturation": "the bars of saturated units",
    "gradients": "the gradient size of each layer",
    "paths": "the paths over the loss surface",
    "similarity": "how alike the hidden units are",
    "boundary": "the decision boundary",
    "code": "the five steps and the exported code",
}
BASE_POINTS = {"text": 11.0, "title": 15.0, "small": 9.5}
PRESENTER_SHARE = 0.34  # of the window's width, for the dock in presenter mode
LOOK_COLOUR = "#fff4d6"
TRY_COLOUR = "#eaf3fb"
WELCOME = (
    "<p>Each lesson loads a network, data and settings, explains one idea from the lecture "
    "notes in a few paragraphs, and points at the view or plot that shows it.</p>"
    "<p>Pick one from the <b>Lessons</b> menu or the list in the Lessons tab.</p>"
)


def where_to_look(lesson) -> str:
    """'Lessons tab, the loss curves': the tab and the part of it that carries the point."""
    view = lesson_view(lesson)
    if view == "graph" and lesson.focus == "equation":
        return "Computation graph tab, the graph and the step under it"
    return f"{VIEW_WORDS[view]}, {FOCUS_WORDS.get(lesson.focus, lesson.focus)}"


def lesson_html(lesson, numbers: list[str]) -> str:
    """The explanation, the two boxes and the measured numbers as rich text."""
    esc = html.escape
    parts = [f"<p>{esc(p)}</p>" for p in lesson.explanation]
    for colour, head, text in (
        (LOOK_COLOUR, f"Look at ({where_to_look(lesson)}):", lesson.look_at),
        (TRY_COLOUR, "Try this:", lesson.try_this),
    ):
        parts.append(
            f'<table width="100%" cellpadding="6" cellspacing="0" bgcolor="{colour}">'
            f"<tr><td><b>{esc(head)}</b> {esc(text)}</td></tr></table><p></p>"
        )
    if numbers:
        items = "".join(f"<li>{esc(line)}</li>" for line in numbers)
        parts.append(f"<p><b>Measured in this lesson</b></p><ul>{items}</ul>")
    return "".join(parts)


class LessonPanel(QDockWidget):
    """Shows ``lessons.lesson`` (a :class:`gui.lessons.controller.LessonController`).

    Signals
    -------
    list_requested : the student wants the list of all lessons.
    view_requested : the student wants to see the view the lesson points at.
    """

    list_requested = Signal()
    view_requested = Signal()

    def __init__(self, lessons, parent: QWidget | None = None) -> None:
        super().__init__("Lesson", parent)
        self.setObjectName("lesson_dock")
        self.lessons = lessons
        self._scale = 1.0
        self._width_before: int | None = None  # the dock's width before presenter mode
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 6)
        self.position_label = QLabel()
        self.position_label.setTextFormat(Qt.TextFormat.PlainText)
        self.position_label.setWordWrap(True)
        self.position_label.setStyleSheet("color: #5f6368;")
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        self.text = QTextBrowser()
        self.text.setFrameShape(QFrame.Shape.NoFrame)
        self.text.setOpenLinks(False)
        self.text.document().setDocumentMargin(2)
        layout.addWidget(self.position_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.text, 1)
        # The lesson's own controls: each re-runs its demonstration with another value.
        self.controls_box = QFrame()
        self.controls_box.setObjectName("lesson_controls")
        # (Its labels on the frame's colour: presenter mode's style sheet gives every widget a
        # white background of its own.)
        self.controls_box.setStyleSheet(
            f"QFrame#lesson_controls {{ background: {TRY_COLOUR}; border-radius: 4px; }}"
            "QFrame#lesson_controls QLabel { background: transparent; }")
        self.controls_form = QFormLayout(self.controls_box)
        self.controls_form.setContentsMargins(6, 4, 6, 4)
        # A narrow dock (or large text) puts each choice under its label (see _wrap_controls).
        self.controls_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.control_boxes: dict[str, QComboBox] = {}
        layout.addWidget(self.controls_box)

        self.previous_button = QPushButton("◀ Previous")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Load this lesson's network, data and settings again")
        self.next_button = QPushButton("Next ▶")
        self.next_button.setToolTip("Mark this lesson done and go to the next one")
        self.previous_button.clicked.connect(lessons.previous)
        self.reset_button.clicked.connect(lessons.reset)
        self.next_button.clicked.connect(lessons.next)
        row = QHBoxLayout()
        for button in (self.previous_button, self.reset_button, self.next_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.done_box = QCheckBox("Done")
        self.done_box.setToolTip("Mark this lesson done (Next does it too)")
        self.done_box.toggled.connect(self._on_done_toggled)
        self.show_button = QPushButton("Show me")
        self.show_button.setToolTip("Go to the view this lesson points at")
        self.show_button.clicked.connect(self.view_requested)
        self.list_button = QPushButton("All lessons")
        self.list_button.clicked.connect(self.list_requested)
        row = QHBoxLayout()
        row.addWidget(self.done_box)
        row.addStretch(1)
        row.addWidget(self.show_button)
        row.addWidget(self.list_button)
        layout.addLayout(row)
        self.setWidget(body)

        lessons.lesson_changed.connect(self._on_lesson_changed)
        lessons.result_changed.connect(self._on_result_changed)
        lessons.lesson_reset.connect(self._sync_controls)
        lessons.progress_changed.connect(self._on_progress_changed)
        self.set_font_scale(1.0)
        self._on_lesson_changed()

    @property
    def explanation_text(self) -> str:
        """What the panel says, as plain text (for tests and screen readers)."""
        return self.text.toPlainText()

    def set_font_scale(self, scale: float) -> None:
        """Every widget of the dock at the text scale, each set on itself (under the
        presenter's style sheet a widget takes no font from its parent), the combo boxes'
        lists included."""
        self._scale = scale
        set_base_points(self.title_label, BASE_POINTS["title"])
        set_base_points(self.position_label, BASE_POINTS["small"])
        set_base_points(self.text, BASE_POINTS["text"])
        title = QFont(self.title_label.font())
        title.setBold(True)
        self.title_label.setFont(title)
        scale_fonts(self, scale)
        self.text.document().setDefaultFont(self.text.font())
        self.fit_width()
        self._wrap_controls()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        self._wrap_controls()

    def _wrap_controls(self) -> None:
        """Each control beside its label when both fit the dock's width, else under it: a
        choice is never cut short."""
        form = self.controls_form
        labels = fields = 0
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is not None and field is not None:
                labels = max(labels, label.widget().fontMetrics().horizontalAdvance(
                    label.widget().text()) + 4)  # fmt: skip
                fields = max(fields, field.widget().sizeHint().width())
        margins = form.contentsMargins()
        needed = labels + fields + form.horizontalSpacing() + margins.left() + margins.right()
        room = self.widget().width() - 16  # the body's margins
        wrap = needed > room
        policy = (QFormLayout.RowWrapPolicy.WrapAllRows if wrap
                  else QFormLayout.RowWrapPolicy.DontWrapRows)  # fmt: skip
        # A label over its choice has the row's width: it breaks only where that is too narrow
        # (a word-wrapped label is given about a third of it: "Learning rate" / "(momentum: a"
        # / "tenth)").
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label is not None and isinstance(label.widget(), QLabel):
                widget = label.widget()
                long = widget.fontMetrics().horizontalAdvance(widget.text()) + 4 > (
                    room - margins.left() - margins.right())
                if widget.wordWrap() != (long or not wrap):
                    widget.setWordWrap(long or not wrap)
        if form.rowWrapPolicy() != policy:
            form.setRowWrapPolicy(policy)
            form.activate()  # laid out now, not at the next turn of the event loop
            self.widget().layout().activate()

    def fit_width(self) -> None:
        """In presenter mode the dock takes about a third of the window (its buttons and
        controls whole; the explanation scrolls), leaving the lesson's figures the rest; on
        leaving it the dock gets back the width it had."""
        window = self.parentWidget()
        if not isinstance(window, QMainWindow) or self.isFloating():
            return
        if getattr(window, "presenter", False):
            if not self.isVisible():
                return
            if self._width_before is None:
                self._width_before = self.width()
            target = max(self.minimumSizeHint().width(), round(window.width() * PRESENTER_SHARE))
            if target < self.width():
                window.resizeDocks([self], [target], Qt.Orientation.Horizontal)
        elif self._width_before is not None:
            width, self._width_before = self._width_before, None
            window.resizeDocks([self], [width], Qt.Orientation.Horizontal)

    def _on_lesson_changed(self) -> None:
        c = self.lessons
        lesson = c.lesson
        if lesson is None:
            self.position_label.setText(f"{len(c.lessons)} lessons")
            self.title_label.setText("No lesson open")
            self.text.setHtml(WELCOME)
        else:
            self.position_label.setText(
                f"Lesson {order_label(lesson.order)} ({c.index + 1} of {len(c.lessons)}) · "
                f"{lesson.section}"
            )
            self.title_label.setText(lesson.title)
            self.text.setHtml(lesson_html(lesson, key_numbers(c.result) if c.result else []))
        self._build_controls()
        for widget in (self.reset_button, self.done_box, self.show_button):
            widget.setEnabled(lesson is not None)
        self.previous_button.setEnabled(c.has_previous())
        self.next_button.setEnabled(c.has_next())
        self._on_progress_changed()

    def _build_controls(self) -> None:
        while self.controls_form.rowCount():
            self.controls_form.removeRow(0)
        self.control_boxes = {}
        lesson = self.lessons.base
        controls = lesson.controls if lesson is not None else ()
        for control in controls:
            box = QComboBox()
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # never cut
            box.addItems(list(control.labels))
            box.setToolTip(f"Computes the lesson again with another {control.label.lower()}")
            box.currentIndexChanged.connect(
                lambda index, name=control.name: self._on_control(name, index)
            )
            label = QLabel(control.label)
            label.setWordWrap(True)
            self.controls_form.addRow(label, box)
            self.control_boxes[control.name] = box
        self.controls_box.setVisible(bool(controls))
        self.set_font_scale(self._scale)  # the new controls at the text scale

    def _on_control(self, name: str, index: int) -> None:
        if index >= 0 and not self.lessons.set_control(name, index):
            self._sync_controls()  # refused: show the value in force

    def _sync_controls(self) -> None:
        for name, box in self.control_boxes.items():
            index = self.lessons.choices.get(name, 0)
            if box.currentIndex() != index:
                box.blockSignals(True)
                box.setCurrentIndex(index)
                box.blockSignals(False)

    def _on_result_changed(self) -> None:
        c = self.lessons
        if c.lesson is not None and c.result is not None:
            self.text.setHtml(lesson_html(c.lesson, key_numbers(c.result)))
        self._sync_controls()

    def _on_progress_changed(self) -> None:
        lesson = self.lessons.lesson
        done = lesson is not None and self.lessons.is_completed(lesson.id)
        if self.done_box.isChecked() != done:
            self.done_box.blockSignals(True)
            self.done_box.setChecked(done)
            self.done_box.blockSignals(False)

    def _on_done_toggled(self, done: bool) -> None:
        if self.lessons.lesson is not None:
            self.lessons.set_completed(self.lessons.lesson.id, done)
