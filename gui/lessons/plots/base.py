"""What every figure of the Lessons tab shares: a title, a line of numbers, a frame that lights
up when the lesson points at it, the colours of the runs, and (for plots) a pyqtgraph layout
whose right-click menu saves a PNG.

A figure builds its items once and shows a :class:`core.lessons.LessonResult` with
:meth:`LessonFigure.show_result`, which only calls ``setData`` and friends.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QImage, QPen
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.lessons.fonts import scale_fonts, set_base_points
from gui.plot_style import BACKGROUND, FOREGROUND, LogAxis, plot_legend

RUN_COLOURS = ("#1f77b4", "#e6550d", "#2ca02c", "#7b3294", "#8c564b", "#d62728")
FOCUS_STYLE = "QFrame#focused { border: 3px solid #f0b400; border-radius: 4px; }"
PLAIN_STYLE = "QFrame#plain { border: 1px solid #dcdcdc; border-radius: 4px; }"


def run_colour(k: int) -> str:
    return RUN_COLOURS[k % len(RUN_COLOURS)]


def run_pen(k: int, width: float = 2.0, style=Qt.PenStyle.SolidLine):
    return pg.mkPen(run_colour(k), width=width, style=style)


def run_item(plot: pg.PlotItem, items: list, k: int, symbol_size: int) -> pg.PlotDataItem:
    """The curve with markers of run ``k``, made (with those of the runs before it) on first use."""
    while len(items) <= k:
        j = len(items)
        item = pg.PlotDataItem(pen=run_pen(j, 2.5), symbol="o", symbolSize=symbol_size,
                               symbolPen=pg.mkPen(run_colour(j)),
                               symbolBrush=pg.mkBrush(run_colour(j)))  # fmt: skip
        plot.addItem(item)
        items.append(item)
    return items[k]


def live_pen(k: int) -> QPen:
    """The live run: run ``k``'s colour, wider, dashed, so that it reads over the run it
    repeats."""
    return pg.mkPen(run_colour(k), width=4.0, style=Qt.PenStyle.DashLine)


def live_head(plot: pg.PlotItem, k: int) -> pg.ScatterPlotItem:
    """The marker at the newest epoch of a live curve: a white disc ringed in run ``k``'s
    colour."""
    head = pg.ScatterPlotItem(symbol="o", size=13, pen=pg.mkPen(run_colour(k), width=3),
                              brush=pg.mkBrush("#ffffff"))  # fmt: skip
    head.setZValue(20)
    plot.addItem(head)
    return head


def live_note(live) -> str:
    """"live · <run>: epoch 12 of 50" (or where it diverged)."""
    n, total = len(live.history), live.config.epochs
    if live.status == "diverged":
        return f"{live.label}: diverged at epoch {live.diverged_epoch}"
    return f"{live.label}: epoch {n} of {total}"


def make_legend(plot: pg.PlotItem, offset=(-10, 10)) -> pg.LegendItem:
    return plot_legend(plot, offset=offset, labelTextColor=FOREGROUND,
                       brush=pg.mkBrush(255, 255, 255, 220),
                       pen=pg.mkPen("#c8c8c8"))  # fmt: skip


class FineLogAxis(LogAxis):
    """A log axis that, over less than about two and a half decades, also labels 2 and 5 × 10^k, so
    that a loss between 0.2 and 1 still has numbers on its axis."""

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N803 (pyqtgraph)
        if not self.logMode or maxVal - minVal > 2.5:
            return super().tickValues(minVal, maxVal, size)
        major, minor = [], []
        for decade in range(math.floor(minVal), math.ceil(maxVal) + 1):
            for m in range(1, 10):
                value = decade + math.log10(m)
                if minVal <= value <= maxVal:
                    (major if m in (1, 2, 5) else minor).append(value)
        return [(None, major), (None, minor)]


def unbroken(label: str) -> str:
    """``label`` as rich text that wraps only between entries: an entry broken over two lines
    ("momentum," / "η = 0.021") reads as if its η belonged to the next run."""
    return html.escape(label).replace(" ", "&nbsp;")


def colour_key(labels: list[str]) -> str:
    """Rich text: a coloured square and the label of each run."""
    return "&nbsp;&nbsp; ".join(
        f'<span style="color: {run_colour(k)};">■</span>&nbsp;{unbroken(label)}'
        for k, label in enumerate(labels)
    )


LEGEND_MAX_SHARE = 0.25  # a legend over more of its plot than this moves into the key


def _item_colour(item) -> tuple[str, bool]:
    """The colour a legend entry's curve is drawn in, and whether its line is dashed."""
    opts = getattr(item, "opts", {})
    pen = opts.get("pen")
    if pen is not None:
        pen = pg.mkPen(pen)
        if pen.style() != Qt.PenStyle.NoPen:
            return pen.color().name(), pen.style() == Qt.PenStyle.DashLine
    brush = opts.get("symbolBrush") or opts.get("brush")
    colour = pg.mkBrush(brush).color().name() if brush is not None else FOREGROUND
    return colour, False


