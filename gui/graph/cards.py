"""The size of every card of the computation graph and where its lines go.

Three kinds of card: a variable's in the inputs' column says ``w1 = 0.5  ∂L/∂w1 = …`` on one
line; an operation's has its title (the sub-expression it computes) over its value and
derivative lines, or, compact (presenter mode, where every pixel of height counts), two lines:
``w1*x1 = 0.5`` and ``grad = …``; a constant shows its number. Widths hold every text the
trace will show, so no card changes size while stepping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.notation import fmt

NUMBER_TEMPLATE = "−0.0000"  # the width reserved for a number
TITLE_GAP = 0.3  # between a compact card's title and its value, in text sizes


@dataclass
class CardLayout:
    """``sizes``: node id → (width, height); ``one_line``: variables with both numbers on one
    line; ``compact``: operations whose title and value share the first line; ``title_ws`` and
    ``value_ws``: the width of each compact card's title and of its widest value text."""

    sizes: dict[str, tuple[float, float]]
    one_line: set[str]
    compact: set[str]
    pad_x: float
    pad_y: float
    h_label: float
    h_line: float
    card_h: float  # the tallest card
    row_gap: float
    pitch: float  # a one-line card and the gap under it
    value_w: float = 0.0  # of the one-line cards' value text
    derivative_w: float = 0.0
    title_ws: dict[str, float] = field(default_factory=dict)
    value_ws: dict[str, float] = field(default_factory=dict)


def card_layout(view, graph, titles: dict[str, str], metrics: dict, fs: float,
                compact: bool) -> CardLayout:
    """Sizes for ``graph``'s cards in ``view`` (a GraphView: its controller, prefixes and
    ``_untitled``); ``metrics`` holds QFontMetricsF by "label", "value", "derivative";
    ``compact`` makes operation cards two lines and the gaps tighter."""
    c = view.controller
    final = {op.node: op for op in c.trace}
    columns = view._columns
    titled_columns = {columns[n.id] for n in graph.nodes
                      if n.op != "const" and not view._untitled(n, titles)}
    one_line = {n.id for n in graph.nodes if n.op != "const" and view._untitled(n, titles)
                and columns[n.id] not in titled_columns}
    packed = {n.id for n in graph.nodes if compact and n.op != "const"
              and not view._untitled(n, titles)}
    widths, value_ws, derivative_ws = [5 * fs], [0.0], [0.0]
    title_ws, own_value_ws = {}, {}
    own: dict[str, float] = {}  # the width each multi-line card's texts need
    gap = TITLE_GAP * fs
    # Room for any number, or (compact) for the numbers this trace shows and the placeholder.
    template = "—" if compact else NUMBER_TEMPLATE
    for n in graph.nodes:
        if n.op == "const":
            continue
        prefix = view.derivative_prefix(n)
        view._derivative_prefixes[n.id] = prefix
        value = fmt(c.node_values[n.id])
        derivative = final[n.id].derivative if n.id in final else None
        v = max(metrics["value"].horizontalAdvance(view.value_text(n, number))
                for number in (template, value))
        d = max(metrics["derivative"].horizontalAdvance(f"{prefix} = {number}")
                for number in (template, fmt(derivative) if derivative is not None
                               else ""))
        if n.id in one_line:
            value_ws.append(v)
            derivative_ws.append(d)
        elif n.id in packed:
            title_ws[n.id] = metrics["label"].horizontalAdvance(titles[n.id])
            own_value_ws[n.id] = v
            own[n.id] = max(title_ws[n.id] + gap + v, d)
        else:
            title = 0.0 if view._untitled(n, titles) else metrics["label"].horizontalAdvance(
                titles[n.id])
            own[n.id] = max(title, v, d)
    widths += list(own.values())
    pad_x = (0.3 if compact else 0.5) * fs
    pad_y = (0.16 if compact else 0.25) * fs
    card_w = max(widths) + 2 * pad_x
    # Compact cards are as wide as the widest of their column, others as the widest of all.
    column_w: dict[int, float] = {}
    for node_id, w in own.items():
        column_w[columns[node_id]] = max(column_w.get(columns[node_id], 5 * fs), w + 2 * pad_x)

    def width(n) -> float:
        return column_w[columns[n.id]] if compact else card_w

    line_w = max(value_ws) + 0.9 * fs + max(derivative_ws) + 2 * pad_x
    h_label, h_line = metrics["label"].height(), metrics["value"].height()
    titled_h = 2 * pad_y + h_label + 0.15 * fs + 2 * h_line
    packed_h = 2 * pad_y + max(h_label, h_line) + h_line
    small_h = 2 * pad_y + h_line  # one line
    two_h = 2 * pad_y + 2 * h_line  # untitled, beside titled cards
    const_h = h_label + 2 * pad_y
    row_gap = (0.3 if compact else 0.5) * fs

    def size(n) -> tuple[float, float]:
        if n.op == "const":
            return max(metrics["label"].horizontalAdvance(titles[n.id]) + 2 * pad_x,
                       2.6 * fs), const_h
        if n.id in one_line:
            return line_w, small_h
        if n.id in packed:
            return width(n), packed_h
        return (width(n), two_h) if view._untitled(n, titles) else (width(n), titled_h)

    sizes = {n.id: size(n) for n in graph.nodes}
    tallest = max((h for _, h in sizes.values()), default=small_h)
    return CardLayout(sizes, one_line, packed, pad_x, pad_y, h_label, h_line, tallest,
                      row_gap, small_h + row_gap, max(value_ws), max(derivative_ws),
                      title_ws, own_value_ws)
