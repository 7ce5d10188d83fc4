"""Scalar expressions as computation graphs, differentiated in forward and reverse mode.

The notes' "Composite functions and computation graphs" and "Why backpropagation?" in code: an
expression such as ``(a+b)*(b+1)`` is parsed (safely: a whitelist over Python's ``ast``, never
``eval``) into a graph of primitive nodes, evaluated forward, and differentiated either

- in **reverse mode**: seed ∂f/∂f = 1 at the output, then for each node in reverse topological
  order ∂f/∂node = Σ over its outgoing edges of ∂f/∂consumer · ∂consumer/∂node; one backward pass
  gives the derivative with respect to every input; or
- in **forward mode** for one input x: each node's dnode/dx = Σ over its incoming edges of
  ∂node/∂input · dinput/dx, alongside its value; one pass per input.

Like :mod:`core.trace`, the computation is data: :func:`trace` returns a tuple of frozen
:class:`GraphOperation` records that a view steps through.

Syntax: numbers, variable names, ``+ - * / **``, unary ``-``/``+``, parentheses and the functions
in :data:`FUNCTIONS`. ``e`` and ``pi`` are constants, not variables. A ``-`` directly in front of
a number is part of the number (``x * -3`` has the constant −3). Identical sub-expressions become
one node (``(a+b)*(a+b)`` has one ``+`` node used twice); ``a+b`` and ``b+a`` stay different.

Node ids are ``n0``, ``n1``, … in post-order of the expression (left operand first), which is
also the topological order: a node's inputs always have smaller ids. Edges carry derivatives only
when they leave a non-constant node; constants have no gradient (None).
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np

from core.notation import fmt, fmt_factor

FUNCTIONS: dict[str, int] = {
    "exp": 1, "log": 1, "sin": 1, "cos": 1, "tanh": 1, "sigmoid": 1, "relu": 1, "abs": 1,
    "sqrt": 1, "max": 2, "min": 2,
}
"""The functions an expression may call, with their number of arguments (``log`` is ln)."""

CONSTANTS: dict[str, float] = {"e": math.e, "pi": math.pi}
MAX_LENGTH = 2000  # characters
MAX_DEPTH = 100  # levels of parentheses, and of operations (a chain a+b+c+… is one level per +)
MAX_NODES = 500  # parts of the expression (numbers, names, operations, calls)
MAX_NETWORK_PARAMETERS = 60

_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_LABELS = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^", "neg": "−",
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

_FORBIDDEN = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Compare: "comparison",
    ast.Lambda: "lambda", ast.BoolOp: "'and'/'or'", ast.IfExp: "conditional expression",
    ast.Tuple: "tuple", ast.List: "list", ast.Dict: "dictionary", ast.Set: "set",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension", ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator", ast.NamedExpr: "assignment", ast.Starred: "starred argument",
    ast.JoinedStr: "f-string", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
    ast.Slice: "slice",
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


# -- building graphs ------------------------------------------------------------------------


class _Builder:
    """Creates nodes with hash-consing: the same (op, inputs, constant or name) gives one node."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.index: dict[tuple, int] = {}

    def add(self, op: str, inputs: tuple[int, ...] = (), *, source: str, label: str = "",
            name: str = "", constant: float | None = None) -> int:
        key = (op, inputs, constant, name if op == "var" else "")
        if key not in self.index:
            self.index[key] = len(self.rows)
            self.rows.append(dict(op=op, inputs=inputs, source=source, name=name,
                                  label=label or _LABELS.get(op, op), constant=constant))
        elif name and not self.rows[self.index[key]]["name"]:
            self.rows[self.index[key]]["name"] = name
        return self.index[key]

    def graph(self, output: int, source: str, output_name: str = "f") -> Graph:
        rows = self.rows
        consumers: list[list[int]] = [[] for _ in rows]
        depth = [0] * len(rows)
        column = [0] * len(rows)
        for k, row in enumerate(rows):
            for i in row["inputs"]:
                if k not in consumers[i]:
                    consumers[i].append(k)
            if row["inputs"]:
                depth[k] = 1 + max(depth[i] for i in row["inputs"])
                column[k] = 1 + max([column[i] for i in row["inputs"]
                                     if rows[i]["op"] != "const"], default=0)
        for k, row in enumerate(rows):
            if row["op"] == "const" and consumers[k]:
                column[k] = min(column[c] for c in consumers[k]) - 1
        nodes = tuple(
            Node(f"n{k}", row["op"], row["label"], tuple(f"n{i}" for i in row["inputs"]),
                 tuple(f"n{c}" for c in consumers[k]), depth[k], column[k], row["source"],
                 row["name"], row["constant"])
            for k, row in enumerate(rows)
        )
        edges = tuple(Edge(f"n{i}", f"n{k}", s, LOCAL_FORMULAS[row["op"]][s])
                      for k, row in enumerate(rows) for s, i in enumerate(row["inputs"]))
        variables = tuple(r["name"] for r in rows if r["op"] == "var")
        return Graph(nodes, edges, f"n{output}", variables, source, output_name)


