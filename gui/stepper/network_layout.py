"""Where the network view puts its units and labels, in the view's own pixels.

The view lays the network out for the size of its viewport with labels at a fixed pixel size
(13 px times the app's text scale), so that fitting never shrinks the text: the layer spacing
follows the view's width, the unit spacing its height, and units are as large as the room
between them allows. Two modes:

- ``full``: every unit shows z, u, δ and b, and (when they fit) every edge its weight, each edge
  label placed by :class:`Placer` where it overlaps no other label;
- ``focus`` (a network too dense for that): every unit shows u; the other numbers appear only
  while the current operation reads or writes them, placed the same way at each step.

Nothing here creates a Qt item: the functions return plain numbers that the view turns into items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Where along an edge (0 = source, 1 = target) a label may sit, most wanted first.
EDGE_SPOTS = (0.5, 0.36, 0.64, 0.26, 0.74, 0.43, 0.57, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85)
MAX_EDGE_LABELS = 80  # more edges than this are labelled only while the cursor uses them
U_PLATE_INSET = 0.18  # of u's line, above and below: its plate covers the digits, not the line


@dataclass
class Metrics:
    """Sizes of the view's text, in pixels: font size, line height and number widths."""

    font_px: float
    line: float
    number: float  # width of "−0.0000" in the value font
    unit_number: float  # the same in the bold font of u
    edge_text: float  # width of the widest edge label line
    bias_text: float  # "b −0.0000"
    target_text: float  # "y −0.0000"
    name_text: float  # widest unit name
    # Short of room beside a table, z, δ and b stack left of each unit in the tables' smaller
    # font: its line height and number widths (0: the same as above).
    small_line: float = 0.0
    small_number: float = 0.0
    small_bias: float = 0.0

    def stack(self) -> tuple[float, float, float]:
        """(line, number, bias) of the labels stacked left of a unit."""
        return (self.small_line or self.line, self.small_number or self.number,
                self.small_bias or self.bias_text)


@dataclass
class Layout:
    """Centres of the units, their radius, the scene's size and which numbers are always shown."""

    width: float
    height: float
    centres: dict[tuple[int, int], tuple[float, float]]
    radius: float  # half the height of a unit
    full: bool  # every unit's z, δ, b shown
    edge_labels: bool  # every edge's weight shown (edge_spots has some when not every one)
    names: bool  # the units' names (x1, h1, …) shown
    half_width: float = 0.0  # half the width of a unit: an oval when u needs more than 2r
    side: bool = False  # z and δ to the left of each unit instead of above and below
    stacked: bool = False  # (side) the bias under the unit, not right of it: narrower gaps
    small: bool = False  # (side, weights in tables) z, δ and b in the tables' smaller font
    loss_at: tuple[float, float] = (0.0, 0.0)  # right end and centre height of the loss label
    last: int = 0  # the output layer's number
    edge_spots: dict[str, tuple[float, float]] = field(default_factory=dict)  # label centres


def oval_half_width(half_width: float, radius: float, m: Metrics) -> float:
    """A unit's half width, wide enough that the corners of u's plate stay inside the oval (an
    ellipse is narrower above and below its middle line: "−0.05786" poked out of its sides),
    but never more than 0.4 of the font wider than ``half_width``."""
    half_height = (0.5 - U_PLATE_INSET) * m.line
    inside = radius - 1  # (within the outline's pen)
    if inside <= half_height:
        return half_width
    needed = (0.5 * m.unit_number + 3) / np.sqrt(1 - (half_height / inside) ** 2)
    return max(half_width, min(needed, half_width + 0.4 * m.font_px))


