"""What every plot in the window shares, the Training tab's and the lessons' figures alike:
colours, axis styling, log axes, heat maps over the plane, data ranges and CSV writing."""

from __future__ import annotations

import csv
import math

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

BACKGROUND = "#ffffff"
FOREGROUND = "#303030"
# Colours of curves by role, and of layers (a light-to-dark ramp so layer 1 is the palest).
AXIS_WIDTH = 54  # pixels for a vertical axis with its label
TRAIN_COLOUR = "#2166ac"
TEST_COLOUR = "#d6604d"


def layer_colours(count: int) -> list[tuple[int, int, int]]:
    """``count`` colours from viridis, the first layer lightest and the last darkest."""
    cmap = pg.colormap.get("viridis")
    if count <= 1:
        return [tuple(int(c) for c in cmap.map(0.35, mode="byte")[:3])]
    return [tuple(int(c) for c in cmap.map(0.78 - 0.78 * k / (count - 1), mode="byte")[:3])
            for k in range(count)]  # fmt: skip


class LogAxis(pg.AxisItem):
    """An axis that, in log mode, is labelled at whole decades only (pyqtgraph's own labels
    2, 3, … 9 as well when the range spans few decades, which crowds them)."""

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N803 (pyqtgraph)
        if not self.logMode:
            return super().tickValues(minVal, maxVal, size)
        low, high = math.ceil(minVal), math.floor(maxVal)
        step = max(1, math.ceil((high - low + 1) / 6))
        major = [float(d) for d in range(low, high + 1, step)]
        minor = []
        if step == 1:
            for decade in range(math.floor(minVal), math.ceil(maxVal)):
                minor += [decade + math.log10(k) for k in range(2, 10)]
        return [(float(step), major), (None, [v for v in minor if minVal < v < maxVal])]


def set_log_axis(axis: pg.AxisItem, on: bool) -> None:
    """Log ticks on ``axis`` (whose data are log10 values), labelled at the decades only."""
    axis.setLogMode(on)
    axis.setStyle(maxTextLevel=0 if on else 2)


def history_curve(pen: QPen) -> pg.PlotDataItem:
    """A curve over the epochs: thousands of points are drawn as about two per pixel, and only
    those in view (the data given it are finite, see :func:`finite_xy`). Give it a pen of
    width 1: wider ones take Qt's software painter three times as long."""
    return pg.PlotDataItem(pen=pen, autoDownsample=True, downsampleMethod="peak",
                           clipToView=True, skipFiniteCheck=True)  # fmt: skip


def single_point(curve: pg.PlotDataItem) -> None:
    """Draw ``curve`` as a dot when it has one point (a line through one point is invisible),
    as a plain line otherwise."""
    x = curve.xData
    one = x is not None and len(x) == 1
    if one != (curve.opts["symbol"] is not None):
        pen = curve.opts["pen"]
        colour = pen.color() if isinstance(pen, QPen) else pg.mkPen(pen).color()
        curve.setSymbol("o" if one else None)
        if one:
            curve.setSymbolSize(6)
            curve.setSymbolBrush(colour)
            curve.setSymbolPen(None)


def style_plot(plot: pg.PlotItem) -> None:
    """Dark axes on the white background, a light grid, no pyqtgraph export menu entry."""
    for name in ("left", "bottom", "right"):
        axis = plot.getAxis(name)
        axis.enableAutoSIPrefix(False)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        axis.setPen(pg.mkPen(FOREGROUND))
        axis.setTextPen(pg.mkPen(FOREGROUND))
    # A fixed width: new tick labels (0.01 → 0.001) never re-lay out and repaint the whole plot.
    plot.getAxis("left").setWidth(AXIS_WIDTH)
    plot.getAxis("right").setWidth(AXIS_WIDTH)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setMenuEnabled(True)
    plot.hideButtons()


def plane_plot(view: pg.GraphicsLayoutWidget, bottom: str, left: str) -> pg.PlotItem:
    """A styled plot added to ``view`` with the same scale on both axes (a plane, not a curve)."""
    plot = view.addPlot()
    style_plot(plot)
    plot.setAspectLocked(True)
    plot.setLabel("bottom", bottom)
    plot.setLabel("left", left)
    return plot


