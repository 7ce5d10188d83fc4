"""Follows a lesson's run while the Training tab's trainer trains it ("Train it live"), and has
the lesson's own figures draw it over the lesson's runs.

It draws on the training controller's frames (``frame_ready``, paced by
:class:`gui.training.live.FramePacer`, which counts the time the figures take), computing what
they show with :func:`core.lessons.live.live_run` from the frame's history and the trainer's
timeline. A run of a few dozen epochs trains in a blink, so a frame shows at most
1/:data:`LIVE_FRAMES` of the lesson's epochs more than the one before: the figure unfolds over a
few seconds, never ahead of the trainer. When the trainer has finished and the figure is still
behind, a single-shot timer (running only while no frames come) draws the rest. While the
Lessons tab is hidden (the student watches the Training tab) nothing is drawn; showing it again
catches up.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QObject, QTimer, Signal

from core.lessons.live import LiveState, live_run, up_to
from gui.training.live import FRAME_LOAD

LIVE_FRAMES = 40  # a run's epochs unfold over at least this many frames
CATCH_UP_MS = 80  # between frames once the trainer has finished (longer for a slow figure,
# which may take FRAME_LOAD of the time, as while training)


class LiveFollower(QObject):
    """Draws the run ``run`` of ``result`` as ``training`` (a TrainingController) trains it
    into ``page`` (a :class:`gui.lessons.tab.LessonPage`).

    Signals
    -------
    changed : the live run drawn moved on (or ended); ``live`` is the newest RunResult drawn.
    ended : the run it follows was replaced in the Training tab (or it was stopped).
    """

    changed = Signal()
    ended = Signal()

    def __init__(self, training, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.training = training
        self.page = None
        self.result = None
        self.run = 0
        self.run_id: int | None = None  # the Training tab's run it follows
        self.budget = 0
        self.shown = -1  # the epoch drawn
        self.state: LiveState | None = None  # the newest state taken from a frame
        self.live = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.advance)
        training.frame_ready.connect(self._on_frame)

    @property
    def active(self) -> bool:
        return self.run_id is not None

    def follow(self, page, result, run: int) -> None:
        """Follow the Training tab's current run, which is run ``run`` of ``result``."""
        self.stop()
        self.page, self.result, self.run = page, result, run
        self.run_id = self.training.run
        self.budget = self.training.epoch_budget or result.runs[run].config.epochs
        self.shown = -1
        snapshot = self.training.shown
        if snapshot is not None and snapshot.run == self.run_id:
            self._on_frame(snapshot)

    def stop(self) -> None:
        """Stop following; the figures keep the lesson's runs only."""
        self.timer.stop()
        was = self.active
        self.run_id = None
        self.state = self.live = None
        if self.page is not None:
            self.page.clear_live()
        if was:
            self.ended.emit()

    def behind(self) -> bool:
        """Whether the trainer has trained epochs the figure has not drawn yet."""
        return self.state is not None and self.shown < self.state.epoch

    def _on_frame(self, snapshot) -> None:
        if not self.active:
            return
        if snapshot is None or snapshot.run != self.run_id:
            self.stop()  # a new run in the Training tab: not the lesson's any more
            return
        trainer = self.training.trainer
        if snapshot.arrays is None or trainer is None:
            return
        self.state = self._state(snapshot, trainer)
        self.advance()

    def _state(self, snapshot, trainer) -> LiveState:
        arrays = snapshot.arrays
        newest = snapshot.epoch
        weights = {}
        timeline = trainer.timeline
        if timeline:
            # Every recorded epoch (all of a lesson's first 500): the figure may be drawn at any
            # of them while it catches up with the trainer.
            for epoch in timeline.epochs():
                if epoch < newest:
                    snap = timeline.at(epoch)  # the worker may thin the timeline meanwhile
                    weights[snap.epoch] = snap.parameters
        weights = sorted(weights.items())
        weights.append((newest, tuple(p for pair in snapshot.weights for p in pair)))
        keep = arrays["epoch"] <= newest
        return LiveState({k: v[keep] for k, v in arrays.items()}, tuple(weights),
                         snapshot.status, snapshot.message,
                         snapshot.classification)  # fmt: skip

    def redraw(self) -> None:
        """The page was drawn afresh (the student came back to it): the live run again, and on
        from there."""
        if self.active and self.live is not None and self.page is not None:
            if self.page.isVisible():
                self.page.show_live(self.result, self.live, self.run)
            self.advance()

    def advance(self) -> None:
        """Draw up to 1/LIVE_FRAMES of the budget further than the last frame."""
        if not self.active or self.state is None or self.page is None:
            return
        if not self.page.isVisible():
            return  # drawn when the tab shows again (LessonTab.showEvent)
        step = max(1, math.ceil(self.budget / LIVE_FRAMES))
        epoch = min(self.state.epoch, self.shown + step)
        if epoch == self.shown:
            return
        self.shown = epoch
        started = time.perf_counter()
        self.live = live_run(self.result, self.run, up_to(self.state, epoch))
        self.page.show_live(self.result, self.live, self.run)
        self.changed.emit()
        if self.behind() and not self.training.running:
            cost = time.perf_counter() - started
            self.timer.start(max(CATCH_UP_MS, round(1000 * cost / FRAME_LOAD)))
