"""Plot 3: ‖∂L/∂W‖ of every layer per epoch on a log scale, so that vanishing gradients (the first
layers orders of magnitude below the last) and exploding ones are plain to see."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core.notation import fmt
from gui.plot_style import (
    LogAxis,
    ScaledLegend,
    SteppedRange,
    data_limits,
    epoch_rows,
    finite_xy,
    history_curve,
    layer_colours,
    positive_log10,
    set_log_axis,
    single_point,
    style_plot,
)
from gui.training.plots.panel import PlotPanel
from gui.training.settings import MAX_HIDDEN_LAYERS

MAX_LAYERS = MAX_HIDDEN_LAYERS + 1


class GradientPlot(PlotPanel):
    title = "Gradient magnitude per layer"

    def __init__(self, controller, parent=None) -> None:
        super().__init__(controller, parent)
        self.legend = ScaledLegend(colCount=5, labelTextColor="#303030", horSpacing=12,
                                   verSpacing=-6)  # above the plot: it never covers a curve
        self.view.addItem(self.legend, row=0, col=0)
        self.legend.set_above_plot()
        plot = self.view.addPlot(row=1, col=0, axisItems={"left": LogAxis("left")})
        style_plot(plot)
        plot.setLabel("bottom", "epoch")
        plot.setLabel("left", "‖∂L/∂W‖")
        set_log_axis(plot.getAxis("left"), True)  # the curves hold log10 of the norms
        self.plot = plot
        self.curves = []
        for _ in range(MAX_LAYERS):
            curve = history_curve(pg.mkPen("#000000", width=1))
            plot.addItem(curve)
            self.curves.append(curve)
        self.range = SteppedRange(plot, log_y=True)
        self.layers = 0
        self.arrays = None

    def _restyle(self, layers: int) -> None:
        self.layers = layers
        self.legend.clear()
        colours = layer_colours(layers)
        for k, curve in enumerate(self.curves):
            curve.setVisible(k < layers)
            if k < layers:
                curve.setPen(pg.mkPen(colours[k], width=1))
                self.legend.addItem(curve, f"W{k + 1}" if k < layers - 1 else f"W{k + 1} (output)")

    def on_snapshot(self, snapshot) -> None:
        self.shown_epoch = snapshot.epoch
        a = snapshot.arrays
        self.arrays = a
        norms = a["grad_norm"]
        if norms.shape[1] != self.layers:
            self._restyle(norms.shape[1])
        logs = positive_log10(norms)
        for k in range(min(norms.shape[1], MAX_LAYERS)):
            self.curves[k].setData(*finite_xy(a["epoch"], logs[:, k]))
            single_point(self.curves[k])  # epoch 0 alone is a dot
        limits = data_limits(logs)
        if limits is not None and len(a["epoch"]):
            self.range.show(a["epoch"][-1], *limits)
        self._update_info(norms)

    def _update_info(self, norms: np.ndarray) -> None:
        """‖∂L/∂W¹‖ / ‖∂L/∂W^L‖ now and at the first epoch shown: far below 1 is vanishing."""
        if not len(norms) or norms.shape[1] < 2:
            self.set_info("")
            return
        with np.errstate(all="ignore"):
            ratios = norms[:, 0] / norms[:, -1]
        last = norms.shape[1]
        text = f"‖∂L/∂W1‖ / ‖∂L/∂W{last}‖ = {fmt(ratios[-1], 2)}"
        if len(ratios) > 1:
            text += f" (at epoch {int(self.arrays['epoch'][0])}: {fmt(ratios[0], 2)})"
        self.set_info(text)

    def csv_table(self):
        if self.arrays is None:
            return ["epoch"], []
        norms = self.arrays["grad_norm"]
        header = ["epoch"] + [f"grad_norm_{k + 1}" for k in range(norms.shape[1])]
        return header, epoch_rows(self.arrays["epoch"], norms)
