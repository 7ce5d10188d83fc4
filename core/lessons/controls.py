"""A lesson's own controls: the settings its "Try this" asks a student to change.

A lesson file may list them under ``controls``; each offers a few values of one setting::

    "controls": [
      {"name": "rate", "label": "Learning rate", "set": "learning_rate", "runs": [0, 1],
       "scale": [1, 0.1], "values": [0.1, 0.2, 0.21]},
      {"name": "start", "label": "Second run starts", "set": "init", "runs": [1],
       "values": [{"scheme": "uniform", "scale": 0.1, "seed": 0},
                  {"scheme": "constant", "scale": 0.5}],
       "labels": ["small random weights", "every weight 0.5"]}
    ]

``set`` names what the control changes: a run setting (``learning_rate``, ``optimizer``,
``batch_size``, ``epochs``, ``l2``, ``activation``, ``init``, ``hidden``, ``grad_noise``: σ of
the Gaussian noise added to every step's gradient) of the runs listed in
``runs`` (default: every run), with each numeric value multiplied by that run's ``scale``; or
``dataset.name`` / ``dataset.noise``; or ``params.mode`` (reverse or forward),
``params.wrt`` or ``params.values.NAME`` of a graph lesson. The first value is the lesson's
own (what it shows when opened); ``labels`` name the values in the app (default: the values
themselves).

:func:`apply_controls` gives the lesson with some controls moved, as a new :class:`Lesson`
that :func:`core.lessons.run_lesson` computes like any other. A run's label may name its
settings in braces, ``"SGD, η = {learning_rate}"``, and shows the values it runs with.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.lessons.files import Lesson

RUN_TARGETS = (
    "learning_rate", "optimizer", "batch_size", "epochs", "l2", "activation", "init", "hidden",
    "grad_noise",
)  # fmt: skip
OTHER_TARGETS = ("dataset.name", "dataset.noise", "params.wrt", "params.mode")
VALUE_PREFIX = "params.values."
NAMES = {"sgd": "SGD", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}
LABEL_KEYS = (
    "learning_rate", "optimizer", "batch_size", "epochs", "l2", "activation", "hidden",
    "grad_noise",
)  # fmt: skip


@dataclass(frozen=True)
class Control:
    """One control: ``values`` of the setting ``target`` (see the module docstring)."""

    name: str
    label: str
    target: str
    values: tuple[Any, ...]
    labels: tuple[str, ...]
    runs: tuple[int, ...] | None = None
    scale: tuple[float, ...] | None = None

    def value_for(self, index: int, position: int) -> Any:
        """Value ``index`` as the ``position``-th run of ``runs`` gets it (scaled)."""
        value = self.values[index]
        if self.scale is not None and isinstance(value, (int, float)):
            factor = self.scale[position]
            value = value * factor
            if isinstance(self.values[index], int) and float(value).is_integer():
                value = int(value)
        return value


def default_label(value: Any) -> str:
    """How a value is named when the file gives no label."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return str(value.get("name") or value.get("scheme") or value)
    if isinstance(value, list):
        return "-".join(str(v) for v in value) if value else "none"
    return str(value)


def run_label(label: str, settings: dict[str, Any]) -> str:
    """``label`` with ``{learning_rate}`` and the like filled in from ``settings``."""
    if "{" not in label:
        return label
    names = {}
    for key in LABEL_KEYS:
        value = settings.get(key)
        if key == "optimizer" and isinstance(value, dict):
            value = NAMES.get(value.get("name", ""), value.get("name", ""))
        names[key] = "" if value is None else default_label(value)
    init = settings.get("init")
    if isinstance(init, dict):
        scale = init.get("scale")
        if init.get("scheme") == "constant":
            names["init"] = f"every weight {default_label(scale)}"
        elif init.get("scheme") == "normal" and scale is not None:
            names["init"] = default_label(float(scale))
        else:
            names["init"] = "small random weights"
    try:
        return label.format_map(names)
    except (KeyError, ValueError, IndexError):
        return label


def apply_controls(lesson: Lesson, choices: dict[str, int]) -> Lesson:
    """``lesson`` with control ``name`` set to its value ``choices[name]`` (an index); controls
    not named keep their first value, which is the lesson's own. Raises KeyError for an unknown
    control and IndexError for an index out of range."""
    by_name = {c.name: c for c in lesson.controls}
    for name, index in choices.items():
        if name not in by_name:
            raise KeyError(f"lesson {lesson.id!r} has no control {name!r}")
        if not 0 <= index < len(by_name[name].values):
            raise IndexError(f"control {name!r} has {len(by_name[name].values)} values")
    runs = [dict(spec.settings) for spec in lesson.runs]
    dataset = dict(lesson.dataset) if lesson.dataset is not None else None
    params = dict(lesson.params)
    for control in lesson.controls:
        index = choices.get(control.name, 0)
        target = control.target
        if target in RUN_TARGETS:
            chosen = control.runs if control.runs is not None else tuple(range(len(runs)))
            for position, k in enumerate(chosen):
                value = control.value_for(index, position)
                if target == "optimizer" and isinstance(value, str):
                    value = {"name": value}
                runs[k][target] = value
        elif target.startswith("dataset."):
            dataset[target.removeprefix("dataset.")] = control.values[index]
        elif target in ("params.wrt", "params.mode"):
            params[target.removeprefix("params.")] = control.values[index]
        elif target.startswith(VALUE_PREFIX):
            params["values"] = {**params["values"], target.removeprefix(VALUE_PREFIX):
                                float(control.values[index])}  # fmt: skip
    specs = tuple(dataclasses.replace(spec, settings=s) for spec, s in zip(lesson.runs, runs))
    return dataclasses.replace(lesson, runs=specs, dataset=dataset, params=params)


def equal_update_epochs(updates: int, train_size: int, batch_size: int) -> int:
    """Epochs that make ``updates`` minibatch steps with batches of ``batch_size``."""
    per_epoch = math.ceil(train_size / max(1, min(batch_size, train_size)))
    return max(1, math.ceil(updates / per_epoch))
