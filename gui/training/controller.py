"""The Qt-side owner of training: the data, the Trainer, the worker thread and the undo stack of
the dock's settings. Plots and the dock listen to its signals; none of them trains.

Threads: the Trainer trains a private copy of the stepped network. While the worker runs, only
the worker touches the Trainer; the GUI receives copied snapshots and copies their weights into
the StepController's network, so the network view shows the live weights. Every change of the
settings first stops the worker (after its current epoch), applies, then resumes.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal
from PySide6.QtGui import QUndoStack

from core.datasets import Dataset
from core.netfile import LoadedNetwork
from core.network import Network, OptimizerConfig
from core.optimizers import Optimizer, make_optimizer
from core.training import TrainConfig, Trainer
from gui.training.commands import SettingsCommand
from gui.training.settings import (
    CSV,
    GRID,
    TASK_OUTPUTS,
    DataSettings,
    TrainSettings,
    build_for,
    dataset_block,
    default_output,
    load_data,
    mismatch,
    parse_learning_rate,
    settings_from_loaded,
    training_block,
)
from gui.training.worker import (
    SNAPSHOT_INTERVAL,
    HistoryArrays,
    TrainingJob,
    TrainingWorker,
    make_snapshot,
)

PROBE_SAMPLES = 256  # training samples whose hidden z the saturation plot shows
CACHE_SIZE = 16  # data sets kept for undo, by their settings
RESET_HINT = "Press Reset to start again with fresh weights."


class TrainingController(QObject):
    """Trains the network of ``step`` (a :class:`~gui.stepper.controller.StepController`) in
    the background.

    Signals
    -------
    snapshot_ready(TrainingSnapshot) : new numbers to show (at most ~30 a second).
    data_changed : ``train``, ``test`` and the boundary grid changed (a new data set or split).
    settings_changed : ``settings`` changed (or a rejected edit must be taken back in the dock).
    running_changed(bool) : the worker started or stopped.
    status_changed(str, str) : (kind, message) for the banner; kind is "error", "info" or "".
    input_rejected(str) : a typed value or a data file was refused; the message says why.
    """

    snapshot_ready = Signal(object)
    data_changed = Signal()
    settings_changed = Signal()
    running_changed = Signal(bool)
    status_changed = Signal(str, str)
    input_rejected = Signal(str)

    def __init__(self, step, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.settings = TrainSettings()
        self.data: Dataset | None = None
        self.train: Dataset | None = None
        self.test: Dataset | None = None
        self.grid_xs: np.ndarray | None = None
        self.grid_ys: np.ndarray | None = None
        self.probe = np.zeros((0, 2))
        # Epochs a lesson's run trains in all (None: until paused); a new network clears it.
        self.epoch_budget: int | None = None
        self.trainer: Trainer | None = None
        self.problem = "there is no network"
        self.latest = None
        self.running = False
        self.token = 0
        self.undo_stack = QUndoStack(self)
        self._cache: dict[DataSettings, Dataset] = {}
        self._arrays = HistoryArrays()
        self._replacing = False
        # The stepper's trace is rebuilt at most every 10 × its cost (large networks are slow),
        # and not at all while its view is hidden.
        self.stepper_visible = True
        self._stepper_cost = 0.0
        self._stepper_last = 0.0
        self._stepper_pending = False
        self._stepper_timer = QTimer(self)
        self._stepper_timer.setSingleShot(True)
        self._stepper_timer.timeout.connect(self._refresh_stepper)

        self.worker_thread = QThread()
        self.worker_thread.setObjectName("training")
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.worker_thread)
        self.worker.snapshot_ready.connect(self._on_snapshot)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        step.network_replaced.connect(self._on_network_replaced)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)  # never leave a thread running at exit
        if step.network is not None:
            self._adopt()

    # -- state ----------------------------------------------------------------------------

    @property
    def task(self) -> str:
        return self.data.task if self.data is not None else "classification"

    def can_train(self) -> str:
        """Why training cannot run now ("" when it can)."""
        if self.trainer is None:
            return f"Cannot train: {self.problem}. Press Reset to build a network for these data."
        if self.trainer.status == "diverged":
            message = self.trainer.message
            return f"{message[:1].upper()}{message[1:]} {RESET_HINT}"
        return ""

    # -- running --------------------------------------------------------------------------

    def start(self) -> None:
        """Train in the background until paused (or diverged)."""
        if self.running:
            return
        problem = self.can_train()
        if problem:
            self.status_changed.emit("error", problem)
            self.running_changed.emit(False)
            return
        if self.epoch_budget is not None and len(self.trainer.history) - 1 >= self.epoch_budget:
            self.status_changed.emit("info", f"The lesson's {self.epoch_budget} epochs are done. "
                                     f"{RESET_HINT}")  # fmt: skip
            self.running_changed.emit(False)
            return
        self._sync_into_trainer()
        if not self.worker_thread.isRunning():
            self.worker_thread.start()
        self.token += 1
        self.running = True
        self.set_gui_busy(False)
        self.worker.start(self._job())
        self.status_changed.emit("", "")
        self.running_changed.emit(True)

    def pause(self) -> None:
        if self._stop_worker():
            self._publish_now()
            self.running_changed.emit(False)

    def toggle(self, run: bool | None = None) -> None:
        if run is None:
            run = not self.running
        self.start() if run else self.pause()

    def run_one_epoch(self) -> None:
        """One epoch on the GUI thread (pausing first if training runs)."""
        self.pause()
        problem = self.can_train()
        if problem:
            self.status_changed.emit("error", problem)
            return
        self._sync_into_trainer()
        self.trainer.run_epoch()
        self._publish_now()
        self._report_divergence()

    def train_sync(self, epochs: int) -> str:
        """Train ``epochs`` epochs now, on this thread (headless screenshots); returns the
        problem that stopped it, or ""."""
        self.pause()
        problem = self.can_train()
        if not problem:
            self._sync_into_trainer()
            self.trainer.train(epochs)
            self._publish_now()
            problem = self.can_train()
        if problem:
            self.status_changed.emit("error", problem)
        return problem

    def shutdown(self) -> None:
        """Stop the worker and its thread (the window is closing)."""
        self._stop_worker()
        self._stepper_timer.stop()
        if self.worker_thread.isRunning():
            self.worker_thread.quit()
            self.worker_thread.wait()

    def _job(self) -> TrainingJob:
        left = None
        if self.epoch_budget is not None:
            left = max(0, self.epoch_budget - (len(self.trainer.history) - 1))
        return TrainingJob(self.trainer, self.token, self.probe, self.grid_xs, self.grid_ys,
                           self._arrays, max_epochs=left)  # fmt: skip

    def _stop_worker(self) -> bool:
        """Stop the worker and wait for it; True when it was running. Snapshots of the stopped
        run still queued for the GUI are dropped (the token moves on)."""
        if not self.running:
            return False
        self.worker.stop()
        self.running = False
        self.token += 1
        return True

    def _sync_into_trainer(self) -> None:
        """Give the trainer the weights the user may have stepped or edited while paused."""
        shown, own = self.step.network, self.trainer.network
        if shown is None or shown.sizes != own.sizes:
            return
        for a, b in zip(own.layers, shown.layers):
            if not (np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)):
                np.copyto(a.W, b.W)
                np.copyto(a.b, b.b)

    def _publish_now(self) -> None:
        if self.trainer is not None:
            self._on_snapshot(make_snapshot(self._job(), with_grid=True))

    def _on_snapshot(self, snapshot) -> None:
        self.worker.delivered.set()
        if snapshot.token != self.token:
            return  # from a run that has been stopped since
        self.latest = snapshot
        self._show_weights(snapshot.weights)
        self.snapshot_ready.emit(snapshot)

    def _on_finished(self, token: int) -> None:
        if token != self.token or not self.running:
            return  # stopped by the GUI, which has published already
        self.running = False
        self.token += 1
        self._publish_now()
        self.running_changed.emit(False)
        self._report_divergence()

    def _on_failed(self, message: str) -> None:
        self.status_changed.emit("error", f"Training stopped: {message}")

    def _report_divergence(self) -> None:
        if self.trainer is not None and self.trainer.status == "diverged":
            self.status_changed.emit("error", self.can_train())

    # -- the network view -----------------------------------------------------------------

    def _show_weights(self, weights) -> None:
        """Copy finite snapshot weights into the stepped network (NaN ones are not shown)."""
        net = self.step.network
        if net is None or [w.shape for w, _ in weights] != [la.W.shape for la in net.layers]:
            return
        if all(np.array_equal(W, la.W) and np.array_equal(b, la.b)
               for (W, b), la in zip(weights, net.layers)):  # fmt: skip
            return
        if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in weights):
            return
        for (W, b), layer in zip(weights, net.layers):
            np.copyto(layer.W, W)
            np.copyto(layer.b, b)
        self._stepper_pending = True
        if not self.stepper_visible:
            if not self.step.dirty:
                self.step.mark_changed(rebuild=False)  # unsaved now; the trace catches up later
            return
        gap = max(SNAPSHOT_INTERVAL, 10 * self._stepper_cost)
        wait = self._stepper_last + gap - time.perf_counter()
        if wait <= 0:
            self._refresh_stepper()
        elif not self._stepper_timer.isActive():
            self._stepper_timer.start(max(1, round(wait * 1000)))

    def _refresh_stepper(self) -> None:
        if not self._stepper_pending:
            return
        self._stepper_pending = False
        start = time.perf_counter()
        self.step.mark_changed()
        self._stepper_last = time.perf_counter()
        self._stepper_cost = self._stepper_last - start

    def set_gui_busy(self, busy: bool) -> None:
        """While the GUI draws, the worker waits before its next epoch (see TrainingWorker)."""
        if busy:
            self.worker.gui_idle.clear()
        else:
            self.worker.gui_idle.set()

    def worker_parked(self) -> bool:
        """True when the worker is not computing (idle, or waiting while the GUI draws)."""
        return not self.running or self.worker.parked.is_set()

    def set_stepper_visible(self, visible: bool) -> None:
        """Whether the network view is on screen; when it shows again it catches up."""
        self.stepper_visible = visible
        if visible:
            self._refresh_stepper()

    # -- settings -------------------------------------------------------------------------

    def request(self, new: TrainSettings, text: str, merge_key: str = "") -> bool:
        """Apply ``new`` as one undoable step; a bad value is reported and nothing changes."""
        if new == self.settings:
            return True
        try:
            data = self._load(new.data)
            if new.output not in TASK_OUTPUTS[data.task]:
                new = dataclasses.replace(new, output=default_output(data.task))
            new.optimizer_params()
            TrainConfig(batch_size=new.batch_size, l2=new.l2)
        except (ValueError, OSError) as exc:
            self.input_rejected.emit(str(exc))
            self.settings_changed.emit()  # the dock shows the settings as they still are
            return False
        current = self.step.network
        rebuild = new.network_key() != self.settings.network_key()
        replaces = rebuild or (data is not self.data and bool(mismatch(current, data)))
        old_network = current.copy() if replaces and current is not None else None
        self.undo_stack.push(
            SettingsCommand(self, self.settings, new, text, old_network, rebuild, merge_key)
        )
        return True

    def reset(self) -> None:
        """Fresh weights from the settings (undoable): also the way out of a divergence."""
        current = self.step.network
        old_network = current.copy() if current is not None else None
        self.undo_stack.push(
            SettingsCommand(self, self.settings, self.settings, "Reset weights", old_network, True)
        )

    def set_learning_rate_text(self, text: str) -> bool:
        """The learning rate as typed; text, 0, negative or > 10 is refused with a message."""
        try:
            rate = parse_learning_rate(text)
        except ValueError as exc:
            self.input_rejected.emit(str(exc))
            self.settings_changed.emit()
            return False
        new = dataclasses.replace(self.settings, learning_rate=rate)
        return self.request(new, f"Learning rate {rate:g}", "learning_rate")

    def load_csv(self, path: str) -> bool:
        """Train on a CSV file (inputs, then one target column)."""
        data = dataclasses.replace(self.settings.data, name=CSV, csv_path=str(path))
        self._cache.pop(data, None)  # the file may have changed since it was last read
        return self.request(dataclasses.replace(self.settings, data=data), "CSV data")

    def regenerate(self) -> bool:
        data = self.settings.data
        if data.name == CSV:
            return self.load_csv(data.csv_path)
        new = dataclasses.replace(data, seed=data.seed + 1)
        return self.request(dataclasses.replace(self.settings, data=new), "Regenerate data")

    def apply(
        self, settings: TrainSettings, network: Network | None = None, rebuild: bool = False
    ) -> None:
        """Make ``settings`` current (called by the undo commands): pause, apply, resume.

        ``network`` replaces the stepped network as it is (undo); ``rebuild`` builds a fresh
        one. Without either the network is kept unless it no longer fits the data.
        """
        was_running = self._stop_worker()
        data = self._load(settings.data)
        new_data = data is not self.data
        self.settings = settings
        if new_data:
            self._set_data(data)
        current = self.step.network
        if network is None and (rebuild or (new_data and mismatch(current, data))):
            network = build_for(settings, data.X.shape[1], data.Y.shape[1], data.name)
        if network is not None or new_data:
            self._replace(network or current)
            self._new_trainer()
        else:
            self._update_optimizer()
        self.settings_changed.emit()
        if was_running and not self.can_train():
            self.start()
        elif was_running:
            self.running_changed.emit(False)

    # -- applying -------------------------------------------------------------------------

    def _load(self, data: DataSettings) -> Dataset:
        if data not in self._cache:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[data] = load_data(data)
        return self._cache[data]

    def _set_data(self, data: Dataset) -> None:
        spec = self.settings.data
        self.data = data
        self.train, self.test = data.split(spec.train_fraction, spec.seed)
        self.probe = self.train.X[:PROBE_SAMPLES].copy()
        self.grid_xs = self.grid_ys = None
        if data.X.shape[1] == 2:
            low, high = data.X.min(axis=0), data.X.max(axis=0)
            pad = 0.08 * np.maximum(high - low, 1e-9)
            self.grid_xs = np.linspace(low[0] - pad[0], high[0] + pad[0], GRID)
            self.grid_ys = np.linspace(low[1] - pad[1], high[1] + pad[1], GRID)
        self.data_changed.emit()

    def _replace(self, network: Network) -> None:
        """Hand ``network`` with the current data blocks to the stepper; it is now unsaved."""
        settings = self.settings
        network.optimizer = OptimizerConfig(settings.optimizer, settings.learning_rate,
                                            dict(settings.params))  # fmt: skip
        if settings.data.name == CSV:  # no "dataset" block can name it: step its first sample
            network.sample_x, network.sample_y = self.train.X[0].copy(), self.train.Y[0].copy()
        loaded = LoadedNetwork(network, dataset_block(settings.data), training_block(settings))
        self._replacing = True
        try:
            self.step.set_loaded(loaded, self.step.path)
        except ValueError as exc:
            self.status_changed.emit("error", f"The stepper cannot show this network: {exc}")
        finally:
            self._replacing = False
        self.step.mark_changed(rebuild=False)

    def _new_trainer(self) -> None:
        """A new Trainer on a copy of the stepped network (history starts at epoch 0)."""
        s = self.settings
        net = self.step.network
        self.trainer = None
        self.latest = None
        self._arrays = HistoryArrays()
        self.token += 1
        self.problem = mismatch(net, self.train)
        if not self.problem:
            config = TrainConfig(epochs=s.epochs, batch_size=s.batch_size, l2=s.l2, seed=s.seed)
            optimizer = Optimizer(s.optimizer, s.learning_rate, dict(s.params))
            self.trainer = Trainer(net.copy(), self.train.X, self.train.Y, self.test.X,
                                   self.test.Y, config, optimizer)  # fmt: skip
            self.trainer.history.append(self.trainer.evaluate())  # epoch 0: before training
        self._publish_now()
        problem = self.can_train()
        self.status_changed.emit("error" if problem else "", problem)

    def _update_optimizer(self) -> None:
        """Optimizer, learning rate, batch size or λ changed: the trainer keeps its history."""
        s = self.settings
        net = self.step.network
        if net is not None:
            net.optimizer = OptimizerConfig(s.optimizer, s.learning_rate, dict(s.params))
            if self.step.loaded is not None:
                self.step.loaded.training = training_block(s)
            stepper = self.step.stepper
            stepper.optimizer = make_optimizer(net.optimizer)
            stepper.optimizer.reset([p.shape for p in net.parameters()])
            self.step.mark_changed()
        trainer = self.trainer
        if trainer is not None:
            params = Optimizer(s.optimizer, s.learning_rate, dict(s.params)).params
            if trainer.optimizer.name != s.optimizer or trainer.optimizer.params != params:
                trainer.optimizer = Optimizer(s.optimizer, s.learning_rate, dict(s.params))
            trainer.optimizer.learning_rate = s.learning_rate
            trainer.config.batch_size = s.batch_size
            trainer.config.l2 = s.l2
            self._publish_now()

    # -- a network from a file ------------------------------------------------------------

    def _on_network_replaced(self) -> None:
        if not self._replacing:
            self._adopt()

    def _adopt(self) -> None:
        """The user opened a network: take its data set and settings, forget the undo steps."""
        was_running = self._stop_worker()
        self.epoch_budget = None
        settings = settings_from_loaded(self.step.loaded)
        try:
            data = self._load(settings.data)
        except (ValueError, OSError):
            settings = dataclasses.replace(settings, data=DataSettings())
            data = self._load(settings.data)
        self.settings = settings
        self._set_data(data)
        self._new_trainer()
        self.undo_stack.clear()
        self.settings_changed.emit()
        if was_running:
            self.running_changed.emit(False)
