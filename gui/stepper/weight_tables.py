"""Weight tables: a network whose edges are too dense to label gets each weight layer as a
compact matrix below the drawing, one table under each gap between two layers.

Each cell has room for a weight w, its gradient ∂L/∂w and its new value, stacked on three
lines that fill in as the sample goes on (so that the drawing does not move when they do); short
of room, a cell has the lines that fit (w alone in presenter mode at 1280x800) and the weight in
use shows the rest on its edge. A table's rows are the units of one of its two layers, chosen
table by table so that the tables are as low as fits across the view (the drawing keeps the
height); the rows and columns are headed by the units' names, and a table whose rows are the
sources (the formulas' w_{j,i} turned over) is named W1ᵀ. The edges stay drawn (thinly)
in the network above; the current operation's cell is highlighted like a label.

:func:`plan_tables` works in plain numbers (the view's pixels); :func:`add_tables` turns a plan
into the view's labels, keyed ``w:l:j:i``, ``grad_w:l:j:i`` and ``new_w:l:j:i`` so that the
view's marking, editing and tooltips treat them as it treats every other value label.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from core.notation import fmt
from core.trace import unit_label
from gui.theme import number_font

KINDS = ("w", "grad_w", "new_w")  # the three lines of a cell, top to bottom
STACK_FONT = 0.9  # of the view's font: the cells' numbers, and z, δ, b stacked beside a unit
TRANSPOSED = "\u1d40"  # ᵀ, after the name of a table whose rows are the sources
MAX_TABLE_EDGES = 160  # larger networks use the focus mode instead
PADS = (0.45, 0.28)  # of the font, between two columns' numbers: the wider first
LEGEND = {KINDS: "each cell: w, ∂L/∂w, new w",
          ("w", "grad_w"): "each cell: w, ∂L/∂w",
          ("w",): "each cell: w"}  # the weight in use shows what its cell lacks on its edge


@dataclass
class TablePlan:
    """Where one weight layer's table goes: its cells' columns and rows, in view pixels."""

    layer: int
    rows_are_targets: bool  # rows: the units of layer ``layer`` (else of layer ``layer`` − 1)
    rows: int
    cols: int
    col_widths: list[float]
    head_width: float  # the column of row names
    x0: float = 0.0  # left edge of the table (its row names)
    y0: float = 0.0  # top edge (its column names)

    @property
    def width(self) -> float:
        return self.head_width + sum(self.col_widths)

    def key(self, row: int, col: int) -> str:
        """The ``l:j:i`` of the weight in this cell."""
        j, i = (row, col) if self.rows_are_targets else (col, row)
        return f"{self.layer}:{j}:{i}"


@dataclass
class Tables:
    """Every weight layer's table and the sizes shared by them."""

    plans: list[TablePlan]
    line: float  # line height of the cells' font
    head: float  # height of the column names' line
    gap: float  # between the tables
    height: float = 0.0  # of the band the tables take
    top: float = 0.0  # where the band begins
    spots: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    kinds: tuple[str, ...] = KINDS  # the lines of a cell: all three, or w alone (compact)
    close: bool = False  # the columns closer together than the first of PADS

    def cell_height(self) -> float:
        return len(self.kinds) * self.line + 2 * self.cell_margin()

    def cell_margin(self) -> float:
        """Above and below a cell's lines: a cell of one line has air round it, the stacked
        lines of a larger one are told apart by the shading of every other row."""
        return (0.1 if len(self.kinds) == 1 else 0.03) * self.line


def table_name(plan: TablePlan) -> str:
    """W1, or W1ᵀ for a table whose rows are the sources (the formulas' w_{j,i} turned over)."""
    return f"W{plan.layer}" if plan.rows_are_targets else f"W{plan.layer}{TRANSPOSED}"


def cell_font(view, italic: bool = False):
    """The tables' font: 0.9 of the view's, in a condensed face where one is installed (the
    widths are measured, so another face only makes the tables wider)."""
    font = number_font(view._font(STACK_FONT))
    font.setItalic(italic)
    return font


def shape(sizes: list[int], layer: int, short: bool = False) -> tuple[bool, int, int]:
    """(rows_are_targets, rows, cols) of the table of weight layer ``layer``: rows for the
    larger of its two layers (a narrow table), or with ``short`` for the smaller (a low one)."""
    targets, sources = sizes[layer], sizes[layer - 1]
    rows_are_targets = targets <= sources if short else targets >= sources
    return (rows_are_targets, targets, sources) if rows_are_targets else (False, sources, targets)


def cell_strings(known: dict[str, float], key: str, kinds=KINDS) -> list[str]:
    """The strings a cell shows for weight ``key`` (``l:j:i``) given these values."""
    return [fmt(known[f"{kind}:{key}"]) for kind in kinds if f"{kind}:{key}" in known]


