"""The data as each hidden layer sees them: one small plane per hidden layer, the training
points at their (u₁, u₂) — or the first two principal components of a wider layer's u — coloured
by class, with the next layer's decision line where it is a line there. Computed by
:func:`core.inside.representation`."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.inside import Representation, representation
from gui.plot_style import BACKGROUND, scale_plot_fonts, style_plot, title_size

# One colour and one symbol per class, so that classes stay apart in print and in SVG.
CLASS_COLOURS = ("#d6604d", "#2166ac", "#1b9e77", "#7570b3", "#e7298a", "#66a61e")
CLASS_SYMBOLS = ("o", "s", "t", "d", "+", "x")
LINE_PEN = pg.mkPen("#1d1d1f", width=2)
MAX_PANELS = 6


_COLOUR_NAMES = ("orange", "blue", "green", "purple", "pink", "olive")
_SYMBOL_NAMES = ("●", "■", "▼", "◆", "+", "×")


def _colour_name(c: int) -> str:
    return _COLOUR_NAMES[c % len(_COLOUR_NAMES)]


def _symbol_name(c: int) -> str:
    return _SYMBOL_NAMES[c % len(_SYMBOL_NAMES)]


def class_index(Y: np.ndarray) -> np.ndarray:
    """The class of each target row: argmax of a one-hot row, else the single target > 0.5."""
    Y = np.atleast_2d(Y)
    if Y.shape[1] > 1:
        return Y.argmax(axis=1)
    return (Y[:, 0] > 0.5).astype(int)


def describe(rep: Representation) -> str:
    """The panel's title: which layer, which coordinates, how much of the variance they keep."""
    if rep.method == "pca":
        share = 100 * (rep.explained[0] + rep.explained[1])
        return f"layer {rep.layer}: first two principal components ({share:.0f}% of the variance)"
    if rep.method == "u1":
        return f"layer {rep.layer}: its one unit's u₁"
    return f"layer {rep.layer}: (u₁, u₂)"


class RepresentationPanel(QWidget):
    """One plane per hidden layer (at most :data:`MAX_PANELS`). ``show(network, X, Y)`` redraws
    every plane from the same network, so they always show one moment of training."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(BACKGROUND)
        # Its planes ask for much height; it takes the share its layout gives it instead.
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.view.setMinimumHeight(120)
        layout.addWidget(self.view, 1)
        self.plots: list[pg.PlotItem] = []
        self.scatters: list[list[pg.ScatterPlotItem]] = []
        self.lines: list[pg.PlotDataItem] = []
        self.reps: list[Representation] = []
        self._classes = 0
        self.text_scale = 1.0

    def set_text_scale(self, scale: float) -> None:
        """The scale for plots made later (those shown now are scaled with the tab's)."""
        self.text_scale = scale

    def _build(self, layers: int, classes: int) -> None:
        if len(self.plots) == layers and self._classes == classes:
            return
        self.view.clear()
        self.plots, self.scatters, self.lines = [], [], []
        columns = min(layers, 3)
        for k in range(layers):
            plot = self.view.addPlot(row=k // columns, col=k % columns)
            style_plot(plot)
            scale_plot_fonts(plot, self.text_scale)
            scatters = []
            for c in range(classes):
                colour = CLASS_COLOURS[c % len(CLASS_COLOURS)]
                item = pg.ScatterPlotItem(size=6, pen=pg.mkPen("#ffffff", width=0.5),
                                          brush=pg.mkBrush(colour),
                                          symbol=CLASS_SYMBOLS[c % len(CLASS_SYMBOLS)])  # fmt: skip
                plot.addItem(item)
                scatters.append(item)
            line = pg.PlotDataItem(pen=LINE_PEN)
            plot.addItem(line, ignoreBounds=True)
            self.plots.append(plot)
            self.scatters.append(scatters)
            self.lines.append(line)
        self._classes = classes

    def show_network(self, network, X: np.ndarray, Y: np.ndarray,
                     classification: bool = True) -> None:  # fmt: skip
        """Redraw every hidden layer's plane for ``network`` on the samples ``X`` (targets
        ``Y`` give the colours; for regression the points are one colour, with no line)."""
        hidden = len(network.layers) - 1
        if hidden == 0:
            self._build(0, 0)
            self.reps = []
            self.note.setText("This network has no hidden layer: the data reach the output as "
                              "they are.")  # fmt: skip
            return
        shown = min(hidden, MAX_PANELS)
        classes = class_index(Y) if classification else np.zeros(len(X), dtype=int)
        count = max(2, int(network.outputs if network.outputs > 1 else 2)) if classification else 1
        self._build(shown, count)
        try:
            self.reps = [representation(network, X, layer) for layer in range(1, shown + 1)]
        except ValueError as exc:  # diverged: the values are not finite
            self.reps = []
            for scatters, line in zip(self.scatters, self.lines):
                for item in scatters:
                    item.setData([], [])
                line.setData([], [])
            self.note.setText(str(exc))
            return
        if not classification:
            self.reps = [dataclasses.replace(rep, line=None) for rep in self.reps]
        more = f" (the first {MAX_PANELS} of {hidden} hidden layers)" if hidden > shown else ""
        key = ", ".join(f"class {c}: {_colour_name(c)} {_symbol_name(c)}" for c in range(count))
        colours = key if classification else "regression: one colour, no class line"
        self.note.setText(f"The training data as each hidden layer sees them{more} · {colours}.")
        for rep, plot, scatters, line in zip(self.reps, self.plots, self.scatters, self.lines):
            plot.setTitle(describe(rep), size=title_size(plot))
            plot.setLabel("bottom", rep.axes[0])
            plot.setLabel("left", rep.axes[1])
            for c, item in enumerate(scatters):
                chosen = rep.points[classes == c]
                item.setData(chosen[:, 0], chosen[:, 1])
            line.setData(*self._segment(rep))
            plot.autoRange()

    @staticmethod
    def _segment(rep: Representation) -> tuple[np.ndarray, np.ndarray]:
        """The decision line across the points' bounding box, or nothing."""
        if rep.line is None or not np.isfinite(rep.points).all():
            return np.zeros(0), np.zeros(0)
        a, b, c = rep.line
        (x0, y0), (x1, y1) = rep.points.min(axis=0), rep.points.max(axis=0)
        pad = 0.1 * max(x1 - x0, y1 - y0, 1e-9)
        x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
        if abs(b) >= abs(a):  # closer to horizontal: solve for y
            xs = np.array([x0, x1])
            return xs, -(a * xs + c) / b
        if a == 0:
            return np.zeros(0), np.zeros(0)
        ys = np.array([y0, y1])
        return -(b * ys + c) / a, ys
