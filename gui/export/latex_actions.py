""""Copy formula as LaTeX" on the equation panel: the general formula or the formula with this
unit's numbers, in the notes' notation, put on the clipboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLabel

from core.export.latex import to_latex


def formula_latex(controller, with_numbers: bool) -> str:
    """The LaTeX of the operation at the cursor ("" at the start of a sample)."""
    stepper = controller.stepper
    op = stepper.current if stepper is not None else None
    if op is None:
        return ""
    return to_latex(op.substituted if with_numbers else op.formula)


class CopyLatexActions:
    """Two actions, in the panel's context menu (and wherever the window adds them):
    ``formula`` and ``substituted``. ``copied`` is called with the text put on the clipboard."""

    def __init__(self, panel, controller, parent, copied=None) -> None:
        self.controller = controller
        self.copied = copied or (lambda text: None)
        self.formula = QAction("Copy formula as LaTeX", parent)
        self.formula.setShortcut("Ctrl+Shift+C")
        self.formula.triggered.connect(lambda: self.copy(False))
        self.substituted = QAction("Copy formula with numbers as LaTeX", parent)
        self.substituted.triggered.connect(lambda: self.copy(True))
        widgets = [panel] + panel.findChildren(QLabel)
        for widget in widgets:
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            widget.addActions([self.formula, self.substituted])
        controller.state_changed.connect(self._update)
        controller.network_replaced.connect(self._update)
        self._update()

    def _update(self) -> None:
        stepper = self.controller.stepper
        enabled = stepper is not None and stepper.current is not None
        self.formula.setEnabled(enabled)
        self.substituted.setEnabled(enabled)

    def copy(self, with_numbers: bool) -> str:
        text = formula_latex(self.controller, with_numbers)
        if text:
            QGuiApplication.clipboard().setText(text)
            self.copied(text)
        return text
