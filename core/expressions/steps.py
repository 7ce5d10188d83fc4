"""The trace of a graph: one frozen :class:`GraphOperation` record per step, which the
Computation graph tab steps through."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from core.expressions.graph import (
    Graph,
    Node,
    adjoints,
    forward_values,
    local_derivatives,
    tangents,
)
from core.expressions.names import operand, step_names
from core.notation import fmt, fmt_factor

# -- the trace --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphOperation:
    """One step of evaluating or differentiating a graph.

    Attributes
    ----------
    index : position in the trace, from 0.
    phase : ``forward`` (a value), ``backward`` (∂f/∂node, reverse mode) or ``tangent`` (value
        and dnode/dx together, forward mode).
    node : id of the node this step writes.
    value : the node's value (in every phase, so a view can always show it).
    derivative : ``backward``: ∂f/∂node; ``tangent``: dnode/dx; ``forward``: None.
    formula : the general formula in the formula markup (see core.notation).
    substituted : the formula with the numbers filled in, ending in the result.
    reads : ids of the nodes and edges this step reads.
    text : one plain sentence saying what happens.
    """

    index: int
    phase: str
    node: str
    value: float
    derivative: float | None
    formula: str
    substituted: str
    reads: tuple[str, ...]
    text: str

    def to_dict(self) -> dict:
        data = asdict(self)
        data["reads"] = list(self.reads)
        return data


def _markup_name(name: str) -> str:
    """A name in formula markup: ``w2_1_0`` → w^{(2)}_{1,0}, ``x0``/``x_0`` → x_{0}."""
    m = re.fullmatch(r"([A-Za-z]+)(\d+)_(\d+(?:_\d+)*)", name)
    if m:
        return f"{m[1]}^{{({m[2]})}}_{{{m[3].replace('_', ',')}}}"
    m = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    if m:
        return f"{m[1]}_{{{m[2]}}}"
    return name.replace("_", "\u2009")  # the markup has no escape: a bare _ starts a subscript


def _symbol(n: Node, markup: bool, names: Mapping[str, str], bare: bool = False) -> str:
    """How formulas refer to a node: its number, its name, or its sub-expression (``w1*x1``,
    bracketed as an operand unless ``bare``), never its id."""
    if n.op == "const":
        return n.label
    if n.name:
        return _markup_name(n.name) if markup else n.name
    text = names[n.id] if bare else operand(names[n.id])
    if markup:
        text = re.sub(r"[A-Za-z_]\w*", lambda m: _markup_name(m[0]), text)
    return text


def _rhs(n: Node, args: list[str]) -> str:
    """The operation written out with operand texts ``args`` (markup)."""
    a, b = (args + [""])[:2]
    return {
        "add": f"{a} + {b}", "sub": f"{a} − {b}", "mul": f"{a}·{b}", "div": f"{a}/{b}",
        "pow": f"{a}^{{{b}}}", "neg": f"−{a}", "abs": f"|{a}|", "log": f"ln({a})",
        "sigmoid": f"σ({a})", "sqrt": f"√({a})", "max": f"max({a}, {b})", "min": f"min({a}, {b})",
    }.get(n.op, f"{n.op}({a})")


def _count(k: int) -> str:
    return ("no", "one", "two", "three", "four", "five", "six")[k] if k < 7 else str(k)


def trace(
    graph: Graph, values: Mapping[str, float], mode: str = "reverse", wrt: str | None = None
) -> tuple[GraphOperation, ...]:
    """The steps of one evaluation: reverse mode is every node's value in topological order,
    then the backward pass (the seed first); forward mode is one ``tangent`` step per node,
    giving its value and its derivative with respect to ``wrt``.
    """
    if mode not in ("reverse", "forward"):
        raise ValueError(f"unknown mode '{mode}' (expected reverse or forward)")
    if mode == "forward" and wrt is None:
        raise ValueError("forward mode needs the variable to differentiate with respect to")
    node_values = forward_values(graph, values)
    names = step_names(graph)

    def _sym(n: Node, markup: bool, bare: bool = False) -> str:
        return _symbol(n, markup, names, bare)

    local = local_derivatives(graph, node_values)
    ops: list[GraphOperation] = []
    F = graph.output_name

    def add(phase, n, derivative, formula, substituted, reads, text):
        ops.append(GraphOperation(len(ops), phase, n.id, node_values[n.id], derivative,
                                  formula, substituted, tuple(reads), text))

    def value_parts(n: Node) -> tuple[str, str, str]:
        """(formula, substituted, plain sentence) of the node's value."""
        v = fmt(node_values[n.id])
        me, plain_me = _sym(n, True, bare=True), _sym(n, False, bare=True)
        if n.op == "var":
            return f"{me} = {v}", f"{me} = {v}", f"Input {plain_me} = {v}."
        if n.op == "const":
            return n.label, n.label, f"Constant {n.label}."
        ins = [graph.node(i) for i in n.inputs]
        bare = n.op not in ("add", "sub", "mul", "div", "pow", "neg")  # f(…) has its brackets
        general = _rhs(n, [_sym(i, True, bare) for i in ins])
        numbers = [fmt(node_values[i.id]) for i in ins]
        numbers = numbers[:1] + [fmt_factor(node_values[i.id]) for i in ins[1:]]
        if n.op in ("mul", "pow", "neg"):
            numbers[0] = fmt_factor(node_values[ins[0].id])
        filled = _rhs(n, numbers)
        plain = _rhs(n, [_sym(i, False, bare) for i in ins])
        return (f"{me} = {general}", f"{me} = {filled} = {v}",
                f"{plain_me} = {plain} = {filled} = {v}.")

    if mode == "forward":
        x = graph.variable(wrt).id if wrt in graph.variables else wrt
        tan = tangents(graph, values, wrt)
        for n in graph.nodes:
            formula, substituted, sentence = value_parts(n)
            me, plain_me, t = _sym(n, True), _sym(n, False, bare=True), fmt(tan[n.id])
            d_me = f"d{me}/d{_markup_name(wrt)}"
            if n.op == "const":
                add("tangent", n, 0.0, n.label, n.label, (),
                    f"Constant {n.label}: its derivative is 0.")
                continue
            if n.op == "var":
                why = "the seed" if n.id == x else "it does not depend on " + wrt
                add("tangent", n, tan[n.id], f"{formula};  {d_me} = {t}",
                    f"{substituted};  {d_me} = {t}", (),
                    f"{sentence[:-1]}; d{plain_me}/d{wrt} = {t} ({why}).")
                continue
            edges = [e for e in graph.in_edges(n.id) if graph.node(e.source).op != "const"]
            terms = [f"∂{me}/∂{_sym(graph.node(e.source), True)}·"
                     f"d{_sym(graph.node(e.source), True)}/d{_markup_name(wrt)}" for e in edges]
            nums = [f"{fmt_factor(local[e.id])}·{fmt_factor(tan[e.source])}" for e in edges]
            general = " + ".join(terms) or "0"
            filled = " + ".join(nums) or "0"
            add("tangent", n, tan[n.id], f"{formula};  {d_me} = {general}",
                f"{substituted};  {d_me} = {filled} = {t}",
                list(n.inputs) + [e.id for e in edges],
                f"{sentence[:-1]}; its derivative with respect to {wrt} takes one term per "
                f"input that depends on it: {filled} = {t}.")
        return tuple(ops)

    for n in graph.nodes:
        formula, substituted, sentence = value_parts(n)
        add("forward", n, None, formula, substituted, n.inputs, sentence)
    adj = adjoints(graph, values)
    for n in reversed(graph.nodes):
        if n.op == "const":
            continue
        me, plain_me, d = _sym(n, True), _sym(n, False, bare=True), fmt(adj[n.id])
        if n.id == graph.output:
            add("backward", n, 1.0, f"∂{F}/∂{me} = 1", f"∂{F}/∂{me} = 1", (),
                f"Seed: the output's derivative with respect to itself, ∂{F}/∂{plain_me} = 1.")
            continue
        edges = graph.out_edges(n.id)
        terms = [f"∂{F}/∂{_sym(graph.node(e.target), True)}·∂{_sym(graph.node(e.target), True)}"
                 f"/∂{me}" for e in edges]
        nums = [f"{fmt_factor(adj[e.target])}·{fmt_factor(local[e.id])}" for e in edges]
        filled = " + ".join(nums)
        if len(edges) == 1:
            how = f"one path, through {_sym(graph.node(edges[0].target), False, bare=True)}"
        elif len(n.consumers) == 1:
            times = "twice" if len(edges) == 2 else f"{_count(len(edges))} times"
            how = (f"it feeds {_sym(graph.node(n.consumers[0]), False, bare=True)} {times}, "
                   "so add the "
                   f"{_count(len(edges))} paths")
        else:
            how = (f"it feeds {_count(len(n.consumers))} nodes, so add the "
                   f"{_count(len(edges))} paths")
        add("backward", n, adj[n.id], f"∂{F}/∂{me} = " + " + ".join(terms),
            f"∂{F}/∂{me} = {filled} = {d}",
            list(n.consumers) + [e.id for e in edges],
            f"Chain rule at {plain_me}: {how}: {filled} = {d}.")
    return tuple(ops)
