"""The graph of an expression (nodes, edges), its values, and its derivatives in forward and
reverse mode; the counts of what each mode costs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

FUNCTIONS: dict[str, int] = {
    "exp": 1, "log": 1, "sin": 1, "cos": 1, "tanh": 1, "sigmoid": 1, "relu": 1, "abs": 1,
    "sqrt": 1, "max": 2, "min": 2,
}
"""The functions an expression may call, with their number of arguments (``log`` is ln)."""

CONSTANTS: dict[str, float] = {"e": math.e, "pi": math.pi}


LABELS = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^", "neg": "−",
           "sigmoid": "σ", "log": "ln", "sqrt": "√", "abs": "|·|"}


# ∂node/∂input of each operation, u = first input, v = second (one formula per input).
LOCAL_FORMULAS: dict[str, tuple[str, ...]] = {
    "add": ("∂(u + v)/∂u = 1", "∂(u + v)/∂v = 1"),
    "sub": ("∂(u − v)/∂u = 1", "∂(u − v)/∂v = −1"),
    "mul": ("∂(u·v)/∂u = v", "∂(u·v)/∂v = u"),
    "div": ("∂(u/v)/∂u = 1/v", "∂(u/v)/∂v = −u/v^{2}"),
    "pow": ("∂u^{v}/∂u = v·u^{v−1}", "∂u^{v}/∂v = u^{v}·ln u"),
    "neg": ("∂(−u)/∂u = −1",),
    "exp": ("∂e^{u}/∂u = e^{u}",),
    "log": ("∂ln u/∂u = 1/u",),
    "sin": ("∂sin u/∂u = cos u",),
    "cos": ("∂cos u/∂u = −sin u",),
    "tanh": ("∂tanh u/∂u = 1 − tanh^{2} u",),
    "sigmoid": ("∂σ(u)/∂u = σ(u)(1 − σ(u))",),
    "relu": ("∂relu(u)/∂u = 1 if u > 0 else 0",),
    "abs": ("∂|u|/∂u = sign(u), 0 at u = 0",),
    "sqrt": ("∂√u/∂u = 1/(2√u)",),
    "max": ("∂max(u, v)/∂u = 1 if u ≥ v else 0", "∂max(u, v)/∂v = 1 if v > u else 0"),
    "min": ("∂min(u, v)/∂u = 1 if u ≤ v else 0", "∂min(u, v)/∂v = 1 if v < u else 0"),
}


class ExpressionError(ValueError):
    """An expression that cannot be parsed, with the 1-based column of the offending part."""


@dataclass(frozen=True)
class Node:
    """One primitive of the graph.

    Attributes
    ----------
    id : ``n0``, ``n1``, …; the number is the position in topological order.
    op : ``var``, ``const``, ``add``, ``sub``, ``mul``, ``div``, ``pow``, ``neg`` or a function.
    label : what the node shows: the variable's name, the number, ``+``, ``×``, ``sin``, ``σ``, ….
    inputs : ids of the operands, in order (``x*x`` lists x twice).
    consumers : ids of the distinct nodes that read this one, in topological order.
    depth : longest path from any variable or constant (those have 0).
    column : where to draw it: variables at 0, operations at the longest path from a variable,
        constants one column left of their first consumer.
    source : the text of its sub-expression (of its first occurrence when merged).
    name : the variable's name, a network quantity's name (``z1_0``, ``u1_0``, ``L``) or "".
    constant : the value of a ``const`` node, else None.
    """

    id: str
    op: str
    label: str
    inputs: tuple[str, ...]
    consumers: tuple[str, ...]
    depth: int
    column: int
    source: str
    name: str = ""
    constant: float | None = None


@dataclass(frozen=True)
class Edge:
    """Input ``slot`` (0 = u, 1 = v) of ``target`` reads ``source``; id ``n0->n2:0``."""

    source: str
    target: str
    slot: int
    formula: str  # ∂target/∂source in general form, from LOCAL_FORMULAS

    @property
    def id(self) -> str:
        return f"{self.source}->{self.target}:{self.slot}"


@dataclass(frozen=True)
class Graph:
    """Nodes in topological order (``nodes[k].id == f"n{k}"``), edges by target then slot."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    output: str
    variables: tuple[str, ...]  # variable names in order of first appearance
    source: str
    output_name: str = "f"  # what formulas call the output: ∂f/∂a (∂L/∂w for a network)
    _by_id: dict = field(init=False, repr=False, compare=False)
    _in: dict = field(init=False, repr=False, compare=False)
    _out: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Look-up tables, so that a pass over the graph stays linear in its size.
        ins: dict[str, list[Edge]] = {n.id: [] for n in self.nodes}
        outs: dict[str, list[Edge]] = {n.id: [] for n in self.nodes}
        for e in self.edges:
            ins[e.target].append(e)
            outs[e.source].append(e)
        object.__setattr__(self, "_by_id", {n.id: n for n in self.nodes})
        object.__setattr__(self, "_in", {k: tuple(v) for k, v in ins.items()})
        object.__setattr__(self, "_out", {k: tuple(v) for k, v in outs.items()})

    def node(self, node_id: str) -> Node:
        return self._by_id[node_id]

    def variable(self, name: str) -> Node:
        """The input node of variable ``name``."""
        return next(n for n in self.nodes if n.op == "var" and n.name == name)

    def in_edges(self, node_id: str) -> tuple[Edge, ...]:
        """The edges into ``node_id``, by slot."""
        return self._in[node_id]

    def out_edges(self, node_id: str) -> tuple[Edge, ...]:
        """The edges out of ``node_id``, by consumer then slot (x*x gives two)."""
        return self._out[node_id]