def legend_extent(legend: pg.LegendItem) -> tuple[float, float]:
    """The width and height ``legend`` takes when shown, from its texts and swatches as they
    are now (a hidden legend does not lay itself out again when its text size changes)."""
    width = height = 0.0
    for sample, label in legend.items:
        text = label.item.boundingRect()
        width = max(width, sample.boundingRect().width() + text.width())
        height += max(sample.boundingRect().height(), text.height())
    left, top, right, bottom = legend.layout.getContentsMargins()
    return (width + left + right + legend.layout.horizontalSpacing(),
            height + top + bottom + legend.layout.verticalSpacing() * max(len(legend.items) - 1, 0))


LEGEND_PAD = 10  # pixels between a legend and the corner of its plot


def data_points(box: pg.ViewBox) -> tuple[np.ndarray, np.ndarray]:
    """The points of every curve and scatter in ``box``, in its own pixels (k × 2), and
    whether each is an end: the first or last of its curve, or one of a scatter of a few (a
    start marked by a star)."""
    parts, ends = [], []
    for item in box.addedItems:
        if isinstance(item, (pg.PlotDataItem, pg.PlotCurveItem, pg.ScatterPlotItem)) and (
                item.isVisible()):
            x, y = item.getData()
            if x is None or not len(x):
                continue
            parts.append(np.column_stack([x, y]).astype(float))
            end = np.zeros(len(x), dtype=bool)
            end[[0, -1]] = True
            ends.append(end | (len(x) <= 3))
    if not parts:
        return np.zeros((0, 2)), np.zeros(0, dtype=bool)
    xy, end = np.vstack(parts), np.concatenate(ends)
    keep = np.isfinite(xy).all(axis=1)
    xy, end = xy[keep], end[keep]
    t = box.childGroup.transform()  # the view's numbers to the box's pixels
    return np.column_stack([t.m11() * xy[:, 0] + t.m21() * xy[:, 1] + t.m31(),
                            t.m12() * xy[:, 0] + t.m22() * xy[:, 1] + t.m32()]), end


END_WEIGHT = 1000  # covering where a curve starts or ends outweighs covering its middle


def freest_corner(legend: pg.LegendItem) -> tuple[tuple[float, float], bool]:
    """The legend offset of the corner of its plot where it covers the fewest data points (the
    ends of curves weigh most; where it is, of equals), and whether that corner covers an
    end."""
    box = legend.parentItem()
    p = LEGEND_PAD
    now = tuple(legend.opts.get("offset") or (-p, p))
    if not isinstance(box, pg.ViewBox) or not legend.items:
        return now, False
    points, ends = data_points(box)
    width, height = legend_extent(legend)
    W, H = box.width(), box.height()

    def covered(offset) -> int:
        x0 = offset[0] if offset[0] >= 0 else W + offset[0] - width
        y0 = offset[1] if offset[1] >= 0 else H + offset[1] - height
        inside = ((points[:, 0] >= x0) & (points[:, 0] <= x0 + width)
                  & (points[:, 1] >= y0) & (points[:, 1] <= y0 + height))
        return int(inside.sum() + (END_WEIGHT - 1) * (inside & ends).sum())

    corners = [now] + [c for c in ((-p, p), (p, p), (-p, -p), (p, -p)) if c != now]
    best = min(corners, key=covered)
    return best, covered(best) >= END_WEIGHT


def legend_key(legend: pg.LegendItem) -> str:
    """Rich text: the entries of ``legend`` as coloured squares (dashes for a dashed line)."""
    parts = []
    for sample, label in legend.items:
        colour, dashed = _item_colour(sample.item)
        mark = "- -" if dashed else "■"
        parts.append(f'<span style="color: {colour};"><b>{mark}</b></span>&nbsp;'
                     f"{unbroken(label.text)}")  # fmt: skip
    return "&nbsp;&nbsp; ".join(parts)