def orientations(sizes: list[int]) -> list[tuple[bool, ...]]:
    """Which tables are low (see :func:`shape`): every choice for up to four tables (all
    narrow or all low for more), fewest rows first, then fewest columns."""
    n = len(sizes) - 1
    if n <= 4:
        choices = list(itertools.product((False, True), repeat=n))
    else:
        choices = [(False,) * n, (True,) * n]

    def cost(choice):
        shapes = [shape(sizes, layer + 1, low) for layer, low in enumerate(choice)]
        return max(rows for _, rows, _ in shapes), sum(cols for _, _, cols in shapes)

    return sorted(dict.fromkeys(choices), key=cost)


def plan_tables(network, values: dict[str, float], width_of, name_width_of,
                line: float, pad: float, kinds=KINDS, short=False) -> Tables:
    """Tables sized for ``values`` (every value of the sample, so that no later string is wider
    than its column). ``width_of(text)`` measures a cell's text, ``name_width_of`` a name;
    ``short`` (for all tables, or one flag per table): rows for the smaller of the two layers."""
    sizes = network.sizes
    plans = []
    for layer in range(1, len(sizes)):
        low = short[layer - 1] if isinstance(short, tuple) else short
        rows_are_targets, rows, cols = shape(sizes, layer, low)
        plan = TablePlan(layer, rows_are_targets, rows, cols, [], 0.0)
        for col in range(cols):
            widest = max((width_of(text) for row in range(rows)
                          for text in cell_strings(values, plan.key(row, col), kinds)),
                         default=0.0)
            name = unit_label(network, layer - 1 if rows_are_targets else layer, col)
            plan.col_widths.append(max(widest, name_width_of(name)) + pad)
        row_layer = layer if rows_are_targets else layer - 1
        plan.head_width = max(name_width_of(table_name(plan)),
                              *(name_width_of(unit_label(network, row_layer, row))
                                for row in range(rows))) + pad
        plans.append(plan)
    tables = Tables(plans, line, line, 1.2 * pad, kinds=tuple(kinds))
    tables.height = tables.head + max(p.rows for p in plans) * tables.cell_height() + 0.25 * pad
    return tables


def place_tables(tables: Tables, centres: list[float], top: float, width: float,
                 margin: float) -> bool:
    """Put each table under its gap (``centres``: the gaps' middles), side by side, inside
    ``margin`` … ``width`` − ``margin``; False when they do not fit across."""
    plans, gap = tables.plans, tables.gap
    total = sum(p.width for p in plans) + gap * (len(plans) - 1)
    if total > width - 2 * margin:
        return False
    xs = [c - p.width / 2 for c, p in zip(centres, plans)]
    # Left to right: no table before the margin or over the one before it; then right to
    # left: none past the right margin or over the one after it.
    for k in range(len(plans)):
        low = margin if k == 0 else xs[k - 1] + plans[k - 1].width + gap
        xs[k] = max(xs[k], low)
    for k in range(len(plans) - 1, -1, -1):
        end = width - margin if k == len(plans) - 1 else xs[k + 1] - gap
        high = end - plans[k].width
        xs[k] = min(xs[k], high)
    tables.top = top
    for p, x in zip(plans, xs):
        p.x0, p.y0 = x, top
    tables.spots = cell_spots(tables)
    return True


def cell_spots(tables: Tables) -> dict[str, tuple[float, float, str]]:
    """(x, y, "right") of every cell line by value key: numbers right-aligned in their column."""
    spots = {}
    h, cell = tables.line, tables.cell_height()
    for p in tables.plans:
        x = p.x0 + p.head_width
        for col, w in enumerate(p.col_widths):
            x += w
            for row in range(p.rows):
                y = p.y0 + tables.head + row * cell + tables.cell_margin() + h / 2
                key = p.key(row, col)
                for n, kind in enumerate(tables.kinds):
                    spots[f"{kind}:{key}"] = (x - 0.25 * h, y + n * h, "right")
    return spots


def header_spots(network, tables: Tables) -> list[tuple[str, str, tuple[float, float, str]]]:
    """(key, text, spot) of the names heading each table's rows and columns, and its caption."""
    out = []
    h, cell = tables.line, tables.cell_height()
    for p in tables.plans:
        row_layer = p.layer if p.rows_are_targets else p.layer - 1
        col_layer = p.layer - 1 if p.rows_are_targets else p.layer
        yh = p.y0 + h / 2
        out.append((f"name:W{p.layer}", table_name(p), (p.x0, yh, "left")))
        x = p.x0 + p.head_width
        for col, w in enumerate(p.col_widths):
            x += w
            out.append((f"name:col:{p.layer}:{col}", unit_label(network, col_layer, col),
                        (x - 0.25 * h, yh, "right")))
        for row in range(p.rows):
            y = p.y0 + tables.head + row * cell + tables.cell_margin() + h / 2
            out.append((f"name:row:{p.layer}:{row}", unit_label(network, row_layer, row),
                        (p.x0, y, "left")))
    return out


def sample_values(stepper) -> dict[str, float]:
    """Every value the stepper's sample shows: the given ones and every operation's result."""
    values = stepper.known()
    for op in stepper.trace:
        values[op.key] = op.value
    return values


