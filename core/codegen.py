"""A network as a runnable Python file for PyTorch or Keras: the same layers, weights, biases,
activations, loss and optimizer, in float64, with the five steps of the notes' Keras recipe
marked (architecture, optimizer, loss and compile, fit, evaluate).

Every weight is written with ``repr``, so the file's numbers are the app's numbers bit for bit.

How the app's pieces map (L is the app's loss of one sample, summed over the output units, and
training minimises its mean over a minibatch, plus λ/2 Σ w² on the weights when L2 is on):

================================  ================================  ================================
app                               PyTorch                           Keras
================================  ================================  ================================
W[j][i] (unit j ← input i)        ``Linear.weight`` (same layout)   ``Dense`` kernel = Wᵀ
half_squared ½Σ(y−u)²             ½·MSELoss(sum) / batch            custom per-sample function
squared Σ(y−u)²                   MSELoss(sum) / batch              custom per-sample function
BCE on a sigmoid, from z          BCEWithLogitsLoss on the logits   BinaryCrossentropy on u (note)
softmax cross-entropy, from z     CrossEntropyLoss on the logits    CategoricalCrossentropy on u
sgd / momentum / rmsprop / adam   SGD / SGD(momentum) / RMSprop /   SGD / SGD(momentum) / RMSprop
                                  Adam: the same update rules       / Adam (ε enters differently)
frozen biases                     ``requires_grad_(False)``         a constraint that restores them
L2 λ                              + λ/2 Σ W² in the loss            ``regularizers.L2(λ/2)``
================================  ================================  ================================

Binary cross-entropy: the app computes it from the output layer's z (stable for any z), which
is what ``BCEWithLogitsLoss`` does, so the PyTorch file feeds it ``model[:-1](x)``, the model
without its final Sigmoid, while ``model(x)`` still returns the app's outputs. Keras's
``BinaryCrossentropy`` works on the sigmoid's output clipped to [1e−7, 1 − 1e−7]: the same
number unless a unit is saturated, and it averages over the output units where the app sums
(the Keras file multiplies by their number). Softmax cross-entropy is handled the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from core.network import Network

TORCH_ACTIVATIONS = {
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(0.01)",
    "linear": None,
    "softmax": "nn.Softmax(dim=1)",
}
KERAS_ACTIVATIONS = {
    "sigmoid": '"sigmoid"',
    "tanh": '"tanh"',
    "relu": '"relu"',
    "leaky_relu": None,  # a LeakyReLU layer follows: Keras's own default slope is 0.2, not 0.01
    "linear": None,
    "softmax": '"softmax"',
}
RECIPE = (
    "1. Describe the model architecture",
    "2. Select the optimizer",
    "3. Select the loss function (and compile the model)",
    "4. Fit the model",
    "5. Test and use the model",
)


def _num(value: float) -> str:
    """A float exactly as Python reads it back; NaN and infinities are refused."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot export {value}: every weight must be a finite number")
    return repr(value)


def _vector(values: np.ndarray) -> str:
    return "[" + ", ".join(_num(v) for v in np.ravel(values)) + "]"


def _matrix(values: np.ndarray, indent: str) -> str:
    """Rows one per line, indented one level deeper than ``indent`` (the opening line's)."""
    rows = [_vector(row) for row in np.atleast_2d(values)]
    if len(rows) == 1:
        return "[" + rows[0] + "]"
    inner = "".join(f"{indent}    {row},\n" for row in rows)
    return "[\n" + inner + indent + "]"


def _weights_block(network: Network, transpose: bool) -> str:
    """``WEIGHTS = [(W, b), ...]`` for every layer, W as the framework stores it."""
    lines = ["WEIGHTS = ["]
    for k, layer in enumerate(network.layers, start=1):
        W = layer.W.T if transpose else layer.W
        what = f"{layer.inputs} -> {layer.units}, {layer.activation.name}"
        lines.append(f"    (  # layer {k}: {what}")
        lines.append(f"        {_matrix(W, '        ')},")
        lines.append(f"        {_vector(layer.b)},")
        lines.append("    ),")
    lines.append("]")
    return "\n".join(lines)


