"""Reading the ``controls`` block of a lesson file (see :mod:`core.lessons.controls`)."""

from __future__ import annotations

from typing import Any

from core import expressions
from core.datasets import DATASETS
from core.fields import FieldError, required
from core.lessons.controls import OTHER_TARGETS, RUN_TARGETS, VALUE_PREFIX, Control, default_label
from core.lessons.files import _ID, Lesson
from core.lessons.schema import (
    _choice,
    _describe,
    _int,
    _number,
    _object,
    _settings,
    _string,
)

MAX_CONTROLS = 4
MAX_VALUES = 12


def parse_controls(raw: Any, lesson: Lesson) -> tuple[Control, ...]:
    if not isinstance(raw, list):
        raise FieldError("controls", f"expected a list of controls, got {_describe(raw)}")
    if len(raw) > MAX_CONTROLS:
        raise FieldError("controls", f"{len(raw)} controls; keep to {MAX_CONTROLS}")
    out: list[Control] = []
    for k, item in enumerate(raw):
        where = f"controls[{k}]"
        data = _object(item, where, ("name", "label", "set", "runs", "scale", "values", "labels"))
        name = _string(required(data, "name", f"{where}.name"), f"{where}.name")
        if not _ID.fullmatch(name) or any(c.name == name for c in out):
            raise FieldError(f"{where}.name", f"{name!r} must be a new lower-case word")
        label = _string(required(data, "label", f"{where}.label"), f"{where}.label")
        target = _string(required(data, "set", f"{where}.set"), f"{where}.set")
        graph_vars = ()
        if lesson.kind == "graph":
            graph_vars = tuple(expressions.parse(lesson.params["expression"]).variables)
        known = RUN_TARGETS + OTHER_TARGETS + tuple(VALUE_PREFIX + v for v in graph_vars)
        if target not in known:
            raise FieldError(f"{where}.set", f"{target!r} is not one of: {', '.join(known)}")
        if target in RUN_TARGETS and lesson.network is None:
            raise FieldError(f"{where}.set", f"a {lesson.kind} lesson has no runs to change")
        if target.startswith("dataset.") and lesson.dataset is None:
            raise FieldError(f"{where}.set", "the lesson has no data set")
        runs = None
        if "runs" in data:
            if target not in RUN_TARGETS:
                raise FieldError(f"{where}.runs", f"{target!r} is not a setting of a run")
            if not isinstance(data["runs"], list) or not data["runs"]:
                raise FieldError(f"{where}.runs", "expected a non-empty list of run numbers")
            runs = tuple(_int(r, f"{where}.runs[{j}]", 0, len(lesson.runs) - 1)
                         for j, r in enumerate(data["runs"]))  # fmt: skip
        scale = None
        if "scale" in data:
            count = len(runs) if runs is not None else len(lesson.runs)
            if not isinstance(data["scale"], list) or len(data["scale"]) != count:
                raise FieldError(f"{where}.scale", f"expected {count} factors, one per run")
            scale = tuple(
                _number(f, f"{where}.scale[{j}]", 0.0) for j, f in enumerate(data["scale"])
            )
        values = required(data, "values", f"{where}.values")
        if not isinstance(values, list) or not values or len(values) > MAX_VALUES:
            raise FieldError(f"{where}.values", f"expected a list of 1 to {MAX_VALUES} values")
        for j, value in enumerate(values):
            _control_value(value, target, f"{where}.values[{j}]", graph_vars)
        labels = data.get("labels", [default_label(v) for v in values])
        if not isinstance(labels, list) or len(labels) != len(values):
            raise FieldError(f"{where}.labels", f"expected {len(values)} labels, one per value")
        labels = [_string(t, f"{where}.labels[{j}]") for j, t in enumerate(labels)]
        out.append(Control(name, label, target, tuple(values), tuple(labels), runs, scale))
    return tuple(out)


def _control_value(value: Any, target: str, where: str, graph_vars: tuple[str, ...]) -> None:
    if target in RUN_TARGETS:
        try:
            _settings({target: value}, "x", allow_label=False)
        except FieldError as exc:
            raise FieldError(where, str(exc).split(": ", 1)[-1]) from None
    elif target == "dataset.name":
        _choice(value, DATASETS, where)
    elif target == "dataset.noise":
        _number(value, where, 0.0, 1.0)
    elif target == "params.mode":
        _choice(value, ("reverse", "forward"), where)
    elif target == "params.wrt":
        if value not in graph_vars:
            raise FieldError(where, f"{value!r} is not a variable of the expression")
    else:
        _number(value, where)
