"""Network files: round trips, the examples, every validation error, atomic saving."""

import json
import os
import re
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

from core.netfile import (
    LoadedNetwork,
    NetworkFileError,
    dumps_network,
    load_network,
    loads_network,
    network_to_dict,
    save_network,
)
from core.network import OptimizerConfig, build_network, initial_weights
from core.optimizers import Optimizer
from tests.core.helpers import mazur

EXAMPLES = Path(str(files("resources") / "examples"))
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


def mazur_data() -> dict:
    return json.loads((EXAMPLES / "mazur.json").read_text(encoding="utf-8"))


def loads(data: dict) -> LoadedNetwork:
    return loads_network(json.dumps(data))


def assert_same_network(a, b) -> None:
    assert (a.inputs, a.name, a.loss, a.train_biases) == (b.inputs, b.name, b.loss, b.train_biases)
    assert (a.optimizer.name, a.optimizer.learning_rate, a.optimizer.params) == (
        b.optimizer.name,
        b.optimizer.learning_rate,
        b.optimizer.params,
    )
    assert len(a.layers) == len(b.layers)
    for la, lb in zip(a.layers, b.layers):
        assert la.activation is lb.activation
        np.testing.assert_array_equal(la.W, lb.W)
        np.testing.assert_array_equal(la.b, lb.b)
    for x, y in ((a.sample_x, b.sample_x), (a.sample_y, b.sample_y)):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_array_equal(x, y)


# -- reading and writing ------------------------------------------------------------------------


def test_mazur_file_matches_the_worked_example():
    net = load_network(EXAMPLES / "mazur.json").network
    assert_same_network(net, mazur())
    zs, us = net.forward(net.sample_x[None, :])
    assert zs[1][0, 0] == pytest.approx(0.3775, abs=1e-12)
    assert us[2][0, 0] == pytest.approx(0.75136507, abs=1e-8)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_loads(path):
    loaded = load_network(path)
    assert loaded.network.sample_x is not None and loaded.network.sample_y is not None
    assert loaded.network.name != "untitled"


def test_the_expected_examples_exist():
    names = {p.name for p in EXAMPLE_FILES}
    assert {"mazur.json", "xor.json", "circle.json", "deep_sigmoid.json", "softmax3.json"} <= names


def test_round_trip_keeps_arrays_settings_and_extras(tmp_path):
    net = build_network(
        [3, 5, 4, 2],
        ["tanh", "relu", "softmax"],
        "softmax_cross_entropy",
        init="he",
        seed=7,
        name="Round trip ✓",
        train_biases=False,
        optimizer=OptimizerConfig("adam", 0.003, {"beta1": 0.8, "epsilon": 1e-7}),
    )
    net.layers[0].W[0, 0] = 0.1 + 0.2  # a float whose shortest repr is long
    net.sample_x = np.array([0.1, -2.5, 1e-300])
    net.sample_y = np.array([0.0, 1.0])
    extras = {"dataset": {"name": "spiral", "samples": 300, "noise": 0.1}, "training": {"l2": 0.01}}
    path = tmp_path / "net.json"
    save_network(net, path, extras)
    loaded = load_network(path)
    assert_same_network(loaded.network, net)
    assert loaded.dataset == extras["dataset"] and loaded.training == extras["training"]
    # Saving what was loaded gives the same bytes.
    assert dumps_network(loaded.network, extras) == path.read_text(encoding="utf-8")


def test_saved_file_lists_every_weight_and_one_row_per_line(tmp_path):
    path = tmp_path / "circle.json"
    loaded = load_network(EXAMPLES / "circle.json")
    save_network(loaded.network, path, {"dataset": loaded.dataset, "training": loaded.training})
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert "init" not in data
    assert all("weights" in la and "biases" in la for la in data["layers"])
    assert data["dataset"] == loaded.dataset
    w = loaded.network.layers[0].W.tolist()
    assert f"        [{w[0][0]!r}, {w[0][1]!r}]," in text.splitlines()


