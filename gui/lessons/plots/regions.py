"""A network's output over the input plane (blue class 1, orange class 0, the 0.5 contour is the
decision boundary) with the training points, and the line w₁x₁ + w₂x₂ + b = 0 of every
first-layer unit drawn over it, numbered."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from gui.lessons.numbers import encloses
from gui.lessons.plots.base import LessonFigure, live_note
from gui.plot_style import grid_rect, heat_map, plane_plot, scaled_text

# Pale colours for the output, so that the points (full colours) and the lines stand out.
COLOURS = pg.ColorMap([0.0, 0.5, 1.0], [(246, 196, 168), (250, 250, 250), (170, 202, 235)])
POINT_COLOURS = ("#d6604d", "#2166ac")  # class 0, class 1
LINE_PEN = pg.mkPen("#6a3d9a", width=2, style=Qt.PenStyle.DashLine)
BOUNDARY_PEN = pg.mkPen("#1d1d1f", width=3)
POINT_PEN = pg.mkPen("#ffffff", width=1)
MAX_LINE_LABELS = 12  # more lines are drawn without their numbers
LINES_SHOWN = 6  # with more lines than this they start hidden (the checkbox shows them)


class BoundaryMap(LessonFigure):
    """``show_map`` draws one network's output grid, points and lines; ``show_result`` the run
    ``run`` of a regions lesson."""

    title = "Decision boundary"

    def __init__(self, run: int = 0, parent=None, line_pen=LINE_PEN, numbered: bool = True) -> None:
        super().__init__(parent)
        self.run = run
        self.numbered = numbered
        self.lines_box = QCheckBox("first-layer lines")
        self.lines_box.setChecked(True)
        self.lines_box.toggled.connect(self._show_lines)
        self.header.addWidget(self.lines_box)
        plot = self.plot = plane_plot(self.add_plot_view(), "x₁", "x₂")
        self.image = heat_map(plot, COLOURS)
        self.contour = pg.IsocurveItem(level=0.5, pen=BOUNDARY_PEN)
        self.contour.setParentItem(self.image)
        self.points = pg.ScatterPlotItem(size=6, pen=POINT_PEN)
        plot.addItem(self.points)
        self.lines = pg.PlotDataItem(pen=line_pen, connect="pairs")
        plot.addItem(self.lines)
        self.labels: list[pg.TextItem] = []
        self._brushes = [pg.mkBrush(c) for c in POINT_COLOURS]
        self.line_count = 0
        self._labelled: list[bool] = []
        self.result = None
        self.live_epoch: int | None = None  # the live run's epoch shown, None for the lesson's

    def show_result(self, result) -> None:
        self.result = result
        self.live_epoch = None
        self._show_run(result, result.runs[self.run])

    def show_live(self, result, live, k: int) -> None:
        """While run ``k`` trains live, its map shows the live network (the others stay)."""
        if k == self.run and self.result is not None:
            self.live_epoch = len(live.history)
            self._show_run(self.result, live)
            self.set_title(live_note(live))

    def clear_live(self) -> None:
        if self.live_epoch is not None and self.result is not None:
            self.show_result(self.result)

    def _show_run(self, result, run) -> None:
        e = run.extras
        self.set_title(run.label)
        many = len(e["segments"]) > LINES_SHOWN
        if self.lines_box.isChecked() == many:
            self.lines_box.setChecked(not many)
        self.show_map(e["xs"], e["ys"], e["output"], result.train.X, result.train.Y, e["segments"])
        m = run.measures
        text = f"training accuracy {m.get('final_accuracy', float('nan')):.0%}"
        if "test_accuracy" in m:
            text += f", test {m['test_accuracy']:.0%}"
        noun = "line" if len(e["segments"]) == 1 else "lines"
        shown = "dashed" if self.lines_box.isChecked() else "tick the box to draw them"
        text += f" · {len(e['segments'])} first-layer {noun} ({shown})"
        if encloses(m):
            text += "; together they enclose the class-1 points"
        self.set_info(text)

    def show_map(self, xs, ys, U, X, Y, segments) -> None:
        """Output ``U`` (len(ys) × len(xs)) over the grid, points X coloured by Y[:, 0], and
        ``segments`` (units × 2 × 2, NaN rows for lines that miss the plot)."""
        values = np.clip(np.nan_to_num(U, nan=0.5), 0.0, 1.0).T  # ImageItem indexes [x, y]
        self.image.setImage(values, levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(grid_rect(xs, ys))
        self.contour.setData(values)
        brushes = [self._brushes[int(y > 0.5)] for y in Y[:, 0]]
        self.points.setData(X[:, 0], X[:, 1], brush=brushes)
        seen = segments[np.isfinite(segments).all(axis=(1, 2))]
        self.line_count = len(segments)
        self.lines.setData(seen[:, :, 0].ravel(), seen[:, :, 1].ravel())
        self._labelled = [False] * max(len(self.labels), len(segments))
        while len(self.labels) < len(segments):
            label = scaled_text(self.plot, "", color="#1d1d1f", anchor=(0.5, 0.5),
                                fill=pg.mkBrush(255, 255, 255, 210))  # fmt: skip
            self.plot.addItem(label, ignoreBounds=True)
            self.labels.append(label)
        for k, label in enumerate(self.labels):
            shown = self.numbered and k < len(segments) and len(segments) <= MAX_LINE_LABELS
            if shown and np.isfinite(segments[k]).all():
                # Near one end of the segment, so that labels of crossing lines stay apart.
                (x0, y0), (x1, y1) = segments[k]
                label.setText(str(k + 1))
                label.setPos(x0 + 0.12 * (x1 - x0), y0 + 0.12 * (y1 - y0))
            else:
                shown = False
            self._labelled[k] = shown
            label.setVisible(shown and self.lines_box.isChecked())
        self.plot.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0.02)

    def _show_lines(self, on: bool) -> None:
        self.lines.setVisible(on)
        for label, labelled in zip(self.labels, self._labelled):
            label.setVisible(on and labelled)

    def drawn_lines(self) -> int:
        """Line segments drawn (for tests)."""
        x = self.lines.xData
        return 0 if x is None or not self.lines.isVisible() else len(x) // 2
