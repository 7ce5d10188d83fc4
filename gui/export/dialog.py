"""The options of a slides or animation export: which steps (the whole sample, a phase, or
steps a … b), the style, the page shape, the frame delay, and for training the epochs."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QWidget,
)

from core.export.ranges import ASPECTS
from core.trace import PHASES

RANGES = ("whole sample", "one phase", "steps")


class ExportOptionsDialog(QDialog):
    """``options()`` gives the choices as the keys ExportMenu reads: from, to, phase,
    presenter, aspect, delay, epochs, every."""

    def __init__(self, kind: str, steps: int, presenter: bool, parent=None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle("Export options")
        form = QFormLayout(self)
        self.range_box = QComboBox()
        self.range_box.addItems(RANGES)
        self.phase_box = QComboBox()
        self.phase_box.addItems(PHASES)
        self.from_box, self.to_box = QSpinBox(), QSpinBox()
        for box, value in ((self.from_box, 0), (self.to_box, steps)):
            box.setRange(0, steps)
            box.setValue(value)
        row = QHBoxLayout()
        for widget in (self.range_box, self.phase_box, self.from_box, self.to_box):
            row.addWidget(widget)
        holder = QWidget()
        holder.setLayout(row)
        self.presenter_box = QCheckBox("presenter style (larger text, high contrast)")
        self.presenter_box.setChecked(presenter)
        self.aspect_box = QComboBox()
        self.aspect_box.addItems(list(ASPECTS))
        self.delay_box = QSpinBox()
        self.delay_box.setRange(10, 60_000)
        self.delay_box.setSuffix(" ms")
        self.delay_box.setValue(80 if kind == "animate_training" else 900)
        self.epochs_box, self.every_box = QSpinBox(), QSpinBox()
        self.epochs_box.setRange(1, 100_000)
        self.epochs_box.setValue(300)
        self.every_box.setRange(1, 10_000)
        self.every_box.setValue(5)
        if kind == "animate_training":
            form.addRow("Epochs to train", self.epochs_box)
            form.addRow("One frame per", self.every_box)
        else:
            form.addRow("Steps", holder)
            form.addRow("", self.presenter_box)
        if kind == "slides":
            form.addRow("Page shape", self.aspect_box)
        else:
            form.addRow("Frame delay", self.delay_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.range_box.currentIndexChanged.connect(self._show_range)
        self._show_range()

    def _show_range(self) -> None:
        mode = self.range_box.currentText()
        self.phase_box.setVisible(mode == "one phase")
        self.from_box.setVisible(mode == "steps")
        self.to_box.setVisible(mode == "steps")

    def options(self) -> dict:
        if self.kind == "animate_training":
            return {"epochs": self.epochs_box.value(), "every": self.every_box.value(),
                    "delay": self.delay_box.value()}  # fmt: skip
        options = {"presenter": self.presenter_box.isChecked(), "delay": self.delay_box.value(),
                   "aspect": self.aspect_box.currentText()}  # fmt: skip
        mode = self.range_box.currentText()
        if mode == "one phase":
            options["phase"] = self.phase_box.currentText()
        elif mode == "steps":
            options["from"], options["to"] = self.from_box.value(), self.to_box.value()
        return options
