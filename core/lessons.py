"""Lessons: a walk through the lecture notes, one demonstration each, defined by data files.

A lesson file ``resources/lessons/NN-slug.json`` holds everything a lesson needs, so a teacher
can add one without writing code::

    {"format": "backprop-lesson", "version": 1,
     "id": "learning-rate", "order": 4, "title": "Learning rate too high",
     "section": "Training challenges › Learning rate",
     "explanation": ["A paragraph in plain words.", "Another one."],
     "look_at": "What to look at in the plot.", "try_this": "Something to change and re-run.",
     "kind": "compare", "view": "training", "focus": "loss",
     "network": "xor"  (an example in resources/examples, by name)  or  {a network-file dict},
     "dataset": {"name": "multi_gauss", "samples": 200, "noise": 0.0, "train_fraction": 1.0,
                 "seed": 1},
     "training": {"epochs": 60, "batch_size": "full", "l2": 0.0, "seed": 0, "shuffle": true,
                  "learning_rate": 0.05},
     "runs": [{"label": "η = 0.05"}, {"label": "η = 0.2", "learning_rate": 0.2}],
     "params": {}}

``training`` and every entry of ``runs`` take the same settings: ``epochs``, ``batch_size`` (a
number or ``"full"``), ``l2``, ``seed`` (of the shuffle), ``shuffle``, and the network changes
``learning_rate``, ``optimizer`` (a name, or an object as in a network file), ``activation`` (of
every hidden layer), ``init`` ({scheme, scale, seed}: fresh weights), ``hidden`` (a list of
hidden-layer sizes: a new architecture, initialised by ``init`` or the network's own init block)
and ``train_biases``. A run's settings apply on top of ``training``. Runs that change neither
``init`` nor ``hidden`` start from exactly the same weights. Without ``runs`` there is one run.

Kinds of demonstration (``kind``) and what :func:`run_lesson` computes for them:

- ``graph``: an expression (``params.expression``, ``params.values``, ``params.wrt``) evaluated
  and differentiated in both modes, with the operation counts of each.
- ``step``: one training step of the network on its own sample, as the stepper shows it.
- ``compare``: the runs trained side by side; loss curves and saturation of every layer.
- ``surface``: ``compare`` plus the loss over a 2-D slice through two weights
  (``params.weights``, keys like ``"w:1:0:1"`` as in the trace) and each run's path on it.
- ``gradients``: ``compare`` plus the gradient norm of every layer, before and during training.
- ``herd``: ``compare`` plus how alike the first hidden layer's units are, epoch by epoch.
- ``collapse``: a network of linear hidden units trained, and the one layer it equals.
- ``regions``: each run's decision boundary and the line w·x + b = 0 of each first-layer unit.
- ``recipe``: the Keras recipe's five steps filled in from the network, which is trained and
  evaluated, and exported as PyTorch and Keras code.

A GUI lists lessons with :func:`list_lessons`, opens one with :func:`load_lesson`, builds its
network, data and settings with :func:`lesson_network`, :func:`lesson_data` and
:func:`train_config` (calling them again resets the lesson), and gets every number its plot
needs from :func:`run_lesson`. Every error in a file is a :class:`LessonFileError` that starts
with the file name and the field, as for network files.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from core import expressions
from core.activations import ACTIVATIONS
from core.codegen import keras_code, pytorch_code
from core.datasets import DATASETS, REGRESSION, Dataset
from core.examples import example_names, example_path
from core.fields import (
    FieldError,
    choice,
    describe,
    expect_object,
    integer,
    number,
    reject_unknown,
    required,
)
from core.netfile import INIT_SCHEMES, LoadedNetwork, NetworkFileError, loads_network
from core.network import Layer, Network
from core.optimizers import DEFAULTS as OPTIMIZERS
from core.project import DATASET_DEFAULTS, make_split
from core.stepper import Stepper
from core.training import EpochRecord, History, TrainConfig, Trainer

Array = np.ndarray

FORMAT = "backprop-lesson"
VERSION = 1
KINDS = (
    "graph", "step", "compare", "surface", "gradients", "herd", "collapse", "regions", "recipe",
)  # fmt: skip
VIEWS = ("graph", "stepper", "training")
FOCUSES = (
    "equation", "counts", "network", "loss", "saturation", "gradients", "paths", "similarity",
    "boundary", "code",
)  # fmt: skip
TRAINING_KINDS = KINDS[2:]
TOP_KEYS = (
    "format", "version", "id", "order", "title", "section", "explanation", "look_at", "try_this",
    "kind", "view", "focus", "network", "dataset", "training", "runs", "params",
)  # fmt: skip
DATASET_KEYS = ("name", "samples", "noise", "train_fraction", "seed")
SETTING_KEYS = (
    "epochs", "batch_size", "l2", "seed", "shuffle", "learning_rate", "optimizer", "activation",
    "init", "hidden", "train_biases",
)  # fmt: skip
PARAM_KEYS = {
    "graph": ("expression", "values", "wrt"),
    "surface": ("weights", "extent", "resolution"),
    "regions": ("extent", "resolution"),
    "recipe": ("steps",),
}
EXTENT = 6.0  # the built-in data sets live in [-6, 6]²
MAX_WORDS = 250  # of a lesson's explanation paragraphs; the shipped ones keep to 80–160
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_WEIGHT_KEY = re.compile(r"w:(\d+):(\d+):(\d+)")


class LessonFileError(ValueError):
    """A lesson file is invalid; the message starts with the file name and the field."""


@dataclass(frozen=True)
class LessonInfo:
    """What a lessons menu needs: the id, the position and the title, and the file."""

    id: str
    order: int
    title: str
    path: str


@dataclass(frozen=True)
class RunSpec:
    """One run of a comparison: its label and the settings it changes."""

    label: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class Lesson:
    """A validated lesson file (see the module docstring for the fields).

    ``network`` is the network-file dict (a named example is read into one; ``None`` for graph
    lessons), ``dataset`` has every field filled in, ``training`` holds the lesson-wide settings.
    """

    id: str
    order: int
    title: str
    section: str
    explanation: tuple[str, ...]
    look_at: str
    try_this: str
    kind: str
    view: str
    focus: str
    network: dict[str, Any] | None
    network_source: str
    dataset: dict[str, Any] | None
    training: dict[str, Any]
    runs: tuple[RunSpec, ...]
    params: dict[str, Any]
    path: str = ""

    @property
    def info(self) -> LessonInfo:
        return LessonInfo(self.id, self.order, self.title, self.path)

    def words(self) -> int:
        """Words in the explanation paragraphs."""
        return sum(len(p.split()) for p in self.explanation)


# -- finding and reading lesson files ---------------------------------------------------------


def lessons_folder() -> Path:
    """The folder of the shipped lessons, resources/lessons."""
    return Path(str(resources.files("resources") / "lessons"))


def list_lessons(
    folder: str | os.PathLike[str] | None = None, errors: list[str] | None = None
) -> list[LessonInfo]:
    """The lessons in ``folder`` (default: the shipped ones), sorted by order.

    A bad file raises :class:`LessonFileError`; with an ``errors`` list it is skipped and its
    message appended instead, so a menu can still show the good ones. Two files with the same
    id or order are an error too.
    """
    folder = Path(folder) if folder is not None else lessons_folder()
    infos: list[LessonInfo] = []
    for path in sorted(folder.glob("*.json")):
        try:
            lesson = load_lesson(path)
            for other in infos:
                if other.id == lesson.id:
                    raise LessonFileError(
                        f"{path.name}: id: {lesson.id!r} is also the id of {Path(other.path).name}"
                    )
                if other.order == lesson.order:
                    raise LessonFileError(
                        f"{path.name}: order: {lesson.order} is also the order of "
                        f"{Path(other.path).name}"
                    )
        except (LessonFileError, OSError) as exc:
            if errors is None:
                raise
            errors.append(str(exc))
            continue
        infos.append(lesson.info)
    return sorted(infos, key=lambda info: info.order)


def load_lesson(
    id_or_path: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None
) -> Lesson:
    """A lesson by id (looked up in ``folder``, default the shipped lessons) or by file path."""
    text = os.fspath(id_or_path)
    path = Path(text)
    if not (text.endswith(".json") or path.is_file()):
        path = _find(text, Path(folder) if folder is not None else lessons_folder())
    name = path.name
    with open(path, encoding="utf-8-sig") as fh:
        try:
            data = fh.read()
        except UnicodeDecodeError as exc:
            raise LessonFileError(f"{name}: not UTF-8 text ({exc.reason})") from None
    return loads_lesson(data, source=name, path=str(path))


def _find(lesson_id: str, folder: Path) -> Path:
    files = sorted(folder.glob("*.json"))
    for path in files:  # NN-slug.json names the id: try those files first
        if path.stem.split("-", 1)[-1] == lesson_id:
            return path
    for path in files:
        try:
            if json.loads(path.read_text(encoding="utf-8-sig")).get("id") == lesson_id:
                return path
        except (ValueError, OSError, AttributeError):
            continue
    known = ", ".join(info.id for info in list_lessons(folder, errors=[]))
    raise ValueError(f"no lesson {lesson_id!r} (lessons: {known or 'none'})")


def loads_lesson(text: str, source: str = "<string>", path: str = "") -> Lesson:
    """Parse and validate the text of a lesson file; ``source`` starts every error message."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LessonFileError(
            f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise LessonFileError(f"{source}: invalid JSON: {exc}") from None
    try:
        return _lesson(data, source, path)
    except FieldError as exc:
        raise LessonFileError(f"{source}: {exc}") from None


