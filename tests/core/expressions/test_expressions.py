"""Computation graphs: parsing, forward and reverse mode, the trace, networks and the CLI."""

import importlib.util
import json
import math
import re
import sys
import time
import types

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import cli
from core.expressions import (
    MAX_NETWORK_PARAMETERS,
    PRESETS,
    ExpressionError,
    GraphOperation,
    adjoints,
    differentiate,
    forward_gradient,
    forward_values,
    get_preset,
    network_graph,
    operation_counts,
    parse,
    step_names,
    tangents,
    trace,
)
from core.network import build_network
from tests.core.helpers import mazur

# -- textbook numbers -------------------------------------------------------------------------


def test_colah_shared_input():
    graph = parse("(a+b)*(b+1)")
    value, grad = differentiate(graph, {"a": 2, "b": 1})
    assert value == 6 and grad == {"a": 2, "b": 5}
    b = graph.variable("b")
    assert len(b.consumers) == 2  # b feeds a+b and b+1
    assert differentiate(graph, {"a": 2, "b": 1}, "forward") == (6, {"a": 2, "b": 5})


def test_cs231n_circuit():
    value, grad = differentiate(parse("(x+y)*z"), {"x": -2, "y": 5, "z": -4})
    assert value == -12 and grad == {"x": -4, "y": -4, "z": 3}


def test_cs231n_neuron():
    preset = get_preset("Sigmoid neuron")
    value, grad = differentiate(parse(preset.expression), preset.values)
    assert value == pytest.approx(0.7311, abs=1e-4)
    expected = {"w0": -0.1966, "x0": 0.3932, "w1": -0.3932, "x1": -0.5898, "w2": 0.1966}
    assert grad == pytest.approx(expected, abs=1e-4)


def test_max_gate_routes_to_the_larger_input():
    value, grad = differentiate(parse("2*(x*y + max(z, w))"), {"x": 3, "y": -4, "z": 2, "w": -1})
    assert value == -20 and grad == {"x": -8, "y": 6, "z": 2, "w": 0}
    assert differentiate(parse("max(a, b)"), {"a": 1, "b": 1})[1] == {"a": 1, "b": 0}  # tie
    assert differentiate(parse("min(a, b)"), {"a": 1, "b": 1})[1] == {"a": 1, "b": 0}


def test_kinks_and_invalid_values():
    assert differentiate(parse("abs(x)"), {"x": 0})[1] == {"x": 0}
    assert differentiate(parse("relu(x)"), {"x": 0})[1] == {"x": 0}
    value, grad = differentiate(parse("log(x)"), {"x": -1})
    assert math.isnan(value) and math.isnan(grad["x"])
    assert math.isnan(differentiate(parse("sqrt(x)"), {"x": -4})[0])
    assert differentiate(parse("x/y"), {"x": 1, "y": 0})[0] == math.inf
    assert differentiate(parse("x**0"), {"x": 0}) == (1, {"x": 0})


def test_huge_exponents_do_not_hang():
    start = time.perf_counter()
    value, grad = differentiate(parse("10**10**10 + x**1e300"), {"x": 3})
    assert value == math.inf and grad["x"] == math.inf
    assert time.perf_counter() - start < 1


def test_composite_matches_closed_form():
    graph = parse("exp(sin(x**2))")
    value, grad = differentiate(graph, {"x": 1})
    assert value == pytest.approx(math.exp(math.sin(1)))
    assert grad["x"] == pytest.approx(math.exp(math.sin(1)) * math.cos(1) * 2)
    assert [n.op for n in graph.nodes] == ["var", "const", "pow", "sin", "exp"]


def test_every_preset_parses_and_has_its_values():
    for preset in PRESETS:
        graph = parse(preset.expression)
        assert set(graph.variables) == set(preset.values)
        assert math.isfinite(differentiate(graph, preset.values)[0])
    with pytest.raises(ValueError, match="unknown preset"):
        get_preset("nope")


# -- graph structure --------------------------------------------------------------------------


def test_identical_subexpressions_are_one_node():
    graph = parse("(a+b)*(a+b)")
    adds = [n for n in graph.nodes if n.op == "add"]
    assert len(adds) == 1 and len(graph.nodes) == 4
    mul = graph.node(graph.output)
    assert mul.inputs == (adds[0].id, adds[0].id) and adds[0].consumers == (mul.id,)
    assert len(graph.out_edges(adds[0].id)) == 2
    value, grad = differentiate(graph, {"a": 1, "b": 2})
    assert value == 9 and grad == {"a": 6, "b": 6}  # 2(a+b), both edges count