class _Parser:
    """Walks Python's AST of the expression, accepting only the whitelisted node types."""

    def __init__(self, text: str, offset: int) -> None:
        self.raw = text.encode("utf-8")  # AST columns count UTF-8 bytes
        self.offset = offset  # characters stripped from the left of the user's text
        self.builder = _Builder()

    def column(self, byte_offset: int) -> int:
        return self.offset + len(self.raw[:byte_offset].decode("utf-8", "ignore")) + 1

    def segment(self, node: ast.AST) -> str:
        return self.raw[node.col_offset : node.end_col_offset].decode("utf-8", "replace")

    def fail(self, message: str, node: ast.AST, at: int | None = None,
             hint: str = "") -> ExpressionError:
        col = self.column(node.col_offset if at is None else at)
        return ExpressionError(f"{message} at column {col}" + (f" ({hint})" if hint else ""))

    def build(self, node: ast.AST, level: int = 1) -> int:
        if level > MAX_DEPTH:
            raise self.fail(f"expression is nested too deeply (more than {MAX_DEPTH} levels)",
                            node)
        b = self.builder
        if isinstance(node, ast.Constant):
            return b.add("const", source=self.segment(node), **self.number(node))
        if isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise self.fail(f"'{node.id}' is a function: call it like {node.id}(x)", node)
            if node.id in CONSTANTS:
                return b.add("const", source=node.id, constant=CONSTANTS[node.id],
                             label="π" if node.id == "pi" else "e")
            return b.add("var", source=node.id, label=node.id, name=node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand, level + 1)
            if isinstance(node.operand, ast.Constant):  # −3 is a number, not neg(3)
                number = self.number(node.operand)
                number["constant"] = -number["constant"]
                number["label"] = fmt(number["constant"])
                return b.add("const", source=self.segment(node), **number)
            return b.add("neg", (self.build(node.operand, level + 1),), source=self.segment(node))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left = self.build(node.left, level + 1)
            right = self.build(node.right, level + 1)
            return b.add(_BINARY[type(node.op)], (left, right), source=self.segment(node))
        if isinstance(node, ast.BinOp):
            gap = self.raw[node.left.end_col_offset : node.right.col_offset].decode()
            symbol = gap.strip(" ()")
            at = node.left.end_col_offset + len(gap.encode()) - len(gap.lstrip(" ()").encode())
            hint = "write x**2 for a power" if symbol == "^" else "use + − * / **"
            raise self.fail(f"operator '{symbol}' is not supported", node, at, hint)
        if isinstance(node, ast.UnaryOp):
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            raise self.fail(f"operator '{symbol}' is not supported", node)
        if isinstance(node, ast.Call):
            return self.call(node, level)
        if isinstance(node, ast.Attribute):
            dot = self.raw.index(b".", node.value.end_col_offset)
            raise self.fail(f"attribute access '{self.segment(node)}' is not allowed", node, dot)
        what = _FORBIDDEN.get(type(node))
        text = self.segment(node)
        text = text if len(text) <= 30 else text[:27] + "…"
        raise self.fail(f"{what} '{text}' is not allowed" if what else f"'{text}' is not allowed",
                        node)

    def number(self, node: ast.Constant) -> dict:
        value = node.value
        if isinstance(value, (str, bytes)):
            raise self.fail("strings are not allowed", node, hint="only numbers and names")
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(f"'{self.segment(node)}' is not a number", node)
        if isinstance(value, complex):
            raise self.fail(f"complex number '{self.segment(node)}' is not allowed", node)
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self.fail("number is too large", node)
        return {"constant": number, "label": fmt(number)}

    def call(self, node: ast.Call, level: int) -> int:
        func = node.func
        if isinstance(func, ast.Attribute):
            return self.build(func, level + 1)  # reports the attribute access
        if not isinstance(func, ast.Name):
            raise self.fail("only named functions can be called, like sin(x)", node)
        if func.id not in FUNCTIONS:
            known = "known: " + ", ".join(FUNCTIONS)
            raise self.fail(f"unknown function '{func.id}'", func, hint=known)
        if node.keywords:
            raise self.fail("keyword arguments are not allowed", node.keywords[0])
        arity = FUNCTIONS[func.id]
        if len(node.args) != arity:
            noun = "argument" if arity == 1 else "arguments"
            raise self.fail(f"{func.id} takes {arity} {noun}, got {len(node.args)}", func)
        args = tuple(self.build(a, level + 1) for a in node.args)
        return self.builder.add(func.id, args, source=self.segment(node))


