"""For each run and each layer, the fraction of (sample, unit) pairs on a flat spot of their
activation (slope below 10% of its largest), before training (pale bar) and after (full bar)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gui.lessons.plots.base import LessonFigure, live_note, run_colour
from gui.plot_style import style_plot

GROUP_WIDTH = 0.8  # of one layer's slot on the x axis


class SaturationBars(LessonFigure):
    title = "Units on a flat spot, before and after training"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        view = self.add_plot_view()
        plot = view.addPlot()
        style_plot(plot)
        plot.setLabel("left", "share of units on a flat spot")
        plot.setYRange(0, 1.05, padding=0)
        plot.setMouseEnabled(x=False, y=False)
        self.plot = plot
        self.bars: list[pg.BarGraphItem] = []  # run k: [before, after] at 2k, 2k + 1
        self.result = None
        self.summary = ""
        # The live run's share now: an empty bar outlined over the "after" bar of its run.
        self.live_bar = pg.BarGraphItem(x=[0.0], height=[0.0], width=0.1, brush=pg.mkBrush(None))
        self.live_bar.setZValue(10)
        self.live_bar.hide()
        plot.addItem(self.live_bar)

    def _bars(self, count: int) -> None:
        while len(self.bars) < count:
            k = len(self.bars) // 2
            colour = QColor(run_colour(k))
            if len(self.bars) % 2 == 0:
                colour.setAlpha(90)
            item = pg.BarGraphItem(x=[0.0], height=[0.0], width=0.1, brush=pg.mkBrush(colour),
                                   pen=pg.mkPen(run_colour(k)))  # fmt: skip
            self.plot.addItem(item)
            self.bars.append(item)

    def show_result(self, result) -> None:
        self.clear_live()
        self.result = result
        runs = result.runs
        layers = len(runs[0].extras["saturation_start"])
        self._bars(2 * len(runs))
        width = GROUP_WIDTH / (2 * len(runs))
        notes = []
        x = np.arange(layers, dtype=float)
        for k, run in enumerate(runs):
            start, end = run.extras["saturation_start"], run.extras["saturation_end"]
            for t, values in enumerate((start, end)):
                offset = -GROUP_WIDTH / 2 + (2 * k + t + 0.5) * width
                bar = self.bars[2 * k + t]
                bar.setOpts(x=x + offset, height=np.asarray(values, dtype=float), width=width)
                bar.setVisible(True)
            notes.append(f"{run.label}: output {start[-1]:.0%} → {end[-1]:.0%}, "
                         f"first hidden layer {start[0]:.0%} → {end[0]:.0%}")  # fmt: skip
        for bar in self.bars[2 * len(runs):]:
            bar.setVisible(False)
        names = [f"hidden layer {k + 1}" for k in range(layers - 1)] + ["output layer"]
        self.plot.getAxis("bottom").setTicks([list(enumerate(names))])
        self.plot.setXRange(-0.6, layers - 0.4, padding=0)
        self.set_key([run.label for run in runs], "pale: before training, full: after")
        self.summary = " · ".join(notes)
        self.set_info(self.summary)

    def show_live(self, result, live, k: int) -> None:
        if self.result is None:
            return
        runs = len(self.result.runs)
        width = GROUP_WIDTH / (2 * runs)
        values = np.asarray(live.extras["saturation_end"], dtype=float)
        x = np.arange(len(values), dtype=float) - GROUP_WIDTH / 2 + (2 * k + 1.5) * width
        self.live_bar.setOpts(x=x, height=values, width=width,
                              pen=pg.mkPen("#1d1d1f", width=2.5, style=Qt.PenStyle.DashLine))
        self.live_bar.show()
        self.set_info(f"{self.summary}\n{live_note(live)} (dashed outline): output "
                      f"{values[-1]:.0%}, first hidden layer {values[0]:.0%}")  # fmt: skip

    def clear_live(self) -> None:
        if self.live_bar.isVisible():
            self.live_bar.hide()
            self.set_info(self.summary)

    def live_heights(self) -> list[float]:
        """The live bars' heights ([] without a live run; for tests)."""
        return list(self.live_bar.opts["height"]) if self.live_bar.isVisible() else []

    def heights(self) -> list[list[float]]:
        """Each visible bar group's heights (for tests)."""
        return [list(b.opts["height"]) for b in self.bars if b.isVisible()]
