"""A lesson's figures for a run trained live: what the lesson's own figure needs, computed from
the state of the trainer that trains the run (the Training tab's), so that "Train it live" can
draw the live run over the lesson's precomputed ones, epoch by epoch.

The live state is two things any trainer can give: its history as column arrays (``epoch``,
``train_loss``, …, ``grad_norm``, epoch 0 first, as :meth:`core.history.History.arrays` has
them) and the parameters it recorded after some epochs (a :class:`core.timeline.Timeline`
keeps every one of the first hundred). :func:`live_run` turns them into a
:class:`core.lessons.demos.RunResult` with the same extras and measures the lesson's
demonstration computes for its runs, with the same functions (the path over the loss surface
from :func:`core.lessons.geometry.weight_slot`, the herd's similarity from
:func:`core.lessons.geometry.mean_cosine`, the regions from
:func:`core.lessons.demos.region_extras`, …): a live run trained with the lesson's settings ends
with the numbers the lesson shows for that run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.history import COLUMNS, History
from core.lessons.controls import run_label
from core.lessons.demos import (
    LessonResult,
    RunResult,
    collapse_extras,
    loss_measures,
    region_extras,
    turns,
)
from core.lessons.geometry import (
    cosines,
    largest_distance,
    mean_cosine,
    saturation,
    unit_vectors,
    weight_slot,
)
from core.lessons.runs import lesson_network, run_settings, train_config
from core.network import Network
from core.training import EpochRecord

Array = np.ndarray

LIVE_LABEL = "live"


@dataclass(frozen=True)
class LiveState:
    """What a trainer has done so far.

    Attributes
    ----------
    arrays : the history columns (see :data:`core.history.COLUMNS`), one row per epoch trained,
        epoch 0 (the untrained network) first.
    weights : (epoch, parameters in ``network.parameters()`` order) recorded, oldest first;
        epoch 0 and the newest epoch at least.
    status, message : the trainer's ("ok" or "diverged", and its sentence).
    classification : whether accuracy is measured.
    """

    arrays: dict[str, Array]
    weights: tuple[tuple[int, tuple[Array, ...]], ...]
    status: str = "ok"
    message: str = ""
    classification: bool = True

    @property
    def epoch(self) -> int:
        """The newest epoch the state knows."""
        return int(self.arrays["epoch"][-1]) if len(self.arrays["epoch"]) else 0


def state_from_trainer(trainer, arrays: dict[str, Array] | None = None) -> LiveState:
    """The live state of a :class:`core.training.Trainer` whose ``history`` starts at epoch 0
    (or, with ``arrays``, whose history is kept elsewhere) and whose ``timeline`` records its
    parameters (without one, only the newest parameters are known)."""
    if arrays is None:
        arrays = trainer.history.arrays()
    timeline = getattr(trainer, "timeline", None)
    weights = []
    if timeline:
        newest = int(arrays["epoch"][-1]) if len(arrays["epoch"]) else trainer.epoch
        for epoch in timeline.epochs():
            if epoch <= newest:
                weights.append((epoch, timeline.at(epoch).parameters))
    if not weights or weights[-1][0] != trainer.epoch:
        weights.append((trainer.epoch, tuple(p.copy() for p in trainer.network.parameters())))
    return LiveState(arrays, tuple(weights), trainer.status, trainer.message,
                     trainer.history.classification)  # fmt: skip


def up_to(state: LiveState, epoch: int) -> LiveState:
    """``state`` as it was after ``epoch`` epochs (rows and weights after it left out; the
    network is the one recorded last at or before ``epoch``, which is ``epoch`` itself wherever
    every epoch was recorded)."""
    epochs = state.arrays["epoch"]
    if not len(epochs) or epoch >= epochs[-1]:
        return state
    keep = epochs <= epoch
    weights = tuple(w for w in state.weights if w[0] <= epoch) or state.weights[:1]
    return replace(state, arrays={k: v[keep] for k, v in state.arrays.items()}, weights=weights,
                   status="ok", message="")  # fmt: skip


def _record(arrays: dict[str, Array], row: int) -> EpochRecord:
    accuracy = [float(arrays[k][row]) for k in ("train_accuracy", "test_accuracy")]
    return EpochRecord(
        int(arrays["epoch"][row]), float(arrays["train_loss"][row]),
        float(arrays["test_loss"][row]),
        None if math.isnan(accuracy[0]) else accuracy[0],
        None if math.isnan(accuracy[1]) else accuracy[1],
        tuple(float(v) for v in arrays["grad_norm"][row]),
        tuple(float(v) for v in arrays["saturation"][row]),
    )  # fmt: skip


def _history(arrays: dict[str, Array], classification: bool) -> History:
    """Rows 1… of ``arrays`` as a History (row 0 is the untrained network's record)."""
    layers = arrays["grad_norm"].shape[1]
    history = History(layers, classification)
    for name in COLUMNS:
        column = arrays[name][1:]
        if name == "epoch":
            values = [int(v) for v in column]
        elif column.ndim == 2:
            values = [tuple(float(v) for v in row) for row in column]
        else:
            values = [float(v) for v in column]
        setattr(history, name, values)
    return history


def _network(template: Network, parameters: Sequence[Array]) -> Network:
    net = template.copy()
    for p, value in zip(net.parameters(), parameters):
        np.copyto(p, value)
    return net


def live_run(result: LessonResult, run: int, state: LiveState) -> RunResult:
    """The live run of run ``run`` of the lesson computed in ``result``, as far as ``state``
    goes: a RunResult labelled ``live · <the run's label>`` with the extras and measures the
    lesson's figures draw (see :func:`core.lessons.demos.run_lesson`)."""
    lesson = result.lesson
    template = lesson_network(lesson, run).network
    start_weights, newest = state.weights[0][1], state.weights[-1][1]
    initial, net = _network(template, start_weights), _network(template, newest)
    settings = run_settings(lesson, run)
    config = train_config(lesson, run)
    arrays = state.arrays
    diverged = state.status == "diverged"
    label = run_label(lesson.runs[run].label, {**settings, "epochs": config.epochs})
    out = RunResult(
        f"{LIVE_LABEL} · {label}", settings, initial, net, config, _record(arrays, 0),
        _history(arrays, state.classification), state.status,
        state.epoch if diverged else None, state.message,
        [list(parameters) for _, parameters in state.weights],
    )  # fmt: skip
    out.extras["epochs"] = np.array([epoch for epoch, _ in state.weights], dtype=float)
    train, test = result.train, result.test
    size = len(train)
    out.extras["updates_per_epoch"] = math.ceil(size / max(1, min(config.batch_size, size)))
    loss_measures(out, test is not None and len(test) > 0)
    with np.errstate(all="ignore"):
        out.extras["saturation_start"] = saturation(initial, train.X)
        out.extras["saturation_end"] = saturation(net, train.X)
    kind = lesson.kind
    if kind == "surface":
        slots = [weight_slot(key) for key in result.extras["keys"]]
        out.extras["path"] = np.array([[ws[s][j, i] for s, j, i in slots] for ws in out.weights])
        out.measures["turns"] = turns(out.extras["path"])
    elif kind == "gradients":
        norms = np.asarray(arrays["grad_norm"], dtype=float)
        out.extras["grad_norm"] = norms
        out.measures["last_to_first_gradient"] = float(norms[0, -1] / norms[0, 0])
        with np.errstate(all="ignore"):
            ratios = norms[1:, -1] / norms[1:, 0]
        ratios = ratios[np.isfinite(ratios)]
        out.measures["smallest_gap_in_training"] = float(ratios.min()) if len(ratios) else math.nan
        out.measures["gap_now"] = float(norms[-1, -1] / norms[-1, 0]) if norms[-1, 0] else math.nan
    elif kind == "herd":
        _herd_extras(out)
    elif kind == "regions":
        precomputed = result.runs[run].extras
        with np.errstate(all="ignore"):
            region_extras(out, train, precomputed["xs"], precomputed["ys"])
    return out


def _herd_extras(out: RunResult) -> None:
    vectors = [unit_vectors(ws) for ws in out.weights]
    similarity = np.array([mean_cosine(V) for V in vectors])
    out.extras["spread"] = np.array([largest_distance(V) for V in vectors])
    out.extras["similarity"] = similarity
    out.extras["moves"] = np.array([mean_cosine(b - a) for a, b in zip(vectors, vectors[1:])])
    out.extras["similarity_matrix"] = cosines(vectors[-1])
    out.measures["lowest_similarity"] = float(np.min(similarity))
    out.measures["final_similarity"] = float(similarity[-1])
    out.measures["final_spread"] = float(out.extras["spread"][-1])


def with_live(result: LessonResult, run: int, live: RunResult) -> LessonResult:
    """``result`` with run ``run`` replaced by ``live`` (for figures that show one run's
    network, such as a lesson's decision boundaries and matrices), and for a lesson of linear
    units the lesson-wide extras of the live network."""
    runs = list(result.runs)
    runs[run] = live
    extras, measures = dict(result.extras), dict(result.measures)
    if result.lesson.kind == "collapse":
        extras.update(collapse_extras(live.network, result.train.X))
        measures["largest_difference"] = extras.pop("largest_difference")
    return replace(result, runs=runs, extras=extras, measures=measures)
