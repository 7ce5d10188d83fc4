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

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.inside import network_with_weights
from gui.plot_style import scale_plots_in
from gui.training.plots.boundary import BoundaryPlot
from gui.training.plots.gradient import GradientPlot
from gui.training.plots.loss import LossPlot
from gui.training.plots.representation import RepresentationPanel
from gui.training.plots.saturation import SaturationPlot
from gui.training.timeline import Scrubber, TimelineBar

BANNER_STYLES = {
    "error": "background: #fdecea; color: #7f1d1d; border: 1px solid #f5c2c0;",
    "info": "background: #eef5fd; color: #123a63; border: 1px solid #c5dcf5;",
}


class TrainingTab(QWidget):
    """Loss, saturation, gradients and the decision boundary in a 2 × 2 grid, the timeline bar
    under them, and (when asked for) each hidden layer's view of the data.

    ``step_requested`` asks the window to show the Stepper (on the epoch the timeline shows)."""

    step_requested = Signal()

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
        self._banner_kind = "info"  # its colours: "error" or "info"
        layout.addWidget(self.banner)
        plots = QWidget()
        self.grid = QGridLayout(plots)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        self.grid.setRowStretch(0, 1)
        self.grid.setRowStretch(1, 1)  # two rows of equal height, whichever widgets fill them
        self.representation = RepresentationPanel()
        self.representation.hide()
        layout.addWidget(plots, 1)
        self.representation_box = QCheckBox("Show the data as each hidden layer sees them")
        self.representation_box.toggled.connect(self._on_representation_toggled)
        layout.addWidget(self.representation_box)
        self.scrubber = Scrubber(controller)
        self.timeline_bar = TimelineBar()
        layout.addWidget(self.timeline_bar)
        self.timeline_bar.scrubbed.connect(self.scrubber.scrub)
        self.timeline_bar.live_requested.connect(self.scrubber.go_live)
        self.timeline_bar.replay_requested.connect(self.scrubber.replay)
        self.timeline_bar.step_requested.connect(self._on_step_requested)
        self.scrubber.changed.connect(self._update_timeline)
        self.plots: tuple = ()
        self.font_scale = 1.0
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
        self._arrange(self.representation_box.isChecked())
        for plot in self.plots:
            plot.view.painted.connect(lambda seconds, p=plot: self._on_painted(p, seconds))
            plot.view.painting.connect(self._on_painting)
            if controller.train is not None:
                plot.on_data_changed()
        self.set_font_scale(self.font_scale)
        self.refresh_all()

    def set_font_scale(self, scale: float) -> None:
        """The app's text scale for the plots' ticks, labels, legends and titles, and the
        representation view's."""
        self.font_scale = scale
        scale_plots_in(self, scale)
        self.representation.set_text_scale(scale)  # not in the tab while it is hidden
        scale_plots_in(self.representation, scale)
        for plot in self.plots:
            font = QFont(plot.font())
            font.setPointSizeF(9.5 * scale)
            plot.setFont(font)
            plot.set_text_scale(scale)
        text = f"font-size: {round(12 * scale)}px;"
        for widget in (self.timeline_bar, self.representation_box, self.representation.note):
            widget.setStyleSheet(text)
        self._style_banner()

    def _style_banner(self) -> None:
        """The banner's colours for its kind, its text at the app's text scale."""
        self.banner.setStyleSheet(BANNER_STYLES.get(self._banner_kind, BANNER_STYLES["info"])
                                  + f" font-size: {round(12 * self.font_scale)}px;")

    def _on_rejected(self, message: str) -> None:
        self.show_banner("error", message)

    def show_banner(self, kind: str, message: str) -> None:
        """Show ``message`` ("" hides the banner); kind "error" or "info" sets its colour."""
        if message:
            self._banner_kind = kind
            self._style_banner()
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
        shown = [plot for plot in self.plots if not plot.isHidden()]
        if running:  # one plot paints per pass (see _on_painted)
            for plot in shown[1:]:
                plot.view.setUpdatesEnabled(False)
        self._draw_plots(snapshot)
        if running:
            self._unpainted = set(shown)
            self._paint_seconds = 0.0
            self.controller.expect_paint()

    def _draw(self, snapshot) -> None:
        self._paint_all_now()
        self._draw_plots(snapshot)

    def _draw_plots(self, snapshot) -> None:
        self.shown = snapshot
        for plot in self.plots:
            plot.on_snapshot(snapshot)
            # New view ranges reach the items now: in the paint they would ask for a second.
            plot.view.scene().prepareForPaint()
        self._draw_representation(snapshot)

    # -- the timeline and the representation view ------------------------------------------

    def _update_timeline(self) -> None:
        bar, scrubbed = self.timeline_bar, self.controller.scrubbed
        bar.live = scrubbed is None
        bar.set_epochs(self.scrubber.epochs())
        if scrubbed is not None:
            bar.show_epoch(scrubbed)
        why = self.scrubber.why_no_replay()
        bar.replay_button.setEnabled(not why)
        bar.replay_button.setToolTip(why or "Train again from the same first weights and seed")

    def _on_step_requested(self, epoch: int) -> None:
        if self.controller.scrubbed != epoch and epoch in self.scrubber.epochs():
            self.scrubber.scrub(epoch)
        self.step_requested.emit()

    def _arrange(self, representation: bool) -> None:
        """The four plots in a 2 × 2 grid; with the representation view, the loss and the
        boundary above it (saturation and gradients step aside, so every plot stays legible)."""
        for widget in (*self.plots, self.representation):
            self.grid.removeWidget(widget)
        if representation:
            self.grid.addWidget(self.loss_plot, 0, 0)
            self.grid.addWidget(self.boundary_plot, 0, 1)
            self.grid.addWidget(self.representation, 1, 0, 1, 2)
        else:
            for k, plot in enumerate(self.plots):
                self.grid.addWidget(plot, k // 2, k % 2)
        self.saturation_plot.setVisible(not representation)
        self.gradient_plot.setVisible(not representation)
        self.representation.setVisible(representation)

    def _on_representation_toggled(self, on: bool) -> None:
        if not self.plots:
            return  # arranged when the plots are built
        self._arrange(on)
        if on:
            self._draw_representation(self.controller.shown)

    def _draw_representation(self, snapshot) -> None:
        """Every hidden layer's plane for the frame's weights (only while it shows)."""
        c = self.controller
        if not self.representation.isVisible() or snapshot is None or c.train is None:
            return
        try:
            net = network_with_weights(c.step.network, snapshot.weights)
        except (ValueError, AttributeError):
            return  # the network was replaced since this frame
        self.representation.show_network(net, c.train.X, c.train.Y,
                                         c.train.task == "classification")  # fmt: skip

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
