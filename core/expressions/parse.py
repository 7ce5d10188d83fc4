"""Text to graph, safely: a whitelist over Python's ``ast`` (never ``eval``) with limits on the
length, depth and size of an expression."""

from __future__ import annotations

import ast
import math
import re
import warnings

from core.expressions.graph import (
    CONSTANTS,
    FUNCTIONS,
    LABELS,
    LOCAL_FORMULAS,
    Edge,
    ExpressionError,
    Graph,
    Node,
)
from core.notation import fmt

MAX_LENGTH = 2000  # characters
MAX_DEPTH = 100  # levels of parentheses, and of operations (a chain a+b+c+… is one level per +)
MAX_NODES = 500  # parts of the expression (numbers, names, operations, calls)
# A number as the app reads it: no 0x10, 0b101, 0o7 or 1_000, which Python would also take.
_DECIMAL = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# ``L = (y - p)**2`` names the output L (``f`` when no name is given); == is not a name.
_OUTPUT_NAME = re.compile(r"([^\W\d]\w*)\s*=(?!=)\s*")
DEFAULT_OUTPUT = "f"


_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}


_FORBIDDEN = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Compare: "comparison",
    ast.Lambda: "lambda", ast.BoolOp: "'and'/'or'", ast.IfExp: "conditional expression",
    ast.Tuple: "tuple", ast.List: "list", ast.Dict: "dictionary", ast.Set: "set",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension", ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator", ast.NamedExpr: "assignment", ast.Starred: "starred argument",
    ast.JoinedStr: "f-string", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
    ast.Slice: "slice",
}


# -- building graphs ------------------------------------------------------------------------


class Builder:
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
                                  label=label or LABELS.get(op, op), constant=constant))
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
        self.builder = Builder()

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
            name = "pi" if node.id == "π" else node.id  # π as the app prints it, or pi
            if name in CONSTANTS:
                return b.add("const", source=node.id, constant=CONSTANTS[name],
                             label="π" if name == "pi" else "e")
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
        text = self.segment(node)
        if type(value) in (int, float) and not _DECIMAL.fullmatch(text):
            raise self.fail(f"'{text}' is not a decimal number", node,
                            hint="write numbers with the digits 0–9, a point and an exponent "
                            "such as 1e-3")  # fmt: skip
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
    """The computation graph of ``text``; ``L = …`` calls its output L (else ``f``).

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
    output_name = DEFAULT_OUTPUT
    named = _OUTPUT_NAME.match(stripped)
    if named:
        output_name = named.group(1)
        if output_name in FUNCTIONS or output_name in CONSTANTS or output_name == "π":
            raise ExpressionError(f"'{output_name}' at column {offset + 1} cannot name the "
                                  "output: it is a function or a constant")
        offset += named.end()
        stripped = stripped[named.end():]
        if not stripped.strip():
            raise ExpressionError(f"nothing after '{output_name} =' (write {output_name} = "
                                  "an expression)")
    if "#" in stripped:  # Python would read the rest as a comment and drop it silently
        raise ExpressionError(f"'#' is not allowed at column {offset + stripped.index('#') + 1} "
                              "(an expression has no comments)")
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
    graph = parser.builder.graph(output, text.strip(), output_name)
    if output_name in graph.variables:
        raise ExpressionError(f"'{output_name}' names the output and is also a variable of "
                              "the expression: give the output another name")
    return graph
