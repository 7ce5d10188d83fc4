"""What the Computation graph tab says about the step at the cursor: its heading, formulas,
result and sentence, in the words a student reads (nodes by name or sub-expression)."""

from __future__ import annotations

from core.expressions import GraphOperation, operand, step_names
from core.notation import fmt, to_html
from gui.graph.controller import GraphController

SUMMARY_LIMIT = 6  # derivatives listed in the sentence at the end


def heading_for(op: GraphOperation, controller: GraphController) -> str:
    """Plain words for a record: "Backward · ∂f/∂b by the chain rule"."""
    graph = controller.graph
    node = graph.node(op.node)
    sym = step_names(graph)[node.id]  # a name or a sub-expression, never an id
    d_sym = operand(sym)
    if node.op == "const":
        return f"Constant {sym}"
    if op.phase == "forward":
        return f"Forward · input {sym}" if node.op == "var" else f"Forward · value of {sym}"
    if op.phase == "backward":
        f = graph.output_name
        if node.id == graph.output:
            return f"Backward · seed ∂{f}/∂{d_sym} = 1"
        return f"Backward · ∂{f}/∂{d_sym} by the chain rule"
    return f"Forward mode · {sym} and d{d_sym}/d{controller.wrt}"


def result_html(op: GraphOperation) -> str:
    """The left-hand sides of the substituted formula with the rounded results in bold."""
    numbers = {
        "forward": [op.value],
        "backward": [op.derivative],
        "tangent": [op.value, op.derivative],
    }[op.phase]
    parts = []
    for part, number in zip(op.substituted.split(";  "), numbers):
        lhs = part.split(" = ")[0] if " = " in part else "constant"
        parts.append(f"{to_html(lhs)}&nbsp;=&nbsp;<b>{fmt(number)}</b>")
    return ",&nbsp;&nbsp;".join(parts)


def equation_texts(c: GraphController, op: GraphOperation | None, last: bool) -> dict[str, str]:
    """What the equation area says at the record ``op`` (None: the start), by label:
    ``heading``, ``formula``, ``substituted``, ``result``, ``sentence``; ``last`` adds the
    summary of the whole pass."""
    texts = dict.fromkeys(("heading", "formula", "substituted", "result", "sentence"), "")
    if op is None:
        texts["heading"] = "Start"
        texts["sentence"] = (
            "Press → or Space: first every node's value, left to right, then the "
            "derivatives from the output back to the inputs."
            if c.mode == "reverse"
            else f"Press → or Space: each node's value and its derivative by {c.wrt}, left to "
            "right, in one pass."
        )
    else:
        texts["heading"] = heading_for(op, c)
        texts["formula"] = to_html(op.formula)
        texts["substituted"] = to_html(op.substituted)
        texts["result"] = result_html(op)
        texts["sentence"] = op.text
        summary = summary_text(c) if last else ""
        if summary:
            texts["sentence"] += "  " + summary
    return texts

def summary_text(c: GraphController) -> str:
    """The derivatives one pass gave, said at its end."""
    graph, f = c.graph, c.graph.output_name
    known = {f"derivative:{op.node}": op.derivative for op in c.trace}  # at the end
    if c.mode == "reverse":
        parts = [
            f"∂{f}/∂{x} = {fmt(known[f'derivative:{graph.variable(x).id}'])}"
            for x in graph.variables[:SUMMARY_LIMIT]
        ]
        if len(graph.variables) > SUMMARY_LIMIT:
            parts.append("…")
        return ("Done: " + ", ".join(parts) + " from one backward pass.") if parts else ""
    if c.wrt is None:
        return ""
    d = fmt(known[f"derivative:{graph.output}"])
    others = [x for x in graph.variables if x != c.wrt]
    more = (
        f" The other {len(others)} derivative{'' if len(others) == 1 else 's'} "
        f"need{'s' if len(others) == 1 else ''} one more pass each."
        if others
        else ""
    )
    return f"Done: d{f}/d{c.wrt} = {d}.{more}"
