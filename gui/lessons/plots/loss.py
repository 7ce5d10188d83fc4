"""The training loss of every run of a lesson, overlaid, one colour per run. A run that diverged
ends where its loss stopped being finite, marked with a cross."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox

from core.notation import fmt
from gui.lessons.plots.base import (
    FineLogAxis,
    LessonFigure,
    live_head,
    live_note,
    live_pen,
    make_legend,
    run_colour,
    run_pen,
)
from gui.plot_style import finite_xy, positive_log10, scaled_text, set_log_axis, style_plot

DIVERGED_BRUSH = pg.mkBrush("#c62828")


class RunLossPlot(LessonFigure):
    title = "Training loss of each run"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.log_box = QCheckBox("log scale")
        self.log_box.setChecked(True)
        self.log_box.toggled.connect(lambda _: self._draw())
        self.header.addWidget(self.log_box)
        view = self.add_plot_view()
        plot = view.addPlot(axisItems={"left": FineLogAxis("left")})
        style_plot(plot)
        plot.setLabel("bottom", "epoch")
        plot.setLabel("left", "training loss")
        self.plot = plot
        self.legend = make_legend(plot)
        self.curves: list[pg.PlotDataItem] = []
        self.ends = pg.ScatterPlotItem(symbol="x", size=16, pen=pg.mkPen("#c62828", width=2),
                                       brush=DIVERGED_BRUSH)  # fmt: skip
        plot.addItem(self.ends)
        self.end_labels: list[pg.TextItem] = []
        self.result = None
        self.summary = ""
        self.live = None  # (run, k) of a run trained live, drawn over the others
        self.live_curve: pg.PlotDataItem | None = None
        self.live_head: pg.ScatterPlotItem | None = None

    def _curve(self, k: int) -> pg.PlotDataItem:
        while len(self.curves) <= k:
            curve = pg.PlotDataItem(pen=run_pen(len(self.curves)))
            self.plot.addItem(curve)
            self.curves.append(curve)
            label = scaled_text(self.plot, "", color="#c62828", anchor=(0, 1))
            self.plot.addItem(label, ignoreBounds=True)
            self.end_labels.append(label)
        return self.curves[k]

    def show_result(self, result) -> None:
        self.result = result
        self.clear_live()
        self.legend.clear()
        for k, run in enumerate(result.runs):
            self.legend.addItem(self._curve(k), run.label)
        for k in range(len(result.runs), len(self.curves)):
            self.curves[k].setVisible(False)
            self.end_labels[k].setVisible(False)
        self._draw()

    def _draw(self) -> None:
        result = self.result
        if result is None:
            return
        log = self.log_box.isChecked()
        set_log_axis(self.plot.getAxis("left"), log)
        # A lesson that compares runs at equal numbers of updates counts them on the x axis.
        by_updates = "updates" in result.lesson.params
        self.plot.setLabel("bottom", "weight updates" if by_updates else "epoch")
        shown = []
        for k, run in enumerate(result.runs):
            epochs, loss = run.curve("train_loss")
            if by_updates:
                epochs = epochs * run.extras.get("updates_per_epoch", 1)
            y = positive_log10(loss) if log else loss
            x, y = finite_xy(epochs, y)
            curve = self._curve(k)
            curve.setData(x, y)
            curve.setVisible(True)
            shown.append((x, y))
        # The view covers the runs that did not diverge; a diverging curve leaves through the
        # top, and its cross sits on the top edge.
        kept = [y for (_, y), run in zip(shown, result.runs) if run.status != "diverged" and len(y)]
        values = np.concatenate(kept or [y for _, y in shown if len(y)] or [np.zeros(1)])
        low, high = float(values.min()), float(values.max())
        pad = max(0.08 * (high - low), 0.05 if log else 1e-3)
        top = high + (max(0.25 * (high - low), 0.3) if log else 0.25 * (high - low) + pad)
        last = max((float(x[-1]) for x, _ in shown if len(x)), default=1.0)
        self.plot.setRange(xRange=(0, max(last, 1.0)), yRange=(low - pad, top), padding=0.02)
        ends_x, ends_y, notes = [], [], []
        for k, run in enumerate(result.runs):
            x, y = shown[k]
            label = self.end_labels[k]
            if run.status == "diverged" and len(x):
                # The cross sits at the epoch the label names (on the top edge, with an arrow,
                # when the curve has left the view by then).
                end_x = float(run.diverged_epoch if run.diverged_epoch is not None else x[-1])
                if by_updates:
                    end_x *= run.extras.get("updates_per_epoch", 1)
                end_y = float(np.interp(end_x, x, y)) if end_x <= x[-1] else float(y[-1])
                arrow = ""
                if end_y > top:
                    end_y, arrow = top, " ↑"
                ends_x.append(end_x)
                ends_y.append(end_y)
                label.setText(f"{run.label}: diverged at epoch {run.diverged_epoch}{arrow}")
                label.setColor(run_colour(k))
                label.setAnchor((0, 0) if arrow else (0, 1))
                label.setPos(end_x + 0.01 * max(last, 1.0), end_y)
                label.setVisible(True)
                notes.append(f"{run.label}: diverged at epoch {run.diverged_epoch}")
            else:
                label.setVisible(False)
                _, loss = run.curve("train_loss")
                notes.append(f"{run.label}: {fmt(loss[-1])}")
        self.ends.setData(ends_x, ends_y)
        self.summary = "final loss: " + " · ".join(notes)
        self.set_info(self.summary)
        if self.live is not None:
            self._draw_live()

    def show_live(self, result, live, k: int) -> None:
        if self.result is None:
            return
        if self.live_curve is None:
            self.live_curve = pg.PlotDataItem()
            self.live_curve.setZValue(10)
            self.plot.addItem(self.live_curve)
            self.live_head = live_head(self.plot, k)
        if self.live is None:
            self.legend.addItem(self.live_curve, "live")
        self.live_curve.setPen(live_pen(k))
        self.live_head.setPen(pg.mkPen(run_colour(k), width=3))
        self.live = (live, k)
        self._draw_live()

    def _draw_live(self) -> None:
        live, k = self.live
        epochs, loss = live.curve("train_loss")
        if "updates" in self.result.lesson.params:
            epochs = epochs * live.extras.get("updates_per_epoch", 1)
        y = positive_log10(loss) if self.log_box.isChecked() else loss
        x, y = finite_xy(epochs, y)
        self.live_curve.setData(x, y)
        self.live_curve.setVisible(True)
        self.live_head.setData(x[-1:], y[-1:])
        self.live_head.setVisible(True)
        last = "" if not len(loss) or not np.isfinite(loss[-1]) else f", loss {fmt(loss[-1])}"
        self.set_info(f"{self.summary}\n{live_note(live)}{last}")

    def clear_live(self) -> None:
        if self.live is None:
            return
        self.live = None
        self.legend.removeItem(self.live_curve)
        self.live_curve.setVisible(False)
        self.live_head.setVisible(False)
        if self.result is not None:
            self._draw()

    def live_points(self) -> int:
        """Points of the live curve drawn (0 without a live run; for tests)."""
        c = self.live_curve
        return 0 if c is None or not c.isVisible() or c.xData is None else len(c.xData)

    def curve_lengths(self) -> list[int]:
        """Points drawn by each visible run's curve (for tests)."""
        return [len(c.xData) for c in self.curves if c.isVisible() and c.xData is not None]

    def last_epochs(self) -> list[float]:
        return [float(np.max(c.xData)) for c in self.curves if c.isVisible() and len(c.xData)]