def test_x_times_x_counts_both_edges():
    graph = parse("x*x")
    assert len(graph.nodes) == 2 and graph.variable("x").consumers == ("n1",)
    assert differentiate(graph, {"x": 3}, "reverse")[1] == {"x": 6}
    assert differentiate(graph, {"x": 3}, "forward")[1] == {"x": 6}
    last = trace(graph, {"x": 3})[-1]
    assert "it feeds f twice" in last.text and last.reads == ("n1", "n0->n1:0", "n0->n1:1")


def test_ids_are_stable_and_topological():
    text = "sigmoid(w0*x0 + w1*x1 + w2) * (w0*x0) - exp(-x1) / 2"
    first, second = parse(text), parse(text)
    assert first == second
    for k, node in enumerate(first.nodes):
        assert node.id == f"n{k}"
        assert all(int(i[1:]) < k for i in node.inputs)
        assert node.depth == max((first.node(i).depth + 1 for i in node.inputs), default=0)
        for c in node.consumers:
            assert node.id in first.node(c).inputs
    assert first.variables == ("w0", "x0", "w1", "x1", "w2")
    assert first.node(first.output).consumers == ()
    assert [n.source for n in first.nodes if n.op == "mul"][0] == "w0*x0"


def test_columns_for_layout():
    graph = parse("exp(sin(x**2)) + 1")
    col = {n.source: n.column for n in graph.nodes}
    assert col["x"] == 0 and col["x**2"] == 1 and col["2"] == 0
    assert col["exp(sin(x**2)) + 1"] == 4 and col["1"] == 3  # next to its consumer
    assert graph.node(graph.output).label == "+"


def test_constants_and_negative_numbers():
    graph = parse("x * -3 + pi - e")
    labels = [n.label for n in graph.nodes if n.op == "const"]
    assert labels == ["−3", "π", "e"]
    assert graph.variables == ("x",)
    assert differentiate(graph, {"x": 2})[0] == pytest.approx(-6 + math.pi - math.e)
    assert parse("+x").nodes[0].op == "var" and len(parse("-x").nodes) == 2


def test_operation_counts():
    counts = operation_counts(parse("(a+b)*(b+1)"))
    assert counts == {
        "inputs": 2, "nodes": 6, "operations": 3, "edges": 6, "derivative_edges": 5,
        "forward_mode": {"passes": 2, "derivative_ops": 10},
        "reverse_mode": {"passes": 1, "derivative_ops": 5},
    }


# -- parser rejections ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x + foo(1)", "unknown function 'foo' at column 5"),
        ("x.y", "attribute access 'x.y' is not allowed at column 2"),
        ("__import__('os')", "unknown function '__import__' at column 1"),
        ("open('f')", "unknown function 'open'"),
        ("os.system('ls')", "attribute access"),
        ("x + 'a'", "strings are not allowed at column 5"),
        ("x[0]", "indexing 'x[0]' is not allowed at column 1"),
        ("(x+1)(2)", "only named functions can be called"),
        ("(x)(1)", "unknown function 'x' at column 2"),
        ("max(x, y=1)", "keyword arguments are not allowed at column 8"),
        ("x < 1", "comparison 'x < 1' is not allowed at column 1"),
        ("lambda: 1", "lambda"),
        ("max(x)", "max takes 2 arguments, got 1 at column 1"),
        ("sin(x, y)", "sin takes 1 argument, got 2"),
        ("x ^ 2", "operator '^' is not supported at column 3 (write x**2 for a power)"),
        ("x // 2", "operator '//'"),
        ("sin + 1", "'sin' is a function"),
        ("x +", "syntax error at column"),
        ("  (x", "syntax error at column 3"),
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("True", "'True' is not a number"),
        ("1j", "complex number"),
        ("9" * 400, "number is too large"),
        ("(x, y)", "tuple"),
        ("x if y else 2", "conditional expression"),
        ("2(3)", "only named functions"),
    ],
)
def test_rejections_name_the_problem(text, message):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(" * 5000 + "x" + ")" * 5000, "too long"),
        ("(" * 500 + "x" + ")" * 500, "nested too deeply at column 101"),
        ("sin(" * 150 + "x" + ")" * 150, "nested too deeply"),
        ("-" * 1500 + "x", "too many parts"),
        ("-" * 300 + "x", "nested too deeply"),
        ("+".join(["x"] * 600), "too many parts"),
        ("x" * 3000, "too long"),
    ],
)
def test_abuse_is_refused_quickly(text, message):
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert message in str(info.value)
    assert time.perf_counter() - start < 1