def stack_radius(dy: float, hw_min: float, m: Metrics) -> float | None:
    """The units' radius when z and δ stack left of each unit and its bias goes under it (rows
    ``dy`` apart), or None when the bias finds no room there: the oval as tall as the row
    allows, or flatter (and so wider) where that puts a long bias under it; or, a bias wider
    than any oval, under the unit's δ and over the next unit's z."""
    h, f, (hs, number_s, bias_s) = m.line, m.font_px, m.stack()
    top, low = min(0.5 * (dy - hs + 2), 1.2 * h), 0.5 * h  # (u is a line tall)
    if top < low:
        return None
    for k in range(9):
        r = top - (top - low) * k / 8
        if bias_s <= 2 * oval_half_width(hw_min, r, m) + 0.3 * f:
            return r
    wide = bias_s <= 2 * oval_half_width(hw_min, top, m) + number_s
    return top if wide and top >= hs + 2 and dy >= top + 2 * hs else None


def unit_label_spots(layout: Layout, m: Metrics, l: int, j: int) -> dict[str, tuple]:
    """(x, y, anchor) of each label of unit (l, j): anchor "centre", "left" or "right"."""
    x, y = layout.centres[(l, j)]
    r, h, hw = layout.radius, m.line, max(layout.half_width, layout.radius)
    gap = 0.15 * h
    if layout.side:
        # Short of height: z and δ stacked left of the unit, the bias and target to its right.
        left, right = x - hw - gap, x + hw + 0.4 * m.font_px
        last = l == layout.last
        if l == 0 and layout.names:  # an input: its name on its left
            return {"u": (x, y, "centre"), "name": (x - hw - gap, y, "right")}
        hs = m.stack()[0] if layout.small else h
        top, low = y - hs / 2 - 1, y + hs / 2 + 1  # the two lines beside the unit
        spots = {"u": (x, y, "centre"), "z": (left, top, "right"), "delta": (left, low, "right"),
                 "b": (right, low, "left"), "y": (right, top, "left")}
        if layout.stacked:  # short of width too: the bias under the unit (its leading under
            # the oval), the name right of the unit (the output's under its target)
            spots.update(b=(x, y + r + hs / 2 - 1, "centre"),
                         name=(right, low if last else top, "left"))
        elif layout.names:  # (weights in tables) the name right of the unit, over its bias
            named = m.name_text + 0.4 * m.font_px if last else 0.0
            spots.update(name=(right, top, "left"), y=(right + named, top, "left"))
        else:
            spots["name"] = (left if l else x - hw - gap, top if l else y, "right")
        return spots
    below = max(r, 0.5 * h)
    side = x - max(0.5 * m.number + m.font_px, 0.72 * r) - 0.6 * m.font_px
    spots = {
        "u": (x, y, "centre"),
        "z": (x, y - below - h / 2 - gap, "centre"),
        "delta": (x, y + below + h / 2 + gap, "centre"),
        # The bias on the line of δ and the name on the line of z, to their left (the top
        # row's name inside the view, where a dense network's small units leave no z line).
        "b": (side, y + below + h / 2 + gap, "right"),
        "name": (side if l else x - 0.72 * r, max(y - below - h / 2 - gap, 0.5 * h + 1),
                 "right"),
        "y": (x + max(hw, 0.5 * m.unit_number) + 0.5 * m.font_px, y, "left"),
    }
    return spots


def spot_rect(spot: tuple, width: float, height: float) -> tuple[float, float, float, float]:
    """The rectangle (x0, y0, x1, y1) of a label of this size at ``spot``."""
    x, y, anchor = spot
    if anchor == "right":
        x0 = x - width
    elif anchor == "left":
        x0 = x
    else:
        x0 = x - width / 2
    return (x0, y - height / 2, x0 + width, y + height / 2)