def heat_map(plot: pg.PlotItem, colours: pg.ColorMap) -> pg.ImageItem:
    """An image added to ``plot`` that shows values 0 to 1 in ``colours``; see :func:`grid_rect`."""
    image = pg.ImageItem()
    image.setLookupTable(colours.getLookupTable(0.0, 1.0, 256))
    plot.addItem(image)
    return image


# The two grid edges (0: along the second axis, 1: along the first) each side of a marching
# square cell meets, for each of the 16 ways its corners can lie below the level (bit 1: corner
# [i, j], 2: [i + 1, j], 4: [i, j + 1], 8: [i + 1, j + 1]). Sides: 0 is edge 0 at (i, j), 1 is
# edge 1 at (i, j), 2 is edge 0 at (i + 1, j), 3 is edge 1 at (i, j + 1).
CELL_SIDES = ((), (0, 1), (1, 2), (0, 2), (0, 3), (1, 3), (0, 1, 2, 3), (2, 3), (2, 3),
              (0, 1, 2, 3), (1, 3), (0, 3), (0, 2), (1, 2), (0, 1), ())  # fmt: skip
CELL_FACES = [np.array([s[2 * k : 2 * k + 2] if len(s) > 2 * k else (-1, -1) for s in CELL_SIDES])
              for k in (0, 1)]  # fmt: skip


def contour_lines(data: np.ndarray, level: float) -> list[np.ndarray]:
    """The lines where ``data`` crosses ``level``, as pyqtgraph's ``isocurve(data, level,
    connected=True, extendToEdge=True)`` finds them (the same segments, joined into the same
    lines), each an (n, 2) array of (first, second) index coordinates; NumPy does the cells.
    """
    d = np.pad(np.asarray(data, dtype=float), 1, mode="edge")  # lines reach the border
    n0, n1 = d.shape
    below = d < level
    # Where each grid edge is crossed, and the crossing's position on it.
    with np.errstate(divide="ignore", invalid="ignore"):
        f0 = (level - d[:, :-1]) / (d[:, 1:] - d[:, :-1])
        f1 = (level - d[:-1, :]) / (d[1:, :] - d[:-1, :])
    i0, j0 = np.indices(f0.shape)
    i1, j1 = np.indices(f1.shape)
    points = np.concatenate([np.column_stack([i0.ravel(), (j0 + f0).ravel()]),
                             np.column_stack([(i1 + f1).ravel(), j1.ravel()])])  # fmt: skip
    points = np.clip(points - 0.5, 0, [n0 - 2, n1 - 2])  # the padding's half cell off
    edge0 = lambda i, j: i * (n1 - 1) + j  # noqa: E731 (ids into points)
    edge1 = lambda i, j: f0.size + i * n1 + j  # noqa: E731
    case = (below[:-1, :-1] * 1 + below[1:, :-1] * 2 + below[:-1, 1:] * 4
            + below[1:, 1:] * 8)  # fmt: skip
    ci, cj = np.nonzero((case > 0) & (case < 15))
    sides = np.stack([edge0(ci, cj), edge1(ci, cj), edge0(ci + 1, cj), edge1(ci, cj + 1)])
    cells = np.arange(len(ci))
    pairs = []  # (edge, edge) of every segment; a cell of case 6 or 9 has two
    for face in (0, 1):
        ends = CELL_FACES[face][case[ci, cj]]
        keep = ends[:, 0] >= 0
        pairs += zip(sides[ends[keep, 0], cells[keep]].tolist(),
                     sides[ends[keep, 1], cells[keep]].tolist())  # fmt: skip
    return [points[line] for line in _join(pairs)]