def test_columns_count_characters_not_bytes():
    with pytest.raises(ExpressionError, match="unknown function 'foo' at column 7"):
        parse("α + β*foo(1)")


def test_values_are_checked():
    graph = parse("a*b")
    with pytest.raises(ValueError, match="missing a value for variable 'b'"):
        differentiate(graph, {"a": 1})
    with pytest.raises(ValueError, match="unknown variable 'c'"):
        differentiate(graph, {"a": 1, "b": 2, "c": 3})
    with pytest.raises(ValueError, match="not a number"):
        differentiate(graph, {"a": 1, "b": "two"})
    with pytest.raises(ValueError, match="not a variable"):
        differentiate(graph, {"a": 1, "b": 2}, "forward", wrt="z")


# -- random expressions: forward mode = reverse mode = finite differences ---------------------

VARS = ("a", "b", "c")
SMOOTH = ("sin({})", "cos({})", "tanh({})", "sigmoid({})", "exp(tanh({}))", "log(1 + ({})**2)",
          "sqrt(2 + sin({}))", "-({})", "({})**2")
KINKED = SMOOTH + ("relu({})", "abs({})", "max({}, a)", "min(b, {})")


def expressions(unary: tuple[str, ...]):
    leaves = st.sampled_from(VARS + ("2", "0.5"))

    def extend(inner):
        return st.one_of(
            st.tuples(st.sampled_from(unary), inner).map(lambda t: t[0].format(t[1])),
            st.tuples(inner, st.sampled_from("+-*"), inner).map(
                lambda t: f"({t[0]}){t[1]}({t[2]})"
            ),
            st.tuples(inner, inner).map(lambda t: f"({t[0]})/(1 + ({t[1]})**2)"),
            # The same sub-expression twice, so that hash-consing shares one node.
            inner.map(lambda s: f"({s})*({s}) + sin({s})"),
        )

    return st.recursive(leaves, extend, max_leaves=8)


POINT = st.fixed_dictionaries({v: st.floats(-2, 2, allow_nan=False) for v in VARS})


def _full_values(graph, point):
    return {v: point[v] for v in graph.variables}


@settings(max_examples=60, deadline=None)
@given(expressions(KINKED), POINT)
def test_forward_mode_equals_reverse_mode(text, point):
    graph = parse(text)
    values = _full_values(graph, point)
    value, reverse = differentiate(graph, values, "reverse")
    value2, forward = forward_gradient(graph, values)
    assume(math.isfinite(value) and all(math.isfinite(d) for d in reverse.values()))
    assert value2 == value
    assert forward == pytest.approx(reverse, rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(expressions(SMOOTH), POINT)
def test_gradients_match_finite_differences(text, point):
    graph = parse(text)
    values = _full_values(graph, point)
    value, grad = differentiate(graph, values)
    assume(math.isfinite(value) and abs(value) < 1e4)
    h = 1e-6
    for name in graph.variables:
        up = forward_values(graph, {**values, name: values[name] + h})[graph.output]
        down = forward_values(graph, {**values, name: values[name] - h})[graph.output]
        assert grad[name] == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-4)


# -- the trace --------------------------------------------------------------------------------


def test_reverse_trace_is_forward_then_backward():
    graph = parse("(a+b)*(b+1)")
    ops = trace(graph, {"a": 2, "b": 1})
    assert all(isinstance(op, GraphOperation) for op in ops)
    assert [op.index for op in ops] == list(range(len(ops)))
    phases = [op.phase for op in ops]
    assert phases == ["forward"] * 6 + ["backward"] * 5  # no gradient for the constant 1
    seed = ops[6]
    assert seed.node == graph.output and seed.derivative == 1 and seed.reads == ()
    at_b = next(op for op in ops if op.phase == "backward" and op.node == "n1")
    assert at_b.text == ("Chain rule at b: it feeds two nodes, so add the two paths: "
                         "2·1 + 3·1 = 5.")
    assert at_b.substituted == "∂f/∂b = 2·1 + 3·1 = 5"
    assert at_b.reads == ("n2", "n4", "n1->n2:1", "n1->n4:0")
    assert ops[2].substituted == "a + b = 2 + 1 = 3" and ops[2].reads == ("n0", "n1")
    assert trace(graph, {"a": 2, "b": 1}) == ops  # deterministic
    assert json.dumps([op.to_dict() for op in ops], allow_nan=False)


