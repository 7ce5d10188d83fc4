"""The Qt-side owner of the lessons: which one is open, loading it into the app, and the
student's progress.

Opening a lesson computes its demonstration with :func:`core.lessons.run_lesson` (well under a
second, so on this thread, under a wait cursor; results are kept, they never change) and loads
what the lesson needs into the app's own controllers: an expression into the computation graph,
or a network with its data set and training settings into the stepper (the training controller
takes them over from there). Views listen to the signals; none of them loads anything itself.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication

from core.lessons import (
    TRAINING_KINDS,
    Lesson,
    LessonFileError,
    LessonInfo,
    LessonResult,
    apply_controls,
    lesson_network,
    lessons_folder,
    list_lessons,
    load_lesson,
    run_lesson,
    run_settings,
    train_config,
)
from gui.settings import read_string, read_string_list

VISITED = "lessons/visited"
COMPLETED = "lessons/completed"
LAST = "lessons/last"
# Where each lesson happens: the tab its ``view`` names ("lessons" is the comparison tab).
VIEWS = {"graph": "graph", "stepper": "stepper", "training": "lessons"}


def lesson_view(lesson: Lesson) -> str:
    """The tab that shows the lesson's point: "graph", "stepper" or "lessons"."""
    if lesson.kind in TRAINING_KINDS:
        return "lessons"
    return VIEWS[lesson.view]


_CATALOGUE: dict = {}


def catalogue() -> tuple[list[LessonInfo], dict[str, str], list[str]]:
    """The shipped lessons, the section of each (by id), and the files that failed to load.
    Read once per process, and again only when a file in the folder changes."""
    folder = lessons_folder()
    key = _folder_key(folder)
    if _CATALOGUE.get("key") != key:
        errors: list[str] = []
        try:
            infos = list_lessons(folder, errors=errors)
        except LessonFileError as exc:  # the folder itself cannot be read
            infos, errors = [], [str(exc)]
        for problem in errors:  # one line per skipped file, each time the folder changed
            print(f"warning: lesson skipped: {problem}", file=sys.stderr)
        sections = {}
        for info in infos:
            try:
                sections[info.id] = load_lesson(info.path).section
            except (ValueError, OSError):
                sections[info.id] = ""
        _CATALOGUE.update(key=key, value=(infos, sections, errors))
    infos, sections, errors = _CATALOGUE["value"]
    return list(infos), dict(sections), list(errors)


def _folder_key(folder) -> tuple:
    """What changes when a lesson file changes: names and modification times (lstat, so that a
    dangling link counts as a file rather than raising)."""
    try:
        paths = sorted(folder.glob("*.json"))
    except OSError:
        return ()
    key = []
    for path in paths:
        try:
            key.append((path.name, path.lstat().st_mtime_ns))
        except OSError:
            key.append((path.name, None))
    return tuple(key)


def run_init(lesson: Lesson, run: int) -> dict | None:
    """How run ``run`` draws its weights: its own init, else the network's, else (for a new
    architecture) the default that :func:`core.lessons.lesson_network` uses."""
    settings = run_settings(lesson, run)
    init = settings.get("init") or (lesson.network or {}).get("init")
    if init is None and "hidden" in settings:
        init = {"scheme": "xavier", "seed": 0}
    return dict(init) if init else None


def match_shuffle(training, config) -> None:
    """Give the Training tab the lesson's shuffle seed and order, for this run (nothing trained
    yet) and for the new runs Reset and Redo make: the tab orders minibatches by its weight
    seed, a lesson by its ``training.seed``, and with the same order the live run is the
    lesson's run, number for number. A network opened after the lesson's orders by its seed."""
    order = (config.seed, config.shuffle)
    training.settings = dataclasses.replace(training.settings, lesson_order=order)
    if training.trainer is not None and training.trainer.epoch == 0:
        training.trainer.reseed(*order)
    training.settings_changed.emit()  # the dock says whose order it is