def layout_network(sizes: list[int], width: float, height: float, m: Metrics,
                   edge_labels: bool = True) -> Layout:
    """Units spread over ``width`` × ``height`` pixels, as large as the labels let them be;
    ``edge_labels`` False leaves the weights to be shown elsewhere (in tables)."""
    h, f = m.line, m.font_px
    layers = len(sizes) - 1
    tallest = max(sizes)
    # Each row's labels stay inside its own height, so the margins only keep the text off the
    # edges of the view and leave a line at the bottom for the loss.
    top = 0.4 * f if edge_labels else 0.2 * f
    # (With tables below, the loss shares its line with their caption, just above them.)
    bottom = 1.3 * h + 0.3 * f if edge_labels else 1.05 * h + 0.15 * f
    left = max(m.name_text, 0.5 * f) + 0.8 * f
    right = m.target_text + 1.2 * f
    dx = max(width - left - right, 10.0) / max(layers, 1)
    dy = max(height - top - bottom, 10.0) / tallest
    # Full mode: z above and δ below each unit fit between the rows; or, short of height but
    # not of width, z and δ left of each unit. Units are ovals when u is wider than they are
    # tall.
    hw_min = 0.5 * m.unit_number + 0.3 * f
    # Side by side, the units are ovals as tall as the rows allow, and as wide as u needs.
    hw_side = oval_half_width(hw_min, min(0.5 * dy - 0.3 * f, 1.2 * h), m)
    r_min = 0.65 * h
    r_room = (dy - 2 * h - 0.6 * f) / 2
    r_cap = min(0.16 * dx, 3.2 * f)
    # Side by side, the first column moves right by the width of z and δ (see x0 below).
    dx_side = dx - (m.number + 1.2 * f + 2 * hw_side) / max(layers, 1)
    side_room = (dx_side - 2 * hw_side - (m.number + 1.2 * f)
                 - min(m.number + 1.2 * f, m.bias_text + 0.8 * f) - 0.3 * m.edge_text)
    side_named = stack_named = False
    hs, number_s, bias_s = m.stack()
    # Stacked (below), a row holds an oval round u and the bias under it.
    r_stack = stack_radius(dy, hw_min, m) if not edge_labels else None
    hw_stack = oval_half_width(hw_min, r_stack or 0.5 * h, m)
    if not edge_labels:
        # The weights are in tables: z, δ and b in the tables' font, a gap holds one unit's
        # bias and the next unit's z and δ beside the ovals, and the input layer (no z, δ)
        # needs no room for them on its left. Each unit's name goes right of it on its top line
        # (over its bias; the output's before its target; an input's left of it) where the
        # width allows, else no names.
        left, right = 0.8 * f, max(m.target_text, bias_s) + 0.8 * f
        name_w = m.name_text + 0.4 * f
        for side_named in (True, False):
            named = name_w if side_named else 0.0
            needs = [2 * hw_side + number_s + 2.2 * f
                     + (max(bias_s + 0.8 * f, named) if g else 0.0) for g in range(layers)]
            side_room = (width - left - named - max(right, m.target_text + named + 0.8 * f)
                         - 2 * hw_side - sum(needs))  # fmt: skip
            if side_room >= 0:
                break
        # Or the bias under its unit: no gap holds two numbers side by side (a trained
        # network's biases are as long as its z), and a row holds the unit's oval and the bias
        # under it; the names right of the units, the output's under its target.
        for stack_named in (True, False):
            named = name_w if stack_named else 0.0
            stack_needs = [2 * hw_stack + number_s + 2.2 * f + (named if g else 0.0)
                           for g in range(layers)]
            stack_room = (width - left - named - (max(m.target_text, named) + 0.8 * f)
                          - 2 * hw_stack - sum(stack_needs))  # fmt: skip
            if stack_room >= 0:
                break
    # Full mode: a unit's z and δ (centred on it) and the next one's bias (left of its δ)
    # share a gap between two columns, as do the two ovals.
    wide = dx - 2 * hw_min / max(layers, 1) >= max(2 * hw_min,
                                                  m.number + 1.6 * f + m.bias_text) + 0.5 * f
    full = r_room >= r_min and r_cap >= r_min and wide
    # (Without edge labels the two lines beside a unit may come closer to the next unit's.)
    side = not full and dy >= (2.3 * h if edge_labels else 2.1 * hs) and side_room >= 0
    stacked = (not edge_labels and not full and not side and dy >= 2.1 * hs
               and r_stack is not None and stack_room >= 0)
    if stacked:
        side, needs, side_room = True, stack_needs, stack_room
    if side and not edge_labels:  # (an input's name on its left; full mode keeps the margins)
        left += name_w if (stack_named if stacked else side_named) else 0.0
    full = full or side
    if stacked:
        radius = r_stack
    elif side:
        radius = min(0.5 * dy - 0.3 * f, 1.2 * h)
    elif full:
        radius = min(r_room, r_cap)
    else:
        radius = max(3.0, min(0.3 * dy, 0.1 * dx, r_cap))
    # Too dense for every number, u is still always shown: where there is room (a focus label
    # on an edge still fits between two columns), the unit is an oval around u, not a dot.
    oval = not full and 0.45 * dy >= 0.6 * h and dx - 2 * hw_min >= m.edge_text + f
    if oval:
        radius = max(radius, 0.6 * h)
    middle = top + (height - top - bottom) / 2

    def build(radius: float) -> Layout:
        """The layout with units of this radius (half as tall as they are)."""
        half_width = oval_half_width(max(radius, hw_min), radius, m) if full or oval else radius
        names = radius >= 0.9 * h and dy >= 2 * radius + h and not side
        if side and not edge_labels:
            names = stack_named if stacked else side_named
        # The columns: the first unit's circle and name inside the left edge, the last unit's
        # circle and target inside the right one.
        x0 = left + half_width + (m.number + 1.2 * f if side and edge_labels else 0)
        x1 = width - right - half_width
        dx = (x1 - x0) / max(layers, 1)
        centres = {}
        for l, n in enumerate(sizes):
            x = x0 + l * dx if layers else width / 2
            if side and not edge_labels:  # each gap as wide as its labels need, the rest shared
                x = x0 + sum(needs[:l]) + l * side_room / layers
            for j in range(n):
                centres[(l, j)] = (x, middle + (j - (n - 1) / 2) * dy)
        return Layout(width, height, centres, radius, full, False, names, half_width, side,
                      stacked, side and not edge_labels, loss_at=(width - 0.5 * f,
                                        height - (0.9 * h if edge_labels else 0.5 * h + 0.1 * f)),
                      last=layers)

    layout = build(radius)
    if full and edge_labels:
        edges = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        if edges <= MAX_EDGE_LABELS:
            # As large as the room allows, unless smaller units leave every weight a place on
            # its edge (a tall view made Mazur's circles so large that its weights went to
            # tables).
            radii = [radius]
            while not side and radii[-1] > r_min:
                radii.append(max(0.8 * radii[-1], r_min))
            for r in radii:  # (none places them all: the first, with the labels it placed)
                trial = layout if r == radius else build(r)
                trial.edge_spots = place_edge_labels(trial, sizes, m)
                trial.edge_labels = len(trial.edge_spots) == edges
                if trial.edge_labels:
                    layout = trial
                    break
    return layout