def test_forward_trace_has_one_record_per_node():
    graph = parse("(a+b)*(b+1)")
    ops = trace(graph, {"a": 2, "b": 1}, mode="forward", wrt="b")
    assert len(ops) == len(graph.nodes) and {op.phase for op in ops} == {"tangent"}
    assert [op.derivative for op in ops] == [0, 1, 1, 0, 1, 5]
    assert ops[-1].substituted == "f = 3·2 = 6;  df/db = 2·1 + 3·1 = 5"
    with pytest.raises(ValueError, match="forward mode needs"):
        trace(graph, {"a": 2, "b": 1}, mode="forward")


def test_trace_agrees_with_the_mode_functions():
    graph = parse("2*(x*y + max(z, w))")
    values = {"x": 3, "y": -4, "z": 2, "w": -1}
    backward = {op.node: op.derivative for op in trace(graph, values) if op.phase == "backward"}
    assert backward == {k: v for k, v in adjoints(graph, values).items() if v is not None}
    tangent = {op.node: op.derivative for op in trace(graph, values, "forward", "z")}
    assert tangent == tangents(graph, values, "z")


# -- a network as a graph ---------------------------------------------------------------------


def test_mazur_network_graph_matches_network_gradients():
    net = mazur()
    graph, values = network_graph(net, net.sample_x, net.sample_y)
    value, grad = differentiate(graph, values)
    loss, grad_w, grad_b = net.gradients(net.sample_x[None], net.sample_y[None])
    assert value == pytest.approx(loss) and value == pytest.approx(0.298371109)
    assert grad["w2_0_0"] == pytest.approx(0.082167041, abs=1e-9)  # Mazur's ∂E/∂w5
    for l, (gw, gb) in enumerate(zip(grad_w, grad_b), start=1):
        for (j, i), g in np.ndenumerate(gw):
            assert grad[f"w{l}_{j}_{i}"] == pytest.approx(g, rel=1e-10)
        for j, g in enumerate(gb):
            assert grad[f"b{l}_{j}"] == pytest.approx(g, rel=1e-10)
    assert graph.variables[:4] == ("x0", "x1", "w1_0_0", "w1_0_1")
    assert graph.node(graph.output).name == "L" and graph.output_name == "L"
    ops = trace(graph, values)
    w5 = next(op for op in ops if op.phase == "backward" and op.node == graph.variable("w2_0_0").id)
    assert w5.formula.startswith("∂L/∂w^{(2)}_{0,0} = ")
    assert w5.text.startswith("Chain rule at w2_0_0")
    assert any(op.text.startswith("Chain rule at u1_0: it feeds two nodes") for op in ops)


@pytest.mark.parametrize(
    ("activations", "loss"),
    [("tanh", "squared"), ("relu,linear", "half_squared"), ("leaky_relu,sigmoid", "squared"),
     ("tanh,sigmoid", "binary_cross_entropy")],
)
def test_network_graphs_match_for_other_losses(activations, loss):
    net = build_network([3, 2, 2], activations.split(",") if "," in activations else activations,
                        loss, init="normal", scale=1.0, seed=3)
    x, y = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0])
    graph, values = network_graph(net, x, y)
    value, grad = differentiate(graph, values)
    loss_value, grad_w, _ = net.gradients(x[None], y[None])
    assert value == pytest.approx(loss_value)
    for l, gw in enumerate(grad_w, start=1):
        for (j, i), g in np.ndenumerate(gw):
            assert grad[f"w{l}_{j}_{i}"] == pytest.approx(g, rel=1e-9, abs=1e-12)


