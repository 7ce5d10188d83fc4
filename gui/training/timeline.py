"""The training timeline bar: a slider over the epochs the run recorded, "Step from here",
"Replay" and "Live". Scrubbing emits the chosen epoch; the controller looks up the parameters
(:class:`core.timeline.Timeline`) and every view shows that epoch."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from core.inside import network_with_weights
from gui.steady_label import SteadyLabel
from gui.training.worker import recorded_snapshot


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
        layout.addWidget(SteadyLabel(self.label))  # its newest epoch changes with every frame
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

    def show_epoch(self, epoch: int) -> None:
        """Point at the recorded epoch ``epoch`` without emitting anything (the views show it
        already)."""
        self.live = False
        index = max((k for k, e in enumerate(self.epochs) if e <= epoch), default=0)
        self.slider.blockSignals(True)
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


class Scrubber(QObject):
    """Shows a recorded epoch of the current run in every view, and replays a run.

    ``scrub(epoch)`` pauses training and makes the controller's frame the recorded epoch's: the
    plots, their headers, the dock and the Stepper's network all show it (its history cut there).
    ``go_live()`` shows the run's newest epoch again; training on (Train) does so too. ``replay()``
    starts a new run from the run's initial weights with the same settings and seed and trains it
    to the epoch the run had reached: the same history, bit for bit.
    """

    changed = Signal()

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self.replaying_to: int | None = None
        self.budget_before: int | None = None  # a lesson's epoch budget, kept over a replay
        self.frame = None  # the recorded epoch's frame while it shows
        controller.leave_scrubbed = self.leave
        controller.frame_ready.connect(self._on_frame)
        controller.running_changed.connect(self._on_running)

    def timeline(self):
        trainer = self.controller.trainer
        return None if trainer is None else trainer.timeline

    def epochs(self) -> list[int]:
        timeline = self.timeline()
        return timeline.epochs() if timeline else []

    def scrub(self, epoch: int) -> None:
        c, timeline = self.controller, self.timeline()
        if not timeline:
            return
        c.pause()
        snap = timeline.at(epoch)
        net = network_with_weights(c.trainer.network, snap.weights())
        frame = recorded_snapshot(c._job(), net, snap.epoch, c.store.arrays(),
                                  tuple(c.store.markers))  # fmt: skip
        c.scrubbed = snap.epoch
        self.frame = c.shown = frame
        c.stepper_sync.show_weights(frame.weights)
        c.frame_ready.emit(frame)
        self.changed.emit()

    def go_live(self) -> None:
        c = self.controller
        if c.scrubbed is None:
            return
        c.scrubbed = None
        c.shown = c.latest = None
        c._publish_now()  # the trainer's newest epoch, in every view and the Stepper
        self.changed.emit()

    def leave(self) -> None:
        """Training is about to go on while a recorded epoch shows. If the Stepper's weights are
        still that epoch's, the run goes on from its newest epoch; if the user stepped or edited
        them, a new run starts from those weights (history from its epoch 0) and says so."""
        c, frame = self.controller, self.frame
        c.scrubbed, self.frame = None, None
        net = c.step.network
        if frame is None or net is None:
            return
        same = all(np.array_equal(W, la.W) and np.array_equal(b, la.b)
                   for (W, b), la in zip(frame.weights, net.layers))  # fmt: skip
        if not same:
            c._new_trainer()
            c.status_changed.emit("info", f"A new run starts from the Stepper's weights: you "
                                  f"changed them while epoch {frame.epoch} was shown.")  # fmt: skip

    def why_no_replay(self) -> str:
        """Why Replay would not reproduce the run ("" when it would)."""
        timeline = self.timeline()
        if not timeline or len(timeline.epochs()) < 2:
            return "Nothing to replay yet: train the run first."
        if timeline.edited is not None:
            return (f"This run's weights were edited at epoch {timeline.edited}, so Replay would "
                    "not reproduce it. Reset starts a fresh run.")  # fmt: skip
        if self.controller.store.markers:
            return ("This run's optimizer settings changed on the way (the dashed lines), so "
                    "Replay would not reproduce it. Reset starts a fresh run.")  # fmt: skip
        return ""

    def replay(self) -> None:
        c, timeline = self.controller, self.timeline()
        problem = self.why_no_replay()
        if problem or c.step.network is None:
            c.status_changed.emit("info", problem)
            return
        target = timeline.epochs()[-1]
        c.pause()
        c.scrubbed, self.frame = None, None
        timeline.at(0).apply_to(c.step.network)  # the run's initial weights
        c.step.mark_changed()
        c._new_trainer()
        self.budget_before = c.epoch_budget
        c.epoch_budget, self.replaying_to = target, target
        c.start()

    def _on_running(self, running: bool) -> None:
        if not running and self.replaying_to is not None:
            self.replaying_to = None
            self.controller.epoch_budget = self.budget_before  # the lesson's budget, if any
        if running:
            self.changed.emit()

    def _on_frame(self, snapshot) -> None:
        if snapshot is not self.frame:  # any other frame is the run's own: live again
            self.frame = None
            self.controller.scrubbed = None
        self.changed.emit()