# -- numbers ----------------------------------------------------------------------------------

_F = np.float64


def _apply(op: str, a: float, b: float) -> float:
    """The value of one operation (call under np.errstate(all="ignore")): IEEE, never raises."""
    a, b = _F(a), _F(b)
    value = {
        "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
        "pow": lambda: np.power(a, b), "neg": lambda: -a, "exp": lambda: np.exp(a),
        "log": lambda: np.log(a), "sin": lambda: np.sin(a), "cos": lambda: np.cos(a),
        "tanh": lambda: np.tanh(a), "sigmoid": lambda: 0.5 + 0.5 * np.tanh(0.5 * a),
        "relu": lambda: np.maximum(a, 0.0), "abs": lambda: np.abs(a), "sqrt": lambda: np.sqrt(a),
        "max": lambda: np.maximum(a, b), "min": lambda: np.minimum(a, b),
    }[op]()
    return float(value)


def _local(op: str, slot: int, a: float, b: float, value: float) -> float:
    """∂node/∂(input ``slot``) at inputs (a, b) and the node's value ``value``."""
    a, b, value = _F(a), _F(b), _F(value)
    if np.isnan(a) or np.isnan(b) or np.isnan(value):  # no slope where there is no value
        return math.nan
    if op in ("add", "sub", "neg"):
        return -1.0 if (op == "sub" and slot == 1) or op == "neg" else 1.0
    if op == "mul":
        return float(b if slot == 0 else a)
    if op == "div":
        return float(1.0 / b if slot == 0 else -a / (b * b))
    if op == "pow":
        if slot == 0:  # d/du u^0 = 0 even at u = 0, where v·u^(v−1) would be 0·∞
            return 0.0 if b == 0 else float(b * np.power(a, b - 1.0))
        if a > 0:
            return float(value * np.log(a))
        return 0.0 if a == 0 and b > 0 else math.nan
    slope = {
        "exp": lambda: value, "log": lambda: 1.0 / a, "sin": lambda: np.cos(a),
        "cos": lambda: -np.sin(a), "tanh": lambda: 1.0 - value * value,
        "sigmoid": lambda: value * (1.0 - value), "relu": lambda: 1.0 if a > 0 else 0.0,
        "abs": lambda: np.sign(a), "sqrt": lambda: 0.5 / value,
        "max": lambda: float(a >= b) if slot == 0 else float(b > a),
        "min": lambda: float(a <= b) if slot == 0 else float(b < a),
    }[op]()
    return float(slope)


def check_values(graph: Graph, values: Mapping[str, float]) -> dict[str, float]:
    """``values`` as floats for exactly the graph's variables; ValueError names what is wrong."""
    for name in values:
        if name not in graph.variables:
            uses = ", ".join(graph.variables) or "no variables"
            raise ValueError(f"unknown variable '{name}' (the expression uses: {uses})")
    out: dict[str, float] = {}
    for name in graph.variables:
        if name not in values:
            raise ValueError(f"missing a value for variable '{name}'")
        try:
            out[name] = float(values[name])
        except (TypeError, ValueError):
            raise ValueError(f"the value of '{name}' is not a number: {values[name]!r}") from None
        if not math.isfinite(out[name]):
            raise ValueError(f"the value of '{name}' must be a finite number")
    return out


def forward_values(graph: Graph, values: Mapping[str, float]) -> dict[str, float]:
    """The value of every node (node id → value); NaN or ±∞ where the math says so."""
    values = check_values(graph, values)
    out: dict[str, float] = {}
    with np.errstate(all="ignore"):
        for n in graph.nodes:
            if n.op == "var":
                out[n.id] = values[n.name]
            elif n.op == "const":
                out[n.id] = float(n.constant)
            else:
                args = [out[i] for i in n.inputs] + [0.0]
                out[n.id] = _apply(n.op, args[0], args[1])
    return out