def test_network_to_dict_without_a_sample_or_extras():
    net = build_network([2, 1], "sigmoid", "half_squared")
    data = network_to_dict(net)
    assert "sample" not in data and "dataset" not in data
    assert data["optimizer"] == {"name": "sgd", "learning_rate": 0.1}
    assert_same_network(loads(data).network, net)


def test_defaults_for_optional_fields():
    data = mazur_data()
    for key in ("name", "train_biases", "optimizer", "sample"):
        del data[key]
    loaded = loads(data)
    net = loaded.network
    assert (net.name, net.train_biases, net.sample_x) == ("untitled", True, None)
    assert net.optimizer == OptimizerConfig()
    assert loaded.dataset is None and loaded.training is None


def test_init_only_file_is_reproducible():
    a = load_network(EXAMPLES / "circle.json").network
    b = load_network(EXAMPLES / "circle.json").network
    expected = initial_weights([2, 4, 1], "xavier", 0.5, 1)
    for la, lb, (W, bias) in zip(a.layers, b.layers, expected):
        np.testing.assert_array_equal(la.W, lb.W)
        np.testing.assert_array_equal(la.W, W)
        np.testing.assert_array_equal(la.b, bias)
    data = json.loads((EXAMPLES / "circle.json").read_text(encoding="utf-8"))
    data["init"]["seed"] = 2
    assert not np.array_equal(loads(data).network.layers[0].W, a.layers[0].W)


def test_init_defaults_and_explicit_layers_win():
    data = mazur_data()
    del data["layers"][0]["weights"], data["layers"][0]["biases"]
    del data["layers"][1]["biases"]
    data["init"] = {"scheme": "constant"}  # scale 0.5, seed 0
    net = loads(data).network
    np.testing.assert_array_equal(net.layers[0].W, np.full((2, 2), 0.5))
    np.testing.assert_array_equal(net.layers[1].W, mazur().layers[1].W)
    np.testing.assert_array_equal(net.layers[1].b, [0.5, 0.5])


def test_optimizer_parameters_round_trip():
    data = mazur_data()
    data["optimizer"] = {"name": "momentum", "learning_rate": 0.05, "momentum": 0.5}
    config = loads(data).network.optimizer
    assert config == OptimizerConfig("momentum", 0.05, {"momentum": 0.5})
    assert network_to_dict(loads(data).network)["optimizer"] == data["optimizer"]


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "mazur.json").read_bytes())
    assert load_network(path).network.name == "Mazur 2-2-2"


