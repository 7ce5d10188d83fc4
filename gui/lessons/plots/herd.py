"""How alike the first hidden layer's units are. Each unit is taken as one vector: its incoming
weights, its bias and its outgoing weights. Left: the largest distance between two units, epoch
by epoch, per run (0 means every unit is the same). Right: the cosine similarity of every pair
of units after training (1 everywhere means a herd)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel

from core.notation import fmt
from gui.lessons.plots.base import LessonFigure, run_pen
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

    def show_result(self, result) -> None:
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
        self.set_key([run.label for run in result.runs])
        self.set_info(" · ".join(notes))


class SimilarityMatrices(LessonFigure):
    title = "Cosine similarity of the hidden units after training"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.row = QHBoxLayout()
        self.row.addStretch(1)
        self.row.addStretch(1)
        self.body.addLayout(self.row)
        note = QLabel("1 = two units point the same way (they compute the same thing); "
                      "0 = unrelated; −1 = opposite.")  # fmt: skip
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6368; border: none;")
        self.body.addWidget(note)
        self.tables: list[MatrixTable] = []

    def show_result(self, result) -> None:
        for k, run in enumerate(result.runs):
            while len(self.tables) <= k:
                table = MatrixTable()
                self.row.insertWidget(self.row.count() - 1, table)
                self.tables.append(table)
            C = run.extras["similarity_matrix"]
            names = [f"unit {j + 1}" for j in range(len(C))]
            self.tables[k].set_caption(f"<b>{run.label}</b>")
            self.tables[k].set_matrix(C, digits=2, scale=1.0, row_labels=names,
                                      column_labels=names)  # fmt: skip
            self.tables[k].setVisible(True)
        for table in self.tables[len(result.runs):]:
            table.setVisible(False)
        self.set_info(" · ".join(f"{run.label}: mean similarity "
                                 f"{fmt(run.measures['final_similarity'], 2)}"
                                 for run in result.runs))  # fmt: skip
