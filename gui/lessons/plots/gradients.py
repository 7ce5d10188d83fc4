"""The size of each layer's gradient ‖∂L/∂W‖ before training, layer 1 (at the input) to the
output layer, one line per run, on a log scale: vanishing gradients fall to the left."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gui.lessons.numbers import times
from gui.lessons.plots.base import (
    LessonFigure,
    live_note,
    live_pen,
    make_legend,
    run_colour,
    run_item,
    run_pen,
)
from gui.plot_style import LogAxis, positive_log10, set_log_axis, style_plot


class LayerGradientPlot(LessonFigure):
    title = "Gradient size of each layer, ‖∂L/∂W‖: before training (solid), after it (dashed)"
    legend_as_key = True  # the runs' lines cross every corner of the plot

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        view = self.add_plot_view()
        plot = view.addPlot(axisItems={"left": LogAxis("left")})
        style_plot(plot)
        set_log_axis(plot.getAxis("left"), True)
        plot.setLabel("left", "‖∂L/∂W‖ (log scale)")
        plot.setMouseEnabled(x=False, y=True)
        self.plot = plot
        self.legend = make_legend(plot, offset=(-10, -10))
        self.lines: list[pg.PlotDataItem] = []
        self.later: list[pg.PlotDataItem] = []  # after the last epoch (or the one replayed)
        self.summary = ""
        self.live_line = pg.PlotDataItem(symbol="s", symbolSize=11)
        self.live_line.setZValue(10)
        self.live_line.hide()
        plot.addItem(self.live_line)
        self.live_shown = False

    def _line(self, k: int) -> pg.PlotDataItem:
        return run_item(self.plot, self.lines, k, symbol_size=10)

    def show_result(self, result) -> None:
        self.clear_live()
        self.legend.clear()
        notes = []
        layers = 0
        for k, run in enumerate(result.runs):
            norms = run.extras["grad_norm"][0]  # epoch 0: before any update
            layers = len(norms)
            x = np.arange(1, layers + 1, dtype=float)
            line = self._line(k)
            line.setData(x, positive_log10(norms))
            line.setVisible(True)
            self.legend.addItem(line, run.label)
            while len(self.later) <= k:
                j = len(self.later)
                brush = pg.mkBrush(run_colour(j))
                item = pg.PlotDataItem(pen=run_pen(j, 2.0, Qt.PenStyle.DashLine), symbol="t",
                                       symbolSize=8, symbolBrush=brush)  # fmt: skip
                self.plot.addItem(item)
                self.later.append(item)
            rows = run.extras["grad_norm"]
            self.later[k].setData(x, positive_log10(rows[-1]))
            self.later[k].setVisible(len(rows) > 1)
            notes.append(f"{run.label}: layer {layers}'s is "
                         f"{times(run.measures['last_to_first_gradient'])} layer 1's")  # fmt: skip
        for line in self.lines[len(result.runs):] + self.later[len(result.runs):]:
            line.setVisible(False)
        epoch = len(result.runs[0].extras["grad_norm"]) - 1 if result.runs else 0
        self.set_title(f"Gradient size of each layer, ‖∂L/∂W‖: before training (solid), after "
                       f"epoch {epoch} (dashed)")  # fmt: skip
        self.plot.getAxis("bottom").setTicks([[(k, str(k)) for k in range(1, layers + 1)]])
        self.plot.setLabel("bottom", f"layer (1 next to the inputs, {layers} the output layer)")
        self.plot.setXRange(0.6, layers + 0.4, padding=0)
        self.plot.enableAutoRange(axis="y")
        self.plot.autoRange(padding=0.1)
        self.plot.setXRange(0.6, layers + 0.4, padding=0)
        self.summary = " · ".join(notes)
        self.set_info(self.summary)

    def show_live(self, result, live, k: int) -> None:
        """Each layer's gradient of the live run at its newest epoch (dashed, squares)."""
        norms = live.extras["grad_norm"]
        row = norms[-1]
        self.live_line.setPen(live_pen(k))
        self.live_line.setSymbolBrush(pg.mkBrush("#ffffff"))
        self.live_line.setSymbolPen(pg.mkPen(run_colour(k), width=2))
        self.live_line.setData(np.arange(1, len(row) + 1, dtype=float), positive_log10(row))
        self.live_line.show()
        if not self.live_shown:
            self.legend.addItem(self.live_line, "live, newest epoch")
            self.live_shown = True
        ratio = live.measures.get("gap_now", math.nan)  # computed in core/lessons/live.py
        gap = f"layer {len(row)}'s is {times(ratio)} layer 1's" if math.isfinite(ratio) else ""
        self.set_info(f"{self.summary}\n{live_note(live)}, {gap}")

    def clear_live(self) -> None:
        if self.live_shown:
            self.live_shown = False
            self.legend.removeItem(self.live_line)
            self.live_line.hide()
            self.set_info(self.summary)

    def live_values(self) -> np.ndarray | None:
        """log10 of the live run's norms at its newest epoch (None without one; for tests)."""
        return self.live_line.yData if self.live_line.isVisible() else None

    def later_values(self) -> list[np.ndarray]:
        """log10 of each run's norms after the last epoch shown (for tests)."""
        return [line.yData for line in self.later if line.isVisible()]

    def values(self) -> list[np.ndarray]:
        """log10 of each visible run's norms (for tests)."""
        return [line.yData for line in self.lines if line.isVisible()]
