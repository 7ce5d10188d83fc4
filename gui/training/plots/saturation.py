"""Plot 2: the flat spots. Above, the activation g(z) and its slope g′(z) with the flat regions
shaded (g′ below 10% of its largest value), every hidden unit's z over (part of) the probe batch
drawn on the curve, and a histogram of all those z. Below, the fraction of saturated (sample,
unit) pairs of each hidden layer per epoch. For ReLU the flat region is z ≤ 0, and the header
counts dead units (z ≤ 0 for every sample of the batch)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGraphicsItem

from core.activations import ACTIVATIONS
from core.training import SATURATION_THRESHOLD
from gui.plot_style import (
    SteppedRange,
    epoch_rows,
    finite_xy,
    history_curve,
    layer_colours,
    single_point,
    style_plot,
)
from gui.training.plots.panel import PlotPanel
from gui.training.settings import MAX_HIDDEN_LAYERS

Z_RANGE = {"sigmoid": 10.0, "tanh": 5.0}  # half-width of the z axis; others use 5
MAX_DOTS = 400  # dots drawn over all shown layers; the probe batch is thinned to fit
BINS = 60
CURVE_PEN = pg.mkPen("#1d1d1f", width=2)
SLOPE_PEN = pg.mkPen("#8e2c8f", width=1.5, style=Qt.PenStyle.DashLine)
FLAT_BRUSH = pg.mkBrush(120, 120, 120, 40)
HISTOGRAM_BRUSH = pg.mkBrush(60, 60, 60, 90)


def flat_regions(activation, limit: float) -> list[tuple[float, float]]:
    """The z intervals inside [−limit, limit] where g′(z) < 10% of its largest value."""
    z = np.linspace(-limit, limit, 2001)
    flat = activation.slope(z) < SATURATION_THRESHOLD * activation.max_slope
    regions, start = [], None
    for i, is_flat in enumerate(flat):
        if is_flat and start is None:
            start = z[i]
        if start is not None and (not is_flat or i == len(z) - 1):
            regions.append((start, z[i]))
            start = None
    return regions


class SaturationPlot(PlotPanel):
    title = "Saturation / flat spots"

    def __init__(self, controller, parent=None) -> None:
        super().__init__(controller, parent)
        self.layer_combo = QComboBox()
        self.layer_combo.setToolTip("Which hidden layer's z to draw on its activation curve")
        # As wide as its longest entry ("layer 8 (leaky_relu)"), never cut off.
        self.layer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_combo.setMinimumContentsLength(len("layer 8 (leaky_relu)"))
        self.layer_combo.activated.connect(lambda _: self._draw())
        self.add_header_widget(self.layer_combo)
        self.info.setTextFormat(Qt.TextFormat.RichText)  # with a colour key of the layers
        self.info.setToolTip("The colour of each hidden layer's dots and saturation curve")
        self.key = ""
        top = self.view.addPlot(row=0, col=0)
        style_plot(top)
        top.setLabel("bottom", "z")
        top.setMouseEnabled(x=True, y=False)
        self.top = top
        self.regions = [pg.LinearRegionItem(movable=False, brush=FLAT_BRUSH,
                                            pen=pg.mkPen(None)) for _ in range(2)]  # fmt: skip
        for region in self.regions:
            top.addItem(region, ignoreBounds=True)
        self.histogram = pg.PlotDataItem(stepMode="center", fillLevel=0, brush=HISTOGRAM_BRUSH,
                                         pen=pg.mkPen(None))  # fmt: skip
        top.addItem(self.histogram)
        self.curve = top.plot(pen=CURVE_PEN)
        self.slope = top.plot(pen=SLOPE_PEN)
        for item in (self.curve.curve, self.slope.curve, *self.regions):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # drawn once
        colours = layer_colours(MAX_HIDDEN_LAYERS)
        self.dots = []
        for k in range(MAX_HIDDEN_LAYERS):
            brush = pg.mkBrush(*colours[k], 150)
            dots = pg.ScatterPlotItem(size=5, pen=pg.mkPen(None), brush=brush)
            top.addItem(dots)
            self.dots.append(dots)
        self.empty = pg.TextItem("no hidden layers", color="#5f6368", anchor=(0.5, 0.5))
        top.addItem(self.empty, ignoreBounds=True)
        self.empty.hide()
        bottom = self.view.addPlot(row=1, col=0)
        style_plot(bottom)
        bottom.setLabel("bottom", "epoch")
        bottom.setLabel("left", "saturated")
        bottom.setMouseEnabled(x=True, y=False)
        # A fraction: the whole 0 … 1 with three ticks, which stay apart however short the
        # plot is (large text leaves it little height).
        bottom.setYRange(0, 1, padding=0.05)
        bottom.getAxis("left").setTicks([[(0.0, "0"), (0.5, "0.5"), (1.0, "1")]])
        self.bottom = bottom
        self.range = SteppedRange(bottom)
        self.fractions = [history_curve(pg.mkPen(colours[k], width=1))
                          for k in range(MAX_HIDDEN_LAYERS)]  # fmt: skip
        for curve in self.fractions:
            bottom.addItem(curve)
        self.view.ci.layout.setRowStretchFactor(0, 3)
        self.view.ci.layout.setRowStretchFactor(1, 2)
        self.snapshot = None
        self._curve_key = None
        self._layers_key = None

    # -- updating -------------------------------------------------------------------------

    def on_snapshot(self, snapshot) -> None:
        self.snapshot = snapshot
        self.shown_epoch = snapshot.epoch
        hidden = snapshot.activations[:-1]
        if hidden != self._layers_key:
            self._layers_key = hidden
            self._fill_layer_combo(hidden)
        self._draw()

    def _fill_layer_combo(self, hidden: tuple[str, ...]) -> None:
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        if len(set(hidden)) == 1:
            self.layer_combo.addItem(f"all layers ({hidden[0]})", -1)
        for k, name in enumerate(hidden):
            self.layer_combo.addItem(f"layer {k + 1} ({name})", k)
        self.layer_combo.setCurrentIndex(0)
        self.layer_combo.setEnabled(bool(hidden))
        self.layer_combo.blockSignals(False)
        colours = layer_colours(len(hidden) + 1)  # the gradient plot's colours, same layers
        key = " ".join(f'<span style="color: rgb{tuple(colours[k])}">■ {k + 1}</span>'
                       for k in range(len(hidden)))  # fmt: skip
        self.key = f"layers {key} · " if hidden else ""
        for k in range(len(hidden)):
            self.dots[k].setBrush(pg.mkBrush(*colours[k], 150))
            self.fractions[k].setPen(pg.mkPen(colours[k], width=1))
        label = "inactive (z ≤ 0)" if set(hidden) <= {"relu", "leaky_relu"} else "saturated"
        self.bottom.setLabel("left", label if hidden else "saturated")

    def _shown_layers(self) -> list[int]:
        count = len(self.snapshot.hidden_z)
        choice = self.layer_combo.currentData()
        if choice is None or count == 0:
            return []
        return list(range(count)) if choice == -1 else [int(choice)]

    def _draw(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        layers = self._shown_layers()
        self.empty.setVisible(not layers)
        for item in (self.curve, self.slope, self.histogram):
            item.setVisible(bool(layers))
        for k, dots in enumerate(self.dots):
            dots.setVisible(k in layers)
        if not layers:
            for region in self.regions:
                region.hide()
            self.set_info(self.key)
        else:
            activation = ACTIVATIONS[snapshot.activations[layers[0]]]
            limit = Z_RANGE.get(activation.name, 5.0)
            self._draw_curve(activation, limit)
            self._draw_dots(snapshot.hidden_z, layers, activation, limit)
        self._draw_fractions(snapshot)

    def _draw_curve(self, activation, limit: float) -> None:
        if self._curve_key == (activation.name, limit):
            return
        self._curve_key = (activation.name, limit)
        z = np.linspace(-limit, limit, 401)
        g = activation.value(z)
        self.curve.setData(z, g)
        self.slope.setData(z, activation.slope(z))
        regions = flat_regions(activation, limit)
        for k, region in enumerate(self.regions):
            region.setVisible(k < len(regions))
            if k < len(regions):
                region.setRegion(regions[k])
        low = min(0.0, float(g.min()))
        high = max(1.0, float(g.max()))
        self.top.setYRange(low - 0.05 * (high - low), high + 0.05 * (high - low), padding=0)
        self.top.setXRange(-limit, limit, padding=0.02)
        self.empty.setPos(0, (low + high) / 2)

    def _draw_dots(self, hidden_z, layers: list[int], activation, limit: float) -> None:
        units = sum(hidden_z[k].shape[1] for k in layers)
        rows = max(1, MAX_DOTS // max(units, 1))
        everything = []
        for k in layers:
            z = hidden_z[k][:rows].ravel()
            z = z[np.isfinite(z)]
            shown = np.clip(z, -limit, limit)  # far-out z pile up at the edge, where they are
            with np.errstate(all="ignore"):
                self.dots[k].setData(*finite_xy(shown, activation.value(shown)))
            everything.append(np.clip(hidden_z[k], -limit, limit))
        values = np.concatenate([e.ravel() for e in everything])
        values = values[np.isfinite(values)]
        counts, edges = np.histogram(values, bins=BINS, range=(-limit, limit))
        peak = counts.max() if counts.size and counts.max() > 0 else 1
        low, high = self.top.viewRange()[1]
        self.histogram.setData(edges, low + 0.35 * (high - low) * counts / peak)
        self.histogram.setFillLevel(low)
        self.set_info(self.key + self._summary(hidden_z, layers, activation))

    @staticmethod
    def _summary(hidden_z, layers: list[int], activation) -> str:
        z = np.concatenate([hidden_z[k].reshape(len(hidden_z[k]), -1) for k in layers], axis=1)
        if z.size == 0:
            return ""
        if not np.isfinite(z).all():
            return "some z are NaN or infinite (training diverged)"
        flat = activation.slope(z) < SATURATION_THRESHOLD * activation.max_slope
        if activation.name in ("relu", "leaky_relu"):
            dead = int(np.count_nonzero(flat.all(axis=0)))
            return f"{dead} of {z.shape[1]} units dead · {flat.mean():.0%} of z ≤ 0"
        return f"{flat.mean():.0%} of z in the flat spots"

    def _draw_fractions(self, snapshot) -> None:
        a = snapshot.arrays
        saturation = a["saturation"]
        for k, curve in enumerate(self.fractions):
            if k < saturation.shape[1]:
                curve.setData(*finite_xy(a["epoch"], saturation[:, k]))
                single_point(curve)  # epoch 0 alone is a dot
            curve.setVisible(k < saturation.shape[1])
        if len(a["epoch"]):
            self.range.show(a["epoch"][-1], 0.0, 1.0)

    def csv_table(self):
        if self.snapshot is None:
            return ["epoch"], []
        a = self.snapshot.arrays
        sat = a["saturation"]
        header = ["epoch"] + [f"saturation_{k + 1}" for k in range(sat.shape[1])]
        return header, epoch_rows(a["epoch"], sat)