def _data_block(network: Network, data: tuple[np.ndarray, np.ndarray] | None) -> str:
    """The data the file's main block fits and evaluates on: given rows, or the network's sample."""
    if data is not None:
        X = np.atleast_2d(np.asarray(data[0], dtype=float))
        Y = np.asarray(data[1], dtype=float).reshape(len(X), -1)
        what = f"{len(X)} samples exported with the model"
    elif network.sample_x is not None and network.sample_y is not None:
        X, Y = network.sample_x[None, :], network.sample_y[None, :]
        what = "the network's own sample"
    else:
        X = np.zeros((1, network.inputs))
        Y = np.zeros((1, network.outputs))
        what = "a placeholder sample: replace it with your data"
    if X.shape[1] != network.inputs or Y.shape[1] != network.outputs:
        raise ValueError(
            f"data: expected {network.inputs} inputs and {network.outputs} targets per sample, "
            f"got {X.shape[1]} and {Y.shape[1]}"
        )
    return "\n".join(
        [
            f"# Data: {what}.",
            f"X_DATA = {_matrix(X, '')}",
            f"Y_DATA = {_matrix(Y, '')}",
        ]
    )


def _settings(network: Network, training: dict[str, Any] | None) -> tuple[int, int, float]:
    training = training or {}
    epochs = int(training.get("epochs", 100))
    batch_size = int(training.get("batch_size", 10))
    l2 = float(training.get("l2", 0.0))
    if epochs < 0 or batch_size < 1 or not (math.isfinite(l2) and l2 >= 0):
        raise ValueError(f"training: bad settings {training!r}")
    return epochs, batch_size, l2


def _sizes(network: Network) -> str:
    return "-".join(str(n) for n in network.sizes)


def _header(network: Network, framework: str) -> str:
    sizes = _sizes(network)
    acts = ", ".join(layer.activation.name for layer in network.layers)
    # A name that already gives the sizes ("Circle 2-4-1") is not followed by them again.
    shape = acts if sizes in network.name.split() else f"{sizes}; {acts}"
    return (
        f'"""{network.name} ({shape}) as {framework} code, exported by Backprop '
        "Stepper.\n\n"
        "The same layers, weights and biases as in the app, in float64: the model's outputs are "
        "the app's\noutputs u^(L). The five steps of the Keras recipe in the lecture notes are "
        'marked below.\n"""\n'
    )


def _classification(network: Network) -> bool:
    return network.layers[-1].activation.name in ("sigmoid", "softmax")


# -- PyTorch ----------------------------------------------------------------------------------


def _torch_optimizer(network: Network) -> str:
    opt = network.optimizer
    p = opt.params
    lr = _num(opt.learning_rate)
    if opt.name == "sgd":
        return f"torch.optim.SGD(trainable, lr={lr})"
    if opt.name == "momentum":
        return f"torch.optim.SGD(trainable, lr={lr}, momentum={_num(p.get('momentum', 0.9))})"
    if opt.name == "rmsprop":
        return (
            f"torch.optim.RMSprop(trainable, lr={lr}, alpha={_num(p.get('rho', 0.9))}, "
            f"eps={_num(p.get('epsilon', 1e-8))})"
        )
    return (
        f"torch.optim.Adam(trainable, lr={lr}, betas=({_num(p.get('beta1', 0.9))}, "
        f"{_num(p.get('beta2', 0.999))}), eps={_num(p.get('epsilon', 1e-8))})"
    )


def _torch_loss(network: Network) -> list[str]:
    name = network.loss.name
    if name == "half_squared":
        return [
            "# The app's L = 1/2 sum_j (y_j - u_j)^2 per sample, averaged over the samples",
            "# (with one output unit this is 0.5 * nn.MSELoss()).",
            "def data_loss(x, y):",
            '    return 0.5 * nn.functional.mse_loss(model(x), y, reduction="sum") / len(x)',
        ]
    if name == "squared":
        return [
            "# The app's L = sum_j (y_j - u_j)^2 per sample, averaged over the samples",
            "# (with one output unit this is nn.MSELoss()).",
            "def data_loss(x, y):",
            '    return nn.functional.mse_loss(model(x), y, reduction="sum") / len(x)',
        ]
    if name == "binary_cross_entropy":
        return [
            "# Binary cross-entropy computed from z, the output layer's input, as the app does:",
            "# BCEWithLogitsLoss on model[:-1] (the model without its final Sigmoid).",
            "# nn.BCELoss on model(x) gives the same number unless the output unit saturates.",
            "def data_loss(x, y):",
            "    logits = model[:-1](x)",
            "    return nn.functional.binary_cross_entropy_with_logits(logits, y, "
            'reduction="sum") / len(x)',
        ]
    return [
        "# Cross-entropy of the softmax computed from z, the output layer's input, as the app",
        "# does: CrossEntropyLoss on model[:-1] (without the final Softmax), targets as",
        "# probabilities (one-hot rows).",
        "def data_loss(x, y):",
        "    logits = model[:-1](x)",
        '    return nn.functional.cross_entropy(logits, y, reduction="sum") / len(x)',
    ]


