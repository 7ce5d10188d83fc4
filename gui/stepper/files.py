"""The File menu of the stepped network: open, the examples, recent files, save and save as.

The questions it asks (discard unsaved edits? which file name?) and the errors it shows go
through the window's ``ask_discard``, ``ask_save_path`` and ``show_error`` attributes, so that
tests can answer them.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from core.examples import example_names, example_path, is_example
from core.netfile import load_network
from core.safe_write import ReadOnlyFileError
from gui.settings import read_string, read_string_list

MAX_RECENT = 8
FILE_FILTER = "Network files (*.json);;All files (*)"


def add_action(parent, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
    """An action of ``parent`` in ``menu`` that calls ``slot``, with an optional shortcut."""
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


class NetworkFiles(QObject):
    """Opens and saves the network of ``window.controller``; emits ``opened`` after a file or
    an example replaced it."""

    opened = Signal()

    def __init__(self, window, persist: bool) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.settings = window.settings
        self.persist = persist

    def build_menu(self, menu: QMenu) -> None:
        """Open, Examples, Recent files, Save and Save As, in ``menu``."""
        self.open_action = self._action(menu, "&Open…", self.open_dialog,
                                        QKeySequence.StandardKey.Open)  # fmt: skip
        self.examples_menu = menu.addMenu("&Examples")
        for name in example_names():
            self._action(self.examples_menu, name,
                         lambda checked=False, n=name: self.open_example(n))  # fmt: skip
        self.recent_menu = menu.addMenu("&Recent files")
        self.fill_recent()
        menu.addSeparator()
        self.save_action = self._action(menu, "&Save", self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(menu, "Save &As…", self.save_as,
                                           QKeySequence("Ctrl+Shift+S"))  # fmt: skip

    def _action(self, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
        return add_action(self.window, menu, text, slot, shortcut)

    # -- questions ------------------------------------------------------------------------

    def ask_discard(self) -> str:
        """'save', 'discard' or 'cancel' for unsaved edits."""
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          "The network has changes that are not saved. Save them first?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.window)  # fmt: skip
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(
                    QMessageBox.StandardButton(answer), "cancel")  # fmt: skip

    def ask_replace_read_only(self, message: str) -> bool:
        """Whether to replace a read-only file (it stays read-only)."""
        answer = QMessageBox.question(
            self.window, "Read-only file",
            f"{message}.\n\nReplace it anyway? It stays read-only afterwards.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def ask_save_path(self) -> str:
        """A file name from the user; the dialog adds .json itself, so that its question
        "replace the existing file?" is asked about the name that will really be written."""
        dialog = QFileDialog(self.window, "Save network", self.last_dir(), FILE_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("json")
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return ""
        return dialog.selectedFiles()[0]

    # -- open and save --------------------------------------------------------------------

    def may_discard(self) -> bool:
        """True when the current network may be replaced (saved first if the user asks)."""
        if not self.controller.dirty:
            return True
        answer = self.window.ask_discard()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def open_path(self, path: str, remember: bool = True) -> bool:
        """Load ``path``; on a bad file show why and keep the current network."""
        if not self.may_discard():
            return False
        try:
            self.controller.open_path(path)
        except (ValueError, OSError) as exc:
            self.window.show_error("Cannot open network", str(exc))
            return False
        if remember and self.controller.path:
            self.remember(path)
        self.opened.emit()
        return True

    def open_example(self, name: str) -> bool:
        if not self.may_discard():
            return False
        try:
            loaded = load_network(example_path(name))
            self.controller.set_loaded(loaded, "")
        except (ValueError, OSError) as exc:
            self.window.show_error("Cannot open example", str(exc))
            return False
        self.opened.emit()
        return True

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open network", self.last_dir(),
                                              FILE_FILTER)  # fmt: skip
        if path:
            self.open_path(path)

    def save(self) -> bool:
        if not self.controller.path:
            return self.save_as()
        return self.save_to(self.controller.path)

    def save_as(self) -> bool:
        path = self.window.ask_save_path()
        if not path:
            return False
        if is_example(path):
            self.window.show_error("Cannot save network",
                                   "The shipped examples stay as they are: choose another folder.")
            return False
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        try:
            try:
                self.controller.save(path)
            except ReadOnlyFileError as exc:
                if not self.window.ask_replace_read_only(str(exc)):
                    return False
                self.controller.save(path, replace_read_only=True)
        except (ValueError, OSError) as exc:
            self.window.show_error("Cannot save network", str(exc))
            return False
        self.remember(path)
        return True

    # -- recent files ---------------------------------------------------------------------

    def last_dir(self) -> str:
        last = read_string(self.settings, "last_file")
        return os.path.dirname(last) if last else os.getcwd()

    def remember(self, path: str) -> None:
        if not self.persist:
            return
        path = os.path.abspath(path)
        self.settings.setValue("last_file", path)
        recent = [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent_files", [path] + recent[: MAX_RECENT - 1])
        self.fill_recent()

    def recent_files(self) -> list[str]:
        return read_string_list(self.settings, "recent_files")

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            self._action(self.recent_menu, path, lambda checked=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(self.recent_files()))