def edge_line(layout: Layout, key: str) -> tuple[float, float, float, float]:
    """From the right side of the source unit to the left side of the target, for ``l:j:i``."""
    l, j, i = (int(p) for p in key.split(":"))
    (ax, ay), (bx, by) = layout.centres[(l - 1, i)], layout.centres[(l, j)]
    r = max(layout.half_width, layout.radius)
    return (ax + r, ay, bx - r, by)


def unit_obstacles(layout: Layout, sizes: list[int], m: Metrics, full: bool) -> list[tuple]:
    """The rectangles the unit labels (and the units) take."""
    rects = []
    r, hw = layout.radius, max(layout.half_width, layout.radius)
    last = len(sizes) - 1
    for (l, j), (x, y) in layout.centres.items():
        rects.append((x - hw, y - r, x + hw, y + r))
        spots = unit_label_spots(layout, m, l, j)
        rects.append(spot_rect(spots["u"], m.unit_number, m.line))
        if layout.names:
            rects.append(spot_rect(spots["name"], m.name_text, m.line))
        if l == last:
            rects.append(spot_rect(spots["y"], m.target_text, m.line))
        if full and l > 0:
            line, number, bias = m.stack() if layout.small else (m.line, m.number, m.bias_text)
            rects.append(spot_rect(spots["z"], number + m.font_px, line))
            rects.append(spot_rect(spots["delta"], number + m.font_px, line))
            rects.append(spot_rect(spots["b"], bias, line))
    x1, yc = layout.loss_at
    rects.append((x1 - 9 * m.font_px, yc - m.line / 2, x1, yc + m.line / 2))
    return rects