def _join(pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Segments that share an end joined into lines (a closed one ends where it starts)."""
    ends: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(pairs):
        ends.setdefault(a, []).append(k)
        ends.setdefault(b, []).append(k)
    used = [False] * len(pairs)

    def walk(edge: int, start: int) -> list[int]:
        out = []
        while edge != start:
            nxt = [k for k in ends[edge] if not used[k]]
            if not nxt:
                break
            segment = nxt[0]
            used[segment] = True
            a, b = pairs[segment]
            edge = b if a == edge else a
            out.append(edge)
        return out

    lines = []
    for k, (a, b) in enumerate(pairs):
        if used[k]:
            continue
        used[k] = True
        ahead = walk(b, a)
        line = [a, b] + ahead
        if line[-1] != a:  # open: it may go on behind its first segment too
            line = walk(a, -1)[::-1] + line
        lines.append(line)
    return lines


class Isocurve(pg.IsocurveItem):
    """pyqtgraph's isocurve, its lines found by :func:`contour_lines` (pyqtgraph visits each
    cell in Python: 1.5 ms for a 60 × 60 grid, at every frame of the training plots)."""

    def generatePath(self) -> None:  # noqa: N802 (pyqtgraph)
        if self.data is None:
            self.path = None
            return
        data = self.data.T if self.axisOrder == "row-major" else self.data
        lines = contour_lines(data, self.level)
        if not lines:
            self.path = QPainterPath()
            return
        points = np.concatenate(lines)
        connect = np.ones(len(points), dtype=bool)
        connect[np.cumsum([len(line) for line in lines]) - 1] = False  # each line's last point
        self.path = pg.arrayToQPath(points[:, 0], points[:, 1], connect=connect)


def grid_rect(xs: np.ndarray, ys: np.ndarray) -> QRectF:
    """Where an image of one pixel per point of the grid ``xs`` × ``ys`` goes, each pixel
    centred on its point."""
    dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1), (ys[-1] - ys[0]) / (len(ys) - 1)
    return QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys))


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 × 10^k that is ≥ ``value`` (value > 0)."""
    exponent = math.floor(math.log10(value))
    for step in (1, 1.5, 2, 3, 4, 5, 6, 8, 10):
        if step * 10.0**exponent >= value * (1 - 1e-12):
            return step * 10.0**exponent
    return 10.0 ** (exponent + 1)


class SteppedRange:
    """Keeps a plot's view on round limits, so that its axes (cached as pixmaps) are redrawn
    only when the data pass a limit, not on every snapshot. After the user zooms or pans the
    view stays where they put it; a double-click makes it follow the data again."""

    def __init__(self, plot: pg.PlotItem, log_y: bool = False) -> None:
        self.plot = plot
        self.log_y = log_y
        self.follow = True
        self.target: tuple | None = None
        plot.disableAutoRange()
        plot.vb.sigRangeChangedManually.connect(self._on_manual)
        plot.scene().sigMouseClicked.connect(self._on_click)

    def _on_manual(self, *_) -> None:
        self.follow = False

    def _on_click(self, event) -> None:
        if event.double() and self.plot.sceneBoundingRect().contains(event.scenePos()):
            self.follow = True
            target, self.target = self.target, None
            if target is not None:
                self.show(*target)

    def show(self, x_max: float, y_low: float, y_high: float) -> None:
        """Cover x in [0, x_max] and y in [y_low, y_high] (log10 units when ``log_y``)."""
        x = nice_ceiling(max(x_max, 1.0))
        if self.log_y:
            low, high = math.floor(y_low), math.ceil(y_high)
            high = high if high > low else low + 1
        else:
            low = 0.0 if y_low >= 0 else -nice_ceiling(-y_low)
            high = nice_ceiling(y_high) if y_high > 0 else 1.0
        target = (x, low, high)
        if target == self.target:
            return
        self.target = target
        if self.follow:  # room above and below for the end labels of a log axis
            self.plot.setRange(xRange=(0, x), yRange=(low, high),
                               padding=0.07 if self.log_y else 0.02)  # fmt: skip


def data_limits(*arrays: np.ndarray) -> tuple[float, float] | None:
    """The smallest and largest finite value in ``arrays``; None when there is none."""
    values = np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(0)
    values = values[np.isfinite(values)]
    if not values.size:
        return None
    return float(values.min()), float(values.max())