def _lesson(data: Any, source: str, path: str) -> Lesson:
    if not isinstance(data, dict):
        raise FieldError("(top level)", f"expected a JSON object, got {_describe(data)}")
    if data.get("format") != FORMAT:
        raise FieldError("format", f'expected "{FORMAT}"')
    if data.get("version") != VERSION or isinstance(data.get("version"), bool):
        raise FieldError(
            "version", f"unsupported version {data.get('version')!r} (this app reads {VERSION})"
        )
    reject_unknown(data, TOP_KEYS, "")
    lesson_id = _string(required(data, "id"), "id")
    if not _ID.fullmatch(lesson_id):
        raise FieldError(
            "id", f"{lesson_id!r} must be lower-case letters, digits and single hyphens"
        )
    order = _int(required(data, "order"), "order", 1)
    title = _string(required(data, "title"), "title")
    section = _string(required(data, "section"), "section")
    explanation = required(data, "explanation")
    if not isinstance(explanation, list) or not explanation:
        raise FieldError("explanation", "expected a non-empty list of paragraphs")
    paragraphs = tuple(_string(p, f"explanation[{k}]") for k, p in enumerate(explanation))
    words = sum(len(p.split()) for p in paragraphs)
    if words > MAX_WORDS:
        raise FieldError("explanation", f"{words} words; keep it under {MAX_WORDS}")
    look_at = _string(required(data, "look_at"), "look_at")
    try_this = _string(required(data, "try_this"), "try_this")
    kind = _choice(required(data, "kind"), KINDS, "kind")
    view = _choice(required(data, "view"), VIEWS, "view")
    focus = _choice(required(data, "focus"), FOCUSES, "focus")

    network, network_source = None, ""
    if "network" in data:
        network, network_source = _network_spec(data["network"], source)
    elif kind != "graph":
        raise FieldError("network", f"missing (a {kind} lesson needs a network)")
    dataset = None
    if "dataset" in data:
        dataset = _dataset(data["dataset"])
    elif kind in TRAINING_KINDS:
        raise FieldError("dataset", f"missing (a {kind} lesson trains on a data set)")
    training = _settings(data.get("training", {}), "training", allow_label=False)
    raw_runs = data.get("runs", [{"label": title}])
    if not isinstance(raw_runs, list) or not raw_runs:
        raise FieldError("runs", "expected a non-empty list of runs")
    runs = []
    for k, raw in enumerate(raw_runs):
        settings = _settings(raw, f"runs[{k}]", allow_label=True)
        label = settings.pop("label")
        runs.append(RunSpec(label, settings))
    params = _params(data.get("params", {}), kind)

    lesson = Lesson(
        lesson_id,
        order,
        title,
        section,
        paragraphs,
        look_at,
        try_this,
        kind,
        view,
        focus,
        network,
        network_source,
        dataset,
        training,
        tuple(runs),
        params,
        path,
    )
    _check_lesson(lesson, source)
    return lesson


