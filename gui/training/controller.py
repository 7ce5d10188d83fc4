"""The Qt-side owner of training: the data, the Trainer, the worker thread and the undo stack of
the dock's settings. Plots and the dock listen to its signals; none of them trains.

Threads: the Trainer trains a private copy of the stepped network. While the worker runs, only
the worker touches the Trainer; the GUI receives copied snapshots and copies their weights into
the StepController's network, so the network view shows the live weights. Every change of the
settings first stops the worker (after its current epoch), applies, then resumes.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal
from PySide6.QtGui import QUndoStack

from core.datasets import Dataset
from core.fields import MAX_SEED
from core.netfile import LoadedNetwork
from core.network import Network, OptimizerConfig
from core.optimizers import Optimizer, make_optimizer
from core.timeline import Timeline
from core.training import TrainConfig, Trainer
from gui.training.commands import RunState, SettingsCommand
from gui.training.history import HistoryStore
from gui.training.live import FramePacer, StepperSync
from gui.training.settings import (
    CSV,
    GRID,
    MAX_GUI_EPOCHS,
    DataSettings,
    TrainSettings,
    build_for,
    choose_output,
    dataset_block,
    divergence_text,
    fit_data,
    kind_of,
    load_data,
    mismatch,
    outputs_for,
    parse_learning_rate,
    settings_from_loaded,
    training_block,
)
from gui.training.worker import Cursor, TrainingJob, TrainingWorker, make_snapshot

PROBE_SAMPLES = 256  # training samples whose hidden z the saturation plot shows
CACHE_SIZE = 16  # data sets kept for undo, by their settings
RESET_HINT = "Press Reset to start again with fresh weights."


class TrainingController(QObject):
    """Trains the network of ``step`` (a :class:`~gui.stepper.controller.StepController`) in
    the background.

    A run is one set of fresh (or opened) weights with its history from epoch 0: a change of
    data set, architecture or initialisation, and Reset, start a new run; a change of optimizer,
    learning rate, batch size or λ continues it and marks the epoch (``store.markers``).

    Signals
    -------
    snapshot_ready(TrainingSnapshot) : a snapshot arrived and its rows are stored (~30 a second).
    frame_ready(TrainingSnapshot) : what every view shows now: the plots, their headers and the
        dock all redraw from it, so they always show one epoch. While training these are paced
        (see gui.training.live.FramePacer); otherwise every snapshot is a frame. None: there is
        no run (the network does not fit the data), the views show none.
    data_changed : ``train``, ``test`` and the boundary grid changed (a new data set or split).
    settings_changed : ``settings`` changed (or a rejected edit must be taken back in the dock).
    running_changed(bool) : the worker started or stopped.
    status_changed(str, str) : (kind, message) for the banner; kind is "error", "info" or "".
    input_rejected(str) : a typed value or a data file was refused; the message says why.
    """

    snapshot_ready = Signal(object)
    frame_ready = Signal(object)
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
        self.output_by_kind: dict[str, str] = {}  # see settings.choose_output
        self.train: Dataset | None = None
        self.test: Dataset | None = None
        self.grid_xs: np.ndarray | None = None
        self.grid_ys: np.ndarray | None = None
        self.probe = np.zeros((0, 2))
        # Epochs a lesson's run trains in all (None: until paused); a new network clears it.
        self.epoch_budget: int | None = None
        self.scrubbed: int | None = None  # the recorded epoch the views show, None while live
        self.leave_scrubbed = lambda: None  # set by the timeline's Scrubber
        self.trainer: Trainer | None = None
        self.problem = "there is no network"
        self.latest = None  # the newest snapshot of the current run
        self.shown = None  # the snapshot the views show (the last frame)
        self.running = False
        self.token = 0
        self.run = 0
        self.store = HistoryStore(1)
        self.cursor = Cursor()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(100)
        self._cache: dict[DataSettings, Dataset] = {}
        self._replacing = False
        self.pacer = FramePacer(self)
        self.stepper_sync = StepperSync(step, self)

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
        """"classification", "multiclass" or "regression" (see settings.kind_of)."""
        return kind_of(self.data) if self.data is not None else "classification"

    @property
    def epoch(self) -> int:
        """The epoch the views show."""
        return self.shown.epoch if self.shown is not None else 0

    def can_train(self) -> str:
        """Why training cannot run now ("" when it can)."""
        if self.trainer is None:
            return f"Cannot train: {self.problem}. Press Reset to build a network for these data."
        if self.trainer.status == "diverged":
            return divergence_text(self.trainer, self.settings.learning_rate, RESET_HINT)
        if self.trainer.epoch >= MAX_GUI_EPOCHS:
            return (f"This run has trained {MAX_GUI_EPOCHS:,} epochs, the most the window "
                    f"trains. {RESET_HINT}")  # fmt: skip
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
        if self.epoch_budget is not None and self.trainer.epoch >= self.epoch_budget:
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
            self.trainer.train(min(epochs, MAX_GUI_EPOCHS - self.trainer.epoch))
            self._publish_now()
            problem = self.can_train()
        if problem:
            self.status_changed.emit("error", problem)
        return problem

    def shutdown(self) -> None:
        """Stop the worker and its thread (the window is closing)."""
        self._stop_worker()
        self.stepper_sync.timer.stop()
        self.pacer.stop()
        if self.worker_thread.isRunning():
            self.worker_thread.quit()
            self.worker_thread.wait()

    def _job(self) -> TrainingJob:
        left = MAX_GUI_EPOCHS - self.trainer.epoch
        if self.epoch_budget is not None:  # a lesson's run stops after the lesson's epochs
            left = min(left, max(0, self.epoch_budget - self.trainer.epoch))
        return TrainingJob(self.trainer, self.token, self.probe, self.grid_xs, self.grid_ys,
                           self.cursor, max_epochs=left, run=self.run)  # fmt: skip

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
        """Give the trainer the weights the user may have stepped or edited while paused (while
        a recorded epoch shows, see :meth:`gui.training.timeline.Scrubber.leave`)."""
        if self.scrubbed is not None:
            self.leave_scrubbed()
            return
        shown, own = self.step.network, self.trainer.network
        if shown is None or shown.sizes != own.sizes:
            return
        for a, b in zip(own.layers, shown.layers):
            if not (np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)):
                np.copyto(a.W, b.W)
                np.copyto(a.b, b.b)
                self.trainer.timeline.edited = self.trainer.epoch  # Replay can't redo an edit

    def _publish_now(self) -> None:
        """A snapshot of the trainer now (the worker is stopped), shown at once."""
        if self.trainer is not None:
            self._on_snapshot(make_snapshot(self._job(), start=self.store.total))

    def _on_snapshot(self, snapshot) -> None:
        try:
            self._take(snapshot)
        finally:
            self.worker.delivered.set()  # the worker sends no other snapshot until now

    def _take(self, snapshot) -> None:
        if snapshot.run != self.run:
            return  # from a run that has been replaced since
        self.store.ingest(snapshot.start, snapshot.rows)  # late rows of a paused job too
        self.cursor.taken = self.store.total
        if snapshot.token != self.token:
            return  # from a job that has been stopped since
        snapshot = dataclasses.replace(snapshot, arrays=self.store.arrays(),
                                       markers=tuple(self.store.markers))  # fmt: skip
        self.latest = snapshot
        self.stepper_sync.show_weights(snapshot.weights)
        self.snapshot_ready.emit(snapshot)
        self.pacer.new_snapshot()

    def _on_finished(self, token: int) -> None:
        if token != self.token or not self.running:
            return  # stopped by the GUI, which has published already
        self.running = False
        self.token += 1
        self._publish_now()
        self.running_changed.emit(False)
        self._report_divergence()
        if self.trainer is not None and self.trainer.epoch >= MAX_GUI_EPOCHS:
            self.status_changed.emit("info", self.can_train())

    def _on_failed(self, message: str) -> None:
        self.status_changed.emit("error", f"Training stopped: {message}")

    def _report_divergence(self) -> None:
        if self.trainer is not None and self.trainer.status == "diverged":
            self.status_changed.emit("error", self.can_train())

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
        self.stepper_sync.set_visible(visible)

    def expect_paint(self) -> None:
        """Called by a view during ``frame_ready`` when it will paint: the next frame waits
        for :meth:`frame_painted`."""
        self.pacer.expect_paint()

    def frame_painted(self, seconds: float) -> None:
        """The views have painted the last frame, which took ``seconds``."""
        self.pacer.painted(seconds)

    # -- settings -------------------------------------------------------------------------

    def request(self, new: TrainSettings, text: str, merge_key: str = "") -> bool:
        """Apply ``new`` as one undoable step; a bad value is reported and nothing changes.

        A new data set or architecture starts a new run (fresh weights from the seed); the
        command keeps the run it replaces, so Undo brings that run back as it was."""
        if new == self.settings:
            return True
        note = ""
        try:
            data = self._load(new.data)
            new, note = choose_output(new, data, self.data, self.settings.output,
                                      self.output_by_kind)  # fmt: skip
            new.optimizer_params()
            TrainConfig(batch_size=new.batch_size, l2=new.l2, grad_noise=new.grad_noise)
        except (ValueError, OSError) as exc:
            self.input_rejected.emit(str(exc))
            self.settings_changed.emit()  # the dock shows the settings as they still are
            return False
        new_run = (new.network_key() != self.settings.network_key() or data is not self.data
                   or new.data != self.settings.data)  # fmt: skip
        old_run = self.run_state() if new_run else None
        self.undo_stack.push(
            SettingsCommand(self, self.settings, new, text, old_run, new_run, merge_key)
        )
        if note and not self.can_train():
            self.status_changed.emit("info", note)  # said, not done silently
        return True

    def reset(self) -> None:
        """Fresh weights from the settings, a new run (undoable): also the way out of a
        divergence."""
        self.undo_stack.push(SettingsCommand(self, self.settings, self.settings,
                                             "Reset weights", self.run_state(), True))  # fmt: skip

    def run_state(self) -> RunState:
        shown = self.step.network
        network = shown.copy() if self.trainer is None and shown is not None else None
        return RunState(self.trainer, self.store, self.cursor, self.problem, network)

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
        new = dataclasses.replace(data, seed=(data.seed + 1) % (MAX_SEED + 1))  # stays in range
        return self.request(dataclasses.replace(self.settings, data=new), "Regenerate data")

    def apply(self, settings: TrainSettings, new_run: bool = False,
              restore: RunState | None = None, mark: str = "") -> None:  # fmt: skip
        """Make ``settings`` current (called by the undo commands): pause, apply, resume.

        ``new_run`` builds fresh weights and starts the history again; ``restore`` brings
        back a run kept by an undo command; otherwise the run continues with the new optimizer
        settings and the epoch is marked with ``mark``.
        """
        was_running = self._stop_worker()
        data = self._load(settings.data)
        refit = data is not self.data or settings.output != self.settings.output
        self.settings = settings
        if refit or new_run or restore is not None:
            self._set_data(data)
        if restore is not None:
            self._restore(restore)
        elif new_run or refit:
            fitted = outputs_for(data, settings)
            self._replace(build_for(settings, data.X.shape[1], fitted, data.name))
            self._new_trainer()
        else:
            self._update_optimizer(mark)
        self.settings_changed.emit()
        problem = self.can_train()
        self.status_changed.emit("error" if problem else "", problem)
        if was_running and not problem:
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
        """``data`` (as loaded) becomes current, split, with targets for the output layer."""
        spec = self.settings.data
        self.data = data
        fitted = fit_data(data, self.settings)
        self.train, self.test = fitted.split(spec.train_fraction, spec.seed)
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

    def _new_run(self, trainer: Trainer | None, store: HistoryStore, cursor: Cursor) -> None:
        self.trainer = trainer
        self.store, self.cursor = store, cursor
        self.run += 1
        self.token += 1
        self.latest = None

    def _new_trainer(self) -> None:
        """A new run: a Trainer on a copy of the stepped network, history from epoch 0."""
        s = self.settings
        net = self.step.network
        trainer = None
        self.problem = mismatch(net, self.train)
        if not self.problem:
            config = TrainConfig(epochs=s.epochs, batch_size=s.batch_size, l2=s.l2,
                                 grad_noise=s.grad_noise, **s.order())  # a lesson's, or by seed
            optimizer = Optimizer(s.optimizer, s.learning_rate, dict(s.params))
            try:
                trainer = Trainer(net.copy(), self.train.X, self.train.Y, self.test.X,
                                  self.test.Y, config, optimizer)  # fmt: skip
            except ValueError as exc:
                self.problem = str(exc)
            else:
                trainer.history.append(trainer.evaluate())  # epoch 0: before training
                trainer.timeline = Timeline.for_parameters(trainer.network.parameters())
                trainer.timeline.record(0, trainer.network.parameters())
        layers = len(net.layers) if net is not None else 1
        self._new_run(trainer, HistoryStore(layers), Cursor())
        self._publish_now()
        if trainer is None:
            self._show_nothing()

    def _show_nothing(self) -> None:
        """No run: the views clear rather than keep showing the one before (``frame_ready``
        with None)."""
        self.shown = self.latest = None
        self.frame_ready.emit(None)

    def _restore(self, state: RunState) -> None:
        """Bring back a run an undo command kept: its weights, history and epoch."""
        self.problem = state.problem
        state.cursor.sent = state.store.total  # rows sent later were never stored: again
        self._new_run(state.trainer, state.store, state.cursor)
        if state.trainer is not None:
            self._replace(state.trainer.network.copy())
            self._update_optimizer("")
            self._publish_now()
        else:
            if state.network is not None:
                self._replace(state.network.copy())
            self._show_nothing()

    def _update_optimizer(self, mark: str = "") -> None:
        """Optimizer, learning rate, batch size or λ changed: the run goes on, and the epoch of
        the change is marked with ``mark``."""
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
            trainer.config.grad_noise = s.grad_noise
            if mark and trainer.epoch > 0:  # before the first epoch nothing is to be marked
                self.store.mark(trainer.epoch, mark)
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
        problem = self.can_train()
        self.status_changed.emit("error" if problem else "", problem)
        self.settings_changed.emit()
        if was_running:
            self.running_changed.emit(False)
