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


def layout_rows(graph: Graph) -> dict[str, float]:
    """The height of every node in units of one row, by node id.

    Variables of the first column take rows 0, 1, … in order of appearance. An operation sits
    at the mean row of its inputs placed so far; nodes of one column that come closer than one
    row are pushed apart. A constant, or a variable drawn in a later column, takes the free
    place nearest to the input slot it feeds.
    """
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
        _spread(wanted, rows)
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
        taken = [rows[m.id] for m in columns[drawn[n.id]] if m.id in rows]
        rows[n.id] = _nearest_free(want, taken)
    return rows


def _spread(wanted: list[tuple[float, Node]], rows: dict[str, float]) -> None:
    """Rows near the wanted ones, at least one apart, keeping their mean."""
    if not wanted:
        return
    wanted.sort(key=lambda pair: (pair[0], int(pair[1].id[1:])))
    placed: list[float] = []
    for want, _ in wanted:
        placed.append(want if not placed else max(want, placed[-1] + 1.0))
    shift = sum(w for w, _ in wanted) / len(wanted) - sum(placed) / len(placed)
    for (_, n), row in zip(wanted, placed):
        rows[n.id] = row + shift


def _nearest_free(want: float, taken: list[float]) -> float:
    candidates = [want] + [t + d for t in taken for d in (-1.0, 1.0)]
    free = [c for c in candidates if all(abs(c - t) >= 1.0 - 1e-9 for t in taken)]
    return min(free, key=lambda c: (abs(c - want), c))
