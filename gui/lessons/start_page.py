"""The list of all lessons: number, title, section of the notes, and whether the student has
visited or finished each. Double-click or Enter opens one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.lessons.fonts import set_base_points

INTRO = (
    "Fourteen short lessons that walk through the lecture notes. Each loads a network, data and "
    "settings, explains one idea in a few paragraphs, and points at the view or plot that shows "
    "it. Double-click a lesson (or select it and press Enter) to open it."
)
DONE = "✓ done"
VISITED = "visited"
ID_ROLE = Qt.ItemDataRole.UserRole


class StartPage(QWidget):
    """Lists ``lessons.lessons`` (a :class:`gui.lessons.controller.LessonController`)."""

    def __init__(self, lessons, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lessons = lessons
        layout = QVBoxLayout(self)
        self.heading = QLabel("Lessons")
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        set_base_points(self.heading, 16.0)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["", "Lesson", "Section of the notes", "Progress"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        # The titles whole (at any text scale); the sections take the width left, cut in the
        # end when they must, whole in their tooltips.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        for info in lessons.lessons:
            section = lessons.sections.get(info.id, "")
            item = QTreeWidgetItem([f"{info.order}", info.title, section, ""])
            item.setData(0, ID_ROLE, info.id)
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(1, info.id)
            item.setToolTip(2, section)
            self.tree.addTopLevelItem(item)
        self.tree.itemActivated.connect(lambda item, _column: self.open_item(item))
        self.continue_button = QPushButton()
        self.continue_button.clicked.connect(self._continue)
        self.forget_button = QPushButton("Forget my progress")
        self.forget_button.clicked.connect(lessons.forget_progress)
        row = QHBoxLayout()
        row.addWidget(self.continue_button)
        row.addStretch(1)
        row.addWidget(self.forget_button)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        if lessons.errors:
            problems = QLabel("Not listed (broken files): " + "; ".join(lessons.errors))
            problems.setWordWrap(True)
            problems.setStyleSheet("color: #b00020;")
            layout.addWidget(problems)
        lessons.progress_changed.connect(self.update_progress)
        lessons.lesson_changed.connect(self.update_progress)
        self.update_progress()

    def item(self, row: int) -> QTreeWidgetItem:
        return self.tree.topLevelItem(row)

    def progress_text(self, row: int) -> str:
        return self.item(row).text(3)

    def open_item(self, item: QTreeWidgetItem) -> None:
        self.lessons.open(item.data(0, ID_ROLE))

    def _next_id(self) -> str:
        """The lesson to continue with: the first not done after the last one opened."""
        ids = [info.id for info in self.lessons.lessons]
        if not ids:
            return ""
        last = self.lessons.last_opened()
        start = ids.index(last) if last in ids else 0
        if last in ids and not self.lessons.is_completed(last):
            return last
        for lesson_id in ids[start:] + ids[:start]:
            if not self.lessons.is_completed(lesson_id):
                return lesson_id
        return ids[0]

    def _continue(self) -> None:
        lesson_id = self._next_id()
        if lesson_id:
            self.lessons.open(lesson_id)

    def update_progress(self) -> None:
        c = self.lessons
        current = c.lesson.id if c.lesson is not None else ""
        for row in range(self.tree.topLevelItemCount()):
            item = self.item(row)
            lesson_id = item.data(0, ID_ROLE)
            text = DONE if c.is_completed(lesson_id) else VISITED if c.is_visited(lesson_id) else ""
            if item.text(3) != text:
                item.setText(3, text)
            # The tree's own font (at the text scale), bold for the open lesson.
            font = QFont(self.tree.font())
            font.setBold(lesson_id == current)
            if item.font(1) != font:
                for column in range(4):
                    item.setFont(column, font)
        next_id = self._next_id()
        order = next((i.order for i in c.lessons if i.id == next_id), 1)
        started = any(c.is_visited(i.id) for i in c.lessons)
        self.continue_button.setText(f"Continue with lesson {order}" if started
                                     else "Start with lesson 1")  # fmt: skip
        self.continue_button.setEnabled(bool(next_id))
