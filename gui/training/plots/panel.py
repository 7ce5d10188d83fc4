"""What every training plot shares: a header (title, options, a line of numbers, Export) over a
pyqtgraph layout, and export to PNG, SVG (through QSvgGenerator) and CSV.

pyqtgraph's own SVG exporter fails on Qt 6 paths, so its "Export…" entry in the right-click menu
is replaced by ours; scatters are drawn point by point into the SVG (see vector_scatters).
"""
from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.plot_style import BACKGROUND, FOREGROUND, ScaledLegend, write_csv
from gui.steady_label import SteadyLabel

TAG = re.compile(r"<[^>]*>")  # markup, for measuring a rich-text line

EXPORT_FILTER = "PNG image (*.png);;SVG drawing (*.svg);;CSV data (*.csv)"
PNG_SCALE = 2  # PNG exports have at least twice the on-screen resolution
MAX_SVG_POINTS = 3000  # points per scatter in an SVG; larger scatters are subsampled


class TimedLayoutWidget(pg.GraphicsLayoutWidget):
    """A pyqtgraph layout that says when it paints (``painting(True)``, ``painting(False)``)
    and how long each paint took (``painted(seconds)``)."""

    painting = Signal(bool)
    painted = Signal(float)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.painting.emit(True)
        start = time.perf_counter()
        try:
            super().paintEvent(event)
        finally:
            self.painting.emit(False)
        self.painted.emit(time.perf_counter() - start)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        # A legend in the layout (above its plot) gets the view's width to wrap into.
        layout = getattr(self, "ci", None)  # (pyqtgraph resizes before it has one)
        for item in [] if layout is None else list(layout.items):
            if isinstance(item, ScaledLegend):
                item.fit_width(max(self.width() - 16, 50))
        super().resizeEvent(event)


