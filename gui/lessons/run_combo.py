"""The Lessons tab's choice of the run to train live: as wide as its longest label, so that a
label such as "small random weights, η = 10" shows whole. When the header has less room than
that, the layout may make it narrower (down to about twelve characters); the label is then cut
in the middle ("small ran…η = 10", so both the start and the value stay) and the tooltip shows
it whole."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter

TIP = "A run of this lesson to train live"
MIN_CHARACTERS = 12


class RunCombo(QComboBox):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setToolTip(TIP)
        self.currentIndexChanged.connect(self._update_tip)

    def set_labels(self, labels: list[str]) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItems(labels)
        self.blockSignals(False)
        self._update_tip()
        self.updateGeometry()

    def _update_tip(self, *_) -> None:
        text = self.currentText()
        self.setToolTip(f"{TIP}: {text}" if text else TIP)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt)
        hint = super().minimumSizeHint()
        room = self.fontMetrics().averageCharWidth() * MIN_CHARACTERS
        return QSize(min(hint.width(), room + (self.sizeHint().width() - self.text_room())),
                     hint.height())  # fmt: skip

    def text_room(self) -> int:
        """The width the current label has to be drawn in, in pixels."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = QStyle.SubControl.SC_ComboBoxEditField
        rect = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option, field, self)
        return rect.width()

    def shown_text(self) -> str:
        """The label as drawn: whole when it fits, else cut in the middle."""
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideMiddle,
                                             self.text_room())  # fmt: skip

    def text_width(self) -> int:
        """The width of the whole current label in the combo's font, in pixels."""
        return self.fontMetrics().horizontalAdvance(self.currentText())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.currentText = self.shown_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
