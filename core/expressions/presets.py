"""A network's one-sample computation as a scalar graph, and the preset expressions of the
Computation graph tab."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.expressions.graph import Graph
from core.expressions.parse import Builder
from core.notation import fmt

MAX_NETWORK_PARAMETERS = 60


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
    b = Builder()
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
