"""Two pacers of what the GUI shows while training runs, owned by the TrainingController:

- :class:`FramePacer` turns the stream of snapshots into frames (``frame_ready``): at most every
  :data:`FRAME_INTERVAL`, and the views' drawing and painting at most :data:`FRAME_LOAD` of the
  time (but at least every :data:`MAX_PERIOD`), so the event loop stays responsive and the worker
  keeps most of the interpreter.
- :class:`StepperSync` copies the live weights into the stepped network, rebuilding its trace at
  most every 10 × its cost, and not at all while the network view is hidden.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QTimer

from gui.training.worker import SNAPSHOT_INTERVAL

FRAME_INTERVAL = 1 / 11  # seconds between the views' redraws while training, at least
FRAME_LOAD = 0.25  # fraction of the time the views may take to redraw and paint
MAX_PERIOD = 0.09  # seconds between frames at most (≥ 10 a second however slow the paint)
PAINT_TIMEOUT = 0.1  # seconds to wait for a redrawn view's paint before the next frame
SNAPSHOT_SHARE = 0.9  # the worker's snapshots come this fraction of a frame period apart


class FramePacer(QObject):
    """Emits ``controller.frame_ready(snapshot)`` with the controller's newest snapshot."""

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.emit_frame)
        self.cost = 0.0  # seconds the last frame's handlers and paints took
        self.started = 0.0  # when the last frame began
        self.awaiting_paint = False
        self.paint_timer = QTimer(self)
        self.paint_timer.setSingleShot(True)
        self.paint_timer.timeout.connect(lambda: self.painted(0.0))

    def stop(self) -> None:
        self.timer.stop()
        self.paint_timer.stop()

    def new_snapshot(self) -> None:
        """A snapshot arrived: show it now when training is not running, else when due."""
        if not self.controller.running:
            self.timer.stop()
            self.emit_frame()
        elif not self.timer.isActive() and not self.awaiting_paint:
            self.timer.start(0)

    def emit_frame(self) -> None:
        controller = self.controller
        snapshot = controller.latest
        if snapshot is None or snapshot is controller.shown:
            return
        controller.shown = snapshot
        if self.awaiting_paint:
            self.painted(0.0)
        start = self.started = time.perf_counter()
        controller.set_gui_busy(True)  # the worker holds off while the views draw
        try:
            controller.frame_ready.emit(snapshot)
        finally:
            self.cost = time.perf_counter() - start
            if not self.awaiting_paint:
                self._done()

    def expect_paint(self) -> None:
        """A view will paint this frame: the next one waits for :meth:`painted`."""
        self.awaiting_paint = True
        self.paint_timer.start(round(PAINT_TIMEOUT * 1000))

    def painted(self, seconds: float) -> None:
        if not self.awaiting_paint:
            return
        self.awaiting_paint = False
        self.paint_timer.stop()
        self.cost += seconds
        self._done()

    def _done(self) -> None:
        self.controller.set_gui_busy(False)
        if not self.controller.running:
            return
        # From one frame's start to the next: the views take at most FRAME_LOAD of the time,
        # unless that would drop below ten frames a second.
        period = min(max(FRAME_INTERVAL, self.cost / FRAME_LOAD), MAX_PERIOD)
        # A snapshot for each frame, a little ahead of it, and not several that go unshown.
        worker = getattr(self.controller, "worker", None)
        if worker is not None:
            worker.snapshot_interval = max(SNAPSHOT_INTERVAL, SNAPSHOT_SHARE * period)
        wait = period - (time.perf_counter() - self.started)
        self.timer.start(max(1, round(wait * 1000)))


class StepperSync(QObject):
    """Shows the live weights in the stepped network of ``step`` (a StepController)."""

    def __init__(self, step, parent: QObject) -> None:
        super().__init__(parent)
        self.step = step
        self.visible = True
        self.cost = 0.0
        self.last = 0.0
        self.pending = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.refresh)

    def show_weights(self, weights) -> None:
        """Copy finite snapshot weights into the stepped network (NaN ones are not shown)."""
        net = self.step.network
        if net is None or [w.shape for w, _ in weights] != [la.W.shape for la in net.layers]:
            return
        if all(np.array_equal(W, la.W) and np.array_equal(b, la.b)
               for (W, b), la in zip(weights, net.layers)):  # fmt: skip
            return
        if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in weights):
            return
        for (W, b), layer in zip(weights, net.layers):
            np.copyto(layer.W, W)
            np.copyto(layer.b, b)
        self.pending = True
        if not self.visible:
            if not self.step.dirty:
                self.step.mark_changed(rebuild=False)  # unsaved now; the trace catches up later
            return
        gap = max(SNAPSHOT_INTERVAL, 10 * self.cost)
        wait = self.last + gap - time.perf_counter()
        if wait <= 0:
            self.refresh()
        elif not self.timer.isActive():
            self.timer.start(max(1, round(wait * 1000)))

    def refresh(self) -> None:
        if not self.pending:
            return
        self.pending = False
        start = time.perf_counter()
        self.step.mark_changed()
        self.last = time.perf_counter()
        self.cost = self.last - start

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        if visible:
            self.refresh()