class PlotPanel(QWidget):
    """A titled pyqtgraph layout (``self.view``) with an Export button.

    Subclasses build their items once in ``__init__`` and update them with ``setData`` in
    :meth:`on_snapshot` (called by the Training tab, which paces the plots); :meth:`csv_table`
    returns the numbers the plot shows.
    """

    title = ""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        self.header = QHBoxLayout()
        heading = self.heading = QLabel(f"<b>{self.title}</b>")
        self.header.addWidget(heading)
        self.header.addStretch(1)
        self.export_button = QToolButton()
        self.export_button.setText("Export…")
        self.export_button.setToolTip("Save this plot as PNG or SVG, or its numbers as CSV")
        self.export_button.clicked.connect(self.export_dialog)
        self.header.addWidget(self.export_button)
        layout.addLayout(self.header)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setStyleSheet(f"color: {FOREGROUND};")
        # A long line of numbers wraps (large text, a narrow column); it must not widen the
        # window. Wrapping is switched on only while the line needs it.
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.info_box = SteadyLabel(self.info)  # a new line of numbers re-lays out nothing
        layout.addWidget(self.info_box)
        self.view = TimedLayoutWidget()
        # Rows share the tab's height by their stretch, not by the axes' and legend's own minimum
        # (which in large text would squeeze the representation row below to nothing).
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.view.setMinimumHeight(120)
        self.view.setBackground(BACKGROUND)
        self.view.ci.setContentsMargins(2, 2, 2, 2)
        export = QAction("Export…", self)
        export.triggered.connect(self.export_dialog)
        self.view.scene().contextMenu = [export]
        layout.addWidget(self.view, 1)
        self.ask_export_path = self._ask_export_path
        self.shown_epoch: int | None = None  # the epoch of the snapshot drawn last
        controller.data_changed.connect(self.on_data_changed)

    def add_header_widget(self, widget: QWidget) -> None:
        self.header.insertWidget(1, widget)

    def set_info(self, text: str) -> None:
        if self.info.text() != text:
            self._wrap_if_needed(text)
            self.info.setText(text)

    def _wrap_if_needed(self, text: str) -> None:
        plain = TAG.sub("", text) if self.info.textFormat() == Qt.TextFormat.RichText else text
        width = QFontMetrics(self.info.font()).horizontalAdvance(plain)
        wrap = width > self.info_box.width() - 2  # the box's: set by the layout even while hidden
        if wrap != self.info.wordWrap():
            self.info.setWordWrap(wrap)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        self._wrap_if_needed(self.info.text())

    def set_text_scale(self, scale: float) -> None:
        """The header's title and its line of numbers at the app's text scale (set as style
        sheets: a label with a style sheet does not take its parent's font)."""
        self.heading.setStyleSheet(f"font-size: {round(13 * scale)}px;")
        self.info.setStyleSheet(f"color: {FOREGROUND}; font-size: {round(12 * scale)}px;")
        for k in range(self.header.count()):  # the header's check boxes, menus and buttons
            widget = self.header.itemAt(k).widget()
            if widget is not None and widget is not self.heading:
                font = QFont(widget.font())
                font.setPointSizeF(9.5 * scale)
                widget.setFont(font)

    # -- subclasses -----------------------------------------------------------------------

    def on_snapshot(self, snapshot) -> None:
        raise NotImplementedError

    def clear_run(self) -> None:
        """There is no run to show: empty every curve, scatter and image of the run (a
        subclass keeps what belongs to the data, such as the boundary's points)."""
        keep = set(self.kept_items())
        for item in self.view.scene().items():
            if item in keep:
                continue
            if isinstance(item, (pg.PlotDataItem, pg.ScatterPlotItem)):
                item.setData([], [])
            elif isinstance(item, pg.ImageItem):
                item.clear()
        for name in ("arrays", "snapshot", "grid"):  # what the subclasses keep of the last frame
            if hasattr(self, name):
                setattr(self, name, None)
        self.set_info("")
        self.shown_epoch = None

    def kept_items(self) -> tuple:
        """Items :meth:`clear_run` leaves alone."""
        return ()

    def on_data_changed(self) -> None:
        """The data set changed (the next snapshot follows)."""

    def csv_table(self) -> tuple[list[str], list[list[float]]]:
        raise NotImplementedError

    # -- export ---------------------------------------------------------------------------

    extra_exports: tuple[tuple[str, str], ...] = ()  # (file filter, method name) of a subclass

    def _ask_export_path(self) -> tuple[str, str]:
        name = self.title.lower().replace(" ", "_").replace("/", "_")
        filters = ";;".join([EXPORT_FILTER] + [f for f, _ in self.extra_exports])
        path, chosen = QFileDialog.getSaveFileName(self, f"Export {self.title}", name, filters)
        if path and not os.path.splitext(path)[1]:
            path += "." + chosen.split("*.")[-1].rstrip(")")
        return path, chosen

    def export_dialog(self) -> None:
        answer = self.ask_export_path()
        path, chosen = answer if isinstance(answer, tuple) else (answer, "")
        if not path:
            return
        try:
            method = dict(self.extra_exports).get(chosen)
            getattr(self, method)(path) if method else self.export(path)
        except (OSError, ValueError) as exc:
            window = self.window()
            show = getattr(window, "show_error", None)
            if show is not None:
                show("Cannot export", str(exc))

    def export(self, path: str) -> None:
        """Write the plot to ``path``: .png (at least twice the on-screen resolution), .svg or
        .csv by its extension."""
        ext = os.path.splitext(path)[1].lower()
        if ext == ".csv":
            header, rows = self.csv_table()
            write_csv(path, header, rows)
        elif ext == ".svg":
            self._export_svg(path)
        elif ext == ".png":
            if not self.render_image().save(path, "PNG"):
                raise OSError(f"could not write {path}")
        else:
            raise ValueError(f"{os.path.basename(path)}: export as .png, .svg or .csv")

    def render_image(self) -> QImage:
        """The plot drawn at :data:`PNG_SCALE` × its size in pixels (at least; more on a
        high-density screen), on white."""
        size = self.view.size()
        scale = max(PNG_SCALE, PNG_SCALE * self.devicePixelRatioF())
        image = QImage(round(size.width() * scale), round(size.height() * scale),
                       QImage.Format.Format_ARGB32)  # fmt: skip
        image.fill(QColor(BACKGROUND))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        try:
            self.view.render(painter)
        finally:
            painter.end()
        return image

    def _export_svg(self, path: str) -> None:
        size = self.view.size()
        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(QSize(size.width(), size.height()))
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setTitle(self.title)
        painter = QPainter()
        with vector_scatters(self.view.scene()):
            if not painter.begin(generator):
                raise OSError(f"could not write {path}")
            try:
                self.view.render(painter)
            finally:
                painter.end()


@contextmanager
def vector_scatters(scene):
    """While drawing into an SVG: every scatter draws each point as its own symbol in its own
    colours (pyqtgraph's cached pixmap atlas comes out wrong in SVG), and a scatter of more than
    :data:`MAX_SVG_POINTS` points is drawn as an evenly chosen subset of that many."""
    scatters = [item for item in scene.items()
                if isinstance(item, pg.ScatterPlotItem) and item.isVisible()]  # fmt: skip
    stand_ins = []
    for item in scatters:
        count = len(item.data)
        if count > MAX_SVG_POINTS:
            keep = np.random.default_rng(0).choice(count, MAX_SVG_POINTS, replace=False)
            keep.sort()
            rows = item.data[keep]
            brushes = [b if b is not None else item.opts["brush"] for b in rows["brush"]]
            pens = [p if p is not None else item.opts["pen"] for p in rows["pen"]]
            stand_in = pg.ScatterPlotItem(x=rows["x"], y=rows["y"], brush=brushes, pen=pens,
                                          symbol=item.opts["symbol"], size=item.opts["size"])
            stand_in.setParentItem(item.parentItem())
            stand_in.setZValue(item.zValue())
            item.hide()
            stand_ins.append((item, stand_in))
    drawn = [item for item in scatters if item.isVisible()] + [s for _, s in stand_ins]
    for item in drawn:
        item.setExportMode(True, {"antialias": True, "resolutionScale": 1.0})
    try:
        yield
    finally:
        for item in drawn:
            item.setExportMode(False)
        for item, stand_in in stand_ins:
            stand_in.setParentItem(None)
            scene.removeItem(stand_in)
            item.show()