class Placer:
    """Puts rectangles where they overlap nothing placed before (or as little as possible)."""

    def __init__(self, obstacles: list[tuple]) -> None:
        self.rects = np.array(obstacles, dtype=float).reshape(-1, 4)

    def overlap(self, rect: tuple) -> float:
        """The area of ``rect`` that the rectangles already placed cover (summed)."""
        return float(self._overlaps(np.array([rect], dtype=float))[0])

    def _overlaps(self, rects: np.ndarray) -> np.ndarray:
        """The covered area of each of ``rects`` (k × 4), as :meth:`overlap`, all at once."""
        placed = self.rects
        if len(placed) and len(rects):
            # Only the rectangles that reach the candidates' bounding box can cover any.
            (x0, y0), (x1, y1) = rects[:, :2].min(axis=0), rects[:, 2:].max(axis=0)
            placed = placed[(placed[:, 2] > x0) & (placed[:, 0] < x1)
                            & (placed[:, 3] > y0) & (placed[:, 1] < y1)]
        if not len(placed):
            return np.zeros(len(rects))
        r, q = placed[None, :, :], rects[:, None, :]
        w = np.minimum(r[..., 2], q[..., 2]) - np.maximum(r[..., 0], q[..., 0])
        h = np.minimum(r[..., 3], q[..., 3]) - np.maximum(r[..., 1], q[..., 1])
        return (np.maximum(w, 0) * np.maximum(h, 0)).sum(axis=1)

    def add(self, rect: tuple) -> None:
        self.rects = np.vstack([self.rects, np.array(rect, dtype=float)[None, :]])

    def _best(self, centres: np.ndarray, width: float, height: float,
              bounds: tuple | None) -> tuple[int, float]:
        """Index of the first free centre (else the least covered) and its covered area."""
        rects = np.column_stack([centres[:, 0] - width / 2, centres[:, 1] - height / 2,
                                 centres[:, 0] + width / 2, centres[:, 1] + height / 2])
        area = self._overlaps(rects)
        if bounds is not None:
            outside = ((rects[:, 0] < bounds[0]) | (rects[:, 1] < bounds[1])
                       | (rects[:, 2] > bounds[2]) | (rects[:, 3] > bounds[3]))
            area = np.where(outside, 1e9, area)
        free = np.flatnonzero(area == 0)
        k = int(free[0]) if len(free) else int(np.argmin(area))
        return k, float(area[k])

    def place(self, centres: list[tuple[float, float]], width: float, height: float,
              bounds: tuple | None = None, search: bool = True,
              rings: int = 14) -> tuple[tuple[float, float], bool]:
        """The first centre where the rectangle is free (else the least covered) and whether it
        was free; with ``search``, places round the first centre are tried before giving up.
        The rectangle is added to the obstacles."""
        points = np.array(centres, dtype=float)
        k, area = self._best(points, width, height, bounds)
        best = (float(points[k, 0]), float(points[k, 1]))
        if area > 0 and search:
            # Nothing free on the wanted spots: look around the first one, nearest first.
            ring = _rings(points[0, 0], points[0, 1], width, height)[:4 * rings * (rings + 1)]
            j, ring_area = self._best(ring, width, height, bounds)
            if ring_area == 0:
                best, area = (float(ring[j, 0]), float(ring[j, 1])), 0.0
        cx, cy = best
        self.add((cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2))
        return best, area == 0


