"""A Jupyter notebook of one training step: the network rebuilt in plain NumPy, every operation
of the trace recomputed in its own cell in the notes' notation with an ``assert`` against the
app's number, and a last cell that trains the network the way the stepper does (one sample at a
time, with the same optimizer).

In the code, ``w[l][j, i]`` is w_{j,i} of layer l (the weight from unit i of layer l−1 to unit j),
``z[l][j]``, ``u[l][j]`` and ``delta[l][j]`` are z_j, u_j and δ_j of layer l; layers count from 1
as in the notes, units from 0 as in Python (the formulas in the comments count them from 1).
"""

from __future__ import annotations

import nbformat
from nbformat import v4

from core.export.latex import TITLES, to_latex
from core.notation import fmt, to_plain
from core.trace import PHASES, Operation, unit_name

ACTIVATION_CODE = {
    "sigmoid": ("sigmoid", "sigmoid_prime"),
    "tanh": ("np.tanh", "tanh_prime"),
    "relu": ("relu", "relu_prime"),
    "leaky_relu": ("leaky_relu", "leaky_relu_prime"),
    "linear": ("linear", "linear_prime"),
    "softmax": ("softmax", None),
}
FUNCTIONS = '''\
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1.0 - sigmoid(z))


def tanh_prime(z):
    return 1.0 - np.tanh(z) ** 2


def relu(z):
    return np.maximum(z, 0.0)


def relu_prime(z):
    return np.where(z > 0, 1.0, 0.0)


def leaky_relu(z):
    return np.where(z > 0, z, 0.01 * z)


def leaky_relu_prime(z):
    return np.where(z > 0, 1.0, 0.01)


def linear(z):
    return z


def linear_prime(z):
    return np.ones_like(z)


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def close(ours, app):
    """Equal to the app's number up to rounding (NaN equals NaN: a diverged run)."""
    if math.isnan(ours) and math.isnan(app):
        return True
    return math.isclose(ours, app, rel_tol=1e-9, abs_tol=1e-12)
'''


def _num(value: float) -> str:
    """A float literal that reads back bit for bit (``float('inf')`` for overflow)."""
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        return f"float({str(value)!r})"
    return repr(value)


def _array(values) -> str:
    import numpy as np

    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        return "np.array([" + ", ".join(_num(v) for v in values) + "])"
    rows = ",\n    ".join("[" + ", ".join(_num(v) for v in row) + "]" for row in values)
    return f"np.array([\n    {rows},\n])"


def _setup(loaded, stepper) -> str:
    net = stepper.network
    L = len(net.layers)
    lines = ["import math", "", "import numpy as np", "", FUNCTIONS, ""]
    lines.append(f"# {net.name}: layer sizes {net.sizes}, loss {net.loss.name}.")
    for name, pick in (("w", lambda la: la.W), ("b", lambda la: la.b)):
        body = ",\n".join(f"    {l}: {_array(pick(la))}".replace("\n", "\n    ")
                          for l, la in enumerate(net.layers, start=1))  # fmt: skip
        lines.append(f"{name} = {{\n{body},\n}}")
    lines.append(f"x = {_array(stepper.x)}")
    lines.append(f"y = {_array(stepper.y)}")
    acts = ", ".join(f"{l}: {ACTIVATION_CODE[la.activation.name][0]}"
                     for l, la in enumerate(net.layers, start=1))  # fmt: skip
    slopes = ", ".join(f"{l}: {ACTIVATION_CODE[la.activation.name][1]}"
                       for l, la in enumerate(net.layers, start=1))  # fmt: skip
    lines += [f"g = {{{acts}}}", f"g_prime = {{{slopes}}}", f"L = {L}  # the output layer"]
    opt = stepper.optimizer
    lines.append(f"eta = {_num(opt.learning_rate)}  # learning rate η ({opt.name})")
    for key, value in opt.params.items():
        lines.append(f"{key} = {_num(value)}")
    lines.append(f"t = {opt.t + 1}  # the number of this update")
    names = {"sgd": (), "momentum": ("v",), "rmsprop": ("s",), "adam": ("m", "v")}[opt.name]
    for state_name in names:
        entries = []
        for l in range(1, L + 1):
            for k, kind in enumerate(("w", "b")):
                index = 2 * (l - 1) + k
                shape_source = net.layers[l - 1].W if kind == "w" else net.layers[l - 1].b
                value = (opt.state[index][state_name] if index < len(opt.state)
                         else shape_source * 0.0)  # fmt: skip
                entries.append(f"    ({kind!r}, {l}): {_array(value)}".replace("\n", "\n    "))
        lines.append(f"state_{state_name} = {{\n" + ",\n".join(entries) + ",\n}")
    lines += [
        "",
        "# What the steps below fill in (u[0] is the input x).",
        "u = {0: x.copy(), **{l: np.zeros(len(b[l])) for l in b}}",
        "z = {l: np.zeros(len(b[l])) for l in b}",
        "delta = {l: np.zeros(len(b[l])) for l in b}",
        "dL_dw = {l: np.zeros_like(w[l]) for l in w}",
        "dL_db = {l: np.zeros_like(b[l]) for l in b}",
        "w_new = {l: w[l].copy() for l in w}",
        "b_new = {l: b[l].copy() for l in b}",
        "loss = None",
    ]
    return "\n".join(lines)


