"""A network of linear hidden units is one layer in disguise. Above: every weight matrix, last
layer first, and their product W = W⁽ᴸ⁾⋯W⁽¹⁾ with its bias. Below: the network's outputs against
the one product layer's outputs on the same inputs (on the diagonal: the same predictions), and
the network's decision boundary with the product's line w·x + b = 0 over it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from core.lessons import EXTENT, decision_grid, line_segments
from core.lessons.live import with_live
from core.notation import fmt
from gui.lessons.fonts import scale_fonts, set_base_points, text_scale
from gui.lessons.plots.base import LessonFigure, live_note
from gui.lessons.plots.matrix import MatrixTable
from gui.lessons.plots.regions import BoundaryMap
from gui.plot_style import plane_plot

GRID = 81
DIAGONAL_PEN = pg.mkPen("#9a9a9a", width=1, style=Qt.PenStyle.DashLine)
PRODUCT_PEN = pg.mkPen("#ffd400", width=2, style=Qt.PenStyle.DashLine)


def _operator(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("border: none;")
    set_base_points(label, 15.0)
    label.setContentsMargins(2, 0, 2, 0)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class LiveCollapse:
    """For the figures of linear units: a live run shows its network now in place of the
    trained one (the matrices, their product, the predictions and the boundary)."""

    result = None
    live_epoch: int | None = None

    def remember(self, result) -> None:
        if self.live_epoch is None:
            self.result = result

    def show_live(self, result, live, k: int) -> None:
        self.remember(result)
        self.live_epoch = len(live.history)
        self.show_result(with_live(self.result, k, live))
        self.set_info(f"{live_note(live)} · {self.info.text()}")

    def clear_live(self) -> None:
        if self.live_epoch is not None:
            self.live_epoch = None
            if self.result is not None:
                self.show_result(self.result)


class CollapseView(LiveCollapse, LessonFigure):
    title = "The weight matrices and the one matrix they multiply to"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # Deep networks give a long row of matrices: "= W + b" goes on a row of its own below
        # when it does not fit beside them (presenter mode), and what still does not scrolls
        # rather than widen the window.
        (self.row, self.result_row), self.scroll = self.add_scrolling_row(rows=2)
        for row in (self.row, self.result_row):
            row.setSpacing(3)
        self.wrapped = False  # "= W + b" on the row below
        self.layers_built = -1
        self.layer_tables: list[MatrixTable] = []
        self.operators: list[QLabel] = []
        self.product_table = MatrixTable(headers=False)
        self.bias_table = MatrixTable(headers=False)
        self.equals = _operator("=")
        self.plus = _operator("+")
        self.body.addStretch(1)

    def _rebuild_row(self, layers: int) -> None:
        """Tables for ``layers`` matrices, then = product + bias, between two stretches."""
        for row in (self.row, self.result_row):
            while row.count() > 2:
                item = row.takeAt(1)
                if item.widget() is not None:
                    item.widget().setParent(None)
        while len(self.layer_tables) < layers:
            self.layer_tables.append(MatrixTable(headers=False))
            self.operators.append(_operator("×"))
        widgets = []
        for k in reversed(range(layers)):
            widgets.append(self.layer_tables[k])
            if k > 0:
                widgets.append(self.operators[k])
        for position, widget in enumerate(widgets, start=1):
            self.row.insertWidget(position, widget)
            widget.show()
        self.layers_built = layers
        self._place_result()
        scale_fonts(self, text_scale(self))  # new tables and signs at the figure's text scale

    def _result_widgets(self) -> list:
        return [self.equals, self.product_table, self.plus, self.bias_table]

    def _wrap(self, wrapped: bool) -> None:
        """"= W + b" beside the matrices (False) or on the row below them (True)."""
        if wrapped != self.wrapped:
            self.wrapped = wrapped
            self._place_result()

    def _place_result(self) -> None:
        """The result widgets after the matrices, or (wrapped) on the row below them."""
        row = self.result_row if self.wrapped else self.row
        start = 1 if self.wrapped else row.count() - 1
        for k, widget in enumerate(self._result_widgets()):
            row.insertWidget(start + k, widget)  # (taken from the other row)
            widget.show()

    def _fits_one_row(self) -> bool:
        widgets = [self.row.itemAt(k).widget() for k in range(self.row.count())]
        widgets = [w for w in widgets if w is not None and w not in self._result_widgets()]
        widgets += self._result_widgets()
        needed = (sum(w.sizeHint().width() for w in widgets)
                  + self.row.spacing() * (len(widgets) + 1))  # fmt: skip
        return needed <= self.scroll.viewport().width()

    def show_result(self, result) -> None:
        self.remember(result)
        e = result.extras
        matrices = e["matrices"]
        if self.layers_built != len(matrices):
            self._rebuild_row(len(matrices))
        scale = max(float(np.abs(M).max()) for M in matrices)
        for k, (table, W) in enumerate(zip(self.layer_tables, matrices)):
            table.set_caption(f"W<sup>({k + 1})</sup> ({W.shape[0]} × {W.shape[1]})")
            table.set_matrix(W, digits=2, scale=scale)
        order = "".join(f"W<sup>({k})</sup>" for k in range(len(matrices), 0, -1))
        P = e["product"]
        self.product_table.set_caption(f"<b>W = {order}</b> ({P.shape[0]} × {P.shape[1]})")
        self.product_table.set_matrix(P, digits=4)
        self.bias_table.set_caption("<b>bias b</b>")
        self.bias_table.set_matrix(e["product_bias"][None, :].T, digits=4)
        self._fit_strip()
        self.set_info("A linear unit passes z on unchanged, so the layers multiply out: "
                      f"z = W x + b for the {len(matrices)}-layer network after training.")

    def _fit_strip(self) -> None:
        """The row of matrices as tall as its tables (a scrollbar below when it is wide), the
        result below them when it does not fit beside them."""
        if self.layers_built >= 0:
            self._wrap(not self._fits_one_row())
        strip = self.scroll.widget()
        strip.adjustSize()
        bar = self.scroll.horizontalScrollBar().sizeHint().height()
        self.scroll.setFixedHeight(strip.sizeHint().height() + bar + 4)

    def set_text_scale(self, scale: float) -> None:
        super().set_text_scale(scale)
        self._fit_strip()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        if self.layers_built >= 0 and self.wrapped == self._fits_one_row():
            self._fit_strip()

    def product_shown(self) -> np.ndarray:
        return self.product_table.matrix


class PredictionScatter(LiveCollapse, LessonFigure):
    """Each input as a point: the network's output across, the product layer's up."""

    title = "Same predictions: the network against the product layer"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        plot = self.plot = plane_plot(
            self.add_plot_view(), "output of the whole network", "output of the product layer"
        )
        self.diagonal = pg.PlotDataItem([0, 1], [0, 1], pen=DIAGONAL_PEN)
        plot.addItem(self.diagonal)
        self.points = pg.ScatterPlotItem(size=5, pen=pg.mkPen(None),
                                         brush=pg.mkBrush(33, 102, 172, 140))  # fmt: skip
        plot.addItem(self.points)

    def show_result(self, result) -> None:
        self.remember(result)
        e = result.extras
        deep, single = e["deep_predictions"][:, 0], e["single_predictions"][:, 0]
        self.points.setData(deep, single)
        low = float(min(deep.min(), single.min()))
        high = float(max(deep.max(), single.max()))
        self.diagonal.setData([low, high], [low, high])
        self.plot.autoRange(padding=0.05)
        largest = fmt(result.measures["largest_difference"])
        self.set_info(f"{len(deep)} inputs (the training points and a grid): largest difference "
                      f"between the two outputs {largest}")  # fmt: skip


class CollapseBoundary(LiveCollapse, BoundaryMap):
    """The trained network's boundary, with the product layer's single line dashed over it."""

    title = "Decision boundary and the product's line"

    def __init__(self, parent=None) -> None:
        super().__init__(0, parent, line_pen=PRODUCT_PEN, numbered=False)
        self.lines_box.setText("product's line")

    def show_result(self, result) -> None:
        self.remember(result)
        net = result.runs[0].network
        xs = ys = np.linspace(-EXTENT, EXTENT, GRID)
        _, _, U = decision_grid(net, xs, ys)
        line = np.column_stack([result.extras["product"], result.extras["product_bias"]])
        segments = line_segments(line, (xs[0], xs[-1], ys[0], ys[-1]))
        self.show_map(xs, ys, U, result.train.X, result.train.Y, segments)
        accuracy = result.runs[0].measures.get("final_accuracy", float("nan"))
        self.set_info(f"training accuracy {accuracy:.0%}: the network's boundary (black) is the "
                      "product's straight line (yellow), which cannot enclose the inner "
                      "class")  # fmt: skip