def _network_spec(raw: Any, source: str) -> tuple[dict[str, Any], str]:
    if isinstance(raw, str):
        if raw not in example_names():
            raise FieldError(
                "network", f"no example {raw!r} (examples: {', '.join(example_names())})"
            )
        with open(example_path(raw), encoding="utf-8-sig") as fh:
            return json.load(fh), f"example:{raw}"
    if not isinstance(raw, dict):
        raise FieldError(
            "network", f"expected an example name or a network object, got {_describe(raw)}"
        )
    return copy.deepcopy(raw), "inline"


def _dataset(raw: Any) -> dict[str, Any]:
    data = _object(raw, "dataset", DATASET_KEYS)
    out = dict(DATASET_DEFAULTS)
    out["name"] = _choice(required(data, "name", "dataset.name"), DATASETS, "dataset.name")
    if "samples" in data:
        out["samples"] = _int(data["samples"], "dataset.samples", 2, 100_000)
    if "noise" in data:
        out["noise"] = _number(data["noise"], "dataset.noise", 0.0, 1.0)
    if "train_fraction" in data:
        out["train_fraction"] = _number(data["train_fraction"], "dataset.train_fraction", 0.0, 1.0)
        if out["train_fraction"] == 0:
            raise FieldError("dataset.train_fraction", "must be more than 0")
    if "seed" in data:
        out["seed"] = _int(data["seed"], "dataset.seed", 0)
    return out


def _settings(raw: Any, path: str, allow_label: bool) -> dict[str, Any]:
    keys = SETTING_KEYS + (("label",) if allow_label else ())
    data = _object(raw, path, keys)
    out: dict[str, Any] = {}
    if allow_label:
        out["label"] = _string(required(data, "label", f"{path}.label"), f"{path}.label")
    for key in SETTING_KEYS:
        if key not in data:
            continue
        value, where = data[key], f"{path}.{key}"
        if key == "epochs":
            out[key] = _int(value, where, 0, 100_000)
        elif key == "batch_size":
            out[key] = "full" if value == "full" else _int(value, where, 1)
        elif key == "l2":
            out[key] = _number(value, where, 0.0)
        elif key == "seed":
            out[key] = _int(value, where, 0)
        elif key in ("shuffle", "train_biases"):
            if not isinstance(value, bool):
                raise FieldError(where, f"expected true or false, got {_describe(value)}")
            out[key] = value
        elif key == "learning_rate":
            out[key] = _number(value, where, 0.0)
            if out[key] == 0:
                raise FieldError(where, "must be positive")
        elif key == "optimizer":
            if isinstance(value, str):
                _choice(value, tuple(OPTIMIZERS), where)
                value = {"name": value}
            out[key] = dict(_object(value, where, None))
        elif key == "activation":
            out[key] = _choice(value, tuple(ACTIVATIONS), where)
        elif key == "init":
            init = _object(value, where, ("scheme", "scale", "seed"))
            _choice(required(init, "scheme", f"{where}.scheme"), INIT_SCHEMES, f"{where}.scheme")
            out[key] = dict(init)
        elif key == "hidden":
            if not isinstance(value, list):
                raise FieldError(where, f"expected a list of layer sizes, got {_describe(value)}")
            out[key] = [_int(v, f"{where}[{k}]", 1, 4096) for k, v in enumerate(value)]
    return out


def _params(raw: Any, kind: str) -> dict[str, Any]:
    params = dict(_object(raw, "params", PARAM_KEYS.get(kind, ())))
    if kind == "graph":
        text = _string(required(params, "expression", "params.expression"), "params.expression")
        try:
            graph = expressions.parse(text)
        except expressions.ExpressionError as exc:
            raise FieldError("params.expression", str(exc)) from None
        values = _object(params.get("values", {}), "params.values", None)
        try:
            params["values"] = expressions.check_values(graph, values)
        except ValueError as exc:
            raise FieldError("params.values", str(exc)) from None
        wrt = params.get("wrt", graph.variables[0] if graph.variables else None)
        if wrt is None or wrt not in graph.variables:
            raise FieldError("params.wrt", f"{wrt!r} is not a variable of the expression")
        params["wrt"] = wrt
    if kind == "surface":
        keys = required(params, "weights", "params.weights")
        if not isinstance(keys, list) or len(keys) != 2:
            raise FieldError("params.weights", 'expected two weight keys like "w:1:0:1"')
        for k, key in enumerate(keys):
            if not isinstance(key, str) or not _WEIGHT_KEY.fullmatch(key):
                raise FieldError(
                    f"params.weights[{k}]", f'expected a key like "w:1:0:1", got {_describe(key)}'
                )
    if "extent" in params:
        extent = params["extent"]
        ok = (
            isinstance(extent, list)
            and len(extent) == 2
            and all(isinstance(pair, list) and len(pair) == 2 for pair in extent)
        )
        if not ok:
            raise FieldError("params.extent", "expected [[x_min, x_max], [y_min, y_max]]")
        for a, pair in enumerate(extent):
            lo = _number(pair[0], f"params.extent[{a}][0]")
            hi = _number(pair[1], f"params.extent[{a}][1]")
            if not lo < hi:
                raise FieldError(f"params.extent[{a}]", "the first number must be the smaller")
    if "resolution" in params:
        params["resolution"] = _int(params["resolution"], "params.resolution", 5, 201)
    if kind == "recipe":
        steps = params.get("steps", [])
        if not isinstance(steps, list) or len(steps) != 5:
            raise FieldError("params.steps", "expected the five steps of the recipe")
        for k, step in enumerate(steps):
            step = _object(step, f"params.steps[{k}]", ("title", "app"))
            for key in ("title", "app"):
                _string(
                    required(step, key, f"params.steps[{k}].{key}"), f"params.steps[{k}].{key}"
                )
    return params