def _slope(net, l: int) -> str:
    return ACTIVATION_CODE[net.layers[l - 1].activation.name][1] or "None"


def _update_code(opt_name: str, kind: str, target: str, grad: str, param: str,
                 state: str) -> list[str]:  # fmt: skip
    """The optimizer's update of one parameter, as in core.optimizers."""
    new = f"{kind}_new{target}"
    if opt_name == "sgd":
        return [f"{new} = {param} - eta * {grad}"]
    index = target[target.index("[", 1):]
    if opt_name == "momentum":
        v = f"state_v[{state}]{index}"
        return [f"{v} = momentum * {v} + {grad}", f"{new} = {param} - eta * {v}"]
    if opt_name == "rmsprop":
        s = f"state_s[{state}]{index}"
        return [f"{s} = rho * {s} + (1 - rho) * {grad} ** 2",
                f"{new} = {param} - eta * {grad} / (np.sqrt({s}) + epsilon)"]
    return [
        f"state_m[{state}]{index} = beta1 * state_m[{state}]{index} + (1 - beta1) * {grad}",
        f"state_v[{state}]{index} = beta2 * state_v[{state}]{index} + (1 - beta2) * {grad} ** 2",
        f"m_hat = state_m[{state}]{index} / (1 - beta1 ** t)",
        f"v_hat = state_v[{state}]{index} / (1 - beta2 ** t)",
        f"{new} = {param} - eta * m_hat / (np.sqrt(v_hat) + epsilon)",
    ]


def _step_code(op: Operation, net) -> tuple[list[str], str]:
    """The code lines computing ``op`` and the expression holding its result."""
    l, j, i = op.layer, op.unit, op.input
    units_below = net.sizes[l - 1]
    L = len(net.layers)
    if op.quantity == "z":
        return ([f"z[{l}][{j}] = sum(w[{l}][{j}, i] * u[{l - 1}][i] for i in range({units_below}))"
                 f" + b[{l}][{j}]"], f"z[{l}][{j}]")  # fmt: skip
    if op.quantity == "u":
        name = net.layers[l - 1].activation.name
        if name == "softmax":
            return ([f"z_layer = w[{l}] @ u[{l - 1}] + b[{l}]  # softmax needs the layer's z",
                     f"u[{l}][{j}] = np.exp(z_layer[{j}]) / np.exp(z_layer).sum()"],
                    f"u[{l}][{j}]")  # fmt: skip
        return [f"u[{l}][{j}] = {ACTIVATION_CODE[name][0]}(z[{l}][{j}])"], f"u[{l}][{j}]"
    if op.quantity == "loss":
        n = net.outputs
        code = {
            "half_squared": f"loss = 0.5 * sum((y[j] - u[L][j]) ** 2 for j in range({n}))",
            "squared": f"loss = sum((y[j] - u[L][j]) ** 2 for j in range({n}))",
            # ln(1 + e^z) as logaddexp(0, z): the same number without overflow
            "binary_cross_entropy": f"loss = sum(-y[j] * z[L][j] + np.logaddexp(0.0, z[L][j]) "
                                    f"for j in range({n}))",
            "softmax_cross_entropy": f"loss = -sum(y[j] * np.log(u[L][j]) for j in range({n}))",
        }[net.loss.name]
        return [code], "loss"
    if op.quantity == "delta" and l == L:
        code = {
            "half_squared": f"delta[L][{j}] = -(y[{j}] - u[L][{j}]) * {_slope(net, l)}(z[L][{j}])",
            "squared": f"delta[L][{j}] = -2 * (y[{j}] - u[L][{j}]) * {_slope(net, l)}(z[L][{j}])",
            "binary_cross_entropy": f"delta[L][{j}] = sigmoid(z[L][{j}]) - y[{j}]",
            "softmax_cross_entropy": f"delta[L][{j}] = u[L][{j}] * y.sum() - y[{j}]"
                                     "  # = u_j − y_j, as the targets sum to 1",
        }[net.loss.name]
        return [code], f"delta[L][{j}]"
    if op.quantity == "delta":
        above = net.sizes[l + 1]
        return ([f"delta[{l}][{j}] = {_slope(net, l)}(z[{l}][{j}]) * "
                 f"sum(w[{l + 1}][k, {j}] * delta[{l + 1}][k] for k in range({above}))"],
                f"delta[{l}][{j}]")  # fmt: skip
    if op.quantity == "grad_w":
        target = f"dL_dw[{l}][{j}, {i}]"
        return [f"{target} = delta[{l}][{j}] * u[{l - 1}][{i}]"], target
    if op.quantity == "grad_b":
        return [f"dL_db[{l}][{j}] = delta[{l}][{j}]"], f"dL_db[{l}][{j}]"
    opt = net.optimizer.name
    if op.quantity == "w":
        target = f"[{l}][{j}, {i}]"
        lines = _update_code(opt, "w", target, f"dL_dw{target}", f"w{target}", f"('w', {l})")
        return lines, f"w_new{target}"
    target = f"[{l}][{j}]"
    return (_update_code(opt, "b", target, f"dL_db{target}", f"b{target}", f"('b', {l})"),
            f"b_new{target}")  # fmt: skip


