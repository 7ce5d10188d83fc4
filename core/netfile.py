"""Network files: a network, its loss, optimizer and sample as JSON, read strictly and written
atomically.

A file looks like this (``weights``/``biases`` may be left out when an ``init`` block is given)::

    {"format": "backprop-network", "version": 1, "name": "Mazur 2-2-2", "inputs": 2,
     "layers": [{"units": 2, "activation": "sigmoid",
                 "weights": [[0.15, 0.20], [0.25, 0.30]], "biases": [0.35, 0.35]}, ...],
     "loss": "half_squared", "train_biases": false,
     "optimizer": {"name": "sgd", "learning_rate": 0.5},
     "sample": {"x": [0.05, 0.10], "y": [0.01, 0.99]}}

Optional top-level blocks: ``init`` ({scheme, scale, seed}), ``dataset`` and ``training`` (kept
as plain dicts for the app to default its training set-up from). Every error is a
:class:`NetworkFileError` whose message starts with the file name and the field path, e.g.
``bad.json: layers[1].weights: expected 2 rows of 2 numbers, got 3 rows``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.activations import get_activation
from core.fields import (
    FieldError,
    NonFinite,
    check_text,
    choice,
    describe,
    did_you_mean,
    expect_object,
    integer,
    number,
    reject_unknown,
    required,
    seed,
    short,
)
from core.losses import get_loss
from core.messages import file_label
from core.network import INIT_SCHEMES, Layer, Network, OptimizerConfig, initial_weights
from core.optimizers import DEFAULTS as OPTIMIZER_DEFAULTS
from core.optimizers import check_config
from core.safe_write import write_text

FORMAT = "backprop-network"
VERSION = 1
DATASET_NAMES = ("circle", "xor", "gauss", "spiral", "linear", "plane", "multi_gauss", "blobs3",
                 "spiral3")
# Far beyond anything the app can draw; stops a typo from allocating gigabytes of weights.
MAX_UNITS = 4096
MAX_LAYERS = 64
# A teaching network is small; this keeps a typo from asking for gigabytes of weights.
MAX_PARAMETERS = 100_000
MAX_SAMPLES = 100_000  # as core.datasets.generate accepts

TOP_KEYS = (
    "format",
    "version",
    "name",
    "inputs",
    "layers",
    "loss",
    "train_biases",
    "optimizer",
    "init",
    "sample",
    "dataset",
    "training",
)
LAYER_KEYS = ("units", "activation", "weights", "biases")
INIT_KEYS = ("scheme", "scale", "seed")
SAMPLE_KEYS = ("x", "y")
# Field -> (kind, required); kinds are checked by _check_kind.
DATASET_FIELDS = {
    "name": ("dataset", True),
    "samples": ("samples", False),
    "noise": ("unit", False),
    "train_fraction": ("fraction", False),
    "seed": ("seed", False),
}
TRAINING_FIELDS = {
    "epochs": ("count", False),
    "batch_size": ("count", False),
    "l2": ("non_negative", False),
    "grad_noise": ("non_negative", False),
}
EXTRAS = {"dataset": DATASET_FIELDS, "training": TRAINING_FIELDS}


class NetworkFileError(ValueError):
    """A network file (or the network being saved) is invalid; the message names the field."""


@dataclass
class LoadedNetwork:
    """What a file holds: the network, and the optional data set and training blocks as dicts."""

    network: Network
    dataset: dict[str, Any] | None = None
    training: dict[str, Any] | None = None
    init: dict[str, Any] | None = None  # the file's init block: how Reset draws new weights


# -- reading ----------------------------------------------------------------------------------


def load_network(path: str | os.PathLike[str]) -> LoadedNetwork:
    """Read a network file; OSError if it cannot be read, NetworkFileError if it is invalid."""
    name = file_label(path)
    # utf-8-sig: Windows editors like to start a file with a byte-order mark.
    with open(path, encoding="utf-8-sig") as fh:
        try:
            text = fh.read()
        except UnicodeDecodeError as exc:
            raise NetworkFileError(f"{name}: not UTF-8 text ({exc.reason})") from None
    return loads_network(text, source=name)


def loads_network(text: str, source: str = "<string>") -> LoadedNetwork:
    """Parse and validate the text of a network file; ``source`` starts every error message."""
    try:
        data = json.loads(
            text,
            parse_constant=NonFinite,  # NaN, Infinity, -Infinity
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except json.JSONDecodeError as exc:
        raise NetworkFileError(
            f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:  # absurd nesting and the like
        raise NetworkFileError(f"{source}: invalid JSON: {exc}") from None
    try:
        check_text(data)
        return _from_data(data)
    except FieldError as exc:
        raise NetworkFileError(f"{source}: {exc}") from None


def _parse_float(text: str) -> float | NonFinite:
    value = float(text)
    return value if math.isfinite(value) else NonFinite(text)  # 1e400 parses to inf


def _parse_int(text: str) -> int | NonFinite:
    try:
        return int(text)
    except ValueError:  # more digits than Python's int-from-string limit
        return NonFinite(text[:20] + "…")


def _from_data(data: Any) -> LoadedNetwork:
    if not isinstance(data, dict):
        raise FieldError("(top level)", f"expected a JSON object, got {describe(data)}")
    if data.get("format") != FORMAT:
        raise FieldError("format", f'expected "{FORMAT}"')
    version = required(data, "version", "version")
    if type(version) is not int or version != VERSION:
        raise FieldError(
            "version", f"unsupported version {short(version)} (this app reads {VERSION})"
        )
    reject_unknown(data, TOP_KEYS, "")

    inputs = integer(required(data, "inputs", "inputs"), "inputs", 1, MAX_UNITS)
    raw_layers = required(data, "layers", "layers")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise FieldError("layers", f"expected a non-empty list, got {describe(raw_layers)}")
    if len(raw_layers) > MAX_LAYERS:
        raise FieldError("layers", f"at most {MAX_LAYERS} layers allowed, got {len(raw_layers)}")
    for k, raw in enumerate(raw_layers):
        expect_object(raw, f"layers[{k}]", LAYER_KEYS)
    sizes = [inputs] + [
        integer(required(raw, "units", f"layers[{k}].units"), f"layers[{k}].units", 1, MAX_UNITS)
        for k, raw in enumerate(raw_layers)
    ]
    parameters = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    if parameters > MAX_PARAMETERS:
        raise FieldError("layers", f"{parameters} weights and biases is more than this app steps "
                         f"through (at most {MAX_PARAMETERS})")
    init_block = _init_block(data["init"]) if "init" in data else None
    init = initial_weights(sizes, **init_block) if init_block else None

    layers = []
    for k, raw in enumerate(raw_layers):
        path = f"layers[{k}]"
        activation = get_activation(_name(raw, "activation", f"{path}.activation"))
        if activation.output_only and k != len(raw_layers) - 1:
            raise FieldError(
                f"{path}.activation", f"{activation.name} is only allowed on the output layer"
            )
        for key in ("weights", "biases"):
            if key not in raw and init is None:
                raise FieldError(
                    f"{path}.{key}",
                    'missing (give every layer weights and biases, or add a top-level "init")',
                )
        rows, cols = sizes[k + 1], sizes[k]
        W = _matrix(raw["weights"], rows, cols, f"{path}.weights") if "weights" in raw else None
        b = _vector(raw["biases"], rows, f"{path}.biases") if "biases" in raw else None
        # Explicit weights win over the init block, layer by layer.
        layers.append(
            Layer(activation, init[k][0] if W is None else W, init[k][1] if b is None else b)
        )

    loss = get_loss(_name(data, "loss", "loss"))
    try:
        loss.check_output(layers[-1].activation)
    except ValueError as exc:
        raise FieldError("loss", f"{exc} (see layers[{len(layers) - 1}].activation)") from None
    train_biases = data.get("train_biases", True)
    if not isinstance(train_biases, bool):
        raise FieldError("train_biases", f"expected true or false, got {describe(train_biases)}")
    name = data.get("name", "untitled")
    if not isinstance(name, str):
        raise FieldError("name", f"expected a string, got {describe(name)}")
    sample_x = sample_y = None
    if "sample" in data:
        sample = expect_object(data["sample"], "sample", SAMPLE_KEYS)
        sample_x = _vector(required(sample, "x", "sample.x"), sizes[0], "sample.x")
        sample_y = _vector(required(sample, "y", "sample.y"), sizes[-1], "sample.y")
    optimizer = _optimizer(data.get("optimizer", {}))
    try:  # a backstop: Network.validate repeats the checks above, its messages name the field
        network = Network(
            inputs=inputs,
            layers=layers,
            loss=loss,
            name=name,
            train_biases=train_biases,
            optimizer=optimizer,
            sample_x=sample_x,
            sample_y=sample_y,
        )
    except ValueError as exc:
        raise FieldError(str(exc)) from None
    extras = {key: _extra(data[key], key) if key in data else None for key in EXTRAS}
    return LoadedNetwork(network, **extras, init=init_block)


def _init_block(raw: Any) -> dict[str, Any]:
    """The init block checked, as keyword arguments of ``initial_weights``."""
    init = expect_object(raw, "init", INIT_KEYS)
    scheme = choice(
        required(init, "scheme", "init.scheme"), INIT_SCHEMES, "init.scheme", "init scheme"
    )
    scale = number(init.get("scale", 0.5), "init.scale")
    if scale < 0 and scheme != "constant":
        raise FieldError("init.scale", f"must not be negative for the {scheme!r} scheme")
    seed = _check_kind(init.get("seed", 0), "seed", "init.seed")
    return {"scheme": scheme, "scale": scale, "seed": seed}


def _optimizer(raw: Any) -> OptimizerConfig:
    expect_object(raw, "optimizer", None)
    name = choice(raw.get("name", "sgd"), tuple(OPTIMIZER_DEFAULTS), "optimizer.name", "optimizer")
    lr = number(raw.get("learning_rate", OptimizerConfig.learning_rate), "optimizer.learning_rate")
    valid = ("name", "learning_rate", *OPTIMIZER_DEFAULTS[name])
    params = {}
    for key, value in raw.items():
        if key not in valid:
            takes = ", ".join(OPTIMIZER_DEFAULTS[name]) or "only learning_rate"
            raise FieldError(
                f"optimizer.{key}",
                f"optimizer {name!r} has no such parameter (it takes: {takes})"
                + did_you_mean(key, valid),
            )
        if key not in ("name", "learning_rate"):
            params[key] = number(value, f"optimizer.{key}")
    # check_config's messages start with the field's name; move it into the path instead.
    checks = [("learning_rate", "learning_rate ", {})]
    checks += [(key, f"optimizer.{key} ", {key: value}) for key, value in params.items()]
    for key, prefix, one in checks:
        try:
            check_config(name, lr, one)
        except ValueError as exc:
            raise FieldError(f"optimizer.{key}", str(exc).removeprefix(prefix)) from None
    return OptimizerConfig(name, lr, params)


def _extra(raw: Any, block: str) -> dict[str, Any]:
    fields = EXTRAS[block]
    data = expect_object(raw, block, tuple(fields))
    out = {}
    for key, (kind, needed) in fields.items():
        if key in data:
            out[key] = _check_kind(data[key], kind, f"{block}.{key}")
        elif needed:
            raise FieldError(f"{block}.{key}", "missing")
    return out


def _check_kind(value: Any, kind: str, path: str) -> Any:
    """Validate one value of the dataset/training/init blocks; return it as int/float/str."""
    if kind == "dataset":
        return choice(value, DATASET_NAMES, path, "data set")
    if kind == "count":
        return integer(value, path, 1, 100_000)
    if kind == "samples":
        return integer(value, path, 2, MAX_SAMPLES)
    if kind == "seed":
        return seed(value, path)
    x = number(value, path)
    if kind == "non_negative" and x < 0:
        raise FieldError(path, f"must not be negative, got {short(value)}")
    if kind == "unit" and not 0 <= x <= 1:
        raise FieldError(path, f"must be between 0 and 1, got {short(value)}")
    if kind == "fraction" and not 0 < x <= 1:
        raise FieldError(path, f"must be more than 0 and at most 1, got {short(value)}")
    return x


# -- small validators -------------------------------------------------------------------------


def _name(data: dict[str, Any], key: str, path: str) -> str:
    """A required string looked up in a registry (activation, loss): the registry's message."""
    value = required(data, key, path)
    if not isinstance(value, str):
        raise FieldError(path, f"expected a string, got {describe(value)}")
    lookup = get_activation if key == "activation" else get_loss
    try:
        lookup(value)
    except ValueError as exc:
        raise FieldError(path, str(exc)) from None
    return value


