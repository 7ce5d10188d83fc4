"""The network view's focus: the numbers the current operation reads and writes.

In focus mode (a network too dense to label everything) only each unit's u is always shown;
this shows the other labels the current operation uses, each moved to a free place next to its
unit, and writes the weights it uses on their edges. In full mode it labels the weights whose
edges had no free place for a permanent label. Positions come from
:class:`gui.stepper.network_layout.Placer`, so nothing it shows covers another label.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsSimpleTextItem

from core.notation import fmt
from core.trace import unit_label
from gui.stepper.network_layout import Placer, edge_candidates

RINGS = 7  # how far round its edge a focus label is looked for (the search costs time per step)


def focus_keys(view, op) -> tuple[set[str], set[str]]:
    """The stepper keys the operation uses and the view's labels that show them."""
    keys = set() if op is None else {op.key, *op.reads}
    labels = {view._label_key(k) for k in keys}
    # ∂L/∂b is δ, which the δ label shows.
    labels |= {"delta:" + k[7:] for k in keys if k.startswith("grad_b:")}
    if op is not None and op.unit is not None and op.layer > 0 and op.quantity in ("u", "delta"):
        labels.add(f"z:{op.layer}:{op.unit}")
    return keys, labels


def unit_of(view, key: str) -> tuple[int, int] | None:
    """The unit a unit label (``z:l:j``, ``delta:l:j``, ``b:l:j``, ``y:j``) belongs to."""
    parts = key.split(":")
    if parts[0] == "y":
        return (len(view.controller.network.sizes) - 1, int(parts[1]))
    if parts[0] in ("z", "delta", "b") and len(parts) == 3:
        return (int(parts[1]), int(parts[2]))
    return None


