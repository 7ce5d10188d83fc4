"""Exported PyTorch and Keras code: the same architecture, weights, loss and optimizer as the app.

The PyTorch file is executed (torch is an optional dependency) and compared number for number
with Network.predict and with the app's own training; Keras is not installed, so its file is
only compiled and searched for every weight.
"""

import ast
import contextlib
import io

import numpy as np
import pytest

from core.codegen import export_code, keras_code, pytorch_code, weight_literals
from core.examples import example_path
from core.netfile import load_network
from core.network import OptimizerConfig, build_network
from core.training import TrainConfig, Trainer

HYPER = {
    "sgd": {},
    "momentum": {"momentum": 0.8},
    "rmsprop": {"rho": 0.85, "epsilon": 1e-6},
    "adam": {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6},
}


def networks():
    """One network per activation, loss and optimizer the export has to map."""
    nets = [load_network(example_path(name)).network for name in ("mazur", "softmax3", "xor")]
    specs = [
        ([2, 5, 1], ["tanh", "sigmoid"], "binary_cross_entropy", "adam"),
        ([3, 4, 4, 2], ["relu", "relu", "linear"], "half_squared", "momentum"),
        ([2, 3, 2], ["leaky_relu", "sigmoid"], "squared", "rmsprop"),
        ([2, 4, 3], ["sigmoid", "softmax"], "softmax_cross_entropy", "sgd"),
        ([4, 3, 1], ["linear", "linear"], "squared", "sgd"),
    ]
    for k, (sizes, acts, loss, opt) in enumerate(specs):
        net = build_network(
            sizes,
            acts,
            loss,
            init="normal",
            scale=0.8,
            seed=k,
            optimizer=OptimizerConfig(opt, 0.05, dict(HYPER[opt])),
        )
        for layer in net.layers:  # non-zero biases, so a bias that fails to arrive shows
            layer.b[:] = np.random.default_rng(k).normal(0, 0.3, layer.b.shape)
        nets.append(net)
    return nets


NETWORKS = networks()
IDS = [
    f"{'-'.join(map(str, n.sizes))}-{n.layers[-1].activation.name}-{n.loss.name}" for n in NETWORKS
]


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch", reason="PyTorch is optional (pip install torch)")
    dtype = torch.get_default_dtype()
    yield torch
    torch.set_default_dtype(dtype)  # the exported file sets float64 for the whole process


def run_exported(code: str, name: str = "exported") -> dict:
    namespace = {"__name__": name}
    exec(compile(code, "exported.py", "exec"), namespace)
    return namespace


def targets(net, n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if net.loss.name == "softmax_cross_entropy":
        return np.eye(net.outputs)[rng.integers(0, net.outputs, n)]
    if net.loss.name == "binary_cross_entropy":
        return rng.integers(0, 2, (n, net.outputs)).astype(float)
    return rng.normal(0, 1, (n, net.outputs))


@pytest.mark.parametrize("net", NETWORKS, ids=IDS)
def test_pytorch_model_outputs_equal_the_apps(net, torch):
    ns = run_exported(pytorch_code(net))
    X = np.random.default_rng(0).normal(0, 2, (25, net.inputs))
    with torch.no_grad():
        got = ns["model"](torch.as_tensor(X)).numpy()
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, net.predict(X), rtol=0, atol=1e-9)


@pytest.mark.parametrize("net", NETWORKS, ids=IDS)
def test_pytorch_fit_takes_the_apps_steps(net, torch):
    X = np.random.default_rng(2).normal(0, 1.5, (11, net.inputs))
    Y = targets(net, len(X))
    settings = {"epochs": 3, "batch_size": 4, "l2": 0.01}
    ns = run_exported(pytorch_code(net, settings))
    losses = ns["fit"](X, Y, shuffle=False)
    trainer = Trainer(
        net.copy(), X, Y, config=TrainConfig(epochs=3, batch_size=4, l2=0.01, shuffle=False)
    )
    history = trainer.train()
    np.testing.assert_allclose(losses, history.train_loss, rtol=1e-9, atol=1e-12)
    linears = [m for m in ns["model"] if isinstance(m, torch.nn.Linear)]
    for linear, layer in zip(linears, trainer.network.layers):
        np.testing.assert_allclose(linear.weight.detach().numpy(), layer.W, atol=1e-9)
        np.testing.assert_allclose(linear.bias.detach().numpy(), layer.b, atol=1e-9)


