"""The Lessons menu: all lessons, one entry per lesson in order (✓ when done, the open one in
bold), and Previous / Reset / Next lesson."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

KEYS = {"list": "Ctrl+L", "previous": "Ctrl+[", "reset": "Ctrl+Shift+R", "next": "Ctrl+]"}


class LessonMenu(QMenu):
    """Drives ``lessons`` (a :class:`gui.lessons.controller.LessonController`).

    Signals
    -------
    list_requested : "All lessons…" was chosen.
    """

    list_requested = Signal()

    def __init__(self, lessons, parent: QWidget) -> None:
        super().__init__("&Lessons", parent)
        self.lessons = lessons
        self.list_action = self._add("&All lessons…", self.list_requested.emit, KEYS["list"])
        self.addSeparator()
        self.lesson_actions: list[QAction] = []
        for info in lessons.lessons:
            action = self._add("", lambda checked=False, i=info.id: lessons.open(i))
            action.setData(info.id)
            self.lesson_actions.append(action)
        self.addSeparator()
        self.previous_action = self._add("&Previous lesson", lessons.previous, KEYS["previous"])
        self.reset_action = self._add("&Reset lesson", lessons.reset, KEYS["reset"])
        self.next_action = self._add("&Next lesson", lessons.next, KEYS["next"])
        # The window adds these, so their keys work wherever the focus is.
        self.shortcut_actions = (self.list_action, self.previous_action, self.reset_action,
                                 self.next_action)  # fmt: skip
        lessons.lesson_changed.connect(self.update_actions)
        lessons.progress_changed.connect(self.update_actions)
        self.update_actions()

    def _add(self, text: str, slot, keys: str | None = None) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def update_actions(self) -> None:
        c = self.lessons
        current = c.lesson.id if c.lesson is not None else ""
        for info, action in zip(c.lessons, self.lesson_actions):
            text = f"{info.order}. {info.title}" + ("  ✓" if c.is_completed(info.id) else "")
            if action.text() != text:
                action.setText(text)
            font = action.font()
            if font.bold() != (info.id == current):
                font.setBold(info.id == current)
                action.setFont(font)
        self.previous_action.setEnabled(c.has_previous())
        self.next_action.setEnabled(c.has_next())
        self.reset_action.setEnabled(c.lesson is not None)