def test_circle_example_trains_above_95_percent():
    # Own circle data (radius < 2 is class 1, the ring 3..5 class 0), independent of core.datasets.
    loaded = load_network(EXAMPLES / "circle.json")
    net, settings = loaded.network, loaded.training
    rng = np.random.default_rng(1)
    n = loaded.dataset["samples"]
    r = np.r_[rng.uniform(0, 2, n // 2), rng.uniform(3, 5, n - n // 2)]
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.c_[r * np.cos(angle), r * np.sin(angle)]
    Y = np.r_[np.ones(n // 2), np.zeros(n - n // 2)][:, None]
    order = rng.permutation(n)
    train, test = order[: n // 2], order[n // 2 :]
    opt = Optimizer(net.optimizer.name, net.optimizer.learning_rate)
    batch = settings["batch_size"]
    for _ in range(settings["epochs"]):
        rows = rng.permutation(train)
        for i in range(0, len(rows), batch):
            _, gw, gb = net.gradients(X[rows[i : i + batch]], Y[rows[i : i + batch]])
            opt.step(net.parameters(), [g for pair in zip(gw, gb) for g in pair])
    accuracy = np.mean((net.predict(X[test]) > 0.5) == (Y[test] > 0.5))
    assert accuracy > 0.95


# -- validation errors --------------------------------------------------------------------------


DELETE = object()


def with_change(path: str, value) -> dict:
    """The Mazur file with one field (dotted path, list indices as numbers) set or deleted."""
    data = mazur_data()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = data
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return data


CASES = [
    (
        "layers.1.weights",
        [[1, 2], [3, 4], [5, 6]],
        "layers[1].weights: expected 2 rows of 2 numbers, got 3 rows",
    ),
    ("layers.1.weights", [[1, 2], [3, 4, 5]], "layers[1].weights[1]: expected 2 numbers, got 3"),
    ("layers.1.weights", "0.4", "layers[1].weights: expected 2 rows of 2 numbers, got the string"),
    ("layers.0.biases", [0.35], "layers[0].biases: expected 2 numbers, got 1"),
    (
        "layers.0.activation",
        "sigmoidd",
        "layers[0].activation: unknown activation 'sigmoidd' (expected one of: sigmoid, tanh",
    ),
    ("layers.0.activation", 3, "layers[0].activation: expected a string, got the number 3"),
    (
        "layers.0.activation",
        "softmax",
        "layers[0].activation: softmax is only allowed on the output layer",
    ),
    ("layers.0.units", 3, "layers[0].weights: expected 3 rows of 2 numbers, got 2 rows"),
    ("layers.0.units", 0, "layers[0].units: expected a positive integer, got the number 0"),
    ("layers.0.units", 2.0, "layers[0].units: expected a positive integer"),
    ("layers.0.units", 10**6, "layers[0].units: at most 4096 allowed"),
    ("layers.0.units", DELETE, "layers[0].units: missing"),
    ("layers.0.activation", DELETE, "layers[0].activation: missing"),
    ("layers.0.weight", [[1, 2]], "layers[0].weight: unknown field (did you mean 'weights'?)"),
    ("layers.0", [1, 2], "layers[0]: expected an object, got a list"),
    (
        "layers.1.weights",
        DELETE,
        'layers[1].weights: missing (give every layer weights and biases, or add a top-level "init',
    ),
    ("layers.0.biases", DELETE, "layers[0].biases: missing"),
    ("format", "backprop", 'format: expected "backprop-network"'),
    ("format", DELETE, 'format: expected "backprop-network"'),
    ("version", 2, "version: unsupported version 2"),
    ("version", True, "version: unsupported version True"),
    ("version", DELETE, "version: missing"),
    ("inputs", 0, "inputs: expected a positive integer"),
    ("inputs", True, "inputs: expected a positive integer, got true"),
    ("inputs", "2", "inputs: expected a positive integer, got the string '2'"),
    ("layers", [], "layers: expected a non-empty list, got a list"),
    ("layers", {}, "layers: expected a non-empty list, got an object"),
    ("layers", DELETE, "layers: missing"),
    ("loss", "squaredd", "loss: unknown loss 'squaredd' (expected one of: half_squared"),
    ("loss", "binary_cross_entropy", None),  # valid: sigmoid output
    (
        "loss",
        "softmax_cross_entropy",
        "loss: loss 'softmax_cross_entropy' needs a softmax output layer, not 'sigmoid' (see "
        "layers[1].activation)",
    ),
    ("loss", DELETE, "loss: missing"),
    (
        "layers.1.activation",
        "softmax",
        "loss: a softmax output layer needs the loss 'softmax_cross_entropy'",
    ),
    ("train_biases", "no", "train_biases: expected true or false, got the string 'no'"),
    ("train_biases", 0, "train_biases: expected true or false"),
    ("name", None, "name: expected a string, got null"),
    ("sample.x", [0.05, 0.1, 0.2], "sample.x: expected 2 numbers, got 3"),
    ("sample.y", [0.01, True], "sample.y[1]: expected a number, got true"),
    ("sample.y", DELETE, "sample.y: missing"),
    ("sample.z", [1], "sample.z: unknown field"),
    ("sample", [0.05, 0.1], "sample: expected an object, got a list"),
    ("layers.0.weights.0.1", False, "layers[0].weights[0][1]: expected a number, got false"),
    ("layers.0.weights.0.1", None, "layers[0].weights[0][1]: expected a number, got null"),
    ("optimiser", {}, "optimiser: unknown field (did you mean 'optimizer'?)"),
    ("colour", "red", "colour: unknown field (expected one of: format, version"),
    ("optimizer.learning_rate", -0.5, "optimizer.learning_rate: must be positive, not -0.5"),
    ("optimizer.learning_rate", 0, "optimizer.learning_rate: must be positive"),
    ("optimizer.learning_rate", 1e6, "optimizer.learning_rate: 1000000.0 is absurdly large"),
    ("optimizer.learning_rate", True, "optimizer.learning_rate: expected a number, got true"),
    (
        "optimizer.name",
        "sgdd",
        "optimizer.name: unknown optimizer 'sgdd' (expected one of: sgd, momentum",
    ),
    ("optimizer.name", ["sgd"], "optimizer.name: unknown optimizer ['sgd']"),
    (
        "optimizer.momentum",
        0.9,
        "optimizer.momentum: optimizer 'sgd' has no such parameter (it takes: only learning_rate)",
    ),
    (
        "optimizer.learning_rat",
        0.1,
        "optimizer.learning_rat: optimizer 'sgd' has no such parameter "
        "(it takes: only learning_rate) (did you mean 'learning_rate'?)",
    ),
    ("optimizer", "sgd", "optimizer: expected an object, got the string 'sgd'"),
    (
        "init",
        {"scheme": "glorot"},
        "init.scheme: unknown init scheme 'glorot' (expected one of: uniform, normal",
    ),
    ("init", {"scale": 1}, "init.scheme: missing"),
    (
        "init",
        {"scheme": "normal", "seed": -1},
        "init.seed: expected a seed, a whole number from 0 to 2^64 − 1, got the number -1",
    ),
    (
        "init",
        {"scheme": "normal", "scale": -1},
        "init.scale: must not be negative for the 'normal' scheme",
    ),
    ("init", {"scheme": "normal", "sead": 1}, "init.sead: unknown field (did you mean 'seed'?)"),
    (
        "dataset",
        {"name": "moons"},
        "dataset.name: unknown data set 'moons' "
        "(expected one of: circle, xor, gauss, spiral, linear, plane, multi_gauss, blobs3, "
        "spiral3)",
    ),
    ("dataset", {"samples": 10}, "dataset.name: missing"),
    (
        "dataset",
        {"name": "xor", "samples": 1},
        "dataset.samples: expected an integer of at least 2, got the number 1",
    ),
    ("dataset", {"name": "xor", "samples": 10**6}, "dataset.samples: at most 100000 allowed"),
    ("dataset", {"name": "xor", "noise": 2}, "dataset.noise: must be between 0 and 1, got 2"),
    (
        "dataset",
        {"name": "xor", "train_fraction": 0},
        "dataset.train_fraction: must be more than 0 and at most 1",
    ),
    (
        "dataset",
        {"name": "xor", "seed": "1"},
        "dataset.seed: expected a seed, a whole number from 0 to 2^64 − 1, got the string '1'",
    ),
    ("dataset", {"name": "xor", "size": 1}, "dataset.size: unknown field"),
    ("dataset", "circle", "dataset: expected an object, got the string 'circle'"),
    ("training", {"epochs": True}, "training.epochs: expected a positive integer, got true"),
    ("training", {"batch_size": 0}, "training.batch_size: expected a positive integer"),
    ("training", {"l2": -0.1}, "training.l2: must not be negative, got -0.1"),
    ("training", {"epoch": 5}, "training.epoch: unknown field (did you mean 'epochs'?)"),
]


@pytest.mark.parametrize(("path", "value", "message"), CASES)
def test_invalid_field_is_named(path, value, message):
    data = with_change(path, value)
    if message is None:
        loads(data)
        return
    with pytest.raises(NetworkFileError, match="^<string>: " + re.escape(message)):
        loads(data)


def test_every_layer_needs_weights_without_init():
    data = mazur_data()
    del data["layers"][0]["weights"], data["layers"][1]["weights"]
    with pytest.raises(NetworkFileError, match=r"layers\[0\]\.weights: missing"):
        loads(data)


@pytest.mark.parametrize(
    ("literal", "shown"), [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"),
                           ("1e400", "1e400"), ("-1e400", "-1e400")]
)  # fmt: skip
def test_nan_and_infinity_are_rejected_naming_the_field(literal, shown):
    text = json.dumps(mazur_data()).replace("0.35]", f"{literal}]", 1)
    with pytest.raises(
        NetworkFileError,
        match=rf"layers\[0\]\.biases\[1\]: {shown} is not allowed \(numbers must be finite\)",
    ):
        loads_network(text)


def test_nan_where_a_string_belongs():
    text = json.dumps(mazur_data()).replace('"sigmoid"', "NaN", 1)
    with pytest.raises(
        NetworkFileError, match=r"layers\[0\]\.activation: expected a string, got NaN"
    ):
        loads_network(text)


@pytest.mark.parametrize("digits", [400, 5000])  # beyond the float range; beyond int parsing
def test_huge_integer_literal(digits):
    text = json.dumps(mazur_data()).replace("0.35]", "9" * digits + "]", 1)
    with pytest.raises(NetworkFileError, match=r"layers\[0\]\.biases\[1\]: '?9+… is not allowed"):
        loads_network(text)


def test_malformed_json_gives_line_and_column():
    text = '{\n  "format": "backprop-network",\n  "version": 1,,\n}'
    with pytest.raises(NetworkFileError, match=r"^<string>: invalid JSON at line 3, column 16: "):
        loads_network(text)


@pytest.mark.parametrize("text", ["", "[1, 2]", "null", '"network"'])
def test_not_an_object(text):
    with pytest.raises(NetworkFileError, match=r"^x\.json: "):
        loads_network(text, source="x.json")


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(NetworkFileError, match="invalid JSON"):
        loads_network("[" * 100_000)


def test_message_starts_with_the_file_name(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(with_change("layers.1.weights", [[1, 2]] * 3)), encoding="utf-8")
    with pytest.raises(NetworkFileError) as info:
        load_network(path)
    assert (
        str(info.value) == "bad.json: layers[1].weights: expected 2 rows of 2 numbers, got 3 rows"
    )


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"name": "caf\xe9"}')
    with pytest.raises(NetworkFileError, match=r"^latin1\.json: not UTF-8 text"):
        load_network(path)


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_network(tmp_path / "absent.json")


# -- saving -------------------------------------------------------------------------------------


def test_refuses_to_save_nan_and_keeps_the_old_file(tmp_path):
    path = tmp_path / "net.json"
    save_network(mazur(), path)
    before = path.read_bytes()
    net = mazur()
    net.layers[1].W[0, 1] = np.nan
    with pytest.raises(NetworkFileError, match=r"layers\[1\]\.weights: contains NaN or infinity"):
        save_network(net, path)
    net = mazur()
    net.sample_y[0] = np.inf
    with pytest.raises(NetworkFileError, match=r"sample\.y: contains NaN or infinity"):
        save_network(net, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.json"]


def test_failed_write_keeps_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    save_network(mazur(), path)
    before = path.read_bytes()

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    net = mazur()
    net.layers[0].W[0, 0] = 9.0
    with pytest.raises(OSError, match="disk full"):
        save_network(net, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.json"]


def test_save_replaces_and_keeps_permissions(tmp_path):
    path = tmp_path / "net.json"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o640)
    save_network(mazur(), path)
    assert load_network(path).network.name == "Mazur 2-2-2"
    if os.name == "posix":
        assert os.stat(path).st_mode & 0o777 == 0o640


def test_bad_extras_are_refused_before_writing(tmp_path):
    path = tmp_path / "net.json"
    with pytest.raises(NetworkFileError, match=r"dataset\.name: unknown data set 'moons'"):
        save_network(mazur(), path, {"dataset": {"name": "moons"}})
    with pytest.raises(NetworkFileError, match=r"lesson: not an extra block"):
        save_network(mazur(), path, {"lesson": {}})
    assert not path.exists()


def test_invalid_optimizer_is_refused_on_save():
    net = mazur()
    net.optimizer.learning_rate = -1.0
    with pytest.raises(NetworkFileError, match=r"optimizer\.learning_rate: must be positive"):
        network_to_dict(net)


def test_the_init_block_is_kept_for_new_weights():
    from core.examples import example_path

    loaded = load_network(example_path("deep_sigmoid"))
    assert loaded.init == {"scheme": "normal", "scale": 1.0, "seed": loaded.init["seed"]}
    assert load_network(example_path("mazur")).init is None
