"""The training timeline bar: a slider over the epochs the run recorded, "Step from here",
"Replay" and "Live". Scrubbing emits the chosen epoch; the controller looks up the parameters
(:class:`core.timeline.Timeline`) and every view shows that epoch."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget


class TimelineBar(QWidget):
    """Signals: ``scrubbed(epoch)``, ``live_requested()``, ``step_requested(epoch)``,
    ``replay_requested()``."""

    scrubbed = Signal(int)
    live_requested = Signal()
    step_requested = Signal(int)
    replay_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Timeline"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Drag to show any recorded epoch; every plot follows")
        layout.addWidget(self.slider, 1)
        self.label = QLabel("no run yet")
        layout.addWidget(self.label)
        self.live_button = QPushButton("Live")
        self.live_button.setToolTip("Follow the newest epoch again")
        self.step_button = QPushButton("Step from here")
        self.step_button.setToolTip("Open the Stepper on the weights of the epoch shown")
        self.replay_button = QPushButton("Replay")
        self.replay_button.setToolTip("Train again from the same initial weights and seed")
        for button in (self.live_button, self.step_button, self.replay_button):
            layout.addWidget(button)
        self.epochs: list[int] = []
        self.live = True
        self.slider.valueChanged.connect(self._on_moved)
        self.live_button.clicked.connect(self._go_live)
        self.step_button.clicked.connect(lambda: self.step_requested.emit(self.epoch()))
        self.replay_button.clicked.connect(self.replay_requested)
        self._update_label()

    def epoch(self) -> int:
        """The epoch the slider points at (the newest while live)."""
        if not self.epochs:
            return 0
        return self.epochs[self.slider.value()]

    def set_epochs(self, epochs: list[int]) -> None:
        """The recorded epochs changed (a snapshot arrived, or a new run began). While live the
        slider stays at the newest; while scrubbed it keeps the epoch it shows."""
        shown = self.epoch()
        self.epochs = list(epochs)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, len(self.epochs) - 1))
        if self.live or not self.epochs:
            self.slider.setValue(self.slider.maximum())
        else:
            index = max((k for k, e in enumerate(self.epochs) if e <= shown), default=0)
            self.slider.setValue(index)
        self.slider.blockSignals(False)
        self._update_label()

    def scrub_to(self, epoch: int) -> None:
        """Show the latest recorded epoch ≤ ``epoch`` (as if the user dragged there)."""
        index = max((k for k, e in enumerate(self.epochs) if e <= epoch), default=0)
        if index == self.slider.value():
            self._on_moved(index)
        else:
            self.slider.setValue(index)

    def _on_moved(self, index: int) -> None:
        self.live = index == self.slider.maximum()
        self._update_label()
        if self.live:
            self.live_requested.emit()
        else:
            self.scrubbed.emit(self.epoch())

    def _go_live(self) -> None:
        self.slider.setValue(self.slider.maximum())
        self.live = True
        self._update_label()
        self.live_requested.emit()

    def _update_label(self) -> None:
        if not self.epochs:
            self.label.setText("no run yet")
        else:
            newest = self.epochs[-1]
            where = "live" if self.live else f"showing epoch {self.epoch():,}"
            self.label.setText(f"{where} · newest {newest:,} · {len(self.epochs)} recorded")
        self.live_button.setEnabled(not self.live and bool(self.epochs))
        self.step_button.setEnabled(bool(self.epochs))
