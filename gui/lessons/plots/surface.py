"""The loss over a 2-D slice through two weights (pale = low) with contour lines, and the path
each run's optimizer took over it, epoch by epoch, from the common start (a star)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core.notation import fmt
from gui.lessons.plots.base import LessonFigure, make_legend, run_item
from gui.plot_style import grid_rect, heat_map, style_plot

CONTOURS = 12
SURFACE_COLOURS = pg.ColorMap([0.0, 1.0], [(255, 255, 255), (140, 160, 195)])
CONTOUR_PEN = pg.mkPen("#7a7a7a", width=1)


def weight_label(key: str) -> str:
    """``w:1:0:1`` → ``w(1) 1,2`` (layer, then unit and input counted from 1)."""
    _, layer, unit, inp = key.split(":")
    return f"weight w({layer}) {int(unit) + 1},{int(inp) + 1}"


def contour_levels(Z: np.ndarray, count: int = CONTOURS) -> np.ndarray:
    """Levels spread evenly over the finite values' quantiles (dense where the valley is)."""
    finite = Z[np.isfinite(Z)]
    if not finite.size:
        return np.zeros(0)
    levels = np.quantile(finite, np.linspace(0.02, 0.95, count))
    return np.unique(levels)


class SurfacePlot(LessonFigure):
    title = "The loss surface over two weights, and each optimizer's path"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        view = self.add_plot_view()
        plot = view.addPlot()
        style_plot(plot)
        self.plot = plot
        self.image = heat_map(plot, SURFACE_COLOURS)
        self.contours = []
        for _ in range(CONTOURS):
            contour = pg.IsocurveItem(level=0.0, pen=CONTOUR_PEN)
            contour.setParentItem(self.image)
            self.contours.append(contour)
        self.legend = make_legend(plot, offset=(-10, -10))
        self.paths: list[pg.PlotDataItem] = []
        self.start = pg.ScatterPlotItem(symbol="star", size=18, pen=pg.mkPen("#1d1d1f"),
                                        brush=pg.mkBrush("#ffd400"))  # fmt: skip
        plot.addItem(self.start)

    def _path(self, k: int) -> pg.PlotDataItem:
        return run_item(self.plot, self.paths, k, symbol_size=5)

    def show_result(self, result) -> None:
        e = result.extras
        xs, ys, Z = e["xs"], e["ys"], e["loss"]
        finite = Z[np.isfinite(Z)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        # A square root spreads the low values, where the paths end, over more of the colours.
        shade = np.sqrt(np.clip(np.nan_to_num(Z, nan=high, posinf=high), low, high) - low)
        image = shade.T  # ImageItem indexes [x, y]
        self.image.setImage(image, levels=(0.0, max(float(image.max()), 1e-12)), autoLevels=False)
        self.image.setRect(grid_rect(xs, ys))
        levels = contour_levels(Z)
        data = np.nan_to_num(Z, nan=high, posinf=high).T
        for k, contour in enumerate(self.contours):
            contour.setVisible(k < len(levels))
            if k < len(levels):
                contour.setLevel(float(levels[k]))
                contour.setData(data)
        self.legend.clear()
        notes = []
        for k, run in enumerate(result.runs):
            path = run.extras["path"]
            keep = np.isfinite(path).all(axis=1)
            item = self._path(k)
            item.setData(path[keep, 0], path[keep, 1])
            item.setVisible(True)
            self.legend.addItem(item, run.label)
            notes.append(f"{run.label} {fmt(run.measures['final_loss'], 3)}")
        for item in self.paths[len(result.runs):]:
            item.setVisible(False)
        first = result.runs[0].extras["path"][0]
        self.start.setData([first[0]], [first[1]])
        self.plot.setLabel("bottom", weight_label(e["keys"][0]))
        self.plot.setLabel("left", weight_label(e["keys"][1]))
        self.plot.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0)
        self.set_info(f"loss from {fmt(low, 3)} (white) to {fmt(high, 3)}; after "
                      f"{len(result.runs[0].history)} epochs: " + ", ".join(notes))  # fmt: skip

    def path_lengths(self) -> list[int]:
        return [len(p.xData) for p in self.paths if p.isVisible()]
