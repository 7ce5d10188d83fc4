"""Short names for a graph's nodes, written as their sub-expressions: ``w1*x1``, ``a + b``,
``σ(…)``, ``exp(x**2)``, so that a node card says what it computes instead of ``n13``.

A variable is its name, a constant its number, a named network quantity (``z1_0``, ``u1_0``,
``L``) its name. Any other node writes its operation with its operands' short names; an operand
that would make the name longer than ``limit`` characters is written ``…``.
"""

from __future__ import annotations

from core.expressions.graph import Graph, Node

SYMBOLS = {"add": "+", "sub": "−", "mul": "*", "div": "/", "pow": "**"}
FUNCTION_NAMES = {"sigmoid": "σ", "log": "ln", "sqrt": "√"}
PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
ELLIPSIS = "…"


def _write(node: Node, args: list[str], wrap: list[bool]) -> str:
    """``node``'s operation with operand texts ``args`` (parenthesised where ``wrap``)."""
    parts = [f"({a})" if w else a for a, w in zip(args, wrap)]
    if node.op in SYMBOLS:
        gap = " " if node.op in ("add", "sub") else ""
        return f"{parts[0]}{gap}{SYMBOLS[node.op]}{gap}{parts[1]}"
    if node.op == "neg":
        return f"−{parts[0]}"
    if node.op == "abs":
        return f"|{args[0]}|"
    name = FUNCTION_NAMES.get(node.op, node.op)
    return f"{name}({', '.join(args)})"


def short_names(graph: Graph, limit: int = 16) -> dict[str, str]:
    """Every node's short name by id (see the module's docstring)."""
    names: dict[str, str] = {}
    for node in graph.nodes:  # topological order: operands are named first
        if node.op == "var" or node.name:
            names[node.id] = node.name or node.label
            continue
        if node.op == "const":
            names[node.id] = node.label
            continue
        operands = [graph.node(i) for i in node.inputs]
        mine = PRECEDENCE.get(node.op, 9)
        wrap = []
        for slot, o in enumerate(operands):
            theirs = PRECEDENCE.get(o.op, 9) if not (o.op == "var" or o.name) else 9
            if o.op == "const" and o.constant is not None and o.constant < 0:
                theirs = 0
            # a − (b + c) and a / (b * c) need parentheses on the right as well
            right = slot == 1 and node.op in ("sub", "div", "pow") and theirs == mine
            wrap.append(mine < 9 and (theirs < mine or right))
        args = [names[o.id] for o in operands]
        text = _write(node, args, wrap)
        if len(text) > limit:
            # Abbreviate the longest operands first until the name fits.
            order = sorted(range(len(args)), key=lambda k: -len(args[k]))
            for k in order:
                args[k], wrap[k] = ELLIPSIS, False
                text = _write(node, args, wrap)
                if len(text) <= limit:
                    break
        names[node.id] = text
    return names
