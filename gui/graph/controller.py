"""The Qt-side owner of a computation graph and a cursor over its trace.

It has the same stepping methods as the stepper's
:class:`~gui.stepper.controller.StepController` (``step``, ``back``,
``to_phase_end``, ``to_end``, ``to_start``, ``next_sample``), so the main window can route its
step keys to whichever controller the active tab shows.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal

from core.expressions import (
    Graph,
    GraphOperation,
    check_values,
    forward_values,
    get_preset,
    local_derivatives,
    parse,
    trace,
)

MODES = ("reverse", "forward")
DEFAULT_VALUE = 1.0  # the value a new variable starts with


class GraphController(QObject):
    """Owns the expression, its graph, the variable values, the mode and the cursor.

    Signals
    -------
    graph_replaced : a different graph is shown: rebuild layouts (``trace_replaced`` follows).
    trace_replaced : the values, the mode or the variable to differentiate by changed: the
        records are new, the layout is the same (``state_changed`` follows).
    state_changed : the cursor moved: refresh the numbers shown.
    """

    graph_replaced = Signal()
    trace_replaced = Signal()
    state_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.graph: Graph | None = None
        self.values: dict[str, float] = {}
        self.mode = "reverse"
        self.wrt: str | None = None  # the variable forward mode differentiates by
        self.trace: tuple[GraphOperation, ...] = ()
        self.cursor = 0  # operations applied so far, 0 … len(trace)
        self.node_values: dict[str, float] = {}
        self.local: dict[str, float] = {}  # ∂target/∂source of every edge, by edge id
        self._given: dict[str, float] = {}

    # -- what is shown --------------------------------------------------------------------------

    def set_expression(self, text: str, values: Mapping[str, float] | None = None) -> None:
        """Show the graph of ``text``; raises ExpressionError (keeping the current graph).

        Variables keep their current value when the new expression uses them too; new ones
        start at 1 unless ``values`` gives them.
        """
        graph = parse(text)
        merged = {**self.values, **(values or {})}
        new_values = check_values(
            graph, {name: merged.get(name, DEFAULT_VALUE) for name in graph.variables}
        )
        self.text, self.graph, self.values = text.strip(), graph, new_values
        if self.wrt not in graph.variables:
            self.wrt = graph.variables[0] if graph.variables else None
        self._rebuild()
        self.cursor = 0
        self.graph_replaced.emit()
        self.trace_replaced.emit()
        self.state_changed.emit()

    def load_preset(self, name: str) -> None:
        """Show the preset called ``name`` with its values (ValueError for an unknown name)."""
        preset = get_preset(name)
        self.values = {}  # a preset's values only, not those left from before
        self.set_expression(preset.expression, preset.values)

    def set_values(self, values: Mapping[str, float]) -> None:
        """Change some variables' values, keeping the cursor; ValueError names a bad one."""
        if self.graph is None:
            return
        new_values = check_values(self.graph, {**self.values, **values})
        if new_values == self.values:
            return
        self.values = new_values
        self._rebuild()
        self.trace_replaced.emit()
        self.state_changed.emit()

    def set_mode(self, mode: str, wrt: str | None = None) -> None:
        """Reverse or forward mode (by ``wrt``, by default the current or first variable).

        The trace starts again from the beginning. ValueError for an unknown mode or variable.
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode '{mode}' (expected reverse or forward)")
        variables = self.graph.variables if self.graph is not None else ()
        if wrt is not None and wrt not in variables:
            raise ValueError(
                f"'{wrt}' is not a variable of the expression "
                f"(it uses: {', '.join(variables) or 'none'})"
            )
        wrt = wrt or self.wrt
        if mode == self.mode and wrt == self.wrt:
            return
        self.mode, self.wrt = mode, wrt
        if self.graph is None:
            return
        self._rebuild()
        self.cursor = 0
        self.trace_replaced.emit()
        self.state_changed.emit()

    def _rebuild(self) -> None:
        graph = self.graph
        if self.mode == "forward" and self.wrt is not None:
            self.trace = trace(graph, self.values, "forward", self.wrt)
        elif self.mode == "forward":  # nothing to differentiate by: the values only
            self.trace = tuple(op for op in trace(graph, self.values) if op.phase == "forward")
        else:
            self.trace = trace(graph, self.values)
        self.node_values = forward_values(graph, self.values)
        self.local = local_derivatives(graph, self.node_values)
        # Inputs and constants are given, like a network's x, w and b.
        self._given = {
            f"value:{n.id}": self.node_values[n.id] for n in graph.nodes if n.op in ("var", "const")
        }
        self.cursor = min(self.cursor, len(self.trace))

    # -- what is known at the cursor --------------------------------------------------------

    @property
    def current(self) -> GraphOperation | None:
        """The record applied last, or None at the start."""
        return self.trace[self.cursor - 1] if self.cursor > 0 else None

    @property
    def at_end(self) -> bool:
        return self.cursor == len(self.trace)

    def known(self) -> dict[str, float]:
        """Every number known at the cursor and nothing computed later.

        Keys: ``value:<node>`` (inputs and constants from the start), ``derivative:<node>``
        (∂f/∂node in reverse mode, dnode/dx in forward mode) and ``local:<edge>`` (∂target/∂source,
        once a record has used it).
        """
        known = dict(self._given)
        for op in self.trace[: self.cursor]:
            known[f"value:{op.node}"] = op.value
            if op.derivative is not None:
                known[f"derivative:{op.node}"] = op.derivative
            for key in op.reads:
                if "->" in key:
                    known[f"local:{key}"] = self.local[key]
        return known

    def position(self) -> tuple[str, int, int]:
        """(phase, k, n): the current record is the k-th of the n in its phase.

        At the start this is (phase of the first record, 0, n).
        """
        if not self.trace:
            return "forward", 0, 0
        op = self.current
        phase = op.phase if op is not None else self.trace[0].phase
        in_phase = [o.index for o in self.trace if o.phase == phase]
        k = 0 if op is None else in_phase.index(op.index) + 1
        return phase, k, len(in_phase)

    # -- stepping -------------------------------------------------------------------------------

    def _go(self, cursor: int) -> None:
        cursor = max(0, min(cursor, len(self.trace)))
        if cursor != self.cursor:
            self.cursor = cursor
            self.state_changed.emit()

    def step(self) -> None:
        """One record forward (nothing at the end)."""
        self._go(self.cursor + 1)

    def back(self) -> None:
        self._go(self.cursor - 1)

    def to_phase_end(self) -> None:
        """Complete the phase of the next record."""
        if self.at_end:
            return
        phase, cursor = self.trace[self.cursor].phase, self.cursor
        while cursor < len(self.trace) and self.trace[cursor].phase == phase:
            cursor += 1
        self._go(cursor)

    def to_end(self) -> None:
        self._go(len(self.trace))

    def to_start(self) -> None:
        self._go(0)

    def next_sample(self) -> None:
        """A graph has one evaluation, not samples: start it again."""
        self.to_start()
