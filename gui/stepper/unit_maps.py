"""Unit maps: what each unit computes over the input plane, as a small heat map inside the unit
(TensorFlow Playground's signature), and an enlarged map of one unit with its formula and, for a
first-layer unit, its line w·x + b = 0. The values come from :func:`core.inside.unit_maps`."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPixmap, QPolygonF, QTransform
from PySide6.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget

from core.inside import (
    MAX_MAP_UNITS,
    first_layer_lines,
    network_with_weights,
    plane_grid,
    unit_formula,
    unit_maps,
)
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


def thumbnails(network, extent, resolution: int = RESOLUTION,
               points: np.ndarray | None = None) -> dict[tuple[int, int], QPixmap]:  # fmt: skip
    """{(layer, unit): pixmap} for every unit of layers 1..L (0-based units), with ``points``
    (rows x₁, x₂) drawn faintly on top."""
    xs, ys, _ = plane_grid(extent, resolution)
    out = {}
    for layer, maps in enumerate(unit_maps(network, xs, ys), start=1):
        name = network.layers[layer - 1].activation.name
        for j, values in enumerate(maps):
            pixmap = QPixmap.fromImage(map_image(values, levels_for(name, values)))
            if points is not None and len(points):
                _draw_points(pixmap, points, extent)
            out[(layer, j)] = pixmap
    return out


def _draw_points(pixmap: QPixmap, points: np.ndarray, extent) -> None:
    x0, x1, y0, y1 = extent
    w, h = pixmap.width(), pixmap.height()
    px = (points[:, 0] - x0) / (x1 - x0) * w
    py = (1 - (points[:, 1] - y0) / (y1 - y0)) * h
    polygon = QPolygonF([QPointF(x, y) for x, y in zip(px.tolist(), py.tolist())])
    painter = QPainter(pixmap)
    painter.setPen(QColor(30, 30, 30, 35))
    painter.drawPoints(polygon)
    painter.end()


class UnitMapOverlay(QObject):
    """Each unit of the network view filled with its map (View ▸ Unit maps): redrawn whenever
    the stepped network's weights change (an edit, a step's update, training), and a click on
    a unit asks for its enlarged map (``unit_clicked(layer, unit)``).

    ``data()`` gives the plane's extent and the points drawn on it (the training data when the
    Training tab has 2-D data, else the square of the built-in data sets).
    """

    unit_clicked = Signal(int, int)
    refused = Signal(str)
    redrawn = Signal()

    def __init__(self, view, data) -> None:
        super().__init__(view)
        self.view, self.data = view, data
        self.on = False
        self.thumbs: dict[tuple[int, int], QPixmap] = {}
        self._key = None
        self._press = None
        view.units_drawn.connect(self.refresh)  # the maps replace the view's plain fills
        view.viewport().installEventFilter(self)

    def set_on(self, on: bool) -> bool:
        """Turn the maps on or off; False (with ``refused``) when this network gets none."""
        reason = too_many_units(self.view.controller.network) if on else ""
        if reason:
            self.refused.emit(f"No unit maps: {reason}.")
            on = False
        self.on = on
        self._key = None
        if not on:
            for node in self.view.nodes.values():
                node.setData(1, "refill")  # no state equals it: the view fills them again
            self.view._on_state_changed()
        self.refresh()
        return self.on

    def refresh(self) -> None:
        """Draw the maps of the stepped network's weights (after any change of the view)."""
        if not self.on:
            return
        net = self.view.controller.network
        reason = too_many_units(net)
        if reason:  # another network was opened
            self.set_on(False)
            self.refused.emit(f"Unit maps are off: {reason}.")
            return
        self._draw(net)

    def show_frame(self, snapshot) -> None:
        """A training frame: the maps of its weights, as every plot shows them (the Stepper's
        own redraw is slower and catches up later)."""
        if not self.on or snapshot is None or not self.view.isVisible():
            return
        try:
            net = network_with_weights(self.view.controller.network, snapshot.weights)
        except (ValueError, AttributeError):
            return  # the network was replaced since this frame
        self._draw(net)

    def _draw(self, net) -> None:
        extent, points = self.data()
        key = (tuple(p.tobytes() for p in net.parameters()), extent, len(points))
        if key != self._key:
            self._key = key
            with np.errstate(all="ignore"):
                self.thumbs = thumbnails(net, extent, points=points)
            self.redrawn.emit()
        for (l, j), node in self.view.nodes.items():
            pixmap = self.thumbs.get((l, j))
            if pixmap is None:
                continue
            rect = node.rect()
            brush = QBrush(pixmap)
            brush.setTransform(QTransform.fromTranslate(rect.x(), rect.y()).scale(
                rect.width() / pixmap.width(), rect.height() / pixmap.height()))  # fmt: skip
            node.setBrush(brush)
            node.setData(1, "map")

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
        elif kind == QEvent.Type.MouseButtonRelease and self._press is not None:
            moved = (event.position() - self._press).manhattanLength()
            self._press = None
            if self.on and moved < 4:
                self.click(event.position().toPoint())
        return False

    def click(self, view_pos) -> None:
        """A click at ``view_pos``: on a unit past the inputs, ask for its enlarged map."""
        for item in self.view.items(view_pos):
            key = item.data(0)
            if isinstance(key, str) and key.startswith("node:"):
                _, l, j = key.split(":")
                if int(l) > 0:
                    self.unit_clicked.emit(int(l), int(j))
                return


def plane_data(training) -> tuple[tuple[float, float, float, float], np.ndarray]:
    """The plane the maps cover and the points on it: the Training tab's 2-D training data with
    a margin, else the square [−6, 6]² of the built-in data sets with no points."""
    X = None if training is None or training.train is None else training.train.X
    if X is None or X.ndim != 2 or X.shape[1] != 2 or not len(X) or not np.isfinite(X).all():
        return (-6.0, 6.0, -6.0, 6.0), np.zeros((0, 2))
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(high - low, 1e-6)
    low, high = low - pad, high + pad
    return (float(low[0]), float(high[0]), float(low[1]), float(high[1])), X


class UnitMapDock(QDockWidget):
    """The enlarged map of the unit last clicked, beside the network; it follows the weights
    while it shows."""

    def __init__(self, overlay: UnitMapOverlay, parent=None) -> None:
        super().__init__("Unit map", parent)
        self.setObjectName("unit_map_dock")
        self.overlay = overlay
        self.panel = UnitMapPanel()
        self.setWidget(self.panel)
        self.unit: tuple[int, int] | None = None
        overlay.unit_clicked.connect(self.show_unit)
        overlay.redrawn.connect(self._redraw)

    def show_unit(self, layer: int, unit: int) -> None:
        self.unit = (layer, unit)
        self.show()
        self.raise_()
        self._redraw()

    def _redraw(self) -> None:
        net = self.overlay.view.controller.network
        if self.unit is None or net is None or self.isHidden():
            return
        layer, unit = self.unit
        if layer > len(net.layers) or unit >= net.layers[layer - 1].units:
            self.unit = None
            return
        extent, points = self.overlay.data()
        self.panel.show_unit(net, layer, unit, extent, points)


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