EXPORT_SCALE = 2.0  # saved images are drawn at twice the size on screen
PLOT_MIN_HEIGHT = 170  # pixels at text scale 1


class PlotView(pg.GraphicsLayoutWidget):
    """A figure's plots. It asks for no more than its least size, so that a lesson page that
    fills the tab gives each plot the room left (by the page's stretch factors) and a page
    that does not fit scrolls at once instead of squeezing the text above the plots."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return QSize(max(self.minimumWidth(), 120), max(self.minimumHeight(), 120))


class LessonFigure(QFrame):
    """A titled figure; ``self.body`` is the layout subclasses fill (``add_plot_view`` adds a
    pyqtgraph layout to it)."""

    title = ""
    legend_as_key = False  # True: a plot whose data leave no corner free for a legend

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("plain")
        self.setStyleSheet(PLAIN_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        self.header = QHBoxLayout()
        self.heading = QLabel(f"<b>{self.title}</b>")
        self.heading.setWordWrap(True)  # a long title must not widen the window
        self.header.addWidget(self.heading, 1)
        layout.addLayout(self.header)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setWordWrap(True)
        self.info.setStyleSheet(f"color: {FOREGROUND}; border: none;")
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.info)
        self.key = QLabel()
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.key.setWordWrap(True)
        self.key.setStyleSheet("border: none;")
        self.key.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.key.hide()
        layout.addWidget(self.key)
        self.body = QVBoxLayout()
        layout.addLayout(self.body, 1)
        self.view: pg.GraphicsLayoutWidget | None = None
        self.ask_image_path = self._ask_image_path

    def add_scrolling_row(self, rows: int = 1):
        """A row (between two stretches) in a strip that scrolls sideways rather than widen
        the window, added to the body: (row, scroll), or with ``rows`` > 1 ([rows], scroll),
        the rows one under the other."""
        made = []
        for _ in range(rows):
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addStretch(1)
            row.addStretch(1)
            made.append(row)
        strip = QWidget()
        if rows == 1:
            strip.setLayout(made[0])
        else:
            column = QVBoxLayout(strip)
            column.setContentsMargins(0, 0, 0, 0)
            for row in made:
                column.addLayout(row)
        scroll = QScrollArea()
        scroll.setWidget(strip)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body.addWidget(scroll)
        return (made[0] if rows == 1 else made), scroll

    def _fit_key(self) -> None:
        """The key's height: its text wrapped at the figure's width (a wrapped label of fixed
        height, so that the plot below cannot squeeze it to nothing)."""
        width = max(self.contentsRect().width() - 12, 60)
        height = self.key.heightForWidth(width) if self.key.text() else 0
        if self.key.height() != height or self.key.minimumHeight() != height:
            self.key.setFixedHeight(max(height, 0))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        if self.key.isVisible():
            self._fit_key()

    def set_text_scale(self, scale: float) -> None:
        """Title, line of numbers, colour key, header controls, tables and notes at the app's
        text scale. Set on each widget: one with a style sheet (or under the presenter's)
        takes no parent font."""
        from gui.lessons.plots.matrix import MatrixTable

        set_base_points(self.heading, 10.5)
        set_base_points(self.info, 9.0)
        set_base_points(self.key, 9.0)
        scale_fonts(self, scale)
        self.text_scale = scale
        if self.view is not None:  # a plot keeps room for its data beside its larger text
            self.view.setMinimumHeight(round(PLOT_MIN_HEIGHT * max(1.0, scale)))
        for table in self.findChildren(MatrixTable):
            table.refit()
        self.sync_legend()

    def sync_legend(self, *_) -> None:
        """A legend that would cover much of the plot (large text, a small plot, long labels)
        gives its entries to the colour key above the plot instead; so does one of a figure
        whose data leave no corner free (``legend_as_key``), or none without a curve's start or
        end. Else it goes to the corner where it covers the fewest points."""
        legend = getattr(self, "legend", None)
        if legend is None:
            return
        box = legend.parentItem()
        if not getattr(self, "_legend_followed", False) and hasattr(box, "sigResized"):
            box.sigResized.connect(self.sync_legend)  # the plot's size decides it too
            box.sigTransformChanged.connect(self.sync_legend)  # and where its data are drawn
            self._legend_followed = True
        as_key = self.legend_as_key
        if not as_key and box is not None and legend.items:
            # the plot's height without the key, so that showing the key changes nothing
            key = self.key.height() + self.layout().spacing() if self.key.isVisible() else 0
            area = box.width() * (box.height() + key)
            width, height = legend_extent(legend)
            as_key = area > 0 and width * height > LEGEND_MAX_SHARE * area
        corner = None
        if not as_key and box is not None:  # the freest corner; none that leaves every start
            corner, as_key = freest_corner(legend)  # and end of a curve free: the key
        if legend.isVisible() == as_key:
            legend.setVisible(not as_key)
            if not as_key:  # shown again: its entries made anew, sized to their text now
                entries = [(sample.item, label.text) for sample, label in legend.items]
                legend.clear()
                for item, name in entries:
                    legend.addItem(item, name)
        if corner is not None and not as_key and corner != tuple(legend.opts.get("offset") or ()):
            legend.setOffset(corner)
        text = legend_key(legend) if as_key else ""
        if self.key.text() != text:
            self.key.setText(text)
        self.key.setVisible(bool(text))
        self._fit_key()

    def legend_shown_as_key(self) -> bool:
        """Whether the legend's entries are in the key above the plot (for tests)."""
        legend = getattr(self, "legend", None)
        return legend is not None and not legend.isVisible() and not self.key.isHidden()

    def add_plot_view(self) -> pg.GraphicsLayoutWidget:
        view = PlotView()
        view.setBackground(BACKGROUND)
        view.ci.setContentsMargins(2, 2, 2, 2)
        save = QAction("Save image…", self)
        save.triggered.connect(self.save_image_dialog)
        view.scene().contextMenu = [save]  # pyqtgraph's own exporters fail on Qt 6 (SVG)
        self.body.addWidget(view, 1)
        self.view = view
        return view

    def set_title(self, title: str) -> None:
        text = f"<b>{title}</b>"
        if self.heading.text() != text:
            self.heading.setText(text)

    def set_info(self, text: str) -> None:
        if self.info.text() != text:
            self.info.setText(text)

    def set_key(self, labels: list[str], note: str = "") -> None:
        """A colour key of the runs (instead of a legend over the data)."""
        text = colour_key(labels) + (f"&nbsp;&nbsp; <i>{html.escape(note)}</i>" if note else "")
        if self.key.text() != text:
            self.key.setText(text)
        self.key.setVisible(bool(labels))
        self._fit_key()

    def set_focused(self, on: bool) -> None:
        """A coloured frame: the lesson points at this figure."""
        name = "focused" if on else "plain"
        if self.objectName() != name:
            self.setObjectName(name)
            self.setStyleSheet(FOCUS_STYLE if on else PLAIN_STYLE)

    @property
    def focused(self) -> bool:
        return self.objectName() == "focused"

    def show_result(self, result) -> None:
        raise NotImplementedError

    # -- a run trained live (see gui.lessons.live_view) -------------------------------------

    def show_live(self, result, live, k: int) -> None:
        """Draw ``live`` (a RunResult of :func:`core.lessons.live.live_run`, the run ``k`` of
        ``result`` as trained so far) over the lesson's runs; figures without a live view keep
        what they show."""

    def clear_live(self) -> None:
        """Take the live run away again."""

    # -- saving ---------------------------------------------------------------------------

    def _ask_image_path(self) -> str:
        name = self.title.lower().replace(" ", "_").replace(",", "") + ".png"
        path, _ = QFileDialog.getSaveFileName(self, f"Save {self.title}", name,
                                              "PNG image (*.png)")  # fmt: skip
        return path

    def save_image_dialog(self) -> None:
        path = self.ask_image_path()
        if path:
            self.save_image(path)

    def save_image(self, path: str, scale: float = EXPORT_SCALE) -> None:
        """The figure as a PNG ``scale`` times its size on screen, drawn (not enlarged) at that
        resolution, so that it stays sharp on a slide."""
        image = QImage(round(self.width() * scale), round(self.height() * scale),
                       QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(scale)
        image.fill(QColor(BACKGROUND))
        self.render(image)
        if not image.save(path, "PNG"):
            window = self.window()
            show = getattr(window, "show_error", None)
            if show is not None:
                show("Cannot save image", f"could not write {path}")
