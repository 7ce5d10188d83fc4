"""The loss over a 2-D slice through two weights (pale = low) with contour lines, and the path
each run's optimizer took over it, epoch by epoch, from the common start (a star)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core.notation import fmt
from gui.lessons.plots.base import (
    LessonFigure,
    live_head,
    live_note,
    live_pen,
    make_legend,
    run_colour,
    run_item,
)
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
        self.summary = ""
        self.live_path: pg.PlotDataItem | None = None  # a run trained live, over the others
        self.live_head: pg.ScatterPlotItem | None = None
        self.live_shown = False

    def _path(self, k: int) -> pg.PlotDataItem:
        return run_item(self.plot, self.paths, k, symbol_size=5)

    def show_result(self, result) -> None:
        self.clear_live()
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
            turns = run.measures.get("turns")
            notes.append(f"{run.label}: loss {fmt(run.measures['final_loss'], 3)}"
                         + ("" if turns is None else f", {turns} turns"))  # fmt: skip
        for item in self.paths[len(result.runs):]:
            item.setVisible(False)
        first = result.runs[0].extras["path"][0]
        self.start.setData([first[0]], [first[1]])
        self.plot.setLabel("bottom", weight_label(e["keys"][0]))
        self.plot.setLabel("left", weight_label(e["keys"][1]))
        self.plot.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0)
        self.summary = (f"loss from {fmt(low, 3)} (white) to {fmt(high, 3)}; after "
                        f"{len(result.runs[0].history)} epochs: " + ", ".join(notes))  # fmt: skip
        self.set_info(self.summary)

    def show_live(self, result, live, k: int) -> None:
        """The live run's path so far, dashed in its run's colour, its newest epoch ringed."""
        if self.live_path is None:
            self.live_path = pg.PlotDataItem(symbol="o", symbolSize=7)
            self.live_path.setZValue(10)
            self.plot.addItem(self.live_path)
            self.live_head = live_head(self.plot, k)
        colour = run_colour(k)
        self.live_path.setPen(live_pen(k))
        self.live_path.setSymbolPen(pg.mkPen(colour, width=1.5))
        self.live_path.setSymbolBrush(pg.mkBrush("#ffffff"))
        self.live_head.setPen(pg.mkPen(colour, width=3))
        if not self.live_shown:
            self.legend.addItem(self.live_path, "live")
            self.live_shown = True
        path = live.extras["path"]
        keep = path[np.isfinite(path).all(axis=1)]
        self.live_path.setData(keep[:, 0], keep[:, 1])
        self.live_path.setVisible(True)
        self.live_head.setData(keep[-1:, 0], keep[-1:, 1])
        self.live_head.setVisible(True)
        self.set_info(f"{self.summary}\n{live_note(live)}, {live.measures['turns']} turns, "
                      f"loss {fmt(live.measures['final_loss'], 3)}")  # fmt: skip

    def clear_live(self) -> None:
        if not self.live_shown:
            return
        self.live_shown = False
        self.legend.removeItem(self.live_path)
        self.live_path.setVisible(False)
        self.live_head.setVisible(False)
        self.set_info(self.summary)

    def live_points(self) -> int:
        """Points of the live path drawn (0 without a live run; for tests)."""
        p = self.live_path
        return 0 if p is None or not p.isVisible() or p.xData is None else len(p.xData)

    def live_xy(self) -> np.ndarray:
        return np.column_stack([self.live_path.xData, self.live_path.yData])

    def path_lengths(self) -> list[int]:
        return [len(p.xData) for p in self.paths if p.isVisible()]
