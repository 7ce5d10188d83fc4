"""The background half of training: a worker QObject, moved to a QThread, that runs epochs and
sends copied snapshots to the GUI at most ~30 times a second. Each snapshot carries everything
the views show (the new history rows, the decision-boundary grid, the hidden z, the weights), so
that the plots, their headers and the dock all show one epoch.

While a job runs the worker owns its :class:`core.training.Trainer` (and the trainer's private
copy of the network); the GUI thread touches the trainer only after :meth:`TrainingWorker.stop`
has returned. A snapshot holds copies only, so the GUI may keep it as long as it likes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from core.training import Trainer

Array = np.ndarray

SNAPSHOT_INTERVAL = 1 / 30  # seconds between snapshots while training, at least
GUI_WAIT = 0.1  # longest pause between epochs while the GUI draws (see TrainingWorker.gui_idle)
KEEP_ROWS = 1000  # the trainer's own history forgets rows the GUI has taken beyond this many


@dataclass(frozen=True)
class Grid:
    """The network's outputs on a regular grid: ``values[i, j]`` at (xs[j], ys[i]) is the first
    output, or ``values[i, j, :]`` every output when there are several (softmax classes)."""

    xs: Array
    ys: Array
    values: Array


@dataclass(frozen=True)
class TrainingSnapshot:
    """Everything the GUI shows of a training run at one moment; every array is a copy.

    Attributes
    ----------
    token : the worker job it comes from; the controller shows only the current job's.
    run : the run (fresh weights and history) it belongs to; its rows are kept only for that run.
    epoch, steps : epochs and minibatch steps completed.
    time : ``time.perf_counter()`` when it was taken (for steps per second).
    status, message : the trainer's ("ok" or "diverged", and the sentence for the user).
    start, rows : the history rows added since the previous snapshot, as arrays (see
        ``History.arrays``), the first with absolute index ``start``.
    classification, layers : whether accuracy is measured; layers of the network.
    weights : (W, b) of every layer.
    activations : the activation name of every layer (the hidden ones first).
    hidden_z : z of every hidden layer over the probe batch, (samples, units) each.
    grid : the decision-boundary grid for these weights (None unless the inputs are 2-D).
    arrays, markers : filled in by the controller: the run's whole (bounded) history after
        these rows, and its (epoch, text) marks of settings changes.
    """

    token: int
    run: int
    epoch: int
    steps: int
    time: float
    status: str
    message: str
    start: int
    rows: dict[str, Array]
    classification: bool
    layers: int
    weights: tuple[tuple[Array, Array], ...]
    activations: tuple[str, ...]
    hidden_z: tuple[Array, ...]
    grid: Grid | None
    arrays: dict[str, Array] | None = None
    markers: tuple[tuple[int, str], ...] = ()


@dataclass
class Cursor:
    """Which history rows of a run have gone out in snapshots (``sent``) and which the GUI has
    stored (``taken``); the trainer's history may forget rows below both."""

    sent: int = 0
    taken: int = 0


@dataclass
class TrainingJob:
    """One run of the worker: the trainer it owns meanwhile and what to measure for snapshots.

    ``probe`` is the batch of training inputs whose hidden z the saturation plot draws;
    ``grid_xs``, ``grid_ys`` the decision boundary's grid (None unless 2-D inputs);
    ``cursor`` the run's row bookkeeping; ``max_epochs`` the epochs this job may run at most.
    """

    trainer: Trainer
    token: int
    probe: Array
    grid_xs: Array | None = None
    grid_ys: Array | None = None
    cursor: Cursor | None = None
    max_epochs: int | None = None
    run: int = 0


def grid_points(xs: Array, ys: Array) -> Array:
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def measure(net, job: TrainingJob) -> tuple[list, Grid | None]:
    """z of every layer over the probe batch, and the decision-boundary grid (None unless the
    inputs are 2-D), for ``net``'s weights now; fresh arrays, shared with nothing."""
    with np.errstate(all="ignore"):
        zs, _ = net.forward(job.probe)  # fresh arrays: nothing here is shared with the trainer
        grid = None
        if job.grid_xs is not None:
            values = net.predict(grid_points(job.grid_xs, job.grid_ys))
            shape = (len(job.grid_ys), len(job.grid_xs))
            if values.shape[1] == 1:
                values = values[:, 0].reshape(shape)
            else:
                values = values.reshape(*shape, values.shape[1])  # one plane per class
            grid = Grid(job.grid_xs, job.grid_ys, values)
    return zs, grid


