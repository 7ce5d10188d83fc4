"""The Training tab: a banner for what went wrong (and what to try) over the four plots.

Every plot redraws from the controller's frames (``frame_ready``), all four from the same
snapshot in the same handler, so they always show one epoch, the one the dock shows too. The tab
tells the controller it will paint and reports when all four have painted; the controller paces
the next frame from that cost. While training, the plots paint one per event-loop turn (all four
already hold the new frame; the last reaches the screen some milliseconds after the first, well
within one screen refresh), so that no single paint blocks the event loop for long. A hidden
tab is not drawn; it catches up when shown. The plots are
built when the tab first shows, so a window whose Training tab is never opened does not pay for
them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from gui.training.plots.boundary import BoundaryPlot
from gui.training.plots.gradient import GradientPlot
from gui.training.plots.loss import LossPlot
from gui.training.plots.saturation import SaturationPlot

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
        self.shown = None  # the snapshot the plots show
        self._unpainted: set = set()
        self._paint_seconds = 0.0
        controller.frame_ready.connect(self._on_frame)
        controller.status_changed.connect(self.show_banner)
        controller.input_rejected.connect(self._on_rejected)  # a bound method dies with the tab
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
            plot.view.painting.connect(self._on_painting)
            if controller.train is not None:
                plot.on_data_changed()
        self.refresh_all()

    def _on_rejected(self, message: str) -> None:
        self.show_banner("error", message)

    def show_banner(self, kind: str, message: str) -> None:
        """Show ``message`` ("" hides the banner); kind "error" or "info" sets its colour."""
        if message:
            self.banner.setStyleSheet(BANNER_STYLES.get(kind, BANNER_STYLES["info"]))
            if self.banner.text() != message:
                self.banner.setText(message)
        self.banner.setVisible(bool(message))

    # -- frames ---------------------------------------------------------------------------

    def _on_frame(self, snapshot) -> None:
        if snapshot is None:
            self._paint_all_now()
            self.shown = None
            for plot in self.plots:
                plot.clear_run()
            return
        if not self.plots or not self.isVisible():
            return  # drawn when shown
        running = self.controller.running
        self._paint_all_now()
        if running:  # one plot paints per pass (see _on_painted)
            for plot in self.plots[1:]:
                plot.view.setUpdatesEnabled(False)
        self._draw_plots(snapshot)
        if running:
            self._unpainted = set(self.plots)
            self._paint_seconds = 0.0
            self.controller.expect_paint()

    def _draw(self, snapshot) -> None:
        self._paint_all_now()
        self._draw_plots(snapshot)

    def _draw_plots(self, snapshot) -> None:
        self.shown = snapshot
        for plot in self.plots:
            plot.on_snapshot(snapshot)

    def _paint_all_now(self) -> None:
        """A frame still painting plot by plot when the next comes (a pause, a reset, the tab
        shown again): the rest paint with the new one, at once."""
        self._unpainted = set()
        for plot in self.plots:
            if not plot.view.updatesEnabled():
                plot.view.setUpdatesEnabled(True)

    def refresh_all(self) -> None:
        """Show the frame the controller shows now (or nothing when there is none)."""
        snapshot = self.controller.shown
        if not self.plots or snapshot is self.shown:
            return
        if snapshot is None:
            self._on_frame(None)
        else:
            self._draw(snapshot)

    def _on_painting(self, busy: bool) -> None:
        """While a plot paints the worker holds off; during a frame, until all have painted."""
        self.controller.set_gui_busy(busy or bool(self._unpainted))

    def _on_painted(self, plot, seconds: float) -> None:
        if plot not in self._unpainted:
            return  # a paint for another reason (the mouse, a resize)
        self._unpainted.discard(plot)
        self._paint_seconds += seconds
        if self._unpainted:
            QTimer.singleShot(0, self._paint_next)
        else:
            self.controller.frame_painted(self._paint_seconds)

    def _paint_next(self) -> None:
        """Let the next plot of the frame paint (its data is the frame's already)."""
        for plot in self.plots:
            if not plot.view.updatesEnabled():
                plot.view.setUpdatesEnabled(True)  # repaints it
                return

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.build_plots()
        self.refresh_all()