def _vector(value: Any, n: int, path: str) -> np.ndarray:
    if not isinstance(value, list):
        raise FieldError(path, f"expected a list of {n} numbers, got {describe(value)}")
    if len(value) != n:
        raise FieldError(path, f"expected {n} numbers, got {len(value)}")
    return np.array([number(v, f"{path}[{i}]") for i, v in enumerate(value)], dtype=float)


def _matrix(value: Any, rows: int, cols: int, path: str) -> np.ndarray:
    # One row per unit of this layer, one column per unit of the previous layer.
    expected = f"expected {rows} rows of {cols} numbers"
    if not isinstance(value, list):
        raise FieldError(path, f"{expected}, got {describe(value)}")
    if len(value) != rows:
        raise FieldError(path, f"{expected}, got {len(value)} row{'s' * (len(value) != 1)}")
    return np.array([_vector(row, cols, f"{path}[{j}]") for j, row in enumerate(value)])


# -- writing ----------------------------------------------------------------------------------


def network_to_dict(net: Network, extras: dict[str, Any] | None = None) -> dict[str, Any]:
    """The file contents for ``net``: every weight and bias explicitly, never an init block.

    ``extras`` may hold ``dataset`` and ``training`` dicts (as in :class:`LoadedNetwork`); they are
    validated like a file's. Raises NetworkFileError for non-finite values or bad extras.
    """
    # json.dumps(allow_nan=False) would refuse too, but without saying where the NaN is.
    arrays = [(f"layers[{k}].weights", la.W) for k, la in enumerate(net.layers)]
    arrays += [(f"layers[{k}].biases", la.b) for k, la in enumerate(net.layers)]
    arrays += [("sample.x", net.sample_x), ("sample.y", net.sample_y)]
    for path, values in arrays:
        if values is not None and not np.all(np.isfinite(values)):
            raise NetworkFileError(f"not saved: {path}: contains NaN or infinity")
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "name": net.name,
        "inputs": net.inputs,
        "layers": [
            {
                "units": layer.units,
                "activation": layer.activation.name,
                "weights": np.asarray(layer.W, dtype=float).tolist(),
                "biases": np.asarray(layer.b, dtype=float).tolist(),
            }
            for layer in net.layers
        ],
        "loss": net.loss.name,
        "train_biases": bool(net.train_biases),
        "optimizer": {
            "name": net.optimizer.name,
            "learning_rate": float(net.optimizer.learning_rate),
            **{k: float(v) for k, v in net.optimizer.params.items()},
        },
    }
    # The stepper needs both halves of a sample; a lone x or y is not written.
    if net.sample_x is not None and net.sample_y is not None:
        out["sample"] = {
            "x": np.asarray(net.sample_x, dtype=float).tolist(),
            "y": np.asarray(net.sample_y, dtype=float).tolist(),
        }
    try:
        for key, block in (extras or {}).items():
            if key not in EXTRAS:
                raise FieldError(key, f"not an extra block (expected one of: {', '.join(EXTRAS)})")
            if block is not None:
                out[key] = _extra(block, key)
        check_text(out)  # a name with a lone surrogate would not encode
        _from_data(out)  # never write a file that would not load again
    except FieldError as exc:
        raise NetworkFileError(f"not saved: {exc}") from None
    return out