def finite_xy(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points whose x and y are both finite (pyqtgraph gets no NaN or Inf)."""
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def positive_log10(y: np.ndarray) -> np.ndarray:
    """log10 of y where y is finite and > 0, NaN elsewhere, without warnings."""
    out = np.full(y.shape, np.nan)
    good = np.isfinite(y) & (y > 0)
    out[good] = np.log10(y[good])
    return out


def epoch_rows(epochs: np.ndarray, *columns: np.ndarray) -> list[list]:
    """CSV rows of the values at each epoch, the epoch written as a whole number (1, not 1.0)."""
    values = np.column_stack(columns).tolist() if columns else [[] for _ in epochs]
    return [[int(e), *row] for e, row in zip(np.asarray(epochs), values)]


def write_csv(path: str, header: list[str], rows) -> None:
    """Rows of numbers; NaN and infinite values are written as empty cells."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if isinstance(v, float) and not math.isfinite(v) else v
                             for v in row])  # fmt: skip


# -- text scale -------------------------------------------------------------------------------

BASE_PLOT_POINTS = 9.0  # tick labels; axis labels, legends and titles are a little larger
SAMPLE_SIDE = 20  # pyqtgraph's legend swatch, in pixels at text scale 1


def _points(scale: float, factor: float = 1.0) -> float:
    return round(BASE_PLOT_POINTS * factor * scale, 1)


def text_scale_of(item) -> float:
    """The text scale last given to ``item`` by :func:`scale_plots_in` (1 before that)."""
    return getattr(item, "text_scale", 1.0)


def title_size(plot: pg.PlotItem) -> str:
    """The font size for a title set on ``plot`` after its fonts were scaled."""
    return f"{_points(text_scale_of(plot), 1.2)}pt"


LARGE_TEXT = 1.3  # a text scale from which legends take fewer columns


class ScaledSample(ItemSample):
    """A legend swatch (line, symbol) that grows with the text beside it."""

    def __init__(self, item) -> None:
        super().__init__(item)
        self.factor = 1.0

    def set_factor(self, factor: float) -> None:
        self.factor = factor
        side = SAMPLE_SIDE * factor
        self.prepareGeometryChange()
        self.setFixedWidth(side)
        self.setFixedHeight(side)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt)
        side = SAMPLE_SIDE * self.factor
        return QRectF(0, 0, side, side)

    def paint(self, painter, *args) -> None:
        painter.scale(self.factor, self.factor)
        super().paint(painter, *args)


class ScaledLegend(pg.LegendItem):
    """A legend whose labels and swatches follow the app's text scale, entries added later too."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("sampleType", ScaledSample)
        super().__init__(**kwargs)
        self.text_scale = 1.0
        self.opts["labelTextSize"] = f"{_points(1.0, 1.1)}pt"
        self.base_columns = self.columnCount
        self.room: float | None = None  # the width it may take (see fit_width)

    def set_above_plot(self) -> None:
        """A legend in its own row above a plot has no box round it: no margins either (they
        took 18 px from a presenter-mode loss plot whose curves had 105)."""
        self.layout.setContentsMargins(2, 0, 2, 0)
        self.updateSize()

    def addItem(self, item, name) -> None:  # noqa: N802 (pyqtgraph)
        super().addItem(item, name)
        sample = self.items[-1][0]
        if isinstance(sample, ScaledSample):
            sample.set_factor(self.text_scale)
        self.layout.activate()
        self.updateSize()

    def set_text_scale(self, scale: float) -> None:
        self.text_scale = scale
        size = f"{_points(scale, 1.1)}pt"
        self.opts["labelTextSize"] = size
        for sample, label in self.items:
            label.setText(label.text, size=size)
            if isinstance(sample, ScaledSample):
                sample.set_factor(scale)
        self._fit()

    def fit_width(self, width: float) -> None:
        """A legend above its plot wraps into fewer columns rather than widen the plot beyond
        its view: as many columns (up to its own, two in large text) as fit ``width``."""
        self.room = width
        self._fit()

    def _fit(self) -> None:
        most = min(self.base_columns, 2) if self.text_scale >= LARGE_TEXT else self.base_columns
        n = max(len(self.items), 1)
        # Even rows: four entries go 4, 2 + 2, then one a row (not 3 + 1).
        choices = sorted({min(most, -(-n // rows)) for rows in range(1, n + 1)}, reverse=True)
        for columns in choices:
            if columns != self.columnCount:
                self.setColumnCount(columns)
            self.layout.invalidate()
            self.layout.activate()
            self.updateSize()
            if self.room is None or columns == 1 or self.natural_width() <= self.room:
                break

    def natural_width(self) -> float:
        """The width its rows take, spacing included."""
        spacing = self.layout.horizontalSpacing()
        widest = 0.0
        for row in range(self.layout.rowCount()):
            items = [self.layout.itemAt(row, col) for col in range(self.layout.columnCount())]
            items = [item for item in items if item is not None]
            row_width = sum(item.effectiveSizeHint(Qt.SizeHint.PreferredSize).width()
                            for item in items)
            widest = max(widest, row_width + max(len(items) - 1, 0) * max(spacing, 0.0))
        return widest


def plot_legend(plot: pg.PlotItem, offset=(30, 30), **kwargs) -> ScaledLegend:
    """A :class:`ScaledLegend` over ``plot``'s data, as ``plot.addLegend`` places its own."""
    if plot.legend is None:
        plot.legend = ScaledLegend(offset=offset, **kwargs)
        plot.legend.setParentItem(plot.vb)
    return plot.legend