def test_network_graph_refusals():
    big = build_network([8, 8, 1], "sigmoid", "half_squared")
    with pytest.raises(ValueError, match=f"at most {MAX_NETWORK_PARAMETERS}"):
        network_graph(big, np.zeros(8), np.zeros(1))
    soft = build_network([2, 2, 2], ["sigmoid", "softmax"], "softmax_cross_entropy")
    with pytest.raises(ValueError, match="does not support softmax"):
        network_graph(soft, np.zeros(2), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="expected 2 inputs"):
        network_graph(mazur(), np.zeros(3), np.zeros(2))


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def run(monkeypatch, capsys):
    """core.cli.run, with a stand-in for the other commands while they are not written yet."""
    if importlib.util.find_spec("core.cli.network") is None:
        monkeypatch.setitem(sys.modules, "core.cli.network",
                            types.SimpleNamespace(add_parsers=lambda sub: None))

    def go(*argv):
        code = cli.run(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return go


def test_cli_json(run):
    code, out, err = run("graph", "(a+b)*(b+1)", "--at", "a=2,b=1", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["value"] == 6 and data["gradient"] == {"a": 2, "b": 5}
    assert data["operations"]["reverse_mode"] == {"passes": 1, "derivative_ops": 5}
    assert [n["id"] for n in data["nodes"]] == [f"n{k}" for k in range(6)]
    assert data["nodes"][1]["consumers"] == ["n2", "n4"] and data["nodes"][3]["gradient"] is None


def test_cli_forward_mode_and_text(run):
    code, out, _ = run("graph", "(x+y)*z", "--at", "x=-2,y=5", "--at", "z=-4", "--mode", "forward",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["gradient"] == {"x": -4, "y": -4, "z": 3} and data["passes"] == 3
    code, out, _ = run("graph", "(x+y)*z", "--at", "x=-2,y=5,z=-4", "--mode", "forward",
                       "--wrt", "z")
    assert code == 0 and "∂f/∂z = 3" in out and "∂f/∂x" not in out
    assert "forward mode: 3 passes" in out and "value: −12" in out


def test_cli_expression_with_a_leading_minus(run):
    code, out, _ = run("graph", " -x*y", "--at", "x=1,y=2")
    assert code == 0 and "∂f/∂x = −2" in out
    code, out, _ = run("graph", "--at", "x=1,y=2", "--", "-x*y")
    assert code == 0 and "value: −2" in out


def test_cli_not_finite_is_a_string(run):
    code, out, _ = run("graph", "log(x)", "--at", "x=-1", "--format", "json")
    assert code == 0 and json.loads(out)["value"] == "NaN"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["graph", "x + foo(1)", "--at", "x=1"], "unknown function 'foo' at column 5"),
        (["graph", "a*b", "--at", "a=1"], "missing a value for variable 'b'"),
        (["graph", "a*b", "--at", "a=1,b=2,c=3"], "unknown variable 'c'"),
        (["graph", "a*b", "--at", "a=1,b=two"], "not a number"),
        (["graph", "a*b", "--at", "a"], "name=value"),
        (["graph", "a*b", "--at", "a=1,b=2", "--wrt", "q"], "--wrt"),
        (["graph", "a*b", "--at", "a=1,b=nan"], "finite"),
    ],
)
def test_cli_errors_are_one_line(run, argv, message):
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_an_expression_can_name_its_output():
    graph = parse("L = (y - sigmoid(w*x))**2")
    assert graph.output_name == "L" and graph.variables == ("y", "w", "x")
    assert parse("(a+b)*b").output_name == "f"
    # Same graph and numbers as without the name; only what it is called differs.
    named, plain = parse("loss=a*b"), parse("a*b")
    assert [n.op for n in named.nodes] == [n.op for n in plain.nodes]
    assert differentiate(named, {"a": 2, "b": 3}) == differentiate(plain, {"a": 2, "b": 3})
    assert step_names(named)[named.output] == "loss"


@pytest.mark.parametrize("text, message", [
    ("x = x*2", "'x' names the output and is also a variable"),
    ("exp = x", "'exp' at column 1 cannot name the output"),
    ("L = ", "nothing after 'L ='"),
    ("L = x ^ 2", "operator '^' is not supported at column 7"),  # columns count the name
    ("x == y", "comparison"),
])
def test_a_bad_output_name_is_refused(text, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        parse(text)


def test_cli_says_the_output_name(run):
    code, out, _ = run("graph", "L = x*y", "--at", "x=2,y=3")
    assert code == 0 and out.startswith("L = x*y at") and "∂L/∂x = 3" in out and "∂f" not in out
