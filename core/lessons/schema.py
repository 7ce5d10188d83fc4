"""The lesson file's schema: every field checked, every error a FieldError naming the field
(:func:`core.lessons.files.loads_lesson` turns it into a LessonFileError with the file name)."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

from core import expressions
from core.activations import ACTIVATIONS
from core.datasets import DATASETS, REGRESSION
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
    seed,
)
from core.lessons.controls import apply_controls
from core.lessons.files import (
    _ID,
    DATASET_KEYS,
    FOCUSES,
    FORMAT,
    KINDS,
    MAX_WORDS,
    PARAM_KEYS,
    SETTING_KEYS,
    TOP_KEYS,
    TRAINING_KINDS,
    VERSION,
    VIEWS,
    WEIGHT_KEY,
    Lesson,
    RunSpec,
)
from core.lessons.limits import MAX_RUNS, check_cost
from core.lessons.runs import build_run
from core.netfile import INIT_SCHEMES, NetworkFileError
from core.optimizers import DEFAULTS as OPTIMIZERS
from core.project import DATASET_DEFAULTS


def lesson_from_data(data: Any, source: str, path: str) -> Lesson:
    """The :class:`Lesson` of a parsed lesson file; FieldError for the first field that is wrong."""
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
    order = _order(required(data, "order"))
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
    if len(raw_runs) > MAX_RUNS:
        raise FieldError("runs", f"at most {MAX_RUNS} runs allowed, got {len(raw_runs)}")
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
    if "controls" in data:
        from core.lessons.control_files import parse_controls  # it uses this module's helpers

        lesson = dataclasses.replace(lesson, controls=parse_controls(data["controls"], lesson))
        for control in lesson.controls:
            for k in range(1, len(control.values)):
                try:
                    _check_lesson(apply_controls(lesson, {control.name: k}), source, controls=True)
                except FieldError as exc:
                    raise FieldError(f"controls.{control.name}.values[{k}]", str(exc)) from None
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
        out["seed"] = seed(data["seed"], "dataset.seed", shorten=_quote)
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
        elif key in ("l2", "grad_noise"):
            out[key] = _number(value, where, 0.0)
        elif key == "seed":
            out[key] = seed(value, where, shorten=_quote)
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
            if "seed" in init:
                seed(init["seed"], f"{where}.seed", shorten=_quote)
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
        params["mode"] = _choice(params.get("mode", "reverse"), ("reverse", "forward"),
                                 "params.mode")  # fmt: skip
    if kind == "surface":
        keys = required(params, "weights", "params.weights")
        if not isinstance(keys, list) or len(keys) != 2:
            raise FieldError("params.weights", 'expected two weight keys like "w:1:0:1"')
        for k, key in enumerate(keys):
            if not isinstance(key, str) or not WEIGHT_KEY.fullmatch(key):
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
    if "updates" in params:
        params["updates"] = _int(params["updates"], "params.updates", 1, 100_000)
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


def _check_lesson(lesson: Lesson, source: str, controls: bool = False) -> None:
    """Build every run's network once, so a bad override fails when the file is read."""
    if lesson.network is None:
        return
    nets = []
    for k in range(len(lesson.runs)):
        where = "network" if k == 0 else f"runs[{k}]"
        try:
            nets.append(build_run(lesson, k, source).network)
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
            l, j, i = (int(v) for v in WEIGHT_KEY.fullmatch(key).groups())
            if not (
                1 <= l <= len(net.layers)
                and j < net.layers[l - 1].units
                and i < net.layers[l - 1].inputs
            ):
                raise FieldError(f"params.weights[{k}]", f"the network has no weight {key}")
        if lesson.params["weights"][0] == lesson.params["weights"][1]:
            raise FieldError("params.weights", "name two different weights")
    if lesson.kind in TRAINING_KINDS:
        check_cost(lesson, nets)
    if lesson.kind == "herd" and (len(net.layers) < 2 or net.layers[0].units < 2):
        raise FieldError("network", "a herd lesson needs a hidden layer of at least two units")
    hidden_acts = {la.activation.name for la in net.layers[:-1]}
    if lesson.kind == "collapse" and not controls and hidden_acts - {"linear"}:
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


def _order(value: Any) -> int | float:
    """A lesson's place: a whole number of at least 1, or a number with one decimal place
    (2.5 puts a lesson between lessons 2 and 3 without renumbering the lessons after it)."""
    if isinstance(value, float) and value >= 1 and value != int(value):
        if round(value, 1) != value:
            raise FieldError("order", f"at most one decimal place (2.5 puts a lesson between 2 "
                                      f"and 3), got {value!r}")
        return value
    return _int(value, "order", 1)


def order_label(order: int | float, width: int = 0) -> str:
    """A lesson's number as menus print it: "2", "2.5"; ``width`` pads the whole part: "02"."""
    whole = int(order)
    text = f"{whole:0{width}d}" if width else str(whole)
    return text if order == whole else f"{text}.{round((order - whole) * 10)}"


def _int(value: Any, path: str, low: int, high: int | None = None) -> int:
    wording = f"a whole number of at least {low}"
    return integer(value, path, low, high, wording=wording, shorten=_quote)


def _number(value: Any, path: str, low: float | None = None, high: float | None = None) -> float:
    return number(value, path, low, high, shorten=_quote)
