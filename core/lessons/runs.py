"""What a lesson's run is made of: its network, data set and training settings."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.datasets import Dataset
from core.lessons.controls import equal_update_epochs
from core.netfile import LoadedNetwork, loads_network
from core.project import make_split
from core.training import TrainConfig

if TYPE_CHECKING:
    from core.lessons.files import Lesson



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
    old = d.get("optimizer", {})
    if not isinstance(old, dict):
        pass  # not an object: left as it is, for loads_network to name the field
    elif "optimizer" in settings:
        new = dict(settings["optimizer"])
        new.setdefault("learning_rate", old.get("learning_rate", 0.1))
        d["optimizer"] = new
    if "learning_rate" in settings and isinstance(d.get("optimizer", {}), dict):
        d["optimizer"] = {**d.get("optimizer", {}), "learning_rate": settings["learning_rate"]}
    if "train_biases" in settings:
        d["train_biases"] = settings["train_biases"]
    d.pop("dataset", None)
    d.pop("training", None)
    return d


def build_run(lesson: Lesson, run: int, source: str) -> LoadedNetwork:
    settings = run_settings(lesson, run)
    d = _network_dict(lesson.network or {}, settings)
    loaded = loads_network(json.dumps(d), source=f"{source}: network")
    training = None
    if lesson.dataset is not None:
        batch = settings.get("batch_size", 10)
        if batch == "full":
            batch = _train_size(lesson)
        training = {
            "epochs": run_epochs(lesson, settings) or 1,
            "batch_size": batch,
            "l2": settings.get("l2", 0.0),
        }
        if settings.get("grad_noise", 0.0):
            training["grad_noise"] = settings["grad_noise"]
    return LoadedNetwork(loaded.network, dict(lesson.dataset) if lesson.dataset else None, training)


def run_epochs(lesson: Lesson, settings: dict[str, Any]) -> int:
    """The run's epochs; with ``params.updates``, as many as make that many weight updates."""
    updates = lesson.params.get("updates")
    if updates is None or lesson.dataset is None:
        return settings.get("epochs", 100)
    batch = settings.get("batch_size", 10)
    size = _train_size(lesson)
    return equal_update_epochs(updates, size, size if batch == "full" else batch)


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
    return build_run(lesson, run, Path(lesson.path).name or lesson.id)


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
        epochs=run_epochs(lesson, settings),
        batch_size=batch,
        l2=settings.get("l2", 0.0),
        seed=settings.get("seed", 0),
        shuffle=settings.get("shuffle", True),
        grad_noise=settings.get("grad_noise", 0.0),
    )