def _ring_steps(rings: int) -> np.ndarray:
    """Grid steps (a, b) on the rings 1 … ``rings`` round the origin, nearest ring first."""
    steps = [(x, y) for k in range(1, rings + 1) for x in range(-k, k + 1)
             for y in range(-k, k + 1) if max(abs(x), abs(y)) == k]
    return np.array(steps, dtype=float)


RING_STEPS = _ring_steps(14)


def _rings(x: float, y: float, width: float, height: float) -> np.ndarray:
    """Points on growing rings of a grid round (x, y), half a label wide and one label high."""
    return np.column_stack([x + RING_STEPS[:, 0] * 0.5 * width,
                            y + RING_STEPS[:, 1] * 1.05 * height])


def edge_candidates(line: tuple[float, float, float, float],
                    lift: float = 0.0) -> list[tuple[float, float]]:
    """Points on the edge, most wanted first; then (with ``lift``) just above and below it."""
    x1, y1, x2, y2 = line
    points = [(x1 + t * (x2 - x1), y1 + t * (y2 - y1)) for t in EDGE_SPOTS]
    if lift:
        points += [(x, y + d) for d in (-lift, lift, -2 * lift, 2 * lift) for x, y in points]
    return points


def edge_crossings(layout: Layout, sizes: list[int]) -> list[tuple[float, float]]:
    """Where two edges of the same gap cross: a label there could belong to either."""
    points = []
    for l in range(1, len(sizes)):
        keys = [f"{l}:{j}:{i}" for j in range(sizes[l]) for i in range(sizes[l - 1])]
        lines = np.array([edge_line(layout, k) for k in keys], dtype=float)
        x1, y1, x2, y2 = (lines[:, c] for c in range(4))
        rise = y2 - y1
        # Edges a, b of one gap share x1 and x2: they cross where y1a + t·rise_a = y1b + t·rise_b.
        a, b = np.triu_indices(len(lines), k=1)
        slope = rise[a] - rise[b]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (y1[b] - y1[a]) / slope
        cross = (slope != 0) & (t > 0.02) & (t < 0.98)
        for k in np.flatnonzero(cross):
            points.append((float(x1[a[k]] + t[k] * (x2[a[k]] - x1[a[k]])),
                           float(y1[a[k]] + t[k] * rise[a[k]])))
    return points


def place_edge_labels(layout: Layout, sizes: list[int], m: Metrics) -> dict:
    """A free spot on its edge for each weight's two-line label that has one, by edge key; no
    label is centred near a crossing of two edges, where it would seem to name either."""
    w, h = m.edge_text + 0.4 * m.font_px, 2 * m.line + 2
    obstacles = unit_obstacles(layout, sizes, m, True)
    # A crossing as a small obstacle: a label's rectangle may reach it, not sit on it.
    cw, ch = 0.45 * w, 0.45 * h
    obstacles += [(x - cw / 2, y - ch / 2, x + cw / 2, y + ch / 2)
                  for x, y in edge_crossings(layout, sizes)]
    placer = Placer(obstacles)
    spots = {}
    bounds = (0, 0, layout.width, layout.height)
    # The edges of the steepest slopes first: they have the fewest free spots.
    keys = [f"{l}:{j}:{i}" for l in range(1, len(sizes)) for j in range(sizes[l])
            for i in range(sizes[l - 1])]
    keys.sort(key=lambda k: -abs(edge_line(layout, k)[3] - edge_line(layout, k)[1]))
    for key in keys:
        centre, free = placer.place(edge_candidates(edge_line(layout, key), 0.55 * h), w, h,
                                    bounds, search=False)
        if free:
            spots[key] = centre
        else:
            placer.rects = placer.rects[:-1]  # labelled only while the cursor uses it
    return spots