def pytorch_code(
    network: Network,
    training: dict[str, Any] | None = None,
    data: tuple[np.ndarray, np.ndarray] | None = None,
) -> str:
    """A runnable PyTorch file that builds ``network`` with its weights and can train it.

    Parameters
    ----------
    network : the model to export (architecture, weights, biases, loss, optimizer).
    training : ``epochs``, ``batch_size`` and ``l2`` for steps 4 and 5 (defaults 100, 10, 0).
    data : (X, Y) rows to embed for the main block to fit and evaluate on; by default the
        network's own sample.

    Importing the file builds ``model``, ``optimizer``, ``loss_fn(x, y)``, ``fit(X, Y, ...)`` and
    ``evaluate(X, Y)``; running it fits and evaluates on the embedded data. ``fit`` with
    ``shuffle=False`` takes exactly the app's steps (the app's shuffling uses NumPy's generator).
    """
    epochs, batch_size, l2 = _settings(network, training)
    lines = [_header(network, "PyTorch"), "import torch", "from torch import nn", ""]
    lines += ["torch.set_default_dtype(torch.float64)", ""]
    lines += [f"# {RECIPE[0]}: {_sizes(network)}.", "model = nn.Sequential("]
    for layer in network.layers:
        lines.append(f"    nn.Linear({layer.inputs}, {layer.units}),")
        module = TORCH_ACTIVATIONS[layer.activation.name]
        if module is not None:
            lines.append(f"    {module},")
    lines += [")", "linears = [m for m in model if isinstance(m, nn.Linear)]", ""]
    lines += [
        "# The app's weights. W[j][i] is the weight from unit i of the layer below to unit j,",
        "# which is nn.Linear's layout.",
        _weights_block(network, transpose=False),
        "with torch.no_grad():",
        "    for linear, (w, b) in zip(linears, WEIGHTS):",
        "        linear.weight.copy_(torch.tensor(w))",
        "        linear.bias.copy_(torch.tensor(b))",
    ]
    if not network.train_biases:
        lines += [
            "# The app keeps the biases fixed for this network.",
            "for linear in linears:",
            "    linear.bias.requires_grad_(False)",
        ]
    lines += ["", f"# {RECIPE[1]}: the app's update rule and settings."]
    lines += ["trainable = [p for p in model.parameters() if p.requires_grad]"]
    lines += [f"optimizer = {_torch_optimizer(network)}", ""]
    lines += [f"# {RECIPE[2]}.", "# PyTorch has no compile step: the loss is a function."]
    lines += _torch_loss(network)
    lines += ["", "", f"L2 = {_num(l2)}  # lambda of the penalty lambda/2 * sum of squared weights"]
    lines += [
        "",
        "",
        "def loss_fn(x, y):",
        '    """The loss training minimises: the mean loss of the samples, plus the L2 penalty."""',
        "    loss = data_loss(x, y)",
        "    if L2:",
        "        loss = loss + L2 / 2 * sum((linear.weight ** 2).sum() for linear in linears)",
        "    return loss",
        "",
        "",
        f"# {RECIPE[3]}: minibatches, reshuffled every epoch.",
        f"def fit(X, Y, epochs={epochs}, batch_size={batch_size}, shuffle=True, seed=0):",
        '    """Train in place; returns the training loss after each epoch."""',
        "    X, Y = torch.as_tensor(X), torch.as_tensor(Y)",
        "    generator = torch.Generator().manual_seed(seed)",
        "    history = []",
        "    for _ in range(epochs):",
        "        order = torch.randperm(len(X), generator=generator) if shuffle else "
        "torch.arange(len(X))",
        "        for start in range(0, len(X), batch_size):",
        "            batch = order[start : start + batch_size]",
        "            optimizer.zero_grad()",
        "            loss_fn(X[batch], Y[batch]).backward()",
        "            optimizer.step()",
        "        with torch.no_grad():",
        "            history.append(float(loss_fn(X, Y)))",
        "    return history",
        "",
        "",
        f"# {RECIPE[4]}.",
        "def evaluate(X, Y):",
        '    """The loss and (for a classifier) the accuracy on (X, Y)."""',
        "    X, Y = torch.as_tensor(X), torch.as_tensor(Y)",
        "    with torch.no_grad():",
        "        loss = float(loss_fn(X, Y))",
    ]
    outputs = [
        "    with torch.no_grad():",
        '        print("outputs:", model(torch.as_tensor(X_DATA[:5])))',
    ]
    return _script(lines, network, data, "torch", outputs)