def parse(text: str) -> Graph:
    """The computation graph of ``text``.

    Raises
    ------
    ExpressionError
        For anything outside the grammar, with the 1-based column of the offending part, and
        for input beyond :data:`MAX_LENGTH`, :data:`MAX_DEPTH` or :data:`MAX_NODES`.
    """
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is too long ({len(text)} characters, at most "
                              f"{MAX_LENGTH})")
    line = text.replace("\r", " ").replace("\n", " ")  # one line, so columns stay simple
    stripped = line.lstrip()
    offset = len(line) - len(stripped)
    if not stripped.strip():
        raise ExpressionError("empty expression")
    # Count parentheses first: Python's own parser gives up at 200 levels with a vaguer message.
    level = 0
    for k, ch in enumerate(stripped):
        level += {"(": 1, ")": -1}.get(ch, 0)
        if level > MAX_DEPTH:
            raise ExpressionError(f"expression is nested too deeply at column {offset + k + 1} "
                                  f"(more than {MAX_DEPTH} levels of parentheses)")
    try:
        with warnings.catch_warnings():  # e.g. SyntaxWarning for '2(3)'; the walk rejects it
            warnings.simplefilter("ignore")
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            f"syntax error at column {offset + (exc.offset or 1)}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("expression is nested too deeply") from None
    except ValueError as exc:  # null characters
        raise ExpressionError(f"cannot read the expression: {exc}") from None
    count = sum(isinstance(n, ast.expr) for n in ast.walk(tree))  # walk is iterative
    if count > MAX_NODES:
        raise ExpressionError(f"expression has too many parts ({count}, at most {MAX_NODES})")
    parser = _Parser(stripped, offset)
    output = parser.build(tree.body)
    return parser.builder.graph(output, text.strip())


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


