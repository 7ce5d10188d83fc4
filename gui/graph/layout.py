"""Where the computation graph's nodes go: a column per node (variables beside their first use)
and a row within the column near the mean of its inputs, the same on every run."""

from __future__ import annotations

from core.expressions import Graph, Node


def draw_columns(graph: Graph) -> dict[str, int]:
    """The column each node is drawn in: its ``column``, except that a variable sits one column
    before its first consumer (as constants do), so that inputs used late do not make the first
    column tall."""
    columns = {n.id: n.column for n in graph.nodes}
    for n in graph.nodes:
        if n.op == "var" and n.consumers:
            columns[n.id] = max(0, min(columns[c] for c in n.consumers) - 1)
    return columns


def layout_rows(graph: Graph, size=None) -> dict[str, float]:
    """The height of every node in units of one row, by node id.

    Variables of the first column take rows 0, 1, … in order of appearance. An operation sits
    at the mean row of its inputs placed so far; nodes of one column that come closer than they
    may are pushed apart. A constant, or a variable drawn in a later column, takes the free
    place nearest to the input slot it feeds. ``size(node)`` is the room a node's card takes in
    rows (1 for every node unless given): two nodes of a column stay (size + size) / 2 apart.
    """
    size = size or (lambda n: 1.0)

    def apart(a: Node, b: Node) -> float:
        return (size(a) + size(b)) / 2

    rows: dict[str, float] = {}
    drawn = draw_columns(graph)
    columns: dict[int, list[Node]] = {}
    for n in graph.nodes:
        columns.setdefault(drawn[n.id], []).append(n)

    def late(n: Node) -> bool:
        return n.op == "const" or (n.op == "var" and drawn[n.id] > 0)

    for column in sorted(columns):
        wanted = []
        for n in columns[column]:
            if late(n):
                continue
            ins = [rows[i] for i in n.inputs if i in rows]
            if n.op == "var":
                wanted.append((float(len(wanted)), n))
            else:
                wanted.append((sum(ins) / len(ins) if ins else 0.0, n))
        _spread(wanted, rows, apart)
    for n in graph.nodes:
        if not late(n):
            continue
        if not n.consumers:
            rows[n.id] = 0.0
            continue
        consumer = graph.node(n.consumers[0])
        slot = consumer.inputs.index(n.id)
        centre = rows.get(consumer.id, 0.0)
        want = centre + (slot - (len(consumer.inputs) - 1) / 2)
        taken = [(rows[m.id], apart(m, n)) for m in columns[drawn[n.id]] if m.id in rows]
        rows[n.id] = _nearest_free(want, taken)
    return rows


def _spread(wanted: list[tuple[float, Node]], rows: dict[str, float], apart) -> None:
    """Rows near the wanted ones, ``apart(a, b)`` apart at least, keeping their mean."""
    if not wanted:
        return
    wanted.sort(key=lambda pair: (pair[0], int(pair[1].id[1:])))
    placed: list[float] = []
    for k, (want, n) in enumerate(wanted):
        placed.append(want if not placed else max(want, placed[-1] + apart(wanted[k - 1][1], n)))
    shift = sum(w for w, _ in wanted) / len(wanted) - sum(placed) / len(placed)
    for (_, n), row in zip(wanted, placed):
        rows[n.id] = row + shift


def _nearest_free(want: float, taken: list[tuple[float, float]]) -> float:
    """The row nearest ``want`` that keeps its distance from every (row, distance) taken."""
    candidates = [want] + [t + d * sign for t, d in taken for sign in (-1.0, 1.0)]
    free = [c for c in candidates if all(abs(c - t) >= d - 1e-9 for t, d in taken)]
    return min(free, key=lambda c: (abs(c - want), c))


