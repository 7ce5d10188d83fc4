"""A box for a label whose text changes many times a second (a plot's numbers while training).

``QLabel.setText`` asks the layout it sits in to recompute, that layout asks its parent's, and
so on up to the main window, which then repaints every widget of the tab and the docks: about a
millisecond per label per frame, for a size that has not changed. The box holds the label
without a layout, so the request stops at the box, which passes it on only when the label needs
another size.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class SteadyLabel(QWidget):
    """Put ``SteadyLabel(label)`` in a layout where ``label`` would go; it takes the label's
    size policy (a width policy of Ignored: the text's width is never asked for)."""

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy())
        self._needs = self._measure()

    def _measure(self) -> tuple:
        """What the layout around the box reads of the label."""
        label = self.label
        hint, least = label.sizeHint(), label.minimumSizeHint()
        wrapped = label.hasHeightForWidth()
        widths = (hint.width(), least.width())
        if self.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Ignored:
            widths = ()
        return (hint.height(), least.height(), *widths, wrapped,
                label.heightForWidth(self.width()) if wrapped else 0)  # fmt: skip

    def _pass_on(self) -> None:
        needs = self._measure()
        if needs != self._needs:
            self._needs = needs
            self.updateGeometry()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # from the label: new text, font, wrap
            self._pass_on()
            return True
        return super().event(event)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        self._pass_on()  # a hidden box hears nothing from its label

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        self.label.setGeometry(self.rect())
        super().resizeEvent(event)

    def sizeHint(self):  # noqa: N802 (Qt)
        return self.label.sizeHint()

    def minimumSizeHint(self):  # noqa: N802 (Qt)
        return self.label.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt)
        return self.label.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt)
        return self.label.heightForWidth(width)
