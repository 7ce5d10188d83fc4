"""How alike the first hidden layer's units are. Each unit is taken as one vector: its incoming
weights, its bias and its outgoing weights. Left: the largest distance between two units, epoch
by epoch, per run (0 means every unit is the same). Right: the cosine similarity of every pair
of units after training (1 everywhere means a herd)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel

from core.notation import fmt
from gui.lessons.fonts import set_base_points
from gui.lessons.plots.base import LessonFigure, live_head, live_note, live_pen, run_colour, run_pen
from gui.lessons.plots.matrix import MatrixTable
from gui.plot_style import style_plot


class SpreadPlot(LessonFigure):
    title = "How alike the hidden units are, epoch by epoch (mean cosine similarity)"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        view = self.add_plot_view()
        plot = view.addPlot()
        style_plot(plot)
        plot.setLabel("bottom", "epoch")
        plot.setLabel("left", "similarity of the units")
        self.plot = plot
        self.curves: list[pg.PlotDataItem] = []
        self.labels: list[str] = []
        self.summary = ""
        self.live_curve = pg.PlotDataItem()
        self.live_curve.setZValue(10)
        self.live_curve.hide()
        plot.addItem(self.live_curve)
        self.live_head = live_head(plot, 0)
        self.live_head.hide()

    def show_result(self, result) -> None:
        self.clear_live()
        notes = []
        for k, run in enumerate(result.runs):
            while len(self.curves) <= k:
                curve = pg.PlotDataItem(pen=run_pen(len(self.curves), 2.5))
                self.plot.addItem(curve)
                self.curves.append(curve)
            similarity = run.extras["similarity"]
            self.curves[k].setData(range(len(similarity)), similarity)
            self.curves[k].setVisible(True)
            notes.append(f"{run.label}: {fmt(similarity[0], 2)} → {fmt(similarity[-1], 2)}")
        for curve in self.curves[len(result.runs):]:
            curve.setVisible(False)
        last = max(len(run.extras["similarity"]) - 1 for run in result.runs)
        self.plot.setRange(xRange=(0, max(last, 1)), yRange=(-1.05, 1.05), padding=0.02)
        self.labels = [run.label for run in result.runs]
        self.set_key(self.labels)
        self.summary = " · ".join(notes)
        self.set_info(self.summary)

    def show_live(self, result, live, k: int) -> None:
        """The live run's similarity so far, dashed in its run's colour."""
        similarity = live.extras["similarity"]
        epochs = live.extras.get("epochs", range(len(similarity)))
        self.live_curve.setPen(live_pen(k))
        self.live_curve.setData(epochs, similarity)
        self.live_curve.show()
        self.live_head.setPen(pg.mkPen(run_colour(k), width=3))
        self.live_head.setData([epochs[-1]], [similarity[-1]])
        self.live_head.show()
        self.set_key(self.labels, "dashed: the run trained live")
        self.set_info(f"{self.summary}\n{live_note(live)}, similarity {fmt(similarity[0], 2)} "
                      f"→ {fmt(similarity[-1], 2)}")  # fmt: skip

    def clear_live(self) -> None:
        if self.live_curve.isVisible():
            self.live_curve.hide()
            self.live_head.hide()
            self.set_info(self.summary)
            self.set_key(self.labels)

    def live_values(self) -> list[float]:
        """The live similarity curve drawn ([] without a live run; for tests)."""
        c = self.live_curve
        return [] if not c.isVisible() or c.yData is None else list(c.yData)


class SimilarityMatrices(LessonFigure):
    title = "Cosine similarity of the hidden units after training"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # At a large text scale the tables need more than the window's width: they scroll.
        self.row, self.scroll = self.add_scrolling_row()
        note = QLabel("1 = two units point the same way (they compute the same thing); "
                      "0 = unrelated; −1 = opposite.")  # fmt: skip
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6368; border: none;")
        set_base_points(note, 8.5)
        self.body.addWidget(note)
        self.tables: list[MatrixTable] = []
        self.live_table = MatrixTable()
        self.live_table.hide()
        self.row.insertWidget(self.row.count() - 1, self.live_table)
        self.summary = ""

    def show_result(self, result) -> None:
        self.clear_live()
        for k, run in enumerate(result.runs):
            while len(self.tables) <= k:
                table = MatrixTable()
                self.row.insertWidget(self.row.indexOf(self.live_table), table)
                self.tables.append(table)
            C = run.extras["similarity_matrix"]
            names = [f"unit {j + 1}" for j in range(len(C))]
            self.tables[k].set_caption(f"<b>{run.label}</b>")
            self.tables[k].set_matrix(C, digits=2, scale=1.0, row_labels=names,
                                      column_labels=names)  # fmt: skip
            self.tables[k].setVisible(True)
        for table in self.tables[len(result.runs):]:
            table.setVisible(False)
        self._fit_strip()
        self.summary = " · ".join(f"{run.label}: mean similarity "
                                  f"{fmt(run.measures['final_similarity'], 2)}"
                                  for run in result.runs)  # fmt: skip
        self.set_info(self.summary)

    def show_live(self, result, live, k: int) -> None:
        """The live run's matrix now, after the lesson's."""
        C = live.extras["similarity_matrix"]
        names = [f"unit {j + 1}" for j in range(len(C))]
        self.live_table.set_caption(f'<b style="color: {run_colour(k)};">live</b>, '
                                    f"epoch {len(live.history)}")  # fmt: skip
        self.live_table.set_matrix(C, digits=2, scale=1.0, row_labels=names, column_labels=names)
        self.live_table.show()
        self._fit_strip()
        self.set_info(f"{self.summary}\n{live_note(live)}, mean similarity "
                      f"{fmt(live.measures['final_similarity'], 2)}")  # fmt: skip

    def clear_live(self) -> None:
        if not self.live_table.isHidden():
            self.live_table.hide()
            self._fit_strip()
            self.set_info(self.summary)

    def _fit_strip(self) -> None:
        """The row of tables as tall as they are (a scrollbar below when it is too wide)."""
        strip = self.scroll.widget()
        strip.adjustSize()
        wide = strip.sizeHint().width() > self.scroll.viewport().width()
        bar = self.scroll.horizontalScrollBar().sizeHint().height() if wide else 0
        self.scroll.setFixedHeight(strip.sizeHint().height() + bar + 2)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        self._fit_strip()

    def set_text_scale(self, scale: float) -> None:
        super().set_text_scale(scale)
        self._fit_strip()

    def table_cell_points(self) -> list[float]:
        """The point size the numbers of each shown table are drawn in (for tests)."""
        return [t.table.font().pointSizeF() for t in self.tables if not t.isHidden()]