def _sym(n: Node, markup: bool) -> str:
    """How formulas refer to a node: its name, its number, or its id."""
    if n.op == "const":
        return n.label
    if n.name:
        return _markup_name(n.name) if markup else n.name
    return n.id


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
    local = local_derivatives(graph, node_values)
    ops: list[GraphOperation] = []
    F = graph.output_name

    def add(phase, n, derivative, formula, substituted, reads, text):
        ops.append(GraphOperation(len(ops), phase, n.id, node_values[n.id], derivative,
                                  formula, substituted, tuple(reads), text))

    def value_parts(n: Node) -> tuple[str, str, str]:
        """(formula, substituted, plain sentence) of the node's value."""
        v = fmt(node_values[n.id])
        me, plain_me = _sym(n, True), _sym(n, False)
        if n.op == "var":
            return f"{me} = {v}", f"{me} = {v}", f"Input {plain_me} = {v}."
        if n.op == "const":
            return n.label, n.label, f"Constant {n.label}."
        ins = [graph.node(i) for i in n.inputs]
        general = _rhs(n, [_sym(i, True) for i in ins])
        numbers = [fmt(node_values[i.id]) for i in ins]
        numbers = numbers[:1] + [fmt_factor(node_values[i.id]) for i in ins[1:]]
        if n.op in ("mul", "pow", "neg"):
            numbers[0] = fmt_factor(node_values[ins[0].id])
        filled = _rhs(n, numbers)
        plain = _rhs(n, [_sym(i, False) for i in ins])
        return (f"{me} = {general}", f"{me} = {filled} = {v}",
                f"{plain_me} = {plain} = {filled} = {v}.")

    if mode == "forward":
        x = graph.variable(wrt).id if wrt in graph.variables else wrt
        tan = tangents(graph, values, wrt)
        for n in graph.nodes:
            formula, substituted, sentence = value_parts(n)
            me, plain_me, t = _sym(n, True), _sym(n, False), fmt(tan[n.id])
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
        me, plain_me, d = _sym(n, True), _sym(n, False), fmt(adj[n.id])
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
            how = f"one path, through {_sym(graph.node(edges[0].target), False)}"
        elif len(n.consumers) == 1:
            times = "twice" if len(edges) == 2 else f"{_count(len(edges))} times"
            how = (f"it feeds {_sym(graph.node(n.consumers[0]), False)} {times}, so add the "
                   f"{_count(len(edges))} paths")
        else:
            how = (f"it feeds {_count(len(n.consumers))} nodes, so add the "
                   f"{_count(len(edges))} paths")
        add("backward", n, adj[n.id], f"∂{F}/∂{me} = " + " + ".join(terms),
            f"∂{F}/∂{me} = {filled} = {d}",
            list(n.consumers) + [e.id for e in edges],
            f"Chain rule at {plain_me}: {how}: {filled} = {d}.")
    return tuple(ops)


# -- a network as a graph ---------------------------------------------------------------------