def _script(
    lines: list[str],
    network: Network,
    data: tuple[np.ndarray, np.ndarray] | None,
    framework: str,
    outputs: list[str],
) -> str:
    """The whole file: ``lines`` (up to ``evaluate``'s loss), the end of ``evaluate``, the data
    block and the main block that fits and evaluates on it, then prints ``outputs``."""
    lines = lines + _accuracy_lines(network, framework)
    lines += ["", "", _data_block(network, data), "", ""]
    lines += [
        'if __name__ == "__main__":',
        '    print("before:", evaluate(X_DATA, Y_DATA))',
        "    fit(X_DATA, Y_DATA)",
        '    print("after: ", evaluate(X_DATA, Y_DATA))',
        *outputs,
    ]
    return "\n".join(lines) + "\n"


def _accuracy_lines(network: Network, framework: str) -> list[str]:
    """The end of ``evaluate``: accuracy by threshold (one output) or argmax (several)."""
    if not _classification(network):
        return ["    return loss, None"]
    if framework == "torch":
        indent, cast = "        ", ".double().mean()"
        lines = [f"{indent}U = model(X)"]
        mean = "({})" + cast
    else:
        indent = "    "
        lines = [f"{indent}U = model.predict(X, verbose=0)"]
        mean = "np.mean({})"
    test = "(U > 0.5) == (Y > 0.5)" if network.outputs == 1 else "U.argmax(1) == Y.argmax(1)"
    lines.append(f"{indent}accuracy = float({mean.format(test)})")
    return lines + ["    return loss, accuracy"]


# -- Keras ------------------------------------------------------------------------------------


def _keras_optimizer(network: Network) -> list[str]:
    opt = network.optimizer
    p = opt.params
    lr = _num(opt.learning_rate)
    if opt.name == "sgd":
        return [f"optimizer = keras.optimizers.SGD(learning_rate={lr})"]
    if opt.name == "momentum":
        return [
            "# Keras keeps m <- mu*m - lr*g, w <- w + m: the app's v <- mu*v + g, w <- w - lr*v",
            "# with m = -lr*v, the same steps.",
            f"optimizer = keras.optimizers.SGD(learning_rate={lr}, "
            f"momentum={_num(p.get('momentum', 0.9))})",
        ]
    if opt.name == "rmsprop":
        return [
            "# Keras divides by sqrt(s + eps), the app by sqrt(s) + eps: the same but for tiny s.",
            f"optimizer = keras.optimizers.RMSprop(learning_rate={lr}, "
            f"rho={_num(p.get('rho', 0.9))}, epsilon={_num(p.get('epsilon', 1e-8))})",
        ]
    return [
        "# Keras adds eps before the bias correction of v, the app after it: the same but for",
        "# tiny v.",
        f"optimizer = keras.optimizers.Adam(learning_rate={lr}, "
        f"beta_1={_num(p.get('beta1', 0.9))}, beta_2={_num(p.get('beta2', 0.999))}, "
        f"epsilon={_num(p.get('epsilon', 1e-8))})",
    ]


def _keras_loss(network: Network) -> list[str]:
    name = network.loss.name
    k = network.outputs
    if name in ("half_squared", "squared"):
        factor = "0.5 * " if name == "half_squared" else ""
        formula = "1/2 sum_j (y_j - u_j)^2" if name == "half_squared" else "sum_j (y_j - u_j)^2"
        return [
            f"# The app's L = {formula} per sample; Keras averages it over the batch.",
            "def loss(y_true, y_pred):",
            f"    return {factor}keras.ops.sum(keras.ops.square(y_true - y_pred), axis=-1)",
        ]
    if name == "binary_cross_entropy":
        scale = f"{k} * " if k > 1 else ""
        lines = [
            "# Keras computes binary cross-entropy from the sigmoid's output u (clipped to",
            "# [1e-7, 1 - 1e-7]), the app from z: the same number unless the unit is saturated.",
        ]
        if k > 1:
            lines.append(f"# Keras averages over the {k} output units, the app sums: times {k}.")
        return lines + [
            "def loss(y_true, y_pred):",
            f"    return {scale}keras.losses.binary_crossentropy(y_true, y_pred)",
        ]
    return [
        "# Cross-entropy of the softmax output (Keras clips u to [1e-7, 1 - 1e-7]).",
        "loss = keras.losses.CategoricalCrossentropy()",
    ]