def _check_lesson(lesson: Lesson, source: str) -> None:
    """Build every run's network once, so a bad override fails when the file is read."""
    if lesson.network is None:
        return
    nets = []
    for k in range(len(lesson.runs)):
        where = "network" if k == 0 else f"runs[{k}]"
        try:
            nets.append(_build(lesson, k, source).network)
        except NetworkFileError as exc:
            raise FieldError(
                where, str(exc).removeprefix(f"{source}: ").removeprefix("network: ")
            ) from None
    net = nets[0]
    if lesson.kind == "step" and (net.sample_x is None or net.sample_y is None):
        raise FieldError("network", 'a step lesson needs a network with a "sample"')
    if lesson.dataset is not None:
        if net.inputs != 2:
            raise FieldError(
                "network", f"the data sets have 2 inputs; this network has {net.inputs}"
            )
        if net.outputs != 1:
            raise FieldError(
                "network", "the data sets have one target; the network needs one output unit"
            )
        if lesson.dataset["name"] in REGRESSION and net.loss.name == "binary_cross_entropy":
            raise FieldError(
                "dataset.name",
                f"{lesson.dataset['name']!r} does not suit the loss {net.loss.name!r}",
            )
    if lesson.kind == "surface":
        for k, key in enumerate(lesson.params["weights"]):
            l, j, i = (int(v) for v in _WEIGHT_KEY.fullmatch(key).groups())
            if not (
                1 <= l <= len(net.layers)
                and j < net.layers[l - 1].units
                and i < net.layers[l - 1].inputs
            ):
                raise FieldError(f"params.weights[{k}]", f"the network has no weight {key}")
        if lesson.params["weights"][0] == lesson.params["weights"][1]:
            raise FieldError("params.weights", "name two different weights")
    if lesson.kind == "herd" and (len(net.layers) < 2 or net.layers[0].units < 2):
        raise FieldError("network", "a herd lesson needs a hidden layer of at least two units")
    if lesson.kind == "collapse" and any(la.activation.name != "linear" for la in net.layers[:-1]):
        raise FieldError("network", "a collapse lesson needs linear hidden units")


# -- small validators -------------------------------------------------------------------------


def _quote(value: Any) -> str:
    """A value as lesson messages quote it: in full, a string cut to 40 characters first."""
    return repr(value[:40]) if isinstance(value, str) else repr(value)


def _describe(value: Any) -> str:
    return describe(value, _quote)


def _object(value: Any, path: str, keys: tuple[str, ...] | None) -> dict[str, Any]:
    return expect_object(value, path, keys, shorten=_quote)


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(path, f"expected a non-empty string, got {_describe(value)}")
    return value


def _choice(value: Any, options: tuple[str, ...], path: str) -> str:
    return choice(value, options, path, shorten=_quote)


def _int(value: Any, path: str, low: int, high: int | None = None) -> int:
    wording = f"a whole number of at least {low}"
    return integer(value, path, low, high, wording=wording, shorten=_quote)


def _number(value: Any, path: str, low: float | None = None, high: float | None = None) -> float:
    return number(value, path, low, high, shorten=_quote)


# -- what a GUI builds from a lesson ----------------------------------------------------------


def run_settings(lesson: Lesson, run: int = 0) -> dict[str, Any]:
    """The settings of run ``run``: the lesson's ``training`` with the run's changes on top."""
    return {**lesson.training, **lesson.runs[run].settings}


