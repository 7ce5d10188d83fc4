"""The trace of one sample: every operation of forward pass, loss, backward pass, gradients and
updates, in the order of the notes' algorithm, as a tuple of small frozen records.

The numbers come from the same vectorised code that trains (``Network.forward``/``deltas`` on a
batch of one), so what the stepper shows is what training does. Each record names the value it
writes (``key``) and the values it reads, so a view can highlight both.

Value keys: ``u:0:i`` (input x_i), ``y:j`` (target), ``w:l:j:i``, ``b:l:j`` (parameters before the
update), ``z:l:j``, ``u:l:j``, ``loss``, ``delta:l:j``, ``grad_w:l:j:i``, ``grad_b:l:j``,
``new_w:l:j:i``, ``new_b:l:j`` (after the update). Layers count from 1, units and inputs from 0.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from core.network import Network
from core.notation import fmt, fmt_factor
from core.optimizers import Optimizer, update_text

PHASES = ("forward", "loss", "backward", "gradient", "update")


@dataclass(frozen=True)
class Operation:
    """One step of the algorithm for one sample.

    Attributes
    ----------
    index : position in the trace, from 0.
    phase : ``forward``, ``loss``, ``backward``, ``gradient`` or ``update``.
    quantity : what is computed: ``z``, ``u``, ``loss``, ``delta`` (δ = ∂L/∂z), ``grad_w``
        (∂L/∂w), ``grad_b`` (∂L/∂b), ``w`` or ``b`` (a parameter's updated value).
    layer : 1..L (the loss belongs to the output layer L).
    unit : 0-based unit j of ``layer``; None for the loss.
    input : 0-based unit i of layer − 1, for ``grad_w`` and ``w``; None otherwise.
    value : the result (for ``w``/``b``: the value after the update).
    formula : the general formula in the notes' notation (formula markup, see core.notation).
    substituted : the formula for this unit with the numbers filled in, ending in the result.
    reads : keys of the values this operation reads.
    text : one sentence saying what happens.
    """

    index: int
    phase: str
    quantity: str
    layer: int
    unit: int | None
    input: int | None
    value: float
    formula: str
    substituted: str
    reads: tuple[str, ...]
    text: str

    @property
    def key(self) -> str:
        """The key of the value this operation writes."""
        if self.quantity == "loss":
            return "loss"
        name = {"w": "new_w", "b": "new_b"}.get(self.quantity, self.quantity)
        tail = f":{self.input}" if self.input is not None else ""
        return f"{name}:{self.layer}:{self.unit}{tail}"

    def to_dict(self) -> dict:
        """The record as plain JSON-ready data (``reads`` as a list, plus ``id``)."""
        data = asdict(self)
        data["reads"] = list(self.reads)
        if not math.isfinite(self.value):
            data["value"] = None  # strict JSON has no NaN or Infinity
        data["id"] = self.key
        return data


# -- names in formulas -----------------------------------------------------------------------

_FUNCTION = {"sigmoid": "σ", "leaky_relu": "leaky relu", "linear": "id"}


def _sym(name: str, layer: int, *indices: int) -> str:
    """``z^{(1)}_{2}``: a quantity of ``layer`` with 1-based unit indices, in formula markup."""
    sub = ",".join(str(k + 1) for k in indices)
    return f"{name}^{{({layer})}}_{{{sub}}}"


def unit_name(network: Network, layer: int, unit: int) -> str:
    """Plain words for a unit: "input 1", "hidden unit 2" ("hidden layer 2, unit 2"), "output 1"."""
    if layer == 0:
        return f"input {unit + 1}"
    if layer == len(network.layers):
        return f"output unit {unit + 1}"
    if len(network.layers) == 2:
        return f"hidden unit {unit + 1}"
    return f"hidden layer {layer}, unit {unit + 1}"


def unit_label(network: Network, layer: int, unit: int) -> str:
    """A short name for a unit, as the network view prints it: x1, h2 (or h1,2), o1."""
    last = len(network.layers)
    if layer == 0:
        return f"x{unit + 1}"
    if layer == last:
        return f"o{unit + 1}"
    return f"h{unit + 1}" if last == 2 else f"h{layer},{unit + 1}"


def value_name(network: Network, key: str) -> str:
    """The name people use for an editable value: w(1)1,2 (layer 1, unit 1, input 2), b(2)1,
    x1 (an input of the sample), y1 (a target); any other key is returned as it is."""
    kind, *rest = key.split(":")
    try:
        idx = [int(v) for v in rest]
    except ValueError:
        return key
    if kind == "w" and len(idx) == 3:
        return f"w({idx[0]}){idx[1] + 1},{idx[2] + 1}"
    if kind == "b" and len(idx) == 2:
        return f"b({idx[0]}){idx[1] + 1}"
    if kind == "u" and len(idx) == 2 and idx[0] == 0:
        return f"x{idx[1] + 1}"
    if kind == "y" and len(idx) == 1:
        return f"y{idx[0] + 1}"
    return key


def parameter_sets(network: Network) -> list[tuple[int, str]]:
    """(layer, "w"|"b") of each array in ``network.parameters()`` order."""
    return [(k + 1, q) for k in range(len(network.layers)) for q in ("w", "b")]


# -- the trace ------------------------------------------------------------------------------


def build_trace(
    network: Network, x: np.ndarray, y: np.ndarray, optimizer: Optimizer
) -> tuple[Operation, ...]:
    """All operations of one training step on the sample (x, y), in the notes' order.

    ``optimizer`` gives the update rule and its state before this step; it is not changed.
    Overflow is not an error here: a value that overflows is shown as ∞ or NaN.
    """
    with np.errstate(all="ignore"):
        return _build_trace(network, x, y, optimizer)


def _build_trace(
    network: Network, x: np.ndarray, y: np.ndarray, optimizer: Optimizer
) -> tuple[Operation, ...]:
    x = np.asarray(x, dtype=float).reshape(1, -1)
    y = np.asarray(y, dtype=float).reshape(1, -1)
    zs, us = network.forward(x)
    deltas = network.deltas(y, zs, us)
    z = [None] + [a[0] for a in zs[1:]]
    u = [a[0] for a in us]
    d = [None] + [a[0] for a in deltas[1:]]
    L = len(network.layers)
    ops: list[Operation] = []

    def add(phase, quantity, layer, unit, inp, value, formula, substituted, reads, text):
        ops.append(
            Operation(len(ops), phase, quantity, layer, unit, inp, float(value), formula,
                      substituted, tuple(reads), text)
        )

    # Forward: z then u for each unit, layer by layer.
    for l in range(1, L + 1):
        layer = network.layers[l - 1]
        g = layer.activation
        for j in range(layer.units):
            terms = [f"{fmt_factor(layer.W[j, i])}·{fmt_factor(u[l - 1][i])}"
                     for i in range(layer.inputs)]
            terms.append(fmt_factor(layer.b[j]))
            reads = [f"w:{l}:{j}:{i}" for i in range(layer.inputs)]
            reads += [f"u:{l - 1}:{i}" for i in range(layer.inputs)] + [f"b:{l}:{j}"]
            add("forward", "z", l, j, None, z[l][j], "z_{j} = Σ_{i} w_{j,i} u_{i} + b_{j}",
                f"{_sym('z', l, j)} = {' + '.join(terms)} = {fmt(z[l][j])}", reads,
                f"Weighted sum into {unit_name(network, l, j)}: each incoming u times its "
                "weight, plus the bias.")
            if g.name == "softmax":
                zs_text = ", ".join(fmt(v) for v in z[l])
                add("forward", "u", l, j, None, u[l][j], "u_{j} = e^{z_{j}} / Σ_{k} e^{z_{k}}",
                    f"{_sym('u', l, j)} = softmax({zs_text})_{{{j + 1}}} = {fmt(u[l][j])}",
                    [f"z:{l}:{k}" for k in range(layer.units)],
                    f"Softmax: {unit_name(network, l, j)}'s share of e^z over the layer.")
            else:
                add("forward", "u", l, j, None, u[l][j], f"u_{{j}} = g(z_{{j}}) = {g.formula}",
                    f"{_sym('u', l, j)} = {_FUNCTION.get(g.name, g.name)}({fmt(z[l][j])}) = "
                    f"{fmt(u[l][j])}",
                    [f"z:{l}:{j}"],
                    f"Apply the {g.name} activation to z to get the output u of "
                    f"{unit_name(network, l, j)}.")

    # Loss of this sample.
    loss = network.loss
    out = network.layers[-1]
    loss_value = float(loss.value(y, us[-1], zs[-1])[0])
    reads = [f"u:{L}:{j}" for j in range(out.units)] + [f"y:{j}" for j in range(out.units)]
    if loss.name == "binary_cross_entropy":
        reads += [f"z:{L}:{j}" for j in range(out.units)]
    add("loss", "loss", L, None, None, loss_value, loss.formula,
        f"L = {loss.substituted_value(y[0], u[L], z[L])} = {fmt(loss_value)}", reads,
        f"Compare the outputs with the targets: the {loss.name.replace('_', ' ')} loss, "
        f"summed over the {out.units} output unit{'s' if out.units > 1 else ''}.")

    # Backward: δ of each output unit, then each hidden unit, layer by layer back to layer 1.
    for j in range(out.units):
        add("backward", "delta", L, j, None, d[L][j], loss.delta_formula,
            f"{_sym('δ', L, j)} = "
            f"{loss.substituted_delta(y[0][j], u[L][j], z[L][j], out.activation)} = {fmt(d[L][j])}",
            [f"u:{L}:{j}", f"y:{j}", f"z:{L}:{j}"],
            f"Error at {unit_name(network, L, j)}: how fast the loss changes with its z.")
    for l in range(L - 1, 0, -1):
        layer, above = network.layers[l - 1], network.layers[l]
        g = layer.activation
        for j in range(layer.units):
            terms = [f"{fmt_factor(above.W[k, j])}·{fmt_factor(d[l + 1][k])}"
                     for k in range(above.units)]
            reads = [f"z:{l}:{j}"] + [f"w:{l + 1}:{k}:{j}" for k in range(above.units)]
            reads += [f"delta:{l + 1}:{k}" for k in range(above.units)]
            add("backward", "delta", l, j, None, d[l][j], "δ_{j} = g′(z_{j}) Σ_{k} w_{k,j} δ_{k}",
                f"{_sym('δ', l, j)} = {g.slope_text(z[l][j])}·({' + '.join(terms)}) = "
                f"{fmt(d[l][j])}",
                reads,
                f"Backpropagate the error to {unit_name(network, l, j)}: its share of each "
                f"δ above, scaled by the slope of the {g.name} at z.")

    # Gradients: ∂L/∂w_{j,i} = δ_j u_i and ∂L/∂b_j = δ_j, from the output layer back.
    grads: dict[str, float] = {}
    for l in range(L, 0, -1):
        layer = network.layers[l - 1]
        for j in range(layer.units):
            for i in range(layer.inputs):
                value = d[l][j] * u[l - 1][i]
                grads[f"w:{l}:{j}:{i}"] = value
                add("gradient", "grad_w", l, j, i, value, "∂L/∂w_{j,i} = δ_{j} u_{i}",
                    f"∂L/∂{_sym('w', l, j, i)} = {fmt_factor(d[l][j])}·"
                    f"{fmt_factor(u[l - 1][i])} = {fmt(value)}",
                    [f"delta:{l}:{j}", f"u:{l - 1}:{i}"],
                    f"Gradient of the weight from {unit_name(network, l - 1, i)} to "
                    f"{unit_name(network, l, j)}: the δ it feeds times the u it carries.")
            if network.train_biases:
                grads[f"b:{l}:{j}"] = d[l][j]
                add("gradient", "grad_b", l, j, None, d[l][j], "∂L/∂b_{j} = δ_{j}",
                    f"∂L/∂{_sym('b', l, j)} = {fmt(d[l][j])}", [f"delta:{l}:{j}"],
                    f"Gradient of the bias of {unit_name(network, l, j)}: its δ, since the "
                    "bias enters z with weight 1.")

    # Updates by the optimizer, in the same order as the gradients.
    for l in range(L, 0, -1):
        layer = network.layers[l - 1]
        for j in range(layer.units):
            for i in range(layer.inputs):
                g_val = grads[f"w:{l}:{j}:{i}"]
                state = optimizer.state_of(2 * (l - 1), j * layer.inputs + i)
                new, formula, sub, where = optimizer.preview(layer.W[j, i], g_val, state)
                add("update", "w", l, j, i, new, formula,
                    update_text(_sym("w", l, j, i), sub, where, new),
                    [f"w:{l}:{j}:{i}", f"grad_w:{l}:{j}:{i}"],
                    f"Update the weight from {unit_name(network, l - 1, i)} to "
                    f"{unit_name(network, l, j)}: a step against its gradient.")
            if network.train_biases:
                state = optimizer.state_of(2 * (l - 1) + 1, j)
                new, formula, sub, where = optimizer.preview(layer.b[j], grads[f"b:{l}:{j}"],
                                                             state)
                add("update", "b", l, j, None, new, formula.replace("w", "b"),
                    update_text(_sym("b", l, j), sub, where, new),
                    [f"b:{l}:{j}", f"grad_b:{l}:{j}"],
                    f"Update the bias of {unit_name(network, l, j)}: a step against its "
                    "gradient.")
    return tuple(ops)


def given_values(network: Network, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """The values known before any operation: inputs, targets, weights and biases."""
    known = {f"u:0:{i}": float(v) for i, v in enumerate(np.ravel(x))}
    known.update({f"y:{j}": float(v) for j, v in enumerate(np.ravel(y))})
    for l, layer in enumerate(network.layers, start=1):
        for j in range(layer.units):
            known[f"b:{l}:{j}"] = float(layer.b[j])
            for i in range(layer.inputs):
                known[f"w:{l}:{j}:{i}"] = float(layer.W[j, i])
    return known
