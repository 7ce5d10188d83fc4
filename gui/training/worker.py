"""The background half of training: a worker QObject, moved to a QThread, that runs epochs and
sends copied snapshots to the GUI at most ~30 times a second.

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

from core.training import History, Trainer

Array = np.ndarray

SNAPSHOT_INTERVAL = 1 / 30  # seconds between snapshots while training
GRID_INTERVAL = 0.25  # seconds between decision-boundary grids
GUI_WAIT = 0.1  # longest pause between epochs while the GUI draws (see TrainingWorker.gui_idle)


@dataclass(frozen=True)
class Grid:
    """The network's first output on a regular grid: ``values[i, j]`` at (xs[j], ys[i])."""

    xs: Array
    ys: Array
    values: Array


@dataclass(frozen=True)
class TrainingSnapshot:
    """What the GUI shows of a training run at one moment; every array is a copy.

    Attributes
    ----------
    token : the run it belongs to; the controller drops snapshots of runs it has stopped.
    epoch, steps : epochs and minibatch steps completed.
    time : ``time.perf_counter()`` when it was taken (for steps per second).
    status, message : the trainer's ("ok" or "diverged", and the sentence for the user).
    history : a copy of the trainer's history; ``arrays`` the same as ``History.arrays()``.
    weights : (W, b) of every layer.
    activations : the activation name of every layer (the hidden ones first).
    hidden_z : z of every hidden layer over the probe batch, (samples, units) each.
    grid : the decision-boundary grid, or None when this snapshot did not recompute it.
    """

    token: int
    epoch: int
    steps: int
    time: float
    status: str
    message: str
    history: History
    weights: tuple[tuple[Array, Array], ...]
    activations: tuple[str, ...]
    hidden_z: tuple[Array, ...]
    grid: Grid | None
    arrays: dict[str, Array]


class HistoryArrays:
    """``History.arrays()`` kept up to date by converting only the epochs added since the last
    call (a long run has thousands). Each call returns new arrays; old ones are never changed,
    so snapshots may share them."""

    def __init__(self) -> None:
        self.arrays: dict[str, Array] | None = None
        self.count = 0

    def update(self, history: History) -> dict[str, Array]:
        if self.arrays is None or len(history) < self.count:
            self.arrays, self.count = history.arrays(), len(history)
            return self.arrays
        if len(history) > self.count:
            new = History(history.layers, history.classification)
            for name in ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
                         "grad_norm", "saturation"):  # fmt: skip
                setattr(new, name, getattr(history, name)[self.count :])
            added = new.arrays()
            self.arrays = {k: np.concatenate([v, added[k]]) for k, v in self.arrays.items()}
            self.count = len(history)
        return self.arrays


@dataclass
class TrainingJob:
    """One run of the worker: the trainer it owns meanwhile and what to measure for snapshots.

    ``probe`` is the batch of training inputs whose hidden z the saturation plot draws;
    ``grid_xs``, ``grid_ys`` the decision boundary's grid (None unless 2-D inputs);
    ``arrays`` the trainer's history as arrays, shared by every job on that trainer.
    """

    trainer: Trainer
    token: int
    probe: Array
    grid_xs: Array | None = None
    grid_ys: Array | None = None
    arrays: HistoryArrays | None = None
    max_epochs: int | None = None


def grid_points(xs: Array, ys: Array) -> Array:
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def make_snapshot(job: TrainingJob, with_grid: bool) -> TrainingSnapshot:
    """A snapshot of ``job.trainer`` now; call it on the thread that owns the trainer."""
    trainer = job.trainer
    net = trainer.network
    with np.errstate(all="ignore"):
        zs, _ = net.forward(job.probe)  # fresh arrays: nothing here is shared with the trainer
        grid = None
        if with_grid and job.grid_xs is not None:
            values = net.predict(grid_points(job.grid_xs, job.grid_ys))[:, 0]
            grid = Grid(job.grid_xs, job.grid_ys, values.reshape(len(job.grid_ys), -1))
    batches = -(-len(trainer.X) // trainer.config.batch_size)
    history = trainer.history.copy()
    arrays = job.arrays.update(history) if job.arrays is not None else history.arrays()
    return TrainingSnapshot(
        token=job.token,
        epoch=trainer.epoch,
        steps=trainer.epoch * batches,
        time=time.perf_counter(),
        status=trainer.status,
        message=trainer.message,
        history=history,
        weights=tuple((la.W.copy(), la.b.copy()) for la in net.layers),
        activations=tuple(la.activation.name for la in net.layers),
        hidden_z=tuple(zs[1:-1]),
        grid=grid,
        arrays=arrays,
    )


class TrainingWorker(QObject):
    """Runs :class:`TrainingJob` s on whatever thread it lives in.

    Signals
    -------
    snapshot_ready(TrainingSnapshot) : at most every :data:`SNAPSHOT_INTERVAL`, and at the end.
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
        emit(make_snapshot(job, with_grid=True))
        last = last_grid = time.perf_counter()
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
            if now - last >= SNAPSHOT_INTERVAL and self.delivered.is_set():
                self.delivered.clear()
                with_grid = now - last_grid >= GRID_INTERVAL
                emit(make_snapshot(job, with_grid))
                last = now
                if with_grid:
                    last_grid = now
        emit(make_snapshot(job, with_grid=True))