def test_pytorch_frozen_biases_stay(torch):
    net = load_network(example_path("mazur")).network
    assert not net.train_biases
    ns = run_exported(pytorch_code(net))
    ns["fit"]([[0.05, 0.1]], [[0.01, 0.99]], epochs=5)
    linears = [m for m in ns["model"] if isinstance(m, torch.nn.Linear)]
    assert [list(la.bias.detach().numpy()) for la in linears] == [[0.35, 0.35], [0.6, 0.6]]


def test_pytorch_file_runs_as_a_script(torch):
    net = load_network(example_path("circle")).network
    X = np.random.default_rng(0).uniform(-5, 5, (30, 2))
    Y = (np.hypot(X[:, 0], X[:, 1]) < 2.5).astype(float)[:, None]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run_exported(pytorch_code(net, {"epochs": 5}, (X, Y)), name="__main__")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("before:") and lines[1].startswith("after:")
    before = ast.literal_eval(lines[0].split(":", 1)[1].strip())
    after = ast.literal_eval(lines[1].split(":", 1)[1].strip())
    assert after[0] < before[0]


@pytest.mark.parametrize("net", NETWORKS, ids=IDS)
def test_keras_code_compiles_and_holds_every_weight(net):
    code = keras_code(net, {"epochs": 7, "batch_size": 3, "l2": 0.02})
    compile(code, "keras_export.py", "exec")
    for literal in weight_literals(net):
        assert literal in code
    for step in (
        "# 1. Describe",
        "# 2. Select the optimizer",
        "# 3. Select the loss",
        "# 4. Fit",
        "# 5. Test",
    ):
        assert step in code
    assert 'keras.config.set_floatx("float64")' in code
    assert "kernel_regularizer=keras.regularizers.L2(0.01)" in code


@pytest.mark.parametrize("maker, transpose", [(pytorch_code, False), (keras_code, True)])
@pytest.mark.parametrize("net", NETWORKS, ids=IDS)
def test_weights_round_trip_exactly(net, maker, transpose):
    tree = ast.parse(maker(net))
    (value,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and node.targets[0].id == "WEIGHTS"
    ]
    weights = ast.literal_eval(value)
    for (W, b), layer in zip(weights, net.layers, strict=True):
        want = layer.W.T if transpose else layer.W
        assert np.array_equal(np.array(W), want) and np.array_equal(np.array(b), layer.b)


def test_unusual_floats_round_trip():
    net = build_network([2, 1], "sigmoid", "binary_cross_entropy", seed=0)
    net.layers[0].W[:] = [[0.1 + 0.2, -1e-300]]
    net.layers[0].b[:] = [np.nextafter(1.0, 2.0)]
    code = pytorch_code(net)
    assert "0.30000000000000004" in code and "-1e-300" in code and "1.0000000000000002" in code


def test_keras_mappings():
    mazur = load_network(example_path("mazur")).network
    code = keras_code(mazur)
    assert "bias_constraint=Fixed(WEIGHTS[0][1])" in code  # the app's frozen biases
    assert "0.5 * keras.ops.sum(keras.ops.square(y_true - y_pred), axis=-1)" in code
    leaky = NETWORKS[5]
    assert leaky.layers[0].activation.name == "leaky_relu"
    assert "layers.LeakyReLU(negative_slope=0.01)" in keras_code(leaky)
    softmax = load_network(example_path("softmax3")).network
    assert "keras.losses.CategoricalCrossentropy()" in keras_code(softmax)
    adam = NETWORKS[3]
    assert (
        "keras.optimizers.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.99, "
        "epsilon=1e-06)" in keras_code(adam)
    )


def test_export_code_by_name_and_errors():
    net = NETWORKS[0]
    assert export_code(net, "pytorch") == pytorch_code(net)
    assert export_code(net, "keras") == keras_code(net)
    with pytest.raises(ValueError, match="unknown framework 'jax'"):
        export_code(net, "jax")
    broken = net.copy()
    broken.layers[0].W[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        pytorch_code(broken)
    with pytest.raises(ValueError, match="data: expected 2 inputs"):
        pytorch_code(net, data=(np.zeros((3, 5)), np.zeros((3, 2))))


@pytest.mark.parametrize("name, heading", [("Circle 2-4-1", "Circle 2-4-1 (tanh, sigmoid) as"),
                                           ("Circle", "Circle (2-4-1; tanh, sigmoid) as")])
def test_the_docstring_names_the_sizes_once(name, heading):
    net = build_network([2, 4, 1], ["tanh", "sigmoid"], "binary_cross_entropy", name=name)
    assert heading in pytorch_code(net) and heading.replace(" as", " as Keras") in keras_code(net)