def make_snapshot(job: TrainingJob, start: int | None = None) -> TrainingSnapshot:
    """A snapshot of ``job.trainer`` now, with the history rows from ``start`` (default: those
    not sent yet); call it on the thread that owns the trainer."""
    trainer = job.trainer
    net = trainer.network
    cursor = job.cursor if job.cursor is not None else Cursor()
    zs, grid = measure(net, job)
    history = trainer.history
    first = cursor.sent if start is None else start
    first = max(first, history.dropped)
    rows = history.rows_since(first)
    cursor.sent = history.total
    if len(history) > KEEP_ROWS:
        history.forget_before(min(cursor.sent, cursor.taken))
    batches = -(-len(trainer.X) // trainer.config.batch_size)
    return TrainingSnapshot(
        token=job.token,
        run=job.run,
        epoch=trainer.epoch,
        steps=trainer.epoch * batches,
        time=time.perf_counter(),
        status=trainer.status,
        message=trainer.message,
        start=first,
        rows=rows,
        classification=history.classification,
        layers=history.layers,
        weights=tuple((la.W.copy(), la.b.copy()) for la in net.layers),
        activations=tuple(la.activation.name for la in net.layers),
        hidden_z=tuple(zs[1:-1]),
        grid=grid,
    )


class TrainingWorker(QObject):
    """Runs :class:`TrainingJob` s on whatever thread it lives in.

    Signals
    -------
    snapshot_ready(TrainingSnapshot) : at most every ``snapshot_interval`` (at least
        :data:`SNAPSHOT_INTERVAL`), and at the end.
    finished(int) : the job with this token has ended (paused, diverged or done).
    failed(str) : the job raised an unexpected error (the message says which).

    Two threads share one interpreter lock, so a plot drawn while the worker computes takes
    twice as long. The GUI clears ``gui_idle`` while it draws, and the worker waits for it
    (at most :data:`GUI_WAIT`) before its next epoch, with ``parked`` set meanwhile.
    ``delivered`` is clear while a snapshot is on its way; the worker sends no other until the
    GUI has taken it.
    """

    snapshot_ready = Signal(object)
    finished = Signal(int)
    failed = Signal(str)
    _run_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.job: TrainingJob | None = None
        self._stop = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self.gui_idle = threading.Event()
        self.gui_idle.set()
        self.parked = threading.Event()  # set while the worker waits for gui_idle
        self.delivered = threading.Event()
        self.delivered.set()
        # Seconds between snapshots: the frame pacer raises it to about its frame period, so
        # that the worker does not measure snapshots no frame will show (a float: one write,
        # one read, no lock needed).
        self.snapshot_interval = SNAPSHOT_INTERVAL
        self._run_requested.connect(self._run)  # queued once the worker lives in its thread

    def start(self, job: TrainingJob) -> None:
        """Run ``job`` on the worker's thread (call from the GUI thread while idle)."""
        if not self.idle.is_set():
            raise RuntimeError("the worker is still running a job")
        self.job = job
        self.delivered.set()
        self._stop.clear()
        self.idle.clear()
        self._run_requested.emit()

    def stop(self) -> None:
        """Ask the job to end after its current epoch and wait until it has."""
        self._stop.set()
        self.idle.wait()

    @Slot()
    def _run(self) -> None:
        job = self.job
        try:
            self._train(job)
        except Exception as exc:  # noqa: BLE001 (reported to the GUI, never lost in a thread)
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            self.idle.set()
            self.finished.emit(job.token)

    def _train(self, job: TrainingJob) -> None:
        trainer = job.trainer
        emit = self.snapshot_ready.emit
        emit(make_snapshot(job))
        last = time.perf_counter()
        done = 0
        while not self._stop.is_set():
            if job.max_epochs is not None and done >= job.max_epochs:
                break
            if not self.gui_idle.is_set():
                self.parked.set()
                self.gui_idle.wait(GUI_WAIT)
                self.parked.clear()
            if trainer.run_epoch() is None or trainer.status != "ok":
                break
            done += 1
            now = time.perf_counter()
            if now - last >= self.snapshot_interval and self.delivered.is_set():
                self.delivered.clear()
                emit(make_snapshot(job))
                last = now
        emit(make_snapshot(job))


def recorded_snapshot(job: TrainingJob, net, epoch: int, arrays: dict[str, Array],
                      markers: tuple) -> TrainingSnapshot:  # fmt: skip
    """The snapshot of a recorded epoch of the run (``net`` carries that epoch's weights): its
    measurements computed afresh, the history ``arrays`` cut at that epoch."""
    zs, grid = measure(net, job)
    keep = arrays["epoch"] <= epoch
    return TrainingSnapshot(
        token=job.token, run=job.run, epoch=epoch,
        steps=epoch * -(-len(job.trainer.X) // job.trainer.config.batch_size),
        time=time.perf_counter(), status="ok", message="", start=0, rows={},
        classification=job.trainer.history.classification, layers=len(net.layers),
        weights=tuple((la.W.copy(), la.b.copy()) for la in net.layers),
        activations=tuple(la.activation.name for la in net.layers),
        hidden_z=tuple(zs[1:-1]), grid=grid,
        arrays={name: column[keep] for name, column in arrays.items()},
        markers=tuple(m for m in markers if m[0] <= epoch),
    )  # fmt: skip