TRAIN = '''\
# Train: one sample at a time, as the stepper does (no minibatches, no L2), with the same
# optimizer, from the weights this notebook started with.
def forward(w, b, x):
    zs, us = {{}}, {{0: x}}
    for l in range(1, L + 1):
        zs[l] = w[l] @ us[l - 1] + b[l]
        us[l] = g[l](zs[l])
    return zs, us


def sample_loss(zs, us, y):
{loss}


def output_delta(zs, us, y):
{delta}


def gradients(w, b, x, y):
    zs, us = forward(w, b, x)
    d = {{L: output_delta(zs, us, y)}}
    for l in range(L - 1, 0, -1):
        d[l] = g_prime[l](zs[l]) * (w[l + 1].T @ d[l + 1])
    gw = {{l: np.outer(d[l], us[l - 1]) for l in w}}
    gb = {{l: d[l] if {train_biases} else np.zeros_like(d[l]) for l in b}}
    return sample_loss(zs, us, y), gw, gb


def update(param, grad, st, step):
{update}


X = {X}
Y = {Y}
w_run = {{l: w0[l].copy() for l in w0}}
b_run = {{l: b0[l].copy() for l in b0}}
states = {{key: {{name: np.array(value[key]) for name, value in states0.items()}} for key in keys}}
step = t - 1
start = {start}
for epoch in range({epochs}):
    for n in range(len(X)):
        k = (start + n) % len(X)
        _, gw, gb = gradients(w_run, b_run, X[k], Y[k])
        step += 1
        for l in w_run:
            w_run[l] = update(w_run[l], gw[l], states[('w', l)], step)
            b_run[l] = update(b_run[l], gb[l], states[('b', l)], step)
        if epoch == 0 and n == 0:
            # The first update is the one the steps above computed weight by weight.
            for l in w_run:
                assert np.allclose(w_run[l], w_new[l], rtol=1e-9, atol=1e-12, equal_nan=True), l
                assert np.allclose(b_run[l], b_new[l], rtol=1e-9, atol=1e-12, equal_nan=True), l
    mean = np.mean([gradients(w_run, b_run, X[k], Y[k])[0] for k in range(len(X))])
    if epoch % {every} == 0 or epoch == {epochs} - 1:
        print(f"epoch {{epoch + 1}}: mean loss {{mean:.6g}}")
'''

LOSS_CODE = {
    "half_squared": "    return 0.5 * np.sum((y - us[L]) ** 2)",
    "squared": "    return np.sum((y - us[L]) ** 2)",
    "binary_cross_entropy": "    return np.sum(-y * zs[L] + np.logaddexp(0.0, zs[L]))",
    "softmax_cross_entropy": "    return -np.sum(y * np.log(us[L]))",
}
DELTA_CODE = {
    "half_squared": "    return -(y - us[L]) * g_prime[L](zs[L])",
    "squared": "    return -2 * (y - us[L]) * g_prime[L](zs[L])",
    "binary_cross_entropy": "    return sigmoid(zs[L]) - y",
    "softmax_cross_entropy": "    return us[L] * y.sum() - y",
}
UPDATE_CODE = {
    "sgd": "    return param - eta * grad",
    "momentum": "    st['v'] = momentum * st['v'] + grad\n    return param - eta * st['v']",
    "rmsprop": "    st['s'] = rho * st['s'] + (1 - rho) * grad ** 2\n"
               "    return param - eta * grad / (np.sqrt(st['s']) + epsilon)",
    "adam": "    st['m'] = beta1 * st['m'] + (1 - beta1) * grad\n"
            "    st['v'] = beta2 * st['v'] + (1 - beta2) * grad ** 2\n"
            "    m_hat = st['m'] / (1 - beta1 ** step)\n"
            "    v_hat = st['v'] / (1 - beta2 ** step)\n"
            "    return param - eta * m_hat / (np.sqrt(v_hat) + epsilon)",
}  # fmt: skip