def keras_code(
    network: Network,
    training: dict[str, Any] | None = None,
    data: tuple[np.ndarray, np.ndarray] | None = None,
) -> str:
    """A runnable Keras 3 file that builds ``network`` with its weights and can train it.

    The arguments are those of :func:`pytorch_code`. Importing the file builds and compiles
    ``model``; running it fits and evaluates on the embedded data.
    """
    epochs, batch_size, l2 = _settings(network, training)
    lines = [_header(network, "Keras"), "import keras", "import numpy as np"]
    lines += ["from keras import layers", ""]
    lines += ['keras.config.set_floatx("float64")', ""]
    lines += [
        _weights_block(network, transpose=True).replace(
            "WEIGHTS = [",
            "# Keras stores a Dense kernel as (inputs, units): the app's W transposed.\n"
            "WEIGHTS = [",
            1,
        )
    ]
    lines += [""]
    if not network.train_biases:
        lines += [
            "",
            "class Fixed(keras.constraints.Constraint):",
            '    """Puts a weight back to its starting value after every update: the app keeps',
            '    the biases of this network fixed."""',
            "",
            "    def __init__(self, value):",
            "        self.value = np.asarray(value)",
            "",
            "    def __call__(self, w):",
            "        return keras.ops.convert_to_tensor(self.value, dtype=w.dtype)",
            "",
            "",
        ]
    lines += [f"# {RECIPE[0]}: {_sizes(network)}.", "model = keras.Sequential(", "    ["]
    lines += [f"        keras.Input(shape=({network.inputs},)),"]
    for k, layer in enumerate(network.layers):
        args = [str(layer.units)]
        act = KERAS_ACTIVATIONS[layer.activation.name]
        if act is not None:
            args.append(f"activation={act}")
        if l2:
            args.append(f"kernel_regularizer=keras.regularizers.L2({_num(l2 / 2)})")
        if not network.train_biases:
            args.append(f"bias_constraint=Fixed(WEIGHTS[{k}][1])")
        lines.append(f"        layers.Dense({', '.join(args)}),")
        if layer.activation.name == "leaky_relu":
            lines.append("        layers.LeakyReLU(negative_slope=0.01),")
    lines += ["    ]", ")"]
    lines += [
        "dense = [layer for layer in model.layers if isinstance(layer, layers.Dense)]",
        "for layer, (w, b) in zip(dense, WEIGHTS):",
        "    layer.set_weights([np.array(w), np.array(b)])",
        "",
        f"# {RECIPE[1]}: the app's update rule and settings.",
    ]
    lines += _keras_optimizer(network)
    lines += ["", f"# {RECIPE[2]}."]
    if l2:
        lines.append("# L2: Keras adds l2 * sum(w^2) per layer; l2 = lambda/2 is the app penalty.")
    lines += _keras_loss(network)
    metrics = '["accuracy"]' if _classification(network) else "[]"
    lines += ["", "", f"model.compile(optimizer=optimizer, loss=loss, metrics={metrics})", ""]
    lines += [
        "",
        f"# {RECIPE[3]}.",
        f"def fit(X, Y, epochs={epochs}, batch_size={batch_size}, shuffle=True):",
        "    return model.fit(np.asarray(X), np.asarray(Y), epochs=epochs, batch_size=batch_size,",
        "                     shuffle=shuffle, verbose=0)",
        "",
        "",
        f"# {RECIPE[4]}.",
        "def evaluate(X, Y):",
        '    """The loss and (for a classifier) the accuracy on (X, Y)."""',
        "    X, Y = np.asarray(X), np.asarray(Y)",
        '    loss = float(model.evaluate(X, Y, verbose=0, return_dict=True)["loss"])',
    ]
    outputs = ['    print("outputs:", model.predict(np.asarray(X_DATA[:5]), verbose=0))']
    return _script(lines, network, data, "keras", outputs)


def export_code(
    network: Network,
    framework: str,
    training: dict[str, Any] | None = None,
    data: tuple[np.ndarray, np.ndarray] | None = None,
) -> str:
    """:func:`pytorch_code` or :func:`keras_code` by name ("pytorch" or "keras")."""
    makers = {"pytorch": pytorch_code, "keras": keras_code}
    if framework not in makers:
        raise ValueError(f"unknown framework {framework!r} (expected one of: pytorch, keras)")
    return makers[framework](network, training, data)


def weight_literals(network: Network) -> Sequence[str]:
    """Every weight and bias as the exported files write it (``repr`` of the float)."""
    return [_num(v) for layer in network.layers for v in (*layer.W.ravel(), *layer.b)]