def scale_legend(legend: pg.LegendItem, scale: float) -> None:
    """A legend's labels (and, for a :class:`ScaledLegend`, its swatches) at ``scale``."""
    if isinstance(legend, ScaledLegend):
        legend.set_text_scale(scale)
        return
    size = f"{_points(scale, 1.1)}pt"
    legend.opts["labelTextSize"] = size
    for _, label in legend.items:
        label.setText(label.text, size=size)
    legend.updateSize()


def scale_text_item(item: pg.TextItem, scale: float) -> None:
    """A text drawn over the data at ``scale`` times the size it was made with."""
    base = getattr(item, "base_points", None)
    if base is None:
        base = item.textItem.font().pointSizeF()
        item.base_points = base if base > 0 else BASE_PLOT_POINTS
    font = item.textItem.font()
    font.setPointSizeF(item.base_points * scale)
    item.setFont(font)


def scaled_text(plot: pg.PlotItem, text: str = "", **kwargs) -> pg.TextItem:
    """A :class:`pyqtgraph.TextItem` for ``plot`` at the text scale its fonts were last given."""
    item = pg.TextItem(text, **kwargs)
    scale_text_item(item, text_scale_of(plot))
    return item


def scale_plot_fonts(plot: pg.PlotItem, scale: float) -> None:
    """Set the text of ``plot`` at the app's text scale: tick labels, axis labels, the legend
    and the title; axes with a fixed width grow with their text."""
    from PySide6.QtGui import QFont

    plot.text_scale = scale
    tick_font = QFont()
    tick_font.setPointSizeF(_points(scale))
    label_size = f"{_points(scale, 1.1)}pt"
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setStyle(tickFont=tick_font)
        axis.labelStyle = {**axis.labelStyle, "font-size": label_size}
        if axis.label.isVisible() or axis.labelText:
            axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix, **axis.labelStyle)
            axis.showLabel(bool(axis.labelText) and axis.label.isVisible())
        if name in ("left", "right") and axis.fixedWidth is not None:
            axis.setWidth(round(AXIS_WIDTH * max(scale, 1.0)))
        if name == "bottom":
            axis.setHeight(None)  # room for the larger tick labels and axis label
    title = plot.titleLabel
    if title.text:
        title.setText(title.text, size=title_size(plot))
    if plot.legend is not None:
        scale_legend(plot.legend, scale)


def scale_plots_in(widget, scale: float) -> None:
    """:func:`scale_plot_fonts` for every pyqtgraph plot inside ``widget``, the same scale for
    the legends and texts drawn over them, and ``set_text_scale(scale)`` of every figure inside
    ``widget`` that has one (its title, numbers and controls beside the plot)."""
    from PySide6.QtWidgets import QWidget

    for child in widget.findChildren(QWidget):
        if hasattr(type(child), "set_text_scale"):
            child.set_text_scale(scale)
    views = widget.findChildren(pg.GraphicsView)
    if isinstance(widget, pg.GraphicsView):
        views.append(widget)
    for view in views:
        scene = view.scene()
        if scene is None:
            continue
        for item in scene.items():
            if isinstance(item, pg.PlotItem):
                scale_plot_fonts(item, scale)
            elif isinstance(item, pg.LegendItem):
                scale_legend(item, scale)
            elif isinstance(item, pg.TextItem):
                scale_text_item(item, scale)