def _around(view, unit, width: float, height: float) -> list[tuple[float, float]]:
    """Centres next to a unit, above and below first, then to its sides."""
    c = view.centres[unit]
    r, hw = view._radius, max(view.layout.half_width, view._radius)
    x, y, g = c.x(), c.y(), 3.0
    u = view.labels.get(f"u:{unit[0]}:{unit[1]}")
    if u is not None and u[0].isVisible() and u[0].text():
        hw = max(hw, u[0].sceneBoundingRect().width() / 2 + 2)  # u is wider than its dot
    left, right = x - hw - width / 2 - g, x + hw + width / 2 + g
    # Level with the unit beside its u before half a line up or down, where the label would
    # sit between two units of a dense column and could be read as the other one's.
    level = [spot for k in range(int(width // 6) + 1)
             for spot in ((right + 6 * k, y), (left - 6 * k, y))]
    return [(x, y - r - height / 2 - g), (x, y + r + height / 2 + g), *level,
            (left, y - height / 2), (left, y + height / 2), (right, y - height / 2),
            (right, y + height / 2), (x, y - r - 1.5 * height - g),
            (x, y + r + 1.5 * height + g), (left, y - 1.5 * height), (left, y + 1.5 * height),
            (right, y - 1.5 * height), (right, y + 1.5 * height)]


def show_focus(view, stepper, known: dict[str, float]) -> None:
    """Show, place and fill the focus labels of the view for the stepper's cursor."""
    op = stepper.current
    keys, focus = focus_keys(view, op)
    for item in view.focus_items:
        item.setVisible(False)
    dense = view.always_shown is not None
    if dense and focus != view._focus:
        for key in view._focus - focus:
            if key in view.labels and key not in view.always_shown:
                item = view.labels[key][0]
                item.setVisible(False)
                view._place(item)
        view._focus = focus
    edges: dict[str, list[str]] = {}
    for key in keys:
        kind, _, rest = key.partition(":")
        if (kind in ("w", "grad_w", "new_w") and rest in view.edge_index
                and rest not in view.layout.edge_spots and key not in view.labels):
            edges.setdefault(rest, []).append(kind)
    movable = sorted(k for k in focus if dense and k in view.labels
                     and k not in view.always_shown)
    # A bias's new value has no label of its own: it is shown beside its unit while in focus.
    new_biases = sorted(k for k in keys if k.startswith("new_b:") and k in known)
    if not view.labels_visible or (not edges and not movable and not new_biases):
        return
    hw = max(view.layout.half_width, view._radius)
    obstacles = [(c.x() - hw, c.y() - view._radius, c.x() + hw, c.y() + view._radius)
                 for c in view.centres.values()]
    for key, (item, _) in view.labels.items():
        if item.isVisible() and key not in movable:
            r = item.sceneBoundingRect()
            obstacles.append((r.left(), r.top(), r.right(), r.bottom()))
    placer = Placer(obstacles)
    bounds = (0, 0, view.layout.width, view.layout.height)
    for key in movable:
        item = view.labels[key][0]
        item.setVisible(True)
        unit = unit_of(view, key)
        if unit is None:
            view._place(item)
            continue
        r = item.boundingRect()
        (cx, cy), _ = placer.place(_around(view, unit, r.width() + 4, r.height()),
                                   r.width() + 4, r.height(), bounds)
        item.setPos(cx - r.width() / 2, cy - r.height() / 2)
        plate = view.plates.get(key)
        if plate is not None:
            plate.setRect(item.sceneBoundingRect().adjusted(-2, 0, 2, 0))
            plate.setVisible(True)
    while len(view.focus_items) < len(edges) + len(new_biases):
        item = QGraphicsSimpleTextItem()
        item.setFont(view._font())
        item.setBrush(QBrush(view.theme.reads))
        item.setZValue(3)
        view.scene().addItem(item)
        plate = QGraphicsRectItem(item)
        plate.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        plate.setPen(QPen(Qt.PenStyle.NoPen))
        plate.setBrush(QBrush(view.theme.background))
        view.focus_items.append(item)
    for item, (key, kinds) in zip(view.focus_items, sorted(edges.items())):
        item.setText(edge_focus_text(key, kinds, known))
        item.setData(0, f"edge:{key}")
        r = item.boundingRect()
        line = view.edges_item.lines[view.edge_index[key]]
        ends = (line.x1(), line.y1(), line.x2(), line.y2())
        (cx, cy), free = placer.place(edge_candidates(ends, 0.6 * r.height()), r.width() + 4,
                                      r.height(), bounds, rings=RINGS)
        if not free or far_from(ends, (cx, cy), 2.5 * r.height()):
            # Crowded round the edge: on the line of the loss (and the tables' caption), named.
            near = placer.rects[-1]
            placer.rects = placer.rects[:-1]
            placed = place_named(view, placer, item, edge_name(view, key), line.center().x(),
                                 bounds)
            if placed is not None:
                ((cx, cy), r), free = placed, True
            else:  # no room there either: the place found round the edge
                placer.add(near)
        if not free:  # crowded round the edge: the nearest free place farther away
            placer.rects = placer.rects[:-1]
            (cx, cy), free = placer.place(edge_candidates(ends, 0.6 * r.height()),
                                          r.width() + 4, r.height(), bounds, rings=14)
        if not free:  # still none: on one line, the free place nearest to the edge anywhere
            placer.rects = placer.rects[:-1]
            item.setText(item.text().replace("\n", "   "))
            r = item.boundingRect()
            (cx, cy), _ = placer.place(anywhere(line.center(), r.width() + 4, r.height(), bounds),
                                       r.width() + 4, r.height(), bounds, search=False)
        item.setPos(cx - r.width() / 2, cy - r.height() / 2)
        item.childItems()[0].setRect(r.adjusted(-2, 0, 2, 0))
        item.setVisible(True)
    for item, key in zip(view.focus_items[len(edges):], new_biases):
        item.setText(f"b → {fmt(known[key])}")
        item.setData(0, key[4:])
        r = item.boundingRect()
        _, l, j = key.split(":")
        unit = (int(l), int(j))
        (cx, cy), free = placer.place(_around(view, unit, r.width() + 4, r.height()),
                                      r.width() + 4, r.height(), bounds)
        c = view.centres[unit]
        reach = max(view.layout.half_width, view._radius) + r.width() / 2 + 2 * r.height()
        if not free or abs(cx - c.x()) > reach or abs(cy - c.y()) > view._radius + 2 * r.height():
            # Crowded round its unit (or free only far from it, where it would seem to be
            # another unit's): on the line of the loss, named; else anywhere free, named.
            near = placer.rects[-1]
            placer.rects = placer.rects[:-1]
            placed = place_named(view, placer, item, unit_label(view.controller.network, *unit),
                                 c.x(), bounds, lambda w, h, c=c: anywhere(c, w, h, bounds))
            if placed is not None:
                (cx, cy), r = placed
            else:  # nowhere free: the least covered place round its unit, unnamed
                placer.add(near)
                cx, cy = (near[0] + near[2]) / 2, (near[1] + near[3]) / 2
        item.setPos(cx - r.width() / 2, cy - r.height() / 2)
        item.childItems()[0].setRect(r.adjusted(-2, 0, 2, 0))
        item.setVisible(True)


def place_named(view, placer, item, name: str, x: float, bounds, elsewhere=None):
    """``item`` renamed "name: its text" (on one line) where it is free: on the line of the
    loss, nearest to ``x``, else among ``elsewhere(width, height)``'s centres. Returns its centre
    and rectangle, or None (its text as it was, nothing placed)."""
    text = item.text()
    item.setText(f"{name}: {text.replace(chr(10), '   ')}")
    named = item.boundingRect()
    w, h = named.width() + 4, named.height()
    for spots in (loss_line_spots(view, x, w), *([] if elsewhere is None else [elsewhere(w, h)])):
        if len(spots):
            centre, free = placer.place(spots, w, h, bounds, search=False)
            if free:
                return centre, named
            placer.rects = placer.rects[:-1]
    item.setText(text)
    return None


def far_from(ends: tuple, point: tuple, distance: float) -> bool:
    """Whether ``point`` is farther than ``distance`` from the segment ``ends``."""
    a, b, p = np.array(ends[:2]), np.array(ends[2:]), np.array(point)
    t = np.clip(np.dot(p - a, b - a) / max(np.dot(b - a, b - a), 1e-9), 0.0, 1.0)
    return float(np.hypot(*(a + t * (b - a) - p))) > distance


def loss_line_spots(view, x: float, width: float) -> list[tuple[float, float]]:
    """Centres on the line of the loss, left of it (and right of the tables' caption, "each
    cell: w", where there is one), nearest to ``x`` first; none when the line has no room for
    ``width`` or the loss is drawn apart from the network (zoomed out)."""
    legend, loss = view.labels.get("name:legend"), view.labels.get("loss")
    if loss is None or loss[0].flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations:
        return []
    b = loss[0].sceneBoundingRect()
    start = 0.4 * view.metrics.font_px if legend is None else legend[0].sceneBoundingRect().right()
    low, high = start + 12 + width / 2, b.left() - 12 - width / 2
    if high < low:
        return []
    xs = sorted(np.arange(low, high + 1e-9, 6.0), key=lambda c: abs(c - x))
    return [(float(c), b.center().y()) for c in xs]


def edge_name(view, key: str) -> str:
    """``h1,5→h2,7`` for edge ``l:j:i``."""
    l, j, i = (int(p) for p in key.split(":"))
    net = view.controller.network
    return f"{unit_label(net, l - 1, i)}→{unit_label(net, l, j)}"


def anywhere(centre, width: float, height: float, bounds: tuple) -> np.ndarray:
    """Centres on a grid over ``bounds`` (half a label wide, one line high), nearest to
    ``centre`` first."""
    x0, y0, x1, y1 = bounds
    xs = np.arange(x0 + width / 2, x1 - width / 2 + 1e-9, max(width / 2, 1.0))
    ys = np.arange(y0 + height / 2, y1 - height / 2 + 1e-9, max(height, 1.0))
    grid = np.array(np.meshgrid(xs, ys)).reshape(2, -1).T
    if not len(grid):
        return np.array([[centre.x(), centre.y()]])
    order = np.argsort(np.hypot(grid[:, 0] - centre.x(), grid[:, 1] - centre.y()))
    return grid[order]


def edge_focus_text(key: str, kinds: list[str], known: dict[str, float]) -> str:
    """What the operation uses of edge ``key``: w (→ its new value), ∂L/∂w on a second line."""
    w = fmt(known[f"w:{key}"])
    top = w
    if "new_w" in kinds and f"new_w:{key}" in known:
        top = f"{w} → {fmt(known[f'new_w:{key}'])}"
    elif "w" not in kinds:
        top = ""
    grad = known.get(f"grad_w:{key}") if "grad_w" in kinds else None
    bottom = "" if grad is None else f"∂L/∂w {fmt(grad)}"
    return "\n".join(part for part in (top, bottom) if part) or w
