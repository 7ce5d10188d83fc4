"""The demonstrations: :func:`run_lesson` and one function per kind of lesson."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core import expressions
from core.codegen import keras_code, pytorch_code
from core.datasets import Dataset
from core.lessons.controls import run_label
from core.lessons.files import EXTENT, Lesson
from core.lessons.geometry import (
    collapse,
    cosines,
    decision_grid,
    enclosed_cell,
    largest_distance,
    line_segments,
    loss_surface,
    mean_cosine,
    saturation,
    unit_lines,
    unit_vectors,
    weight_slot,
)
from core.lessons.runs import lesson_data, lesson_network, run_settings, train_config
from core.network import Layer, Network
from core.stepper import Stepper
from core.training import EpochRecord, History, TrainConfig, Trainer

Array = np.ndarray


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
        run_label(lesson.runs[k].label, {**run_settings(lesson, k), "epochs": config.epochs}),
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
    per_epoch = math.ceil(len(train) / max(1, min(config.batch_size, len(train))))
    result.extras["updates_per_epoch"] = per_epoch
    loss_measures(result, len(test) > 0)
    with np.errstate(all="ignore"):
        result.extras["saturation_start"] = saturation(initial, train.X)
        result.extras["saturation_end"] = saturation(net, train.X)
    return result


def loss_measures(result: RunResult, tested: bool) -> None:
    """The run's loss and accuracy numbers, from its history."""
    _, losses = result.curve("train_loss")
    finite = losses[np.isfinite(losses)]
    result.measures.update(
        {
            "initial_loss": float(losses[0]),
            "final_loss": float(losses[-1]),
            "lowest_loss": float(finite.min()) if len(finite) else math.nan,
            "loss_rises": int(np.count_nonzero(np.diff(finite) > 0)),
            "epochs": len(result.history),
            "updates": len(result.history) * result.extras["updates_per_epoch"],
            "diverged": float(result.status == "diverged"),
        }
    )
    if result.history.classification:
        result.measures["final_accuracy"] = float(result.curve("train_accuracy")[1][-1])
        if tested:
            result.measures["test_accuracy"] = float(result.curve("test_accuracy")[1][-1])


def _train_all(lesson: Lesson, record: bool = True) -> LessonResult:
    train, test = lesson_data(lesson)
    runs = [_train(lesson, k, train, test, record) for k in range(len(lesson.runs))]
    return LessonResult(lesson, runs, train, test, {}, {})


def _run_compare(lesson: Lesson) -> LessonResult:
    return _train_all(lesson)


def _run_surface(lesson: Lesson) -> LessonResult:
    result = _train_all(lesson, record=True)
    keys = list(lesson.params["weights"])
    slots = [weight_slot(key) for key in keys]
    others_moved = 0.0
    for run in result.runs:
        run.extras["path"] = np.array([[ws[s][j, i] for s, j, i in slots] for ws in run.weights])
        run.measures["turns"] = turns(run.extras["path"])
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


def turns(path: Array) -> int:
    """How often a path turns back: successive steps whose directions differ by over 90°."""
    steps = np.diff(path[np.isfinite(path).all(axis=1)], axis=0)
    return int(np.count_nonzero(np.sum(steps[1:] * steps[:-1], axis=1) < 0))


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
        with np.errstate(all="ignore"):
            ratios = norms[1:, -1] / norms[1:, 0]
        ratios = ratios[np.isfinite(ratios)]
        # The smallest gap while training: does the first layer stay behind after epoch 0?
        run.measures["smallest_gap_in_training"] = float(ratios.min()) if len(ratios) else math.nan
    return result


def _run_herd(lesson: Lesson) -> LessonResult:
    result = _train_all(lesson, record=True)
    for run in result.runs:
        spread, similarity = [], []
        for ws in run.weights:
            V = unit_vectors(ws)
            spread.append(largest_distance(V))
            similarity.append(mean_cosine(V))
        run.extras["spread"] = np.array(spread)
        run.extras["similarity"] = np.array(similarity)
        vectors = [unit_vectors(ws) for ws in run.weights]
        # How alike the units' moves are, epoch by epoch: 1 = every unit moved the same way.
        moves = np.array([mean_cosine(b - a) for a, b in zip(vectors, vectors[1:])])
        run.extras["moves"] = moves
        run.measures["lowest_similarity"] = float(np.min(similarity))
        run.measures["mean_move_similarity"] = float(np.mean(moves)) if len(moves) else math.nan
        run.extras["similarity_matrix"] = cosines(unit_vectors(run.weights[-1]))
        run.measures["final_spread"] = spread[-1]
        run.measures["final_similarity"] = similarity[-1]
    return result


def collapse_extras(net: Network, train_X: np.ndarray) -> dict:
    """For a network of linear units: its matrices, their product (the one layer it equals),
    and both networks' predictions on the training inputs and a grid over the plane."""
    W, b = collapse(net)
    single = Network(net.inputs, [Layer(net.layers[-1].activation, W, b)], net.loss,
                     name=f"{net.name} as one layer")  # fmt: skip
    xs = ys = np.linspace(-EXTENT, EXTENT, 41)
    grid = np.column_stack([g.ravel() for g in np.meshgrid(xs, ys)])
    X = np.concatenate([train_X, grid])
    with np.errstate(all="ignore"):  # a diverged live network predicts inf/NaN: shown, not raised
        deep, one = net.predict(X), single.predict(X)
    return {
        "matrices": [la.W.copy() for la in net.layers],
        "biases": [la.b.copy() for la in net.layers],
        "product": W,
        "product_bias": b,
        "single": single,
        "inputs": X,
        "deep_predictions": deep,
        "single_predictions": one,
        "largest_difference": float(np.max(np.abs(deep - one))),
    }


def _run_collapse(lesson: Lesson) -> LessonResult:
    result = _train_all(lesson)
    extras = collapse_extras(result.runs[0].network, result.train.X)
    result.measures["largest_difference"] = extras.pop("largest_difference")
    result.extras.update(extras)
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
    for run in result.runs:
        region_extras(run, result.train, xs, ys)
    return result


def region_extras(run: RunResult, train: Dataset, xs: Array, ys: Array) -> None:
    """The decision boundary and first-layer lines of ``run.network`` over the grid xs × ys."""
    X, Y = train.X, train.Y
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
            "segments": line_segments(lines, (xs[0], xs[-1], ys[0], ys[-1])),
            "cell": cell,
        }
    )
    run.measures.update(
        {"lines": len(lines), "cell_bounded": float(bounded), "class1_inside_cell": inside}
    )


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
