"""Plot 4: the network's output over the input plane, with the training points (and optionally
the test points) on top. Only for data with two inputs.

- One output (sigmoid): a heat map from class 0 (orange) to class 1 (blue), the 0.5 contour
  marking the decision boundary.
- Softmax over K classes: each class's region in its own colour, paler where the network is
  less sure (the largest probability nearer 1/K); the points in their class's colour.
- Regression: the predicted surface; the header gives the range of the network's output.

The grid comes in every snapshot (computed by the worker for the same weights as the rest), so
the picture always belongs to the epoch the other plots show.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox

from gui.plot_style import Isocurve, grid_rect, heat_map, plane_plot, write_csv
from gui.training.plots.panel import PlotPanel

COLOURS = pg.ColorMap([0.0, 0.5, 1.0], [(214, 96, 39), (247, 247, 247), (33, 102, 172)])
# Class colours (colour-blind safe, Okabe–Ito order); class 0 and 1 of two classes keep the
# heat map's orange and blue.
CLASS_COLOURS = ((214, 96, 39), (33, 102, 172), (0, 158, 115), (204, 121, 167), (230, 159, 0),
                 (86, 180, 233), (120, 94, 240), (160, 160, 60), (90, 90, 90), (240, 228, 66))
TRAIN_PEN = pg.mkPen("#ffffff", width=1)
TEST_PEN = pg.mkPen("#1d1d1f", width=1)
WHITE = np.array([250.0, 250.0, 250.0])


def class_image(probabilities: np.ndarray) -> np.ndarray:
    """RGB image (ny, nx, 3) of class probabilities (ny, nx, K): each point in the colour of
    its most likely class, blended towards white as that probability falls to 1/K."""
    k = probabilities.shape[-1]
    safe = np.nan_to_num(probabilities, nan=1.0 / k)
    winner = safe.argmax(axis=-1)
    sure = (safe.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k)
    colours = np.array([CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in range(k)], dtype=float)
    weight = np.clip(sure, 0.0, 1.0)[..., None] * 0.75 + 0.15
    return (WHITE + (colours[winner] - WHITE) * weight).astype(np.ubyte)


class BoundaryPlot(PlotPanel):
    title = "Decision boundary"

    def __init__(self, controller, parent=None) -> None:
        super().__init__(controller, parent)
        self.test_box = QCheckBox("test points")
        self.test_box.toggled.connect(lambda on: self.test_points.setVisible(on and self.two_d))
        self.add_header_widget(self.test_box)
        plot = self.plot = plane_plot(self.view, "x₁", "x₂")
        self.image = heat_map(plot, COLOURS)
        self.lut = self.image.lut
        self.contour = Isocurve(level=0.5, pen=pg.mkPen("#1d1d1f", width=1.5))
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
        self.classes = 2
        self.softmax = False
        self.grid = None
        self.two_d = False
        self._brushes = [pg.mkBrush(c) for c in COLOURS.getLookupTable(0.0, 1.0, 64)]
        self._class_brushes = [pg.mkBrush(*c) for c in CLASS_COLOURS]

    def _brushes_for(self, data) -> list:
        if self.classification:
            labels = data.labels()
            return [self._class_brushes[i % len(CLASS_COLOURS)] for i in labels]
        low, high = self.levels
        index = np.clip((data.Y[:, 0] - low) / (high - low) * 63, 0, 63).round().astype(int)
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
        self.classification = train.task == "classification" and (
            train.classes == 2 or train.Y.shape[1] > 1)  # fmt: skip
        self.classes = train.classes if self.classification else 0
        self.softmax = self.classification and train.Y.shape[1] > 1
        if self.classification:
            self.levels = (0.0, 1.0)
        else:
            both = np.concatenate([train.Y[:, 0], test.Y[:, 0]])
            low, high = float(both.min()), float(both.max())
            self.levels = (low, high if high > low else low + 1.0)
        self.contour.setVisible(self.classification and not self.softmax)
        self.image.setLookupTable(None if self.softmax else self.lut)
        for item, data in ((self.train_points, train), (self.test_points, test)):
            item.setData(data.X[:, 0], data.X[:, 1], brush=self._brushes_for(data))
        self.plot.autoRange()

    def on_snapshot(self, snapshot) -> None:
        grid = snapshot.grid
        self.shown_epoch = snapshot.epoch
        if grid is None or not self.two_d:
            return
        multi = grid.values.ndim == 3
        if multi != self.softmax:
            return  # a grid of another network shape (the next snapshot fits)
        self.grid = grid
        if multi:
            self.image.setImage(class_image(grid.values).transpose(1, 0, 2), autoLevels=False,
                                levels=(0, 255))  # fmt: skip
        else:
            low, high = self.levels
            values = np.nan_to_num(grid.values, nan=(low + high) / 2, posinf=high, neginf=low)
            values = np.clip(values, low, high).T  # ImageItem indexes [x, y]
            self.image.setImage(values, levels=self.levels, autoLevels=False)
            if self.classification:
                self.contour.setData(values)
        self.image.setRect(grid_rect(grid.xs, grid.ys))
        self._update_info(grid)

    def kept_items(self) -> tuple:
        return (self.train_points, self.test_points)

    def clear_run(self) -> None:
        super().clear_run()
        self.grid = None
        self.contour.setData(None)

    def _update_info(self, grid) -> None:
        if self.softmax:
            names = ("orange", "blue", "green", "pink", "yellow", "sky blue", "violet", "olive",
                     "grey", "lemon")  # fmt: skip
            key = ", ".join(f"class {k} {names[k % len(names)]}" for k in range(self.classes))
            self.set_info(f"{key} · paler = less sure")
        elif self.classification:
            self.set_info("class 1 blue, class 0 orange · line: output 0.5")
        else:
            values = grid.values[np.isfinite(grid.values)]
            if values.size:
                text = (f"output {values.min():.3g} … {values.max():.3g} · colours: targets "
                        f"{self.levels[0]:.2g} orange … {self.levels[1]:.2g} blue")
            else:
                text = "the output is not finite (training diverged)"
            self.set_info(text)

    def csv_table(self):
        if self.grid is None:
            return ["x1", "x2", "output"], []
        g = self.grid
        gx, gy = np.meshgrid(g.xs, g.ys)
        values = g.values.reshape(len(g.xs) * len(g.ys), -1)
        names = ["output"] if values.shape[1] == 1 else [f"p{k}" for k in range(values.shape[1])]
        return ["x1", "x2", *names], np.column_stack([gx.ravel(), gy.ravel(), values]).tolist()

    def points_table(self):
        """The data points: inputs, target (or class) and whether each is a training point."""
        header = ["x1", "x2", "class" if self.classification else "target", "set"]
        rows = []
        for data, name in ((self.controller.train, "train"), (self.controller.test, "test")):
            if data is None or data.X.shape[1] != 2 or not len(data):
                continue
            target = data.labels() if self.classification else data.Y[:, 0]
            rows += [[float(x1), float(x2), t.item(), name]
                     for (x1, x2), t in zip(data.X, target)]  # fmt: skip
        return header, rows

    def export_points(self, path: str) -> None:
        """The data points as CSV (the boundary's grid is :meth:`csv_table`)."""
        write_csv(path, *self.points_table())

    extra_exports = (("CSV data points (*.points.csv)", "export_points"),)