def _network_dict(base: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """The network-file dict ``base`` with a run's network changes applied."""
    d = copy.deepcopy(base)
    layers = d.get("layers")
    if not isinstance(layers, list) or not layers or not all(isinstance(la, dict) for la in layers):
        return d  # loads_network names the problem
    if "hidden" in settings:
        hidden_act = settings.get("activation") or (
            layers[0].get("activation") if len(layers) > 1 else "tanh"
        )
        out = {k: v for k, v in layers[-1].items() if k in ("units", "activation")}
        d["layers"] = [{"units": n, "activation": hidden_act} for n in settings["hidden"]] + [out]
        d.setdefault("init", {"scheme": "xavier", "seed": 0})
    elif "activation" in settings:
        for layer in layers[:-1]:
            layer["activation"] = settings["activation"]
    if "init" in settings:
        d["init"] = dict(settings["init"])
        for layer in d["layers"]:
            layer.pop("weights", None)
            layer.pop("biases", None)
    old = d.get("optimizer", {}) if isinstance(d.get("optimizer", {}), dict) else {}
    if "optimizer" in settings:
        new = dict(settings["optimizer"])
        new.setdefault("learning_rate", old.get("learning_rate", 0.1))
        d["optimizer"] = new
    if "learning_rate" in settings:
        d["optimizer"] = {**d.get("optimizer", old), "learning_rate": settings["learning_rate"]}
    if "train_biases" in settings:
        d["train_biases"] = settings["train_biases"]
    d.pop("dataset", None)
    d.pop("training", None)
    return d


def _build(lesson: Lesson, run: int, source: str) -> LoadedNetwork:
    settings = run_settings(lesson, run)
    d = _network_dict(lesson.network or {}, settings)
    loaded = loads_network(json.dumps(d), source=f"{source}: network")
    training = None
    if lesson.dataset is not None:
        batch = settings.get("batch_size", 10)
        if batch == "full":
            batch = _train_size(lesson)
        training = {
            "epochs": settings.get("epochs", 100) or 1,
            "batch_size": batch,
            "l2": settings.get("l2", 0.0),
        }
    return LoadedNetwork(loaded.network, dict(lesson.dataset) if lesson.dataset else None, training)


def _train_size(lesson: Lesson) -> int:
    spec = lesson.dataset
    n = int(spec["samples"])
    return min(n, max(1, round(float(spec["train_fraction"]) * n)))


def lesson_network(lesson: Lesson, run: int = 0) -> LoadedNetwork:
    """A fresh copy of run ``run``'s network, with the lesson's data set and training blocks.

    Calling it again resets the lesson. Raises ValueError for a lesson without a network.
    """
    if lesson.network is None:
        raise ValueError(f"lesson {lesson.id!r} has no network (it is a {lesson.kind} lesson)")
    if not 0 <= run < len(lesson.runs):
        raise ValueError(f"lesson {lesson.id!r} has {len(lesson.runs)} run(s), not {run + 1}")
    return _build(lesson, run, Path(lesson.path).name or lesson.id)


def lesson_data(lesson: Lesson) -> tuple[Dataset, Dataset]:
    """The lesson's training and test sets (the same every time: the seeds are fixed)."""
    if lesson.dataset is None:
        raise ValueError(f"lesson {lesson.id!r} has no data set")
    return make_split(lesson.dataset, 1)


def train_config(lesson: Lesson, run: int = 0) -> TrainConfig:
    """The TrainConfig of run ``run`` (``"full"`` batches become the training set's size)."""
    settings = run_settings(lesson, run)
    batch = settings.get("batch_size", 10)
    if batch == "full":
        batch = _train_size(lesson) if lesson.dataset else 1
    return TrainConfig(
        epochs=settings.get("epochs", 100),
        batch_size=batch,
        l2=settings.get("l2", 0.0),
        seed=settings.get("seed", 0),
        shuffle=settings.get("shuffle", True),
    )


# -- results ----------------------------------------------------------------------------------


@dataclass
class RunResult:
    """One trained run.

    Attributes
    ----------
    label : the run's label, for a legend.
    settings : the run's settings (lesson-wide ones with the run's changes).
    initial, network : the network before and after training (separate copies).
    config : the TrainConfig it was trained with.
    start : the record of the untrained network (epoch 0).
    history : one record per epoch trained.
    status, diverged_epoch, message : as :class:`core.training.Trainer` reports them.
    weights : when the lesson needs them, the parameters (``network.parameters()`` order) after
        every epoch, epoch 0 first.
    extras : arrays for this run's plot (see :func:`run_lesson`).
    measures : the numbers the lesson's point rests on, for this run.
    """

    label: str
    settings: dict[str, Any]
    initial: Network
    network: Network
    config: TrainConfig
    start: EpochRecord
    history: History
    status: str
    diverged_epoch: int | None
    message: str
    weights: list[list[Array]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    measures: dict[str, float] = field(default_factory=dict)

    def curve(self, key: str = "train_loss") -> tuple[Array, Array]:
        """(epochs 0…n, values) of a History column, the untrained network's value first."""
        first = getattr(self.start, key)
        values = [math.nan if first is None else first] + list(getattr(self.history, key))
        return np.arange(len(values), dtype=float), np.array(values, dtype=float)


@dataclass
class LessonResult:
    """What :func:`run_lesson` computed: the runs, lesson-wide arrays and the measured numbers.

    ``train`` and ``test`` are the data (None for lessons without one); ``seconds`` is how long
    the computation took.
    """

    lesson: Lesson
    runs: list[RunResult]
    train: Dataset | None
    test: Dataset | None
    extras: dict[str, Any]
    measures: dict[str, float]
    seconds: float = 0.0

    def run(self, label: str) -> RunResult:
        """The run labelled ``label``."""
        for r in self.runs:
            if r.label == label:
                return r
        raise KeyError(f"no run {label!r} (runs: {', '.join(r.label for r in self.runs)})")


def run_lesson(lesson: Lesson) -> LessonResult:
    """Compute the lesson's demonstration: every number its plot and its claim need.

    ``extras`` and each run's ``extras`` hold, by kind:

    - graph: ``graph``, ``node_values``, ``gradient`` (reverse mode), ``forward_gradient``,
      ``counts`` (:func:`core.expressions.operation_counts`), ``reverse_trace``,
      ``forward_trace`` (with respect to ``wrt``), ``wrt``.
    - step: ``trace`` (the operations), ``updated`` (the network after the step), ``new_values``
      ({trace key: value} of every updated weight).
    - compare and every training kind, per run: ``saturation_start``/``saturation_end``
      (fraction of saturated units in every layer, the output layer included).
    - surface: ``keys``, ``xs``, ``ys``, ``loss`` (len(ys) × len(xs), the loss with the two
      weights at (x, y) and every other parameter at its initial value); per run ``path``
      (epochs + 1, 2).
    - gradients, per run: ``grad_norm`` (epochs + 1, layers: ‖∂L/∂W‖ of each layer, epoch 0
      first), ``delta_rms_start`` (root-mean-square δ of each layer before training).
    - herd, per run: ``spread`` and ``similarity`` per epoch (largest distance between, and mean
      cosine similarity of, the first hidden layer's units, each unit taken as its incoming
      weights, bias and outgoing weights), ``similarity_matrix`` after training.
    - collapse: ``matrices``, ``biases`` (of each layer), ``product`` (the one matrix),
      ``product_bias``, ``single`` (the one-layer network), ``deep_predictions`` and
      ``single_predictions`` on the training inputs and a grid.
    - regions, per run: ``xs``, ``ys``, ``output`` (the first output unit on the grid),
      ``lines`` (units × 3: w₁, w₂, b of each first-layer unit), ``segments`` (units × 2 × 2, NaN
      when the line misses the plot), ``cell`` (grid mask of the region the lines enclose around
      the class-1 points).
    - recipe: ``steps`` (five dicts: step, title, app, value), ``pytorch`` and ``keras`` (the
      model as the recipe starts it, with the training data), ``trained_pytorch`` (after).
    - collapse also keeps ``inputs``, the rows the two predictions were made on.
    """
    started = time.perf_counter()
    runner = _RUNNERS[lesson.kind]
    result = runner(lesson)
    result.seconds = time.perf_counter() - started
    return result


# -- the runners ------------------------------------------------------------------------------


def _run_graph(lesson: Lesson) -> LessonResult:
    p = lesson.params
    graph = expressions.parse(p["expression"])
    values, wrt = p["values"], p["wrt"]
    node_values = expressions.forward_values(graph, values)
    value, gradient = expressions.differentiate(graph, values, "reverse")
    _, forward = expressions.forward_gradient(graph, values)
    counts = expressions.operation_counts(graph)
    extras = {
        "graph": graph,
        "node_values": node_values,
        "gradient": gradient,
        "forward_gradient": forward,
        "counts": counts,
        "reverse_trace": expressions.trace(graph, values, "reverse"),
        "forward_trace": expressions.trace(graph, values, "forward", wrt),
        "wrt": wrt,
    }
    measures = {
        "value": value,
        "derivative": gradient[wrt],
        "inputs": counts["inputs"],
        "forward_passes": counts["forward_mode"]["passes"],
        "reverse_passes": counts["reverse_mode"]["passes"],
        "forward_derivative_ops": counts["forward_mode"]["derivative_ops"],
        "reverse_derivative_ops": counts["reverse_mode"]["derivative_ops"],
        "largest_mode_difference": max(abs(gradient[v] - forward[v]) for v in graph.variables),
    }
    return LessonResult(lesson, [], None, None, extras, measures)


def _run_step(lesson: Lesson) -> LessonResult:
    net = lesson_network(lesson).network
    x, y = net.sample_x.copy(), net.sample_y.copy()
    stepper = Stepper(net)
    trace = stepper.trace
    before = net.loss_value(x, y)
    stepper.next_sample()  # commits the updates of the whole trace
    after = stepper.network.loss_value(x, y)
    new_values = {op.key: op.value for op in trace if op.phase == "update"}
    extras = {"trace": trace, "updated": stepper.network, "new_values": new_values}
    measures = {"loss_before": before, "loss_after": after, "operations": len(trace)}
    return LessonResult(lesson, [], None, None, extras, measures)


def _train(
    lesson: Lesson, k: int, train: Dataset, test: Dataset, record: bool = False
) -> RunResult:
    """Train run ``k`` from its initial weights; with ``record``, keep every epoch's weights."""
    net = lesson_network(lesson, k).network
    config = train_config(lesson, k)
    initial = net.copy()
    trainer = Trainer(net, train.X, train.Y, test.X, test.Y, config)
    start = trainer.evaluate()
    weights = [[p.copy() for p in net.parameters()]] if record else []

    def keep(_record: EpochRecord) -> None:
        weights.append([p.copy() for p in net.parameters()])

    trainer.train(callback=keep if record else None)
    result = RunResult(
        lesson.runs[k].label,
        run_settings(lesson, k),
        initial,
        net,
        config,
        start,
        trainer.history,
        trainer.status,
        trainer.diverged_epoch,
        trainer.message,
        weights,
    )
    _, losses = result.curve("train_loss")
    finite = losses[np.isfinite(losses)]
    result.measures.update(
        {
            "initial_loss": float(losses[0]),
            "final_loss": float(losses[-1]),
            "lowest_loss": float(finite.min()) if len(finite) else math.nan,
            "loss_rises": int(np.count_nonzero(np.diff(finite) > 0)),
            "epochs": len(trainer.history),
            "diverged": float(trainer.status == "diverged"),
        }
    )
    if trainer.history.classification:
        result.measures["final_accuracy"] = float(result.curve("train_accuracy")[1][-1])
        if len(test):
            result.measures["test_accuracy"] = float(result.curve("test_accuracy")[1][-1])
    with np.errstate(all="ignore"):
        result.extras["saturation_start"] = saturation(initial, train.X)
        result.extras["saturation_end"] = saturation(net, train.X)
    return result


def _train_all(lesson: Lesson, record: bool = False) -> LessonResult:
    train, test = lesson_data(lesson)
    runs = [_train(lesson, k, train, test, record) for k in range(len(lesson.runs))]
    return LessonResult(lesson, runs, train, test, {}, {})


def _run_compare(lesson: Lesson) -> LessonResult:
    return _train_all(lesson)


def _run_surface(lesson: Lesson) -> LessonResult:
    result = _train_all(lesson, record=True)
    keys = list(lesson.params["weights"])
    slots = [_weight_slot(key) for key in keys]
    others_moved = 0.0
    for run in result.runs:
        run.extras["path"] = np.array([[ws[s][j, i] for s, j, i in slots] for ws in run.weights])
        # Zero the two plotted weights' changes: what is left moved off the slice.
        for ws in run.weights[1:]:
            moved = [np.abs(p - p0) for p, p0 in zip(ws, run.weights[0])]
            for s, j, i in slots:
                moved[s][j, i] = 0.0
            others_moved = max(others_moved, *(float(np.max(m)) for m in moved))
    paths = np.concatenate([r.extras["path"] for r in result.runs])
    paths = paths[np.isfinite(paths).all(axis=1)]
    if "extent" in lesson.params:
        (x0, x1), (y0, y1) = lesson.params["extent"]
    else:
        lo, hi = paths.min(axis=0), paths.max(axis=0)
        pad = np.maximum(0.25 * (hi - lo), 0.5)
        (x0, y0), (x1, y1) = lo - pad, hi + pad
    n = lesson.params.get("resolution", 41)
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    base = result.runs[0]
    Z = loss_surface(base.initial, result.train.X, result.train.Y, keys, xs, ys, base.config.l2)
    inside = bool(
        np.all(
            (paths[:, 0] >= x0) & (paths[:, 0] <= x1) & (paths[:, 1] >= y0) & (paths[:, 1] <= y1)
        )
    )
    result.extras.update({"keys": keys, "xs": xs, "ys": ys, "loss": Z})
    result.measures.update({"other_parameters_moved": others_moved, "paths_inside": float(inside)})
    return result


def _run_gradients(lesson: Lesson) -> LessonResult:
    result = _train_all(lesson)
    for run in result.runs:
        norms = np.array([run.start.grad_norm] + list(run.history.grad_norm), dtype=float)
        run.extras["grad_norm"] = norms
        net = run.initial
        zs, us = net.forward(result.train.X)
        deltas = net.deltas(result.train.Y, zs, us)
        run.extras["delta_rms_start"] = np.array(
            [math.sqrt(float(np.mean(d * d))) for d in deltas[1:]]
        )
        run.measures["last_to_first_gradient"] = float(norms[0, -1] / norms[0, 0])
    return result


def _run_herd(lesson: Lesson) -> LessonResult:
    result = _train_all(lesson, record=True)
    for run in result.runs:
        spread, similarity = [], []
        for ws in run.weights:
            V = _unit_vectors(ws)
            spread.append(_largest_distance(V))
            similarity.append(_mean_cosine(V))
        run.extras["spread"] = np.array(spread)
        run.extras["similarity"] = np.array(similarity)
        run.extras["similarity_matrix"] = _cosines(_unit_vectors(run.weights[-1]))
        run.measures["final_spread"] = spread[-1]
        run.measures["final_similarity"] = similarity[-1]
    return result


def _run_collapse(lesson: Lesson) -> LessonResult:
    result = _train_all(lesson)
    net = result.runs[0].network
    W, b = collapse(net)
    single = Network(
        net.inputs,
        [Layer(net.layers[-1].activation, W, b)],
        net.loss,
        name=f"{net.name} as one layer",
    )
    xs = ys = np.linspace(-EXTENT, EXTENT, 41)
    grid = np.column_stack([g.ravel() for g in np.meshgrid(xs, ys)])
    X = np.concatenate([result.train.X, grid])
    deep, one = net.predict(X), single.predict(X)
    result.extras.update(
        {
            "matrices": [la.W.copy() for la in net.layers],
            "biases": [la.b.copy() for la in net.layers],
            "product": W,
            "product_bias": b,
            "single": single,
            "inputs": X,
            "deep_predictions": deep,
            "single_predictions": one,
        }
    )
    result.measures["largest_difference"] = float(np.max(np.abs(deep - one)))
    return result


def _run_regions(lesson: Lesson) -> LessonResult:
    result = _train_all(lesson)
    resolution = lesson.params.get("resolution", 81)
    if "extent" in lesson.params:
        (x0, x1), (y0, y1) = lesson.params["extent"]
    else:
        x0 = y0 = -EXTENT
        x1 = y1 = EXTENT
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    X, Y = result.train.X, result.train.Y
    for run in result.runs:
        net = run.network
        _, _, U = decision_grid(net, xs, ys)
        lines = unit_lines(net)
        cell, bounded, inside = enclosed_cell(lines, xs, ys, X[Y[:, 0] > 0.5])
        run.extras.update(
            {
                "xs": xs,
                "ys": ys,
                "output": U,
                "lines": lines,
                "segments": line_segments(lines, (x0, x1, y0, y1)),
                "cell": cell,
            }
        )
        run.measures.update(
            {"lines": len(lines), "cell_bounded": float(bounded), "class1_inside_cell": inside}
        )
    return result


def _run_recipe(lesson: Lesson) -> LessonResult:
    result = _train_all(lesson)
    run = result.runs[0]
    net, initial = run.network, run.initial
    training = {
        "epochs": run.config.epochs,
        "batch_size": run.config.batch_size,
        "l2": run.config.l2,
    }
    data = (result.train.X, result.train.Y)
    acts = ", ".join(la.activation.name for la in net.layers)
    if "test_accuracy" in run.measures:
        evaluation = (
            f"test loss {run.curve('test_loss')[1][-1]:.3f}, "
            f"test accuracy {run.measures['test_accuracy']:.1%}"
        )
    else:
        evaluation = f"training loss {run.measures['final_loss']:.3f}"
    values = [
        f"{'-'.join(str(n) for n in net.sizes)} units; {acts}",
        f"{net.optimizer.name}, learning rate {net.optimizer.learning_rate:g}",
        f"{net.loss.name}",
        f"{run.config.epochs} epochs, batches of {run.config.batch_size}, "
        f"{len(result.train)} training samples",
        evaluation,
    ]
    steps = [
        {"step": k + 1, "title": s["title"], "app": s["app"], "value": v}
        for k, (s, v) in enumerate(zip(lesson.params.get("steps", _DEFAULT_STEPS), values))
    ]
    result.extras.update(
        {
            "steps": steps,
            # The export is of the model as the recipe starts it: fitting it reproduces step 4.
            "pytorch": pytorch_code(initial, training, data),
            "keras": keras_code(initial, training, data),
            "trained_pytorch": pytorch_code(net, training),
        }
    )
    return result


_DEFAULT_STEPS = [
    {"title": t, "app": ""}
    for t in (
        "Describe the model architecture",
        "Select the optimizer",
        "Select the loss function and compile",
        "Fit the model",
        "Test and use the model",
    )
]

_RUNNERS = {
    "graph": _run_graph,
    "step": _run_step,
    "compare": _run_compare,
    "surface": _run_surface,
    "gradients": _run_gradients,
    "herd": _run_herd,
    "collapse": _run_collapse,
    "regions": _run_regions,
    "recipe": _run_recipe,
}


# -- the arrays behind the plots --------------------------------------------------------------


def saturation(network: Network, X: Array) -> Array:
    """Fraction of (sample, unit) pairs of every layer, output included, whose slope g′(z) is
    below 10% of the activation's largest: the units on the flat part of their curve."""
    zs, _ = network.forward(X)
    out = []
    for layer, z in zip(network.layers, zs[1:]):
        g = layer.activation
        out.append(float(np.mean(g.slope(z) < 0.1 * g.max_slope)))
    return np.array(out)


def _weight_slot(key: str) -> tuple[int, int, int]:
    """(index in ``parameters()``, j, i) of the weight with trace key ``w:l:j:i``."""
    l, j, i = (int(v) for v in _WEIGHT_KEY.fullmatch(key).groups())
    return 2 * (l - 1), j, i


def loss_surface(
    network: Network, X: Array, Y: Array, keys: list[str], xs: Array, ys: Array, l2: float = 0.0
) -> Array:
    """The training loss (with its L2 penalty) when the two weights ``keys`` are set to each
    (x, y) of the grid and every other parameter keeps its value; shape (len(ys), len(xs))."""
    net = network.copy()
    (s1, j1, i1), (s2, j2, i2) = (_weight_slot(k) for k in keys)
    params = net.parameters()
    Z = np.empty((len(ys), len(xs)))
    with np.errstate(all="ignore"):
        for r, y in enumerate(ys):
            for c, x in enumerate(xs):
                params[s1][j1, i1] = x
                params[s2][j2, i2] = y
                penalty = 0.5 * l2 * sum(float(np.sum(la.W**2)) for la in net.layers)
                Z[r, c] = net.loss_value(X, Y) + penalty
    return Z


def _unit_vectors(params: list[Array]) -> Array:
    """Each first-layer hidden unit as one row: its incoming weights, bias and outgoing weights."""
    W1, b1, W2 = params[0], params[1], params[2]
    return np.column_stack([W1, b1, W2.T])


def _largest_distance(V: Array) -> float:
    diff = V[:, None, :] - V[None, :, :]
    return float(np.sqrt(np.max(np.sum(diff * diff, axis=-1))))


def _cosines(V: Array) -> Array:
    norms = np.linalg.norm(V, axis=1)
    norms[norms == 0] = 1.0
    U = V / norms[:, None]
    return U @ U.T


def _mean_cosine(V: Array) -> float:
    C = _cosines(V)
    n = len(C)
    return float((C.sum() - np.trace(C)) / (n * (n - 1)))


def collapse(network: Network) -> tuple[Array, Array]:
    """The one weight matrix and bias that the linear layers before the output layer, and the
    output layer's own z, amount to: z^{(L)} = W x + b with W = W^{(L)}…W^{(1)}."""
    W = np.eye(network.inputs)
    b = np.zeros(network.inputs)
    for layer in network.layers:
        W = layer.W @ W
        b = layer.W @ b + layer.b
    return W, b


def decision_grid(network: Network, xs: Array, ys: Array) -> tuple[Array, Array, Array]:
    """The first output unit over the grid xs × ys: (xs, ys, U) with U of shape (len(ys),
    len(xs))."""
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        U = network.predict(np.column_stack([gx.ravel(), gy.ravel()]))[:, 0]
    return xs, ys, U.reshape(gx.shape)


def unit_lines(network: Network) -> Array:
    """(w₁, w₂, b) of every unit of the first layer: its line w₁x₁ + w₂x₂ + b = 0."""
    layer = network.layers[0]
    return np.column_stack([layer.W, layer.b])


def line_segments(lines: Array, extent: tuple[float, float, float, float]) -> Array:
    """The part of each line w₁x + w₂y + b = 0 inside the box (x0, x1, y0, y1): units × 2 × 2
    end points, NaN where the line misses the box."""
    x0, x1, y0, y1 = extent
    out = np.full((len(lines), 2, 2), np.nan)
    for k, (a, c, b) in enumerate(lines):
        points = []
        if c != 0:
            for x in (x0, x1):
                y = -(a * x + b) / c
                if y0 <= y <= y1:
                    points.append((x, y))
        if a != 0:
            for y in (y0, y1):
                x = -(c * y + b) / a
                if x0 <= x <= x1:
                    points.append((x, y))
        unique = []
        for p in points:
            if all(abs(p[0] - q[0]) + abs(p[1] - q[1]) > 1e-12 for q in unique):
                unique.append(p)
        if len(unique) >= 2:
            out[k] = unique[:2]
    return out


def enclosed_cell(lines: Array, xs: Array, ys: Array, points: Array) -> tuple[Array, bool, float]:
    """The region cut out by the lines around ``points`` (their mean picks it).

    Every line splits the plane in two; the region is the set of grid points on the same side of
    every line as the mean of ``points``. Returns the grid mask, whether the region stays away
    from the edge of the grid (the lines enclose it), and the fraction of ``points`` inside it.
    """
    if len(points) == 0:
        return np.zeros((len(ys), len(xs)), dtype=bool), False, math.nan
    centre = points.mean(axis=0)
    side = np.sign(lines[:, :2] @ centre + lines[:, 2])
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    cell = np.all(np.sign(grid @ lines[:, :2].T + lines[:, 2]) == side, axis=1)
    cell = cell.reshape(gx.shape)
    bounded = bool(
        cell.any()
        and not (cell[0].any() or cell[-1].any() or cell[:, 0].any() or cell[:, -1].any())
    )
    inside = np.all(np.sign(points @ lines[:, :2].T + lines[:, 2]) == side, axis=1)
    return cell, bounded, float(np.mean(inside))
