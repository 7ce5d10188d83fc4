"""Short names for a graph's nodes, written as their sub-expressions: ``w1*x1``, ``a + b``,
``σ(…)``, ``exp(x**2)``, so that a node card says what it computes instead of ``n13``.

A variable is its name, a constant its number, a named network quantity (``z1_0``, ``u1_0``,
``L``) its name. Any other node writes its operation with its operands' short names; an operand
that would make the name longer than ``limit`` characters is written ``…``.
"""

from __future__ import annotations

import re

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
        names[node.id] = _abbreviate(node, [names[o.id] for o in operands], wrap, limit,
                                     set(names.values()))
    return names


def _abbreviate(node: Node, args: list[str], wrap: list[bool], limit: int, taken: set[str]) -> str:
    """``node`` written with ``args``, operands replaced by … (the longest first) until it
    fits ``limit``, and different from the names ``taken`` by other nodes: a name that would
    repeat another keeps an operand and runs a little past the limit instead."""
    order = sorted(range(len(args)), key=lambda k: -len(args[k]))
    candidates = []
    for count in range(len(args) + 1):  # elide none, the longest, the two longest, …
        for first in range(len(args) if 0 < count < len(args) else 1):
            chosen = set((order[first:] + order[:first])[:count])
            texts = [ELLIPSIS if k in chosen else a for k, a in enumerate(args)]
            brackets = [w and k not in chosen for k, w in enumerate(wrap)]
            candidates.append((count, _write(node, texts, brackets)))
    every = len(args)
    for bound, allow_all in ((limit, False), (limit + 6, False), (limit, True)):
        for count, text in candidates:
            if len(text) <= bound and text not in taken and (allow_all or count < every
                                                             or every == 1):
                return text
    return next((t for _, t in candidates if len(t) <= limit), candidates[-1][1])


def name_limit(graph: Graph) -> int:
    """How long a node's name may be: small graphs have room for longer names than large ones
    (the cards of the graph view and the formulas of the step use the same names)."""
    return 18 if len(graph.nodes) <= 10 else 15


def display_names(graph: Graph) -> dict[str, str]:
    """The names a student reads for ``graph``'s nodes, by id: :func:`short_names` within
    :func:`name_limit`."""
    return short_names(graph, name_limit(graph))


def step_names(graph: Graph) -> dict[str, str]:
    """:func:`display_names`, except that an unnamed output is called by the graph's output name
    (``f``), as the formulas of the steps call it: f = (y − σ(…))**2, ∂f/∂f = 1."""
    names = display_names(graph)
    out = graph.node(graph.output)
    if out.op not in ("var", "const") and not out.name:
        names[out.id] = graph.output_name
    return names


def _one_term(name: str) -> bool:
    """Whether ``name`` reads as one term: a name, a number, ``f(…)`` or ``|…|`` as a whole."""
    if re.fullmatch(r"[−-]?[\w.]+|…", name):
        return True
    if name.startswith("|") and name.endswith("|") and name.count("|") == 2:
        return True
    m = re.match(r"[\w√σ]+\(", name)
    if not m or not name.endswith(")"):
        return False
    depth = 0
    for k in range(m.end() - 1, len(name)):  # the opening bracket must close at the very end
        depth += {"(": 1, ")": -1}.get(name[k], 0)
        if depth == 0 and k < len(name) - 1:
            return False
    return True


def operand(name: str) -> str:
    """``name`` ready to follow ∂ or to be an operand: ``(w1*x1 + b)``, but ``w1``, ``σ(…)``."""
    return name if _one_term(name) else f"({name})"
