"""The Training tab: a banner for what went wrong (and what to try) over the four plots.

While training runs, the tab paces the plots: it keeps only the newest snapshot and refreshes one
plot at a time, then waits long enough that the plots take at most :data:`PLOT_LOAD` of the time;
while a plot updates or paints, the worker holds off (the two threads share one interpreter lock).
So the event loop never waits for more than one plot and the worker keeps most of the interpreter.
A hidden tab is not drawn; it catches up when shown. The plots are built when the tab first
shows, so that a window whose Training tab is never opened does not pay for them.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from gui.plot_style import scale_plots_in
from gui.training.plots.boundary import BoundaryPlot
from gui.training.plots.gradient import GradientPlot
from gui.training.plots.loss import LossPlot
from gui.training.plots.saturation import SaturationPlot

PLOT_LOAD = 0.1  # fraction of the time the plots may take while training runs
PAINT_TIMEOUT = 50  # ms to wait for a refreshed plot's paint before moving on
PARK_WAITS = 5  # ms to wait at most for the worker to finish its epoch before a refresh
BANNER_STYLES = {
    "error": "background: #fdecea; color: #7f1d1d; border: 1px solid #f5c2c0;",
    "info": "background: #eef5fd; color: #123a63; border: 1px solid #c5dcf5;",
}


class TrainingTab(QWidget):
    """Loss, saturation, gradients and the decision boundary in a 2 × 2 grid."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setContentsMargins(8, 6, 8, 6)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.grid = QGridLayout()
        self.grid.setSpacing(6)
        layout.addLayout(self.grid, 1)
        self.plots: tuple = ()
        self.font_scale = 1.0
        self.latest = None
        self._stale: list = []  # plots not yet showing ``latest``, next to refresh first
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._refresh_one)
        self._painting = None  # the plot refreshed last, until it has been painted
        self._handler_cost = 0.0
        self._park_waits = 0
        self._paint_timeout = QTimer(self)
        self._paint_timeout.setSingleShot(True)
        self._paint_timeout.timeout.connect(lambda: self._on_painted(self._painting, 0.0))
        controller.snapshot_ready.connect(self._on_snapshot)
        controller.status_changed.connect(self.show_banner)
        controller.input_rejected.connect(lambda message: self.show_banner("error", message))
        problem = controller.can_train()
        if problem:
            self.show_banner("error", problem)

    def build_plots(self) -> None:
        """Make the four plots (once) and bring them up to date."""
        if self.plots:
            return
        controller = self.controller
        self.loss_plot = LossPlot(controller)
        self.saturation_plot = SaturationPlot(controller)
        self.gradient_plot = GradientPlot(controller)
        self.boundary_plot = BoundaryPlot(controller)
        self.plots = (self.loss_plot, self.saturation_plot, self.gradient_plot,
                      self.boundary_plot)  # fmt: skip
        for k, plot in enumerate(self.plots):
            self.grid.addWidget(plot, k // 2, k % 2)
            plot.view.painted.connect(lambda seconds, p=plot: self._on_painted(p, seconds))
            plot.view.painting.connect(controller.set_gui_busy)
            if controller.train is not None:
                plot.on_data_changed()
        self._stale = list(self.plots)
        self.set_font_scale(self.font_scale)
        if self.latest is not None:
            self.refresh_all()

    def set_font_scale(self, scale: float) -> None:
        """The app's text scale for the plots' ticks, labels, legends and titles."""
        self.font_scale = scale
        scale_plots_in(self, scale)
        for plot in self.plots:
            font = QFont(plot.font())
            font.setPointSizeF(9.5 * scale)
            plot.setFont(font)

    def show_banner(self, kind: str, message: str) -> None:
        """Show ``message`` ("" hides the banner); kind "error" or "info" sets its colour."""
        if message:
            self.banner.setStyleSheet(BANNER_STYLES.get(kind, BANNER_STYLES["info"]))
            if self.banner.text() != message:
                self.banner.setText(message)
        self.banner.setVisible(bool(message))

    # -- pacing the plots -----------------------------------------------------------------

    def _on_snapshot(self, snapshot) -> None:
        self.latest = snapshot
        if not self.plots:
            return
        stale = [p for p in self._stale]
        self._stale = stale + [p for p in self.plots if p not in stale]
        if not self.controller.running:
            self.refresh_all()  # a single step, a reset, the end of a run: show it all now
        elif not self._timer.isActive() and self.isVisible():
            self._timer.start(0)

    def refresh_all(self) -> None:
        """Give every plot the newest snapshot now."""
        self._timer.stop()
        self._park_waits = 0
        self.controller.set_gui_busy(False)
        if self._painting is not None:
            self._on_painted(self._painting, 0.0)
        stale, self._stale = self._stale, []
        for plot in stale:
            plot.on_snapshot(self.latest)

    def _refresh_one(self) -> None:
        controller = self.controller
        while self._stale and not self._stale[0].wants(self.latest):
            self._stale.pop(0)
        if not self._stale or not self.isVisible() or self._painting is not None:
            if self._painting is None:
                controller.set_gui_busy(False)
            self._park_waits = 0
            return
        controller.set_gui_busy(True)  # until the plot has been painted
        if not controller.worker_parked() and self._park_waits < PARK_WAITS:
            self._park_waits += 1  # let the worker finish its epoch first: no sharing then
            self._timer.start(1)
            return
        self._park_waits = 0
        plot = self._stale.pop(0)
        start = time.perf_counter()
        try:
            plot.on_snapshot(self.latest)
        except BaseException:
            controller.set_gui_busy(False)
            raise
        self._handler_cost = time.perf_counter() - start
        self._painting = plot
        self._paint_timeout.start(PAINT_TIMEOUT)

    def _on_painted(self, plot, seconds: float) -> None:
        if plot is None or plot is not self._painting:
            return  # a paint for another reason (the mouse, a resize)
        self._painting = None
        self._paint_timeout.stop()
        self.controller.set_gui_busy(False)
        cost = self._handler_cost + seconds
        if self._stale and self.controller.running:
            self._timer.start(max(1, round(1000 * cost * (1 / PLOT_LOAD - 1))))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.build_plots()
        if self._stale and self.latest is not None:
            self.refresh_all()
