"""The size of each layer's gradient ‖∂L/∂W‖ before training, layer 1 (at the input) to the
output layer, one line per run, on a log scale: vanishing gradients fall to the left."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gui.lessons.numbers import times
from gui.lessons.plots.base import LessonFigure, make_legend, run_item
from gui.plot_style import LogAxis, positive_log10, set_log_axis, style_plot


class LayerGradientPlot(LessonFigure):
    title = "Gradient size of each layer before training, ‖∂L/∂W‖"

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

    def _line(self, k: int) -> pg.PlotDataItem:
        return run_item(self.plot, self.lines, k, symbol_size=10)

    def show_result(self, result) -> None:
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
            notes.append(f"{run.label}: layer {layers}'s is "
                         f"{times(run.measures['last_to_first_gradient'])} layer 1's")  # fmt: skip
        for line in self.lines[len(result.runs):]:
            line.setVisible(False)
        self.plot.getAxis("bottom").setTicks([[(k, str(k)) for k in range(1, layers + 1)]])
        self.plot.setLabel("bottom", f"layer (1 next to the inputs, {layers} the output layer)")
        self.plot.setXRange(0.6, layers + 0.4, padding=0)
        self.plot.enableAutoRange(axis="y")
        self.plot.autoRange(padding=0.1)
        self.plot.setXRange(0.6, layers + 0.4, padding=0)
        self.set_info(" · ".join(notes))

    def values(self) -> list[np.ndarray]:
        """log10 of each visible run's norms (for tests)."""
        return [line.yData for line in self.lines if line.isVisible()]
