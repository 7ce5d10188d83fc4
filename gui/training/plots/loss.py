"""Plot 1: train and test loss per epoch (accuracy on a second axis for classification), a log
scale toggle, the epoch counter, the numbers of the epoch under the mouse, and a dashed line at
every epoch where the optimizer, learning rate, batch size or λ changed. The legend sits above
the plot, so it never covers a curve; the newest epoch is a dot (epoch 0 alone is visible)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from core.notation import fmt
from gui.plot_style import (
    TEST_COLOUR,
    TRAIN_COLOUR,
    LogAxis,
    ScaledLegend,
    SteppedRange,
    data_limits,
    epoch_rows,
    finite_xy,
    history_curve,
    positive_log10,
    set_log_axis,
    single_point,
    style_plot,
)
from gui.training.plots.panel import PlotPanel

COLUMNS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")


class LossPlot(PlotPanel):
    title = "Loss"

    def __init__(self, controller, parent=None) -> None:
        super().__init__(controller, parent)
        self.log_box = QCheckBox("log scale")
        self.log_box.toggled.connect(self.set_log)
        self.add_header_widget(self.log_box)
        legend = ScaledLegend(colCount=4, labelTextColor="#303030", horSpacing=6,
                              verSpacing=-6)  # fmt: skip
        self.view.addItem(legend, row=0, col=0)
        legend.set_above_plot()
        plot = self.view.addPlot(row=1, col=0, axisItems={"left": LogAxis("left")})
        style_plot(plot)
        plot.setLabel("bottom", "epoch")
        plot.setLabel("left", "loss")
        self.plot = plot
        self.train_curve = history_curve(pg.mkPen(TRAIN_COLOUR, width=1))
        self.test_curve = history_curve(pg.mkPen(TEST_COLOUR, width=1))
        for curve, name in ((self.train_curve, "train loss"), (self.test_curve, "test loss")):
            plot.addItem(curve)
            legend.addItem(curve, name)
        # Accuracy on its own right-hand axis, 0 to 1, in a view that shares the epoch axis.
        self.accuracy_view = pg.ViewBox(enableMouse=False)
        plot.showAxis("right")
        plot.getAxis("right").setLabel("accuracy")
        plot.scene().addItem(self.accuracy_view)
        plot.getAxis("right").linkToView(self.accuracy_view)
        self.accuracy_view.setXLink(plot)
        self.accuracy_view.enableAutoRange(x=False, y=False)  # the loss view sets the epochs
        self.accuracy_view.setYRange(0, 1.02, padding=0)
        plot.vb.sigResized.connect(self._sync_views)
        dotted = Qt.PenStyle.DotLine
        self.train_accuracy = history_curve(pg.mkPen(TRAIN_COLOUR, width=1, style=dotted))
        self.test_accuracy = history_curve(pg.mkPen(TEST_COLOUR, width=1, style=dotted))
        for item, name in ((self.train_accuracy, "train accuracy"),
                           (self.test_accuracy, "test accuracy")):  # fmt: skip
            self.accuracy_view.addItem(item)
            legend.addItem(item, name)
        self.legend = legend
        self._marks_key: tuple = ()
        self.marks: list[pg.InfiniteLine] = []
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#9a9a9a", width=1))
        self.cursor.hide()
        plot.addItem(self.cursor, ignoreBounds=True)
        self.view.scene().sigMouseMoved.connect(self._on_mouse)
        self.range = SteppedRange(plot)
        self.arrays: dict[str, np.ndarray] | None = None
        self.shown_epoch: int | None = None
        self._axis_label = "epoch"
        self.classification = True
        self._hover_epoch: int | None = None

    def _sync_views(self) -> None:
        self.accuracy_view.setGeometry(self.plot.vb.sceneBoundingRect())

    def set_log(self, on: bool) -> None:
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)  # calls back here through toggled
            return
        set_log_axis(self.plot.getAxis("left"), on)
        self.range.log_y = on
        self.range.target = None
        self._draw()

    def on_snapshot(self, snapshot) -> None:
        self.arrays = snapshot.arrays
        self.classification = snapshot.classification
        self.shown_epoch = snapshot.epoch
        self._draw_marks(snapshot.markers)
        self._draw()
        store = self.controller.store  # a long run's older epochs are thinned: say so
        label = "epoch"
        if store.thinned_before:
            label = f"epoch · before {store.thinned_before:,}: 1 in {store.stride} shown"
        if label != self._axis_label:
            self._axis_label = label
            self.plot.setLabel("bottom", label)

    def _draw_marks(self, markers) -> None:
        """A dashed vertical line, labelled, at each epoch where a setting changed."""
        if tuple(markers) == self._marks_key:
            return
        self._marks_key = tuple(markers)
        for line in self.marks:
            self.plot.removeItem(line)
        self.marks = []
        pen = pg.mkPen("#7a7a7a", width=1, style=Qt.PenStyle.DashLine)
        for epoch, text in markers:
            line = pg.InfiniteLine(pos=epoch, angle=90, pen=pen, label=text,
                                   labelOpts={"position": 0.95, "color": "#505050",
                                              "anchors": [(1, 0), (1, 0)]})  # left of it
            self.plot.addItem(line, ignoreBounds=True)
            self.marks.append(line)

    def _draw(self) -> None:
        a = self.arrays
        if a is None:
            return
        epoch = a["epoch"]
        log = self.log_box.isChecked()
        shown = []
        for curve, key in ((self.train_curve, "train_loss"), (self.test_curve, "test_loss")):
            y = positive_log10(a[key]) if log else a[key]
            curve.setData(*finite_xy(epoch, y))
            shown.append(y)
        limits = data_limits(*shown)
        if limits is not None and len(epoch):
            self.range.show(epoch[-1], *limits)
        for curve in (self.train_curve, self.test_curve):
            single_point(curve)
        self._show_accuracy_in_legend(self.classification)
        for curve, key in ((self.train_accuracy, "train_accuracy"),
                           (self.test_accuracy, "test_accuracy")):  # fmt: skip
            curve.setVisible(self.classification)
            curve.setData(*finite_xy(epoch, a[key]))
        self.plot.getAxis("right").setVisible(self.classification)
        self._update_info()

    def _show_accuracy_in_legend(self, shown: bool) -> None:
        """Regression has no accuracy: its legend entries go (and come back for classification)."""
        entries = ((self.train_accuracy, "train accuracy"), (self.test_accuracy, "test accuracy"))
        listed = self.legend.getLabel(self.train_accuracy) is not None
        if shown and not listed:
            for item, name in entries:
                self.legend.addItem(item, name)
        elif listed and not shown:
            for item, _ in entries:
                self.legend.removeItem(item)

    def _on_mouse(self, pos) -> None:
        inside = self.plot.vb.sceneBoundingRect().contains(pos)
        self.cursor.setVisible(inside and self.arrays is not None)
        self._hover_epoch = None
        if inside and self.arrays is not None and len(self.arrays["epoch"]):
            x = self.plot.vb.mapSceneToView(pos).x()
            epochs = self.arrays["epoch"]
            index = int(np.clip(np.searchsorted(epochs, x), 0, len(epochs) - 1))
            if index > 0 and abs(epochs[index - 1] - x) < abs(epochs[index] - x):
                index -= 1
            self._hover_epoch = index
            self.cursor.setValue(epochs[index])
        self._update_info()

    def _update_info(self) -> None:
        a = self.arrays
        if a is None or not len(a["epoch"]):
            self.set_info("")
            return
        index = len(a["epoch"]) - 1 if self._hover_epoch is None else self._hover_epoch
        index = min(index, len(a["epoch"]) - 1)
        text = f"epoch {int(a['epoch'][index])} · train {fmt(a['train_loss'][index])}"
        if np.isfinite(a["test_loss"][index]):
            text += f" · test {fmt(a['test_loss'][index])}"
        if self.classification and np.isfinite(a["train_accuracy"][index]):
            text += f" · accuracy {a['train_accuracy'][index]:.0%}"
            if np.isfinite(a["test_accuracy"][index]):
                text += f"\u00a0/\u00a0{a['test_accuracy'][index]:.0%}"  # wrapped as one
        self.set_info(text)

    def csv_table(self):
        a = self.arrays
        if a is None:
            return list(COLUMNS), []
        return list(COLUMNS), epoch_rows(a["epoch"], *(a[c] for c in COLUMNS[1:]))
