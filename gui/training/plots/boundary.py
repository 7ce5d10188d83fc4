"""Plot 4: the network's output over the input plane as a heat map (the 0.5 contour marks a
classifier's decision boundary; for regression it is the predicted surface), with the training
points, and optionally the test points, on top. Only for data with two inputs."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox

from gui.plot_style import grid_rect, heat_map, plane_plot
from gui.training.plots.panel import PlotPanel

COLOURS = pg.ColorMap([0.0, 0.5, 1.0], [(214, 96, 39), (247, 247, 247), (33, 102, 172)])
TRAIN_PEN = pg.mkPen("#ffffff", width=1)
TEST_PEN = pg.mkPen("#1d1d1f", width=1)


class BoundaryPlot(PlotPanel):
    title = "Decision boundary"

    def __init__(self, controller, parent=None) -> None:
        super().__init__(controller, parent)
        self.test_box = QCheckBox("test points")
        self.test_box.toggled.connect(lambda on: self.test_points.setVisible(on))
        self.add_header_widget(self.test_box)
        plot = self.plot = plane_plot(self.view, "x₁", "x₂")
        self.image = heat_map(plot, COLOURS)
        self.contour = pg.IsocurveItem(level=0.5, pen=pg.mkPen("#1d1d1f", width=1.5))
        self.contour.setParentItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pen=TRAIN_PEN)
        self.test_points = pg.ScatterPlotItem(size=7, pen=TEST_PEN, symbol="t")
        self.test_points.setVisible(False)
        plot.addItem(self.train_points)
        plot.addItem(self.test_points)
        self.note = pg.TextItem("", color="#5f6368", anchor=(0.5, 0.5))
        plot.addItem(self.note, ignoreBounds=True)
        self.levels = (0.0, 1.0)
        self.classification = True
        self.grid = None
        self.two_d = False
        self._brushes = [pg.mkBrush(c) for c in COLOURS.getLookupTable(0.0, 1.0, 64)]

    def _brushes_for(self, y: np.ndarray) -> list:
        low, high = self.levels
        index = np.clip((y - low) / (high - low) * 63, 0, 63).round().astype(int)
        return [self._brushes[i] for i in index]

    def on_data_changed(self) -> None:
        train, test = self.controller.train, self.controller.test
        self.grid = None
        two_d = self.two_d = train is not None and train.X.shape[1] == 2
        for item in (self.image, self.train_points):
            item.setVisible(two_d)
        self.test_points.setVisible(two_d and self.test_box.isChecked())
        self.note.setVisible(not two_d)
        if not two_d:
            inputs = 0 if train is None else train.X.shape[1]
            self.note.setText(f"the boundary needs 2 inputs (these data have {inputs})")
            self.set_info("")
            return
        self.classification = train.task == "classification"
        if self.classification:
            self.levels = (0.0, 1.0)
        else:
            both = np.concatenate([train.Y[:, 0], test.Y[:, 0]])
            low, high = float(both.min()), float(both.max())
            self.levels = (low, high if high > low else low + 1.0)
        self.contour.setVisible(self.classification)
        for item, data in ((self.train_points, train), (self.test_points, test)):
            item.setData(data.X[:, 0], data.X[:, 1], brush=self._brushes_for(data.Y[:, 0]))
        low, high = self.levels
        text = f"output from {low:.2g} (orange) to {high:.2g} (blue)"
        self.set_info("class 1 blue, class 0 orange" if self.classification else text)
        self.plot.autoRange()

    def wants(self, snapshot) -> bool:
        return snapshot.grid is not None and self.two_d  # most snapshots carry no new grid

    def on_snapshot(self, snapshot) -> None:
        grid = snapshot.grid
        if not self.wants(snapshot):
            return
        self.grid = grid
        low, high = self.levels
        values = np.nan_to_num(grid.values, nan=(low + high) / 2, posinf=high, neginf=low)
        values = np.clip(values, low, high).T  # ImageItem indexes [x, y]
        self.image.setImage(values, levels=self.levels, autoLevels=False)
        self.image.setRect(grid_rect(grid.xs, grid.ys))
        if self.classification:
            self.contour.setData(values)

    def csv_table(self):
        if self.grid is None:
            return ["x1", "x2", "output"], []
        g = self.grid
        gx, gy = np.meshgrid(g.xs, g.ys)
        return ["x1", "x2", "output"], np.column_stack(
            [gx.ravel(), gy.ravel(), g.values.ravel()]
        ).tolist()
