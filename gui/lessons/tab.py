"""The "Lessons" tab: the list of lessons (the start page) and, for a lesson that compares
training runs, the figures that carry its point, drawn from its computed result. The figure the
lesson points at has a coloured frame. "Train it live" trains a run with the Training tab's
trainer while the lesson's own figures draw it over the lesson's runs (see
:mod:`gui.lessons.live_view`); a button goes to the Training tab to watch or adjust it there.

Figures are built once per kind of page, the first time a lesson needs that page, and reused.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.lessons import TRAINING_KINDS, order_label
from core.lessons.replay import at_fraction, can_replay
from gui.lessons.controller import lesson_view
from gui.lessons.fonts import scale_fonts, set_base_points
from gui.lessons.live_view import LiveFollower
from gui.lessons.plots.collapse import CollapseBoundary, CollapseView, PredictionScatter
from gui.lessons.plots.gradients import LayerGradientPlot
from gui.lessons.plots.herd import SimilarityMatrices, SpreadPlot
from gui.lessons.plots.loss import RunLossPlot
from gui.lessons.plots.recipe import RecipeView
from gui.lessons.plots.regions import BoundaryMap
from gui.lessons.plots.saturation import SaturationBars
from gui.lessons.plots.surface import SurfacePlot
from gui.lessons.run_combo import RunCombo
from gui.lessons.start_page import StartPage
from gui.plot_style import scale_plots_in

REPLAY_FRAMES = 60  # a replay shows the training in this many steps
REPLAY_TICK_MS = 50  # about three seconds in all

# The figure each ``focus`` of a lesson file names.
FOCUS_FIGURES = {
    "loss": ("loss",),
    "saturation": ("saturation",),
    "paths": ("surface",),
    "gradients": ("gradients",),
    "similarity": ("spread", "similarity"),
    "network": ("collapse",),
    "boundary": ("boundary", "boundary2"),
    "code": ("recipe",),
}
TAB_NAMES = {"graph": "Computation graph", "stepper": "Stepper"}


def page_key(lesson) -> str:
    """Which page of figures a training lesson needs ("" for lessons shown elsewhere)."""
    if lesson.kind not in TRAINING_KINDS:
        return ""
    if lesson.kind == "compare":
        return "saturation" if lesson.focus == "saturation" else "loss"
    return lesson.kind


class LessonPage(QScrollArea):
    """Figures in a grid, by role; :meth:`show_result` gives each the lesson's result. When
    the figures need more room than the tab has (large text on a small screen), the page
    scrolls rather than squeeze a plot flat or cut its text."""

    def __init__(self, figures: dict, places: dict, parent=None) -> None:
        super().__init__(parent)
        self.figures = figures
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        for role, figure in figures.items():
            grid.addWidget(figure, *places[role])
        self.grid = grid
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def show_result(self, result) -> None:
        focus = FOCUS_FIGURES.get(result.lesson.focus, ())
        runs = len(result.runs)
        for role, figure in self.figures.items():
            # A second boundary map only for a lesson with a second run.
            wanted = not (role == "boundary2" and runs < 2)
            figure.setVisible(wanted)
            if wanted:
                figure.show_result(result)
                figure.sync_legend()
            figure.set_focused(role in focus)

    def show_live(self, result, live, k: int) -> None:
        """Draw the live run ``live`` (run ``k`` as trained so far) in every figure shown."""
        for figure in self.figures.values():
            if not figure.isHidden():
                figure.show_live(result, live, k)
                figure.sync_legend()

    def clear_live(self) -> None:
        for figure in self.figures.values():
            figure.clear_live()
            figure.sync_legend()


def build_page(key: str, code_for) -> LessonPage:
    """The figures of one kind of page, and where each goes (row, column[, rows, columns])."""
    if key == "loss":
        figures = {"loss": RunLossPlot()}
        places = {"loss": (0, 0)}
    elif key == "saturation":
        figures = {"saturation": SaturationBars(), "loss": RunLossPlot()}
        places = {"saturation": (0, 0), "loss": (0, 1)}
    elif key == "surface":
        figures = {"surface": SurfacePlot(), "loss": RunLossPlot()}
        places = {"surface": (0, 0), "loss": (0, 1)}
    elif key == "gradients":
        figures = {"gradients": LayerGradientPlot(), "loss": RunLossPlot()}
        places = {"gradients": (0, 0), "loss": (0, 1)}
    elif key == "herd":
        figures = {"spread": SpreadPlot(), "similarity": SimilarityMatrices(),
                   "loss": RunLossPlot()}  # fmt: skip
        places = {"spread": (0, 0), "loss": (0, 1), "similarity": (1, 0, 1, 2)}
    elif key == "collapse":
        figures = {"collapse": CollapseView(), "scatter": PredictionScatter(),
                   "boundary": CollapseBoundary()}  # fmt: skip
        places = {"collapse": (0, 0, 1, 2), "scatter": (1, 0), "boundary": (1, 1)}
    elif key == "regions":
        figures = {"boundary": BoundaryMap(0), "boundary2": BoundaryMap(1)}
        places = {"boundary": (0, 0), "boundary2": (0, 1)}
    elif key == "recipe":
        figures = {"recipe": RecipeView(code_for)}
        places = {"recipe": (0, 0)}
    else:
        raise ValueError(f"no lesson page {key!r}")
    page = LessonPage(figures, places)
    grid = page.grid
    if key == "collapse":
        grid.setRowStretch(1, 1)
    elif key == "surface":
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
    elif key == "herd":
        grid.setRowStretch(0, 1)
    return page


class LessonTab(QWidget):
    """Shows ``lessons`` (a :class:`gui.lessons.controller.LessonController`).

    Signals
    -------
    view_requested : show the tab the open lesson points at.
    training_requested : show the Training tab (where the live run trains).
    """

    view_requested = Signal()
    training_requested = Signal()

    def __init__(self, lessons, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lessons = lessons
        self.pages: dict[str, LessonPage] = {}
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.list_button = QPushButton("All lessons")
        self.list_button.clicked.connect(self.show_list)
        self.back_button = QPushButton("Back to the lesson")
        self.back_button.clicked.connect(self.show_lesson)
        self.elsewhere_button = QPushButton()
        self.elsewhere_button.clicked.connect(self.view_requested)
        self.run_combo = RunCombo()
        self.train_button = QPushButton("Train it live")
        self.train_button.setToolTip("Train this run now with the lesson's network, data and "
                                     "settings, up to its epochs, and draw it here over the "
                                     "lesson's runs (dashed, labelled live)")  # fmt: skip
        self.train_button.clicked.connect(self._train_live)
        self.training_button = QPushButton("Training tab ▸")
        self.training_button.setToolTip("Watch or adjust the live run in the Training tab")
        self.training_button.clicked.connect(self.training_requested)
        self.follower = LiveFollower(lessons.training, self)
        self.follower.ended.connect(self._update_header)
        self.watch_button = QPushButton("▶ Watch it train")
        self.watch_button.setToolTip("Replay this lesson's training here, epoch by epoch, in its "
                                     "own figures")  # fmt: skip
        self.watch_button.clicked.connect(self.toggle_replay)
        self.replay_timer = QTimer(self)
        self.replay_timer.setInterval(REPLAY_TICK_MS)
        self.replay_timer.timeout.connect(self.replay_step)
        self.replay_frame = 0
        # The buttons go beside the heading, or under it when the two do not fit in a row.
        self.buttons = QWidget()
        row = QHBoxLayout(self.buttons)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.elsewhere_button, self.watch_button, self.run_combo, self.train_button,
                       self.training_button, self.back_button, self.list_button):  # fmt: skip
            row.addWidget(widget)
        header = QGridLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setVerticalSpacing(2)
        header.addWidget(self.heading, 0, 0)
        header.setColumnStretch(0, 1)
        self.header = header
        self.buttons_below = None  # not placed yet
        self.start_page = StartPage(lessons)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        lessons.lesson_changed.connect(self.follower.stop)  # before the figures change
        lessons.lesson_changed.connect(self.stop_replay)
        lessons.lesson_changed.connect(self.show_lesson)
        lessons.result_changed.connect(self.follower.stop)
        lessons.result_changed.connect(self.stop_replay)
        lessons.result_changed.connect(self._on_result_changed)
        self.font_scale = 1.0
        set_base_points(self.heading, 13.0)
        self.show_list()
        self._place_header()

    def set_font_scale(self, scale: float) -> None:
        """The app's text scale for the heading, the buttons, the start page and the figures,
        set on every widget (under the presenter's style sheet none takes its parent's font)."""
        self.font_scale = scale
        scale_fonts(self, scale)
        scale_plots_in(self, scale)
        self.start_page.update_progress()  # its bold row at the new size
        self._place_header()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        self._place_header()

    def _place_header(self) -> None:
        """The buttons beside the heading when both fit (the heading keeps room for about 24
        characters), else in a row of their own under it."""
        room = self.width() - 8
        heading = self.heading.fontMetrics().averageCharWidth() * 24
        below = self.buttons.sizeHint().width() + heading + 8 > room
        if below == self.buttons_below:
            return
        self.buttons_below = below
        self.header.removeWidget(self.buttons)
        if below:
            self.header.addWidget(self.buttons, 1, 0, Qt.AlignmentFlag.AlignRight)
        else:
            self.header.addWidget(self.buttons, 0, 1)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        self.follower.advance()  # a live run trained on while the tab was hidden

    # -- what is shown --------------------------------------------------------------------

    @property
    def page(self) -> LessonPage | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, LessonPage) else None

    def figure(self, role: str):
        """The figure ``role`` ("loss", "surface", "boundary", …) of the page shown."""
        page = self.page
        return None if page is None else page.figures.get(role)

    def showing_list(self) -> bool:
        return self.stack.currentWidget() is self.start_page

    def show_list(self) -> None:
        """The start page; the header still names the open lesson."""
        self.stack.setCurrentWidget(self.start_page)
        self._update_header()

    def show_lesson(self) -> None:
        """The open lesson's figures (or the list with a pointer to the tab it uses)."""
        c = self.lessons
        lesson = c.lesson
        key = page_key(lesson) if lesson is not None else ""
        if not key:
            self.show_list()
            return
        if key not in self.pages:
            self.pages[key] = build_page(key, c.export_code)
            self.stack.addWidget(self.pages[key])
            scale_fonts(self.pages[key], self.font_scale)
            scale_plots_in(self.pages[key], self.font_scale)
        page = self.pages[key]
        page.show_result(c.result)
        self.stack.setCurrentWidget(page)
        self.follower.redraw()  # back from the list while a run trains live
        self.run_combo.set_labels([run.label for run in c.result.runs])
        self._update_header()

    def _on_result_changed(self) -> None:
        """A control moved: the open lesson's figures show the new result where they are."""
        if self.page is not None:
            run = self.run_combo.currentIndex()
            self.show_lesson()
            if 0 <= run < self.run_combo.count():
                self.run_combo.setCurrentIndex(run)

    def _update_header(self) -> None:
        c = self.lessons
        lesson = c.lesson
        on_list = self.showing_list()
        key = page_key(lesson) if lesson is not None else ""
        if lesson is None:
            text = "Lessons"
        else:
            text = f"Lesson {order_label(lesson.order)} · {lesson.title}"
        if self.heading.text() != text:
            self.heading.setText(text)
        elsewhere = lesson is not None and not key
        if elsewhere:
            self.elsewhere_button.setText(f"Go to the {TAB_NAMES[lesson_view(lesson)]} tab")
        self.elsewhere_button.setVisible(elsewhere)
        self.back_button.setVisible(bool(key) and on_list)
        self.list_button.setVisible(not on_list)
        live = bool(key) and not on_list
        self.run_combo.setVisible(live and self.run_combo.count() > 1)
        self.train_button.setVisible(live)
        self.training_button.setVisible(live and self.follower.active)
        result = self.lessons.result
        self.watch_button.setVisible(live and result is not None and can_replay(result))
        self._place_header()

    # -- replaying the lesson's training in its own figures ---------------------------------

    def toggle_replay(self) -> None:
        if self.replay_timer.isActive():
            self.stop_replay()
        else:
            self.start_replay()

    def start_replay(self) -> None:
        """Show the lesson's figures after 0 epochs, then a little further every tick."""
        result = self.lessons.result
        if self.page is None or result is None or not can_replay(result):
            return
        self.follower.stop()
        self.replay_frame = 0
        self.watch_button.setText("■ Stop")
        self.page.show_result(at_fraction(result, 0.0))
        self.replay_timer.start()

    def replay_step(self) -> None:
        """One frame further; the last one shows the whole result again."""
        result = self.lessons.result
        if self.page is None or result is None:
            self.stop_replay()
            return
        self.replay_frame += 1
        if self.replay_frame >= REPLAY_FRAMES:
            self.stop_replay()
            return
        self.page.show_result(at_fraction(result, self.replay_frame / REPLAY_FRAMES))

    def stop_replay(self) -> None:
        was = self.replay_timer.isActive()
        self.replay_timer.stop()
        self.watch_button.setText("▶ Watch it train")
        if was and self.page is not None and self.lessons.result is not None:
            self.page.show_result(self.lessons.result)

    def _train_live(self) -> None:
        """Load the chosen run into the Training tab and train it there, up to the lesson's
        epochs, while this tab stays in view and its figures draw the run as it trains."""
        self.stop_replay()
        run = max(0, self.run_combo.currentIndex())
        if self.page is None or not self.lessons.load_run(run):
            return
        self.follower.follow(self.page, self.lessons.result, run)
        self._update_header()
        self.lessons.training.start()  # it stops after the lesson's epochs