def dumps_network(net: Network, extras: dict[str, Any] | None = None) -> str:
    """The text of a network file for ``net`` (see :func:`network_to_dict`)."""
    return _dump(network_to_dict(net, extras)) + "\n"


def save_network(
    net: Network,
    path: str | os.PathLike[str],
    extras: dict[str, Any] | None = None,
    *,
    replace_read_only: bool = False,
) -> None:
    """Write ``net`` to ``path`` safely: the old file survives any failure intact, a FIFO or a
    device is never replaced, a read-only file only with ``replace_read_only`` (raises
    :class:`core.safe_write.ReadOnlyFileError` otherwise), permissions and hard links are kept
    (see :mod:`core.safe_write`)."""
    text = dumps_network(net, extras)  # serialise first, so a bad network never touches the disk
    write_text(path, text, replace_read_only=replace_read_only)


def _dump(value: Any, indent: int = 0) -> str:
    """JSON indented by two spaces, except that lists of numbers and objects of plain values
    stay on one line, so a weight matrix reads as one row per line."""
    if isinstance(value, (list, dict)) and any(
        isinstance(v, (list, dict)) for v in (value.values() if isinstance(value, dict) else value)
    ):
        pad = "  " * (indent + 1)
        if isinstance(value, dict):
            items = [f"{pad}{json.dumps(k)}: {_dump(v, indent + 1)}" for k, v in value.items()]
            opening, closing = "{", "}"
        else:
            items = [pad + _dump(v, indent + 1) for v in value]
            opening, closing = "[", "]"
        return opening + "\n" + ",\n".join(items) + "\n" + "  " * indent + closing
    return json.dumps(value, allow_nan=False, ensure_ascii=False)
