"""Unit maps: what each unit computes over the input plane, as a small heat map inside the unit
(TensorFlow Playground's signature), and an enlarged map of one unit with its formula and, for a
first-layer unit, its line w·x + b = 0. The values come from :func:`core.inside.unit_maps`."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.inside import MAX_MAP_UNITS, first_layer_lines, plane_grid, unit_formula, unit_maps
from core.notation import to_html
from gui.plot_style import BACKGROUND, grid_rect, heat_map, plane_plot

# Orange (low) through white to blue (high), as the decision-boundary plot.
COLOURS = pg.ColorMap([0.0, 0.5, 1.0], [(214, 96, 39), (247, 247, 247), (33, 102, 172)])
LUT = COLOURS.getLookupTable(0.0, 1.0, 256, alpha=False)
RESOLUTION = 32  # grid points along each axis of a thumbnail
LEVELS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "softmax": (0.0, 1.0)}


def levels_for(activation: str, values: np.ndarray) -> tuple[float, float]:
    """The value range a unit's colours span: its activation's range where bounded, else the
    map's own finite range."""
    if activation in LEVELS:
        return LEVELS[activation]
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def map_image(values: np.ndarray, levels: tuple[float, float]) -> QImage:
    """An RGB image of ``values`` (rows = y from the bottom up), NaN drawn mid-grey."""
    low, high = levels
    scaled = np.clip((np.nan_to_num(values, nan=np.nan) - low) / (high - low), 0.0, 1.0)
    index = np.where(np.isfinite(scaled), (scaled * 255).round(), 128).astype(np.uint8)
    rgb = np.ascontiguousarray(LUT[index][::-1])  # image rows run top-down, y runs up
    h, w = index.shape
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def too_many_units(network) -> str:
    """Why the network gets no unit maps, or "" when it does."""
    if network is None:
        return "no network"
    if network.inputs != 2:
        return f"unit maps need 2 inputs; this network has {network.inputs}"
    units = sum(layer.units for layer in network.layers)
    if units > MAX_MAP_UNITS:
        return (f"unit maps are off for networks of more than {MAX_MAP_UNITS} units (this one "
                f"has {units}): too small to read")  # fmt: skip
    return ""


def thumbnails(network, extent, resolution: int = RESOLUTION) -> dict[tuple[int, int], QPixmap]:
    """{(layer, unit): pixmap} for every unit of layers 1..L (0-based units)."""
    xs, ys, _ = plane_grid(extent, resolution)
    out = {}
    for layer, maps in enumerate(unit_maps(network, xs, ys), start=1):
        name = network.layers[layer - 1].activation.name
        for j, values in enumerate(maps):
            out[(layer, j)] = QPixmap.fromImage(map_image(values, levels_for(name, values)))
    return out


class UnitMapPanel(QWidget):
    """One unit's map, enlarged: the heat map, the data faint on top, its formula and (first
    layer) its line w·x + b = 0."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        layout.addWidget(self.formula)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(BACKGROUND)
        layout.addWidget(self.view, 1)
        self.plot = plane_plot(self.view, "x₁", "x₂")
        self.image = heat_map(self.plot, COLOURS)
        self.points = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(30, 30, 30, 70))
        self.plot.addItem(self.points)
        self.line = pg.PlotDataItem(pen=pg.mkPen("#1d1d1f", width=2))
        self.plot.addItem(self.line, ignoreBounds=True)
        self.values: np.ndarray | None = None
        self.unit: tuple[int, int] | None = None

    def show_unit(self, network, layer: int, unit: int, extent, X: np.ndarray | None = None,
                  resolution: int = 81) -> None:  # fmt: skip
        """Draw unit ``unit`` (0-based) of ``layer`` over ``extent`` = (x0, x1, y0, y1)."""
        xs, ys, _ = plane_grid(extent, resolution)
        values = unit_maps(network, xs, ys)[layer - 1][unit]
        self.values, self.unit = values, (layer, unit)
        low, high = levels_for(network.layers[layer - 1].activation.name, values)
        shown = np.clip(np.nan_to_num(values, nan=(low + high) / 2), low, high)
        self.image.setImage(((shown - low) / (high - low)).T, levels=(0.0, 1.0))
        self.image.setRect(grid_rect(xs, ys))
        if X is not None and len(X):
            self.points.setData(X[:, 0], X[:, 1])
        else:
            self.points.setData([], [])
        self.formula.setText(to_html(unit_formula(network, layer, unit)))
        if layer == 1:
            w1, w2, b = first_layer_lines(network)[unit]
            self.line.setData(*_line_in(extent, w1, w2, b))
        else:
            self.line.setData([], [])
        self.plot.setRange(xRange=extent[:2], yRange=extent[2:], padding=0)


def _line_in(extent, w1: float, w2: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Two points of w₁x₁ + w₂x₂ + b = 0 spanning ``extent``, or none."""
    x0, x1, y0, y1 = extent
    if abs(w2) >= abs(w1) and w2 != 0:
        xs = np.array([x0, x1])
        return xs, -(w1 * xs + b) / w2
    if w1 != 0:
        ys = np.array([y0, y1])
        return -(w2 * ys + b) / w1, ys
    return np.zeros(0), np.zeros(0)