def network_graph(network, x, y) -> tuple[Graph, dict[str, float]]:
    """The scalar graph of one sample's loss through ``network`` (a core.network.Network).

    Variables are the inputs ``x0``, …, the weights ``w{l}_{j}_{i}`` (layer l from 1, unit j and
    input i from 0), the biases ``b{l}_{j}`` and the targets ``y0``, …; nodes ``z{l}_{j}`` and
    ``u{l}_{j}`` are named, the output is the loss ``L``. Binary cross-entropy is written
    −y·z + ln(1 + e^z) on the output z (its sigmoid then has no node). Returns the graph and the
    variable values.
    """
    count = sum(layer.W.size + layer.b.size for layer in network.layers)
    if count > MAX_NETWORK_PARAMETERS:
        raise ValueError(f"the network has {count} weights and biases; a computation graph is "
                         f"drawn for at most {MAX_NETWORK_PARAMETERS}")
    acts = {layer.activation.name for layer in network.layers}
    unsupported = acts - {"sigmoid", "tanh", "relu", "leaky_relu", "linear"}
    if unsupported or network.loss.name not in ("half_squared", "squared",
                                                "binary_cross_entropy"):
        what = sorted(unsupported)[0] if unsupported else network.loss.name
        raise ValueError(f"the computation graph does not support {what} (use sigmoid, tanh, "
                         "relu or linear units with a squared or binary cross-entropy loss)")
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != (network.inputs,) or y.shape != (network.outputs,):
        raise ValueError(f"expected {network.inputs} inputs and {network.outputs} targets, "
                         f"got {x.size} and {y.size}")
    b = _Builder()
    values: dict[str, float] = {}

    def var(name: str, value: float) -> tuple[int, str]:
        values[name] = float(value)
        return b.add("var", source=name, label=name, name=name), name

    def const(v: float) -> tuple[int, str]:
        return b.add("const", source=fmt(v), label=fmt(v), constant=v), fmt(v)

    def op(name, *args, node_name: str = "", text: str) -> tuple[int, str]:
        return b.add(name, tuple(a for a, _ in args), source=text, name=node_name), (
            node_name or text)

    # Create every variable first, so the ids n0, n1, … are the variables in a readable order.
    us = [var(f"x{i}", x[i]) for i in range(network.inputs)]
    params = [([[var(f"w{l}_{j}_{i}", layer.W[j, i]) for i in range(layer.inputs)]
                for j in range(layer.units)],
               [var(f"b{l}_{j}", layer.b[j]) for j in range(layer.units)])
              for l, layer in enumerate(network.layers, start=1)]
    ys = [var(f"y{j}", y[j]) for j in range(network.outputs)]
    last = len(network.layers)
    for l, (layer, (W, bias)) in enumerate(zip(network.layers, params), start=1):
        nxt = []
        for j in range(layer.units):
            acc = None
            for i in range(layer.inputs):
                term = op("mul", W[j][i], us[i], text=f"{W[j][i][1]}*{us[i][1]}")
                acc = term if acc is None else op("add", acc, term,
                                                  text=f"{acc[1]} + {term[1]}")
            z = op("add", acc, bias[j], node_name=f"z{l}_{j}", text=f"{acc[1]} + {bias[j][1]}")
            g = layer.activation.name
            if g == "linear" or (l == last and network.loss.name == "binary_cross_entropy"):
                nxt.append(z)
            elif g == "leaky_relu":  # max picks 0.01z at 0, matching the slope 0.01 there
                small = op("mul", const(0.01), z, text=f"0.01*{z[1]}")
                nxt.append(op("max", small, z, node_name=f"u{l}_{j}",
                              text=f"max(0.01*{z[1]}, {z[1]})"))
            else:
                nxt.append(op(g, z, node_name=f"u{l}_{j}", text=f"{g}({z[1]})"))
        us = nxt
    terms = []
    for yj, uj in zip(ys, us):
        if network.loss.name == "binary_cross_entropy":
            a = op("mul", op("neg", yj, text=f"-{yj[1]}"), uj, text=f"-{yj[1]}*{uj[1]}")
            ez = op("exp", uj, text=f"exp({uj[1]})")
            soft = op("log", op("add", const(1.0), ez, text=f"1 + exp({uj[1]})"),
                      text=f"log(1 + exp({uj[1]}))")
            terms.append(op("add", a, soft, text=f"{a[1]} + {soft[1]}"))
        else:
            diff = op("sub", yj, uj, text=f"{yj[1]} - {uj[1]}")
            terms.append(op("pow", diff, const(2.0), text=f"({diff[1]})**2"))
    total = terms[0]
    for t in terms[1:]:
        total = op("add", total, t, text=f"{total[1]} + {t[1]}")
    if network.loss.name == "half_squared":
        total = op("mul", const(0.5), total, text=f"0.5*({total[1]})")
    b.rows[total[0]]["name"] = "L"
    return b.graph(total[0], total[1], output_name="L"), values


# -- presets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A worked example: an expression and the variable values it is evaluated at."""

    name: str
    expression: str
    values: dict[str, float]
    description: str


PRESETS: tuple[Preset, ...] = (
    Preset("Composite f(g(h(x)))", "exp(sin(x**2))", {"x": 1.0},
           "The notes' composite function: h = x², g = sin, f = exp."),
    Preset("Shared input (a+b)(b+1)", "(a+b)*(b+1)", {"a": 2.0, "b": 1.0},
           "b feeds two nodes, so its derivative adds two paths (colah's example)."),
    Preset("Simple circuit (x+y)z", "(x+y)*z", {"x": -2.0, "y": 5.0, "z": -4.0},
           "An add gate then a multiply gate (CS231n)."),
    Preset("Max gate 2(xy + max(z, w))", "2*(x*y + max(z, w))",
           {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0},
           "max routes the gradient to its larger input only (CS231n)."),
    Preset("Sigmoid neuron", "sigmoid(w0*x0 + w1*x1 + w2)",
           {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
           "A 2-input neuron with a sigmoid, as in CS231n."),
)


def get_preset(name: str) -> Preset:
    """The preset called ``name``; a ValueError lists the valid names otherwise."""
    for preset in PRESETS:
        if preset.name == name:
            return preset
    raise ValueError(f"unknown preset {name!r} (expected one of: "
                     f"{', '.join(p.name for p in PRESETS)})")