def _train_code(stepper, epochs: int) -> str:
    net = stepper.network
    names = {"sgd": (), "momentum": ("v",), "rmsprop": ("s",), "adam": ("m", "v")}
    states = ", ".join(f"{n!r}: state0_{n}" for n in names[stepper.optimizer.name])
    every = max(1, epochs // 10)
    return TRAIN.format(loss=LOSS_CODE[net.loss.name], delta=DELTA_CODE[net.loss.name],
                        update=UPDATE_CODE[stepper.optimizer.name],
                        train_biases=net.train_biases, X=_array(stepper.X), Y=_array(stepper.Y),
                        start=stepper.sample_index, epochs=epochs,
                        every=every).replace("states0.items()", f"{{{states}}}.items()")


def trace_notebook(loaded, stepper, epochs: int | None = None):
    """The notebook (an nbformat v4 node) for the sample the stepper is on."""
    net = stepper.network
    if epochs is None:
        epochs = 20 if len(stepper.X) > 1 else 100
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nb.metadata["language_info"] = {"name": "python"}
    x = ", ".join(fmt(v) for v in stepper.x)
    y = ", ".join(fmt(v) for v in stepper.y)
    cells = [v4.new_markdown_cell(
        f"# One training step: {net.name}\n\n"
        f"Exported from Backprop Stepper. The network (layer sizes {net.sizes}, loss "
        f"`{net.loss.name}`, optimizer `{net.optimizer.name}`) is rebuilt below in plain NumPy, "
        f"and every operation of one training step on the sample $x = ({to_latex(x)})$, "
        f"$y = ({to_latex(y)})$ is recomputed in its own cell, in the order of the notes, with "
        "an `assert` that the result is the app's number.\n\n"
        "`w[l][j, i]` is $w_{j,i}$ of layer $l$ (from unit $i$ of layer $l-1$ to unit $j$); "
        "layers count from 1 as in the notes, units from 0 as in Python.")]  # fmt: skip
    setup = _setup(loaded, stepper)
    setup += "\n\n# Kept for the training cell at the end.\n"
    setup += "w0 = {l: w[l].copy() for l in w}\nb0 = {l: b[l].copy() for l in b}\n"
    setup += "keys = [(kind, l) for l in w for kind in ('w', 'b')]\n"
    for name in {"sgd": (), "momentum": ("v",), "rmsprop": ("s",),
                 "adam": ("m", "v")}[stepper.optimizer.name]:  # fmt: skip
        setup += f"state0_{name} = {{key: value.copy() for key, value in state_{name}.items()}}\n"
    cells.append(v4.new_code_cell(setup))
    for phase in PHASES:
        ops = [op for op in stepper.trace if op.phase == phase]
        if not ops:
            continue
        formulas = []
        for op in ops:
            if op.formula not in formulas:
                formulas.append(op.formula)
        text = "\n".join(f"$$ {to_latex(f)} $$" for f in formulas)
        cells.append(v4.new_markdown_cell(f"## {TITLES[phase]}\n\n{text}"))
        for op in ops:
            lines, result = _step_code(op, net)
            where = unit_name(net, op.layer, op.unit) if op.unit is not None else "the sample"
            head = [f"# Step {op.index + 1} ({phase}, {where}): {op.text}",
                    f"# {to_plain(op.substituted)}"]  # fmt: skip
            check = [f"assert close({result}, {_num(op.value)}), "
                     f"f\"step {op.index + 1}: {{{result}!r}} is not the app's {_num(op.value)}\"",
                     result]  # fmt: skip
            cells.append(v4.new_code_cell("\n".join(head + lines + check)))
    cells.append(v4.new_markdown_cell(
        "## Training\n\nThe updates above are one step of the optimizer on one sample. The cell "
        "below repeats it over the samples the app steps through, checks that its first update "
        "is the one computed above, and prints the mean loss."))  # fmt: skip
    cells.append(v4.new_code_cell(_train_code(stepper, epochs)))
    nb.cells = cells
    return nb


def notebook_text(loaded, stepper, epochs: int | None = None) -> str:
    """The notebook as .ipynb JSON text, validated against the notebook schema."""
    nb = trace_notebook(loaded, stepper, epochs)
    nbformat.validate(nb)
    return nbformat.writes(nb)