class LessonController(QObject):
    """The current lesson, its computed result, and progress kept in QSettings.

    ``step``, ``training`` and ``graph`` are the app's StepController, TrainingController and
    GraphController. ``may_replace`` is asked before a lesson replaces a network that is not a
    lesson's own (the window asks about unsaved edits there); ``persist`` False keeps progress
    out of the settings (headless screenshots).

    Signals
    -------
    lesson_changed : a lesson was opened (``lesson`` and ``result`` are new).
    lesson_reset : the open lesson's network, data, settings or expression were loaded again.
    result_changed : a control of the lesson moved and ``result`` was computed again.
    progress_changed : a lesson became visited or completed (or not completed).
    failed(str) : a lesson could not be opened; the message says why.
    """

    lesson_changed = Signal()
    lesson_reset = Signal()
    result_changed = Signal()
    progress_changed = Signal()
    failed = Signal(str)

    def __init__(self, step, training, graph, persist: bool = True,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.step = step
        self.training = training
        self.graph = graph
        self.persist = persist
        self.settings = QSettings()
        self.lessons, self.sections, self.errors = catalogue()
        self.lesson: Lesson | None = None
        self.result: LessonResult | None = None
        self.may_replace: Callable[[], bool] = lambda: True
        self.owns_network = False  # the stepped network is the open lesson's (no need to ask)
        self._results: dict[str, LessonResult] = {}
        self.base: Lesson | None = None  # the lesson as its file has it
        self.choices: dict[str, int] = {}  # the value chosen on each of its controls
        self._visited = set(read_string_list(self.settings, VISITED))
        self._completed = set(read_string_list(self.settings, COMPLETED))

    # -- where we are ---------------------------------------------------------------------

    @property
    def index(self) -> int:
        """Position of the open lesson in ``lessons`` (-1 when none is open)."""
        if self.lesson is None:
            return -1
        return next((k for k, info in enumerate(self.lessons) if info.id == self.lesson.id), -1)

    def has_next(self) -> bool:
        return self.index + 1 < len(self.lessons)

    def has_previous(self) -> bool:
        return self.index > 0

    def last_opened(self) -> str:
        """The id of the lesson opened last (also in an earlier session), or ""."""
        return read_string(self.settings, LAST)

    # -- progress -------------------------------------------------------------------------

    def is_visited(self, lesson_id: str) -> bool:
        return lesson_id in self._visited

    def is_completed(self, lesson_id: str) -> bool:
        return lesson_id in self._completed

    def set_completed(self, lesson_id: str, done: bool = True) -> None:
        """Mark a lesson done (or not); Next marks the lesson it leaves."""
        if done == (lesson_id in self._completed):
            return
        if done:
            self._completed.add(lesson_id)
        else:
            self._completed.discard(lesson_id)
        self._save_progress()

    def forget_progress(self) -> None:
        self._visited.clear()
        self._completed.clear()
        self._save_progress()

    def _save_progress(self) -> None:
        if self.persist:
            order = [info.id for info in self.lessons]
            self.settings.setValue(VISITED, [i for i in order if i in self._visited])
            self.settings.setValue(COMPLETED, [i for i in order if i in self._completed])
        self.progress_changed.emit()

    # -- moving between lessons -----------------------------------------------------------

    def open(self, lesson_id: str) -> bool:
        """Open the lesson ``lesson_id``: compute it, load it into the app, remember the visit.
        False (and ``failed``) if it cannot be read or computed, or the user keeps the
        current network."""
        try:
            lesson = load_lesson(lesson_id)
        except (ValueError, OSError) as exc:
            self.failed.emit(str(exc))
            return False
        if lesson.network is not None and not self.owns_network and not self.may_replace():
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if lesson.id not in self._results:
                self._results[lesson.id] = run_lesson(lesson)
            self._load(lesson)
        except (ValueError, OSError, FloatingPointError) as exc:
            self.failed.emit(f"Lesson {lesson.id!r} cannot be shown: {exc}")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.lesson = self.base = lesson
        self.choices = {}
        self.result = self._results[lesson.id]
        if self.persist:
            self.settings.setValue(LAST, lesson.id)
        self._visited.add(lesson.id)
        self._save_progress()
        self.lesson_changed.emit()
        return True

    def next(self) -> bool:
        """Mark the open lesson done and open the one after it."""
        if not self.has_next():
            return False
        if self.lesson is not None:
            self.set_completed(self.lesson.id)
        return self.open(self.lessons[self.index + 1].id)

    def previous(self) -> bool:
        if not self.has_previous():
            return False
        return self.open(self.lessons[self.index - 1].id)

    def set_control(self, name: str, index: int) -> bool:
        """Move the control ``name`` of the open lesson to its value ``index`` and compute the
        lesson again (in well under a second); graph lessons load the new expression values.
        False (and ``failed``) if it cannot be computed."""
        if self.base is None or self.choices.get(name, 0) == index:
            return False
        choices = {**self.choices, name: index}
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            lesson = apply_controls(self.base, choices)
            result = run_lesson(lesson)
            if lesson.kind == "graph":
                self._load(lesson)
            elif lesson.network is not None:
                self._load_network(lesson, 0)  # the Training tab and the export follow it
        except (ValueError, KeyError, IndexError, FloatingPointError) as exc:
            self.failed.emit(f"Lesson {self.base.id!r} cannot be computed with that: {exc}")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.choices, self.lesson, self.result = choices, lesson, result
        self.result_changed.emit()
        return True

    def reset(self) -> bool:
        """Load the open lesson's network, data, settings or expression again, with its
        controls back at the lesson's own values."""
        if self.lesson is None:
            return False
        if self.choices:
            self.choices, self.lesson = {}, self.base
            self.result = self._results[self.base.id]
            self.result_changed.emit()
        try:
            self._load(self.lesson)
        except (ValueError, OSError) as exc:
            self.failed.emit(f"Lesson {self.lesson.id!r} cannot be reset: {exc}")
            return False
        self.lesson_reset.emit()
        return True

    def load_run(self, run: int) -> bool:
        """Put run ``run`` of the open lesson (its network and settings) into the Training tab,
        to train it live."""
        if self.lesson is None or self.lesson.network is None:
            return False
        try:
            self._load_network(self.lesson, run)
        except ValueError as exc:
            self.failed.emit(str(exc))
            return False
        return True

    def detach(self) -> None:
        """The user opened a network of their own: it is no longer the lesson's."""
        self.owns_network = False

    # -- loading --------------------------------------------------------------------------

    def _load(self, lesson: Lesson) -> None:
        if lesson.kind == "graph":
            p = lesson.params
            self.graph.set_expression(p["expression"], p["values"])
            self.graph.set_values(p["values"])
            self.graph.set_mode(p.get("mode", "reverse"), p["wrt"])
            self.graph.to_start()
        if lesson.network is not None:
            self._load_network(lesson, 0)

    def _load_network(self, lesson: Lesson, run: int) -> None:
        self.training.pause()
        loaded = lesson_network(lesson, run)
        # The run's init block, so that the Training dock's Reset draws weights the same way.
        loaded.init = loaded.init or run_init(lesson, run)
        self.step.set_loaded(loaded, "")  # the training controller adopts it
        self.owns_network = True
        if lesson.dataset is not None and hasattr(self.training, "epoch_budget"):
            config = train_config(lesson, run)
            # Train it live stops where the lesson stops.
            self.training.epoch_budget = config.epochs
            match_shuffle(self.training, config)


    # -- what views show ------------------------------------------------------------------

    def export_code(self, framework: str) -> str:
        """The app's network as it is now, with its training settings and training data, as a
        PyTorch or Keras file (see :mod:`core.codegen`)."""
        from core.codegen import export_code

        net = self.step.network
        if net is None:
            return ""
        s = self.training.settings
        training = {"epochs": s.epochs, "batch_size": s.batch_size, "l2": s.l2}
        train = self.training.train
        data = (train.X, train.Y) if train is not None and train.X.shape[1] == net.inputs else None
        return export_code(net, framework, training, data)