def local_derivatives(graph: Graph, node_values: Mapping[str, float]) -> dict[str, float]:
    """∂target/∂source of every edge (edge id → number) at the node values of a forward pass."""
    out: dict[str, float] = {}
    with np.errstate(all="ignore"):
        for e in graph.edges:
            target = graph.node(e.target)
            args = [node_values[i] for i in target.inputs] + [0.0]
            out[e.id] = _local(target.op, e.slot, args[0], args[1], node_values[e.target])
    return out


def _active_edges(graph: Graph) -> list[Edge]:
    """Edges that carry a derivative: those leaving a non-constant node."""
    return [e for e in graph.edges if graph.node(e.source).op != "const"]


def adjoints(graph: Graph, values: Mapping[str, float]) -> dict[str, float | None]:
    """Reverse mode: ∂f/∂node for every node (None for constants), by one backward pass."""
    node_values = forward_values(graph, values)
    local = local_derivatives(graph, node_values)
    out: dict[str, float | None] = {n.id: None for n in graph.nodes}
    for n in reversed(graph.nodes):
        if n.op == "const":
            continue
        if n.id == graph.output:
            out[n.id] = 1.0
            continue
        # x*x reaches the same consumer twice: both edges count.
        out[n.id] = float(sum(out[e.target] * local[e.id] for e in graph.out_edges(n.id)))
    return out


def _check_wrt(graph: Graph, wrt: str) -> None:
    if wrt not in graph.variables:
        raise ValueError(f"cannot differentiate with respect to '{wrt}': not a variable of the "
                         f"expression (it uses: {', '.join(graph.variables) or 'none'})")


def tangents(graph: Graph, values: Mapping[str, float], wrt: str) -> dict[str, float]:
    """Forward mode: dnode/d``wrt`` for every node, by one forward pass."""
    _check_wrt(graph, wrt)
    node_values = forward_values(graph, values)
    local = local_derivatives(graph, node_values)
    out: dict[str, float] = {}
    for n in graph.nodes:
        if n.op in ("var", "const"):
            out[n.id] = 1.0 if n.op == "var" and n.name == wrt else 0.0
        else:
            out[n.id] = float(sum(local[e.id] * out[e.source] for e in graph.in_edges(n.id)
                                  if graph.node(e.source).op != "const"))
    return out


def differentiate(
    graph: Graph, values: Mapping[str, float], mode: str = "reverse", wrt: str | None = None
) -> tuple[float, dict[str, float]]:
    """The output's value and its gradient {variable: ∂f/∂variable}.

    Reverse mode computes every derivative in one backward pass; ``wrt`` then only selects one.
    Forward mode with ``wrt`` runs one pass and returns that derivative only; without it, one
    pass per variable (:func:`forward_gradient`).
    """
    if mode not in ("reverse", "forward"):
        raise ValueError(f"unknown mode '{mode}' (expected reverse or forward)")
    if wrt is not None:
        _check_wrt(graph, wrt)
    value = forward_values(graph, values)[graph.output]
    if mode == "forward":
        if wrt is None:
            return forward_gradient(graph, values)
        return value, {wrt: tangents(graph, values, wrt)[graph.output]}
    adj = adjoints(graph, values)
    gradient = {name: adj[graph.variable(name).id] for name in graph.variables}
    return value, gradient if wrt is None else {wrt: gradient[wrt]}


def forward_gradient(graph: Graph, values: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    """The value and the full gradient by forward mode: one pass per variable."""
    value = forward_values(graph, values)[graph.output]
    return value, {x: tangents(graph, values, x)[graph.output] for x in graph.variables}


def operation_counts(graph: Graph) -> dict:
    """What each mode costs for the full gradient of this graph.

    A *derivative op* is one multiply-add ∂·∂ along one edge that carries a derivative (an edge
    leaving a non-constant node; ``derivative_edges`` counts them). Forward mode needs one pass
    per input, each touching every such edge; reverse mode needs one forward pass for the values
    and one backward pass touching each edge once. Both also compute each operation's value
    (``operations``) once per pass.
    """
    n = len(graph.variables)
    d = len(_active_edges(graph))
    return {
        "inputs": n,
        "nodes": len(graph.nodes),
        "operations": sum(node.op not in ("var", "const") for node in graph.nodes),
        "edges": len(graph.edges),
        "derivative_edges": d,
        "forward_mode": {"passes": n, "derivative_ops": n * d},
        "reverse_mode": {"passes": 1, "derivative_ops": d},
    }
