"""The ``graph`` command: differentiate an expression through its computation graph.

``main.py graph "(a+b)*(b+1)" --at a=2,b=1 [--mode reverse|forward] [--wrt b] [--format json]``
prints the value, ∂f/∂v for every variable v (or only ``--wrt``) and what each mode costs.
In JSON, numbers that are not finite are written as the strings "NaN", "Infinity", "-Infinity"
(JSON has no such numbers). An expression starting with ``-`` needs a leading space (``" -x*y"``)
or the options first and ``--`` before it (``graph --at x=1,y=2 -- -x*y``).
"""

from __future__ import annotations

import argparse
import json
import math
import re

from core.expressions import (
    Graph,
    adjoints,
    differentiate,
    forward_values,
    operation_counts,
    parse,
    tangents,
)
from core.notation import fmt


def add_parser(subparsers) -> None:
    """Register the ``graph`` command on the dispatcher's subparsers."""
    p = subparsers.add_parser(
        "graph", help="value and derivatives of an expression via its computation graph",
        description="Evaluate an expression and differentiate it in reverse or forward mode.",
    )
    p.add_argument("expression", help="e.g. '(a+b)*(b+1)'; functions: exp log sin cos tanh "
                   "sigmoid relu abs sqrt max min; constants pi (or π) and e; start a leading "
                   "minus with a space: ' -x'")
    p.add_argument("--at", action="append", default=[], metavar="NAME=VALUE,...",
                   help="variable values, e.g. a=2,b=1 (may be repeated)")
    p.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                   help="reverse: one backward pass; forward: one pass per variable")
    p.add_argument("--wrt", metavar="NAME", help="only the derivative with respect to NAME")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text: one line per step; json: the graph and every step (default: text)")
    p.set_defaults(handler=run_graph)


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["a=2,b=1"]`` → {"a": 2.0, "b": 1.0}; ValueError for anything else."""
    out: dict[str, float] = {}
    for item in items:
        for pair in item.split(","):
            name, sep, text = (part.strip() for part in pair.partition("="))
            if not sep or not name.isidentifier():
                raise ValueError(f"--at: expected name=value pairs like a=2,b=1, got '{pair}'")
            if name in out:
                raise ValueError(f"--at: '{name}' is given twice")
            try:
                out[name] = float(text.replace("−", "-"))
            except ValueError:
                raise ValueError(f"--at: the value of '{name}' is not a number: '{text}'") from None
    return out


def _number(x: float | None) -> float | str | None:
    """A number for JSON: non-finite values become strings."""
    if x is None or math.isfinite(x):
        return x
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def report(graph: Graph, values: dict[str, float], mode: str, wrt: str | None) -> dict:
    """Everything the command prints, as JSON-ready data."""
    value, gradient = differentiate(graph, values, mode, wrt)
    node_values = forward_values(graph, values)
    if mode == "reverse":
        adj = adjoints(graph, values)
        derivative = {n: {"gradient": _number(adj[n])} for n in adj}
    else:
        names = [wrt] if wrt else list(graph.variables)
        tan = {x: tangents(graph, values, x) for x in names}
        derivative = {n.id: {"tangent": {x: _number(tan[x][n.id]) for x in names}}
                      for n in graph.nodes}
    nodes = [
        {"id": n.id, "op": n.op, "label": n.label, "name": n.name, "inputs": list(n.inputs),
         "consumers": list(n.consumers), "depth": n.depth, "column": n.column,
         "source": n.source, "value": _number(node_values[n.id]), **derivative[n.id]}
        for n in graph.nodes
    ]
    passes = 1 if mode == "reverse" else len(gradient)
    return {
        "expression": graph.source,
        "at": values,
        "mode": mode,
        "passes": passes,
        "value": _number(value),
        "gradient": {k: _number(v) for k, v in gradient.items()},
        "operations": operation_counts(graph),
        "nodes": nodes,
    }


def run_graph(args: argparse.Namespace) -> int:
    graph = parse(args.expression)
    values = parse_assignments(args.at)
    if args.wrt is not None and args.wrt not in graph.variables:
        raise ValueError(f"--wrt: '{args.wrt}' is not a variable of the expression "
                         f"(it uses: {', '.join(graph.variables) or 'none'})")
    missing = [v for v in graph.variables if v not in values]
    if missing:
        raise ValueError(f"missing a value for variable '{missing[0]}' (give it with --at "
                         f"{','.join(f'{m}=…' for m in missing)})")
    data = report(graph, values, args.mode, args.wrt)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
        return 0
    counts = data["operations"]
    at = ", ".join(f"{k} = {fmt(v)}" for k, v in values.items())
    f = graph.output_name
    named = re.match(r"[^\W\d]\w*\s*=(?!=)", graph.source)  # "L = …" names itself
    print((graph.source if named else f"f = {graph.source}") + (f" at {at}" if at else ""))
    print(f"value: {fmt(float(data['value']))}")
    for name, d in data["gradient"].items():
        print(f"∂{f}/∂{name} = {fmt(float(d))}")
    fwd, rev = counts["forward_mode"], counts["reverse_mode"]
    print(f"graph: {counts['nodes']} nodes, {counts['edges']} edges "
          f"({counts['derivative_edges']} carry derivatives)")
    print(f"reverse mode: 1 forward + 1 backward pass, {rev['derivative_ops']} derivative ops")
    print(f"forward mode: {fwd['passes']} pass{'es' if fwd['passes'] != 1 else ''} "
          f"(one per input), {fwd['derivative_ops']} derivative ops")
    if args.mode == "forward":
        print(f"computed here in forward mode: {data['passes']} "
              f"pass{'es' if data['passes'] != 1 else ''}")
    return 0