def table_layout(view, width: float, height: float, layout_network,
                 lines=(KINDS, KINDS[:2], KINDS[:1]), pads=PADS) -> tuple | None:
    """(layout, tables): the network drawn in the upper part of ``width`` × ``height`` with
    every unit's numbers, the tables below it (cells of the first of ``lines`` that fits);
    None when that does not fit."""
    network, stepper = view.controller.network, view.controller.stepper
    sizes = network.sizes
    edges = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    if edges > MAX_TABLE_EDGES or stepper is None:
        return None
    values = sample_values(stepper)
    cells = QFontMetricsF(cell_font(view))
    metrics = view.metrics
    f = metrics.font_px
    # The units' labels sized for the numbers this sample shows, not for the widest possible
    # ones, and no edge labels: the drawing above the tables is short of height.
    plain, bold = QFontMetricsF(view._font()), QFontMetricsF(view._font(1.0, True))
    small = QFontMetricsF(view._font(STACK_FONT))

    def widest(fm, kinds, prefix=""):
        return max((fm.horizontalAdvance(prefix + fmt(v)) for k, v in values.items()
                    if k.split(":")[0] in kinds), default=0.0)

    metrics = replace(metrics, number=widest(plain, ("z", "delta")),
                      unit_number=max(widest(bold, ("u",)), bold.horizontalAdvance("—")),
                      edge_text=0.0, bias_text=widest(plain, ("b",), "b "),
                      target_text=widest(plain, ("y",), "y "),
                      small_line=small.height(), small_number=widest(small, ("z", "delta")),
                      small_bias=widest(small, ("b",), "b "))
    # A line in each cell for every number the sample will show, so that the drawing stays put
    # as the lines fill in; short of room (presenter mode), fewer lines, and the gradient and
    # new value of the weight in use on its edge.
    # Each table narrow (rows for the larger layer) or low (for the smaller): the fewest rows
    # first, so that the drawing keeps the most height, and of those the narrowest.
    # Short of width, the columns closer together (the rules between them still part them).
    choices = orientations(sizes)
    for kinds, pad, short in ((k, pad, short) for k in lines for pad in pads
                              for short in choices):
        tables = plan_tables(network, values, cells.horizontalAdvance,
                             cells.horizontalAdvance, cells.height(), pad * f, kinds, short)
        tables.close = pad < PADS[0]
        layout = layout_network(sizes, width, height - tables.height, metrics,
                                edge_labels=False)
        if not layout.full:
            continue
        centres = [(layout.centres[(l - 1, 0)][0] + layout.centres[(l, 0)][0]) / 2
                   for l in range(1, len(sizes))]
        if place_tables(tables, centres, height - tables.height, width, 0.4 * f):
            layout.height = height
            return layout, metrics, tables
    return None


def room_wanted(view, width: float, height: float, layout_network, most: int = 200) -> int:
    """How many pixels wider than ``width`` (where the cells lack lines, or their columns are
    close) the view would have to be for each cell's three lines, the columns as far apart as
    they go: 0 when not even ``most`` more would do."""
    def whole(extra: int) -> bool:
        return table_layout(view, width + extra, height, layout_network, (KINDS,),
                            PADS[:1]) is not None

    if not whole(most):
        return 0
    low, high = 0, most  # not enough, enough
    while high - low > 4:
        middle = (low + high) // 2
        low, high = (low, middle) if whole(middle) else (middle, high)
    return high


def add_table_labels(view, tables: Tables) -> None:
    """The tables' frames, names and cells as the view's items and labels."""
    theme = view.theme
    net = view.controller.network
    font, italic = cell_font(view), cell_font(view, italic=True)
    colours = {"w": theme.foreground, "grad_w": theme.delta, "new_w": theme.foreground}
    band = QColor(theme.foreground)
    band.setAlpha(14)
    cell = tables.cell_height()
    for p in tables.plans:
        for row in range(0, p.rows, 2):  # every other row shaded, to guide the eye
            rect = view.scene().addRect(p.x0, p.y0 + tables.head + row * cell, p.width, cell,
                                        QPen(Qt.PenStyle.NoPen), QBrush(band))
            rect.setZValue(2.1)
        # A faint rule between columns, so that two long numbers side by side read as two.
        rule = QColor(theme.foreground)
        rule.setAlpha(80)
        x, top, bottom = p.x0 + p.head_width, p.y0 + tables.head, p.y0 + tables.head + p.rows * cell
        path = QPainterPath()
        for w in p.col_widths[:-1]:
            x += w
            path.moveTo(x + 0.1 * tables.line, top)
            path.lineTo(x + 0.1 * tables.line, bottom)
        rules = view.scene().addPath(path, QPen(rule, 1))
        rules.setZValue(2.1)
        rules.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    for key, text, spot in header_spots(net, tables):
        view._add_label(key, text, spot, font, theme.muted)
    f = view.metrics.font_px
    view._add_label("name:legend", LEGEND[tables.kinds],
                    (0.4 * f, view.layout.loss_at[1], "left"), font, theme.muted)
    for key, spot in tables.spots.items():
        kind = key.split(":")[0]
        view._add_label(key, "", spot, italic if kind == "new_w" else font, colours[kind])