def wrap_bands(columns: dict[str, int], rows: dict[str, float], widths: dict[int, float],
               size: tuple, port: tuple, spread: float = 1.8, cap: float = 1.0,
               floor: float = 0.0, lane: float = 2.0, aligned: bool = True) -> dict:
    """Wrap the columns into the bands (one under the other) that fill the view best.

    ``widths`` is the width of each column's widest card; ``size`` is (gap, dy, card_h, fs): the
    room between two columns, the row pitch, the tallest card and the text size; ``port`` the
    view's (width, height). A band is as tall as its own nodes need, so a tall first column does
    not make every band tall, and the k-th column of every band shares one x (unless not
    ``aligned``: then each band's columns are as wide as its own cards, and the first band
    uses the room that later bands keep on their left for the edges coming in). Wrappings that
    all fit at the largest scale the view uses (``cap``) count as equal and the one with fewer
    bands wins, unless it would be shown below ``floor``. When the chosen wrapping leaves room,
    the gaps and the row pitch grow by at most ``spread`` to use it. ``lane``: the room
    between two bands, in text sizes. Returns ``per`` (columns per
    band), ``dy``, and for each band ``xs`` (the centre of each of its columns), ``tops`` (its
    top row), ``ys`` (the scene height of that row) and ``lanes`` (the height of the lane under
    it, where edges run to a later band).
    """
    gap, dy, card_h, fs = size
    w_port, h_port = max(port[0], 100), max(port[1], 100)
    count = max(max(columns.values()), 0) + 1
    between = lane * fs  # the room between two bands, with the lane in it

    def slots(per: int) -> list[list[float]]:
        """The width of each column slot, for each band."""
        bands = -(-count // per)
        out = [[0.0] * min(per, count - b * per) for b in range(bands)]
        for column, width in widths.items():
            band, k = divmod(max(column, 0), per)
            out[band][k] = max(out[band][k], width)
        if aligned:
            shared = [max(b[k] for b in out if k < len(b)) for k in range(per)]
            out = [shared[:len(b)] for b in out]
        return out

    def band_widths(per: int, gap: float) -> list[float]:
        return [sum(ws) + (len(ws) - 1) * gap for ws in slots(per)]

    def spans(per: int) -> tuple[list[float], list[float]]:
        tops, bottoms = [], []
        for band in range(-(-count // per)):
            inside = [rows[k] for k, c in columns.items() if max(c, 0) // per == band]
            tops.append(min(inside, default=0.0))
            bottoms.append(max(inside, default=0.0))
        return tops, [b - t for t, b in zip(tops, bottoms)]

    def extent(per: int, gap: float, dy: float) -> tuple[float, float]:
        _, span = spans(per)
        lane = gap if len(span) > 1 else 0.0  # edges into a later band come in from the left
        ws = band_widths(per, gap)
        width = (max(ws) + lane if aligned else max([ws[0], *(w + lane for w in ws[1:])])
                 ) + 1.2 * fs
        height = sum(s * dy + card_h for s in span) + between * (len(span) - 1) + 1.2 * fs
        return width, height

    best = None
    for bands in range(1, count + 1):
        per = -(-count // bands)
        if bands > 1 and -(-count // (bands - 1)) == per:
            continue
        width, height = extent(per, gap, dy)
        scale = min(w_port / width, h_port / height, cap)  # all that fit at ``cap`` tie
        # A band more only for a clear gain, unless the graph would not be legible (below
        # ``floor``) without it.
        if best is None or scale > best[0] * (1.2 if best[0] >= floor else 1.0):
            best = (scale, per)
    per = best[1]
    tops, span = spans(per)
    width, height = extent(per, gap, dy)
    # Spread to fill the view at the scale the graph will be shown at.
    shown = max(best[0], floor)
    w_port, h_port = w_port / shown, h_port / shown
    if per > 1 and width < w_port:
        gap *= min(1 + (w_port - width) / ((per - 1) * gap), spread)
    if sum(span) > 0 and height < h_port:
        dy *= min(1 + (h_port - height) / (sum(span) * dy), spread)
    xs = []
    for band, ws in enumerate(slots(per)):
        x = -gap if band == 0 and len(span) > 1 and not aligned else 0.0
        xs.append([])
        for k, w in enumerate(ws):
            x += (w / 2 if k == 0 else w / 2 + gap)
            xs[-1].append(x)
            x += w / 2
    ys, lanes, y = [], [], 0.0
    for s in span:
        ys.append(y)
        lanes.append(y + s * dy + card_h / 2 + 0.4 * between)
        y += s * dy + card_h + between
    return {"per": per, "xs": xs, "gap": gap, "dy": dy, "tops": tops, "ys": ys, "lanes": lanes}
