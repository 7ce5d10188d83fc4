"""The main window: lays out the views, the menus and the step controls, and wires them to the
controller. It computes nothing itself."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.export.menu import ExportMenu
from gui.graph.docks import DocksAside
from gui.graph.tab import GraphTab
from gui.lessons.controller import LessonController, lesson_view
from gui.lessons.menu import LessonMenu
from gui.lessons.panel import LessonPanel
from gui.lessons.tab import LessonTab
from gui.presenter_bars import PresenterBars, PresenterSplit
from gui.settings import read_bytes, read_float
from gui.stepper.controller import StepController
from gui.stepper.equation_panel import EquationPanel
from gui.stepper.files import NetworkFiles, add_action
from gui.stepper.layer_controls import LayerControls
from gui.stepper.matrix_panel import MatrixDock
from gui.stepper.network_view import NetworkView
from gui.stepper.quiz import Quiz
from gui.stepper.step_controls import StepControls
from gui.stepper.unit_maps import UnitMapDock, UnitMapOverlay, plane_data
from gui.stepper.values_dock import ValuesDock
from gui.theme import NORMAL, PRESENTER
from gui.training.controller import TrainingController
from gui.training.dock import TrainingDock
from gui.training.tab import TrainingTab

FONT_SCALES = (0.5, 4.0)  # the text-size range (View ▸ Larger / Smaller text)
TRAINING_DOCK_WIDTH = 380  # the training controls need less room than the value tables
ZOOM_STEP = 1.25  # View ▸ Zoom in / out


def invalidate_layouts(layout) -> None:
    """Forget the sizes ``layout`` and the layouts nested in it have computed."""
    if layout is None:
        return
    layout.invalidate()
    for k in range(layout.count()):
        invalidate_layouts(layout.itemAt(k).layout())


class MainWindow(QMainWindow):
    """Backprop Stepper's window. ``show_error`` and ``ask_discard`` are attributes so that tests
    can answer the dialogs."""

    def __init__(self, controller: StepController | None = None, persist: bool = True) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.persist = persist  # False for headless screenshots: the user's layout stays as is
        self.controller = controller or StepController(self)
        self.settings = QSettings()
        self.font_scale = 1.0
        if persist:
            self.font_scale = read_float(self.settings, "font_scale", 1.0, *FONT_SCALES)
        self.presenter = False
        self.theme = NORMAL
        self.show_error = self._show_error
        self.files = NetworkFiles(self, persist)
        self.ask_discard = self.files.ask_discard
        self.ask_save_path = self.files.ask_save_path
        self.ask_replace_read_only = self.files.ask_replace_read_only
        # The File menu's actions, kept on the window for tests and tools.
        self.may_discard = self.files.may_discard
        self.open_path = self.files.open_path
        self.open_example = self.files.open_example
        self.save = self.files.save
        self.save_as = self.files.save_as
        self.recent_files = self.files.recent_files
        self.quiz = Quiz(self.controller, self)  # the step keys reach the controller through it

        self.network_view = NetworkView(self.controller, self.theme)
        self.network_view.edit_failed.connect(lambda m: self.show_error("Edit refused", m))
        self.equation_panel = EquationPanel(self.controller)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.network_view)
        # A scroll area, so that a long formula in large text is never cut off.
        panel_scroll = QScrollArea()
        panel_scroll.setWidget(self.equation_panel)
        panel_scroll.setWidgetResizable(True)
        panel_scroll.setFrameShape(QFrame.Shape.NoFrame)
        splitter.addWidget(panel_scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 260])
        self.splitter = splitter
        stepper_tab = QWidget()
        layout = QVBoxLayout(stepper_tab)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        layout.addWidget(self.quiz.bar)
        self.stepper_tab = stepper_tab
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(stepper_tab, "Stepper")
        self.setCentralWidget(self.tabs)

        self.values_dock = dock = ValuesDock(self.controller)
        self.values_dock.setObjectName("values_dock")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.values_dock)
        if hasattr(self.values_dock, "edit_rejected"):
            self.values_dock.edit_rejected.connect(lambda m: self.show_error("Edit refused", m))
            self.values_dock.warn = lambda message: None  # the window shows it, once
        # The network's weight tables short of width for all their lines: the dock gives what
        # it has to spare (after this turn of the event loop: the view may be in a resize).
        self.network_view.room_available = lambda: self._stepping() and dock.can_give_room()
        self.network_view.wants_room.connect(lambda extra: QTimer.singleShot(
            0, lambda: self._stepping() and dock.give_room(extra)))

        self.step_controls = StepControls(self.controller, self)
        self.step_controls.set_controller(self.quiz)
        self.step_controls.toolbar.addSeparator()
        self.step_controls.toolbar.addAction(self.quiz.action)
        self.addToolBar(self.step_controls.toolbar)
        self.layer_controls = LayerControls(self.controller, self, self.step_controls.toolbar)
        self.matrix_dock = MatrixDock(self.controller, self)  # layer mode's matrices
        self.matrix_panel = self.matrix_dock.panel
        self._build_menus()
        self._build_training()
        self._build_graph_tab()
        self._build_lessons()
        self._build_unit_maps()
        self.exports = ExportMenu(self, self.file_menu)  # File ▸ Export and Copy as LaTeX
        self.files.opened.connect(self.lessons.detach)
        self.statusBar()
        # Presenter mode hides the bars (shortcuts, messages and the top edge still reach).
        self.presenter_split = PresenterSplit(self.splitter)
        self.equation_panel.needs_room.connect(self.presenter_split.grow)
        self.presenter_bars = PresenterBars(
            self, lambda: self.step_controls.toolbar.font(), self.tabs,
            [self.step_controls.toolbar, self.layer_controls.toolbar], self.view_menu,
            [self.graph_tab.step_bar])
        self.presenter_bars.changed.connect(self.layer_controls.refresh)
        self.step_controls.progress_changed.connect(self.equation_panel.set_progress)
        self.equation_panel.set_progress(self.step_controls.progress.text())

        self.controller.dirty_changed.connect(self.setWindowModified)
        self.controller.path_changed.connect(lambda _: self._update_title())
        self.controller.network_replaced.connect(self._update_title)
        self._update_title()
        self.resize(1280, 800)
        geometry = read_bytes(self.settings, "geometry") if persist else None
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = read_bytes(self.settings, "window_state") if persist else None
        if state is None or not self.restoreState(state):
            # First start: the network gets most of the room, the tables about a third
            # (wider when their numbers need it, see ValuesDock._fit_columns).
            self.resizeDocks([self.values_dock], [500], Qt.Orientation.Horizontal)
            self.values_dock.app_width = 500
        elif persist:  # the dock's width as the app left it, unless the user had set one
            width = read_float(self.settings, "values_dock_app_width", -1, -1, 10000)
            self.values_dock.app_width = round(width) if width > 0 else None
        self._apply_font_scale()

    # -- menus ----------------------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        return add_action(self, menu, text, slot, shortcut)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = self.file_menu = bar.addMenu("&File")
        self.files.build_menu(file_menu)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        step_menu = bar.addMenu("&Step")
        for action in self.step_controls.actions.values():
            step_menu.addAction(action)
        step_menu.addSeparator()
        step_menu.addAction(self.quiz.action)
        step_menu.addAction(self.layer_controls.action)
        self.addAction(self.quiz.action)

        view_menu = bar.addMenu("&View")
        self.view_menu = view_menu
        self.presenter_action = QAction("&Presenter mode", self)
        self.presenter_action.setShortcut(QKeySequence("F11"))
        self.presenter_action.setCheckable(True)
        self.presenter_action.toggled.connect(self.set_presenter)
        view_menu.addAction(self.presenter_action)
        # Esc leaves presenter mode too; enabled only then, so Esc keeps its use elsewhere.
        self.leave_presenter_action = QAction("Leave presenter mode", self)
        self.leave_presenter_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave_presenter_action.setEnabled(False)
        self.leave_presenter_action.triggered.connect(lambda: self.set_presenter(False))
        self.addAction(self.leave_presenter_action)
        self._action(view_menu, "&Larger text", lambda: self.scale_text(1.15),
                     QKeySequence("Ctrl+="))
        self._action(view_menu, "&Smaller text", lambda: self.scale_text(1 / 1.15),
                     QKeySequence("Ctrl+-"))
        self._action(view_menu, "&Fit to window", lambda: self._zoom_by(None),
                     QKeySequence("Ctrl+0"))
        # From the keyboard too (a lecturer's hands stay off the mouse): zooming in spreads the
        # network out so that the numbers that had no room come out, the view following the
        # cursor.
        zoom_in = self._action(view_menu, "Zoom &in", lambda: self._zoom_by(ZOOM_STEP),
                               QKeySequence("+"))
        zoom_in.setShortcuts([QKeySequence("+"), QKeySequence("=")])
        self._action(view_menu, "Zoom &out", lambda: self._zoom_by(1 / ZOOM_STEP),
                     QKeySequence("-"))
        view_menu.addAction(self.values_dock.toggleViewAction())
        self.unit_maps_action = QAction("&Unit maps", self)
        self.unit_maps_action.setCheckable(True)
        self.unit_maps_action.setShortcut(QKeySequence("Ctrl+M"))
        self.unit_maps_action.toggled.connect(self._set_unit_maps)
        view_menu.addAction(self.unit_maps_action)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keys", self._show_keys, QKeySequence("F1"))

    # -- training -------------------------------------------------------------------------

    def _build_training(self) -> None:
        """The Training tab, its dock (tabbed with the values dock), Edit and Training menus."""
        self.training = TrainingController(self.controller, self)
        self.training_tab = TrainingTab(self.training)
        self.training_tab.step_requested.connect(
            lambda: self.tabs.setCurrentWidget(self.stepper_tab)
        )
        self.tabs.addTab(self.training_tab, "Training")
        self.training_dock = TrainingDock(self.training, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.training_dock)
        self.tabifyDockWidget(self.values_dock, self.training_dock)
        self.values_dock.raise_()
        bar = self.menuBar()
        # Edit ▸ Undo/Redo act on the stepper's value edits on the Stepper tab, on the training
        # settings elsewhere: one group, its active stack following the tab and the last change.
        self.undo_group = QUndoGroup(self)
        self.undo_group.addStack(self.controller.undo_stack)
        self.undo_group.addStack(self.training.undo_stack)
        self.undo_group.setActiveStack(self.controller.undo_stack)
        self.tabs.currentChanged.connect(self._follow_undo_stack)
        self.controller.undo_stack.indexChanged.connect(self._stepper_stack_changed)
        self.training.undo_stack.indexChanged.connect(self._training_stack_changed)
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu = QMenu("&Edit", self)
        edit_menu.addActions([self.undo_action, self.redo_action])
        bar.insertMenu(bar.actions()[1], edit_menu)
        training_menu = QMenu("&Training", self)
        for action in self.training_dock.actions.values():
            training_menu.addAction(action)
            self.addAction(action)
        training_menu.addSeparator()
        training_menu.addAction(self.training_dock.toggleViewAction())
        bar.insertMenu(bar.actions()[-1], training_menu)  # Help stays last
        self._dock_widths = {True: TRAINING_DOCK_WIDTH}  # by "Training tab showing"
        self._training_shown = False
        self.tabs.currentChanged.connect(self._on_tab_changed)

    def _follow_undo_stack(self, index: int) -> None:
        on_stepper = self.tabs.widget(index) is self.stepper_tab
        stack = self.controller.undo_stack if on_stepper else self.training.undo_stack
        self.undo_group.setActiveStack(stack)

    def _stepper_stack_changed(self, _index: int) -> None:
        self._use_stack(self.controller.undo_stack)

    def _training_stack_changed(self, _index: int) -> None:
        self._use_stack(self.training.undo_stack)

    def _use_stack(self, stack) -> None:
        """The stack just changed becomes the Edit menu's (not when it was merely cleared)."""
        try:
            if stack.count():
                self.undo_group.setActiveStack(stack)
        except RuntimeError:  # the window is being destroyed
            pass

    def _build_graph_tab(self) -> None:
        """The computation-graph tab; the step keys drive its cursor while it shows."""
        self.graph_tab = GraphTab(self.theme)
        self.graph_tab.step_bar.hide()  # the window's toolbar and keys step it
        self.tabs.addTab(self.graph_tab, "Computation graph")
        self.tabs.currentChanged.connect(self._route_step_keys)
        self.docks_aside = DocksAside(
            self, self.tabs, self.graph_tab, [self.values_dock, self.training_dock],
            applies=lambda dock: dock is self.lesson_panel and self.lessons.lesson is not None)

    def _route_step_keys(self, index: int) -> None:
        on_graph = self.tabs.widget(index) is self.graph_tab
        self.step_controls.set_controller(self.graph_tab.controller if on_graph else self.quiz)
        self.step_controls.actions["next"].setEnabled(not on_graph)

    def _build_lessons(self) -> None:
        """The Lessons tab (start page and comparisons), the Lesson dock and the Lessons menu."""
        lessons = LessonController(self.controller, self.training, self.graph_tab.controller,
                                   persist=self.persist, parent=self)  # fmt: skip
        lessons.may_replace = lambda: self.may_discard()
        lessons.failed.connect(lambda message: self.show_error("Cannot open lesson", message))
        self.lessons = lessons
        self.lesson_tab = LessonTab(lessons)
        self.tabs.addTab(self.lesson_tab, "Lessons")
        self.lesson_panel = LessonPanel(lessons, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.lesson_panel)
        self.tabifyDockWidget(self.training_dock, self.lesson_panel)
        self.docks_aside.docks.append(self.lesson_panel)
        self.values_dock.raise_()
        menu = LessonMenu(lessons, self)
        self.lessons_menu = menu
        self.lesson_actions = menu.lesson_actions
        self.all_lessons_action = menu.list_action
        self.previous_lesson_action = menu.previous_action
        self.reset_lesson_action = menu.reset_action
        self.next_lesson_action = menu.next_action
        self.addActions(list(menu.shortcut_actions))
        menu.list_requested.connect(self.show_lesson_list)
        menu.addSeparator()
        # F9 puts the lesson panel away and back; on the graph tab presenter mode puts it away
        # and a panel shown again or a lesson opened is narrowed (gui/graph/docks.py).
        self.lesson_panel_action = self.lesson_panel.toggleViewAction()
        self.lesson_panel_action.setShortcut(QKeySequence("F9"))
        self.addAction(self.lesson_panel_action)
        menu.addAction(self.lesson_panel_action)
        self.view_menu.addAction(self.lesson_panel_action)
        self.presenter_action.toggled.connect(self.docks_aside.presenter_default)
        self.lesson_panel_action.triggered.connect(self.docks_aside.user_toggled)
        for signal in (lessons.lesson_changed, self.presenter_action.toggled,
                       self.lesson_panel_action.toggled):
            signal.connect(self.docks_aside.refresh)
        bar = self.menuBar()
        bar.insertMenu(bar.actions()[-1], menu)  # Help stays last
        lessons.lesson_changed.connect(self.show_lesson_view)
        lessons.lesson_reset.connect(self._on_lesson_reset)
        self.lesson_panel.list_requested.connect(self.show_lesson_list)
        self.lesson_panel.view_requested.connect(self.show_lesson_view)
        self.lesson_tab.view_requested.connect(self.show_lesson_view)
        self.lesson_tab.training_requested.connect(
            lambda: self.tabs.setCurrentWidget(self.training_tab)
        )

    def open_lesson(self, lesson_id: str) -> bool:
        """Open a lesson by id and show the view it points at."""
        return self.lessons.open(lesson_id)

    def show_lesson_list(self) -> None:
        self.lesson_tab.show_list()
        self.tabs.setCurrentWidget(self.lesson_tab)

    def show_lesson_view(self) -> None:
        """The tab the open lesson points at, with its explanation beside it."""
        lesson = self.lessons.lesson
        if lesson is None:
            return
        view = lesson_view(lesson)
        if view == "lessons" and self.lesson_tab.showing_list():
            self.lesson_tab.show_lesson()
        targets = {"graph": self.graph_tab, "stepper": self.stepper_tab,
                   "lessons": self.lesson_tab}  # fmt: skip
        self.tabs.setCurrentWidget(targets[view])
        panel = self.lesson_panel
        if panel.isHidden():
            panel.show()
            # A tabified dock that was closed is not raised again unless it is re-tabified.
            if not panel.isFloating() and self.training_dock.isVisible() and (
                self.dockWidgetArea(panel) == self.dockWidgetArea(self.training_dock)
            ):
                self.tabifyDockWidget(self.training_dock, panel)
        panel.raise_()
        self.docks_aside.presenter_default()  # on the graph tab, presenter mode puts it away

    def _on_lesson_reset(self) -> None:
        self.show_lesson_view()
        self.statusBar().showMessage("The lesson is back at its start.", 4000)

    def _on_tab_changed(self, index: int) -> None:
        """The Training tab brings its dock to the front (at its own width), the Stepper tab the
        values; the stepper catches up with training when it shows again."""
        self.training.set_stepper_visible(index == 0)
        lessons = getattr(self, "lessons", None)  # None while the tabs are being built
        if lessons is not None and lessons.lesson is not None and (
            self.tabs.widget(index) is self.lesson_tab
        ):
            self.lesson_panel.raise_()
        showing = self.tabs.widget(index) is self.training_tab
        if showing == self._training_shown or not (showing or index == 0):
            return
        docks = {True: self.training_dock, False: self.values_dock}
        self._dock_widths[self._training_shown] = docks[self._training_shown].width()
        self._training_shown = showing
        docks[showing].raise_()
        if showing in self._dock_widths:
            self.resizeDocks([docks[showing]], [self._dock_widths[showing]],
                             Qt.Orientation.Horizontal)  # fmt: skip

    def _stepping(self) -> bool:
        """On the Stepper tab, not in presenter mode (where the docks are hidden)."""
        return not self.presenter and self.tabs.currentWidget() is self.stepper_tab

    def train_headless(self, epochs: int) -> str:
        """Train ``epochs`` epochs now and show the Training tab; returns what stopped it."""
        problem = self.training.train_sync(epochs)
        self.tabs.setCurrentWidget(self.training_tab)
        return problem

    def _build_unit_maps(self) -> None:
        """Unit maps in the network view (View ▸ Unit maps) and the enlarged map's dock."""
        self.unit_maps = UnitMapOverlay(self.network_view, lambda: plane_data(self.training))
        self.unit_maps.refused.connect(self._on_unit_maps_refused)
        self.training.frame_ready.connect(self.unit_maps.show_frame)  # live while training
        self.unit_map_dock = UnitMapDock(self.unit_maps, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.unit_map_dock)
        self.tabifyDockWidget(self.values_dock, self.unit_map_dock)
        self.unit_map_dock.hide()
        self.values_dock.raise_()

    def _set_unit_maps(self, on: bool) -> None:
        self.unit_maps.set_on(on)

    def _on_unit_maps_refused(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        self.unit_maps_action.blockSignals(True)
        self.unit_maps_action.setChecked(False)
        self.unit_maps_action.blockSignals(False)

    def _zoom_by(self, factor: float | None) -> None:
        """View ▸ Zoom (``factor``) or Fit (None) on the current tab's drawing: the network on
        the Stepper tab, the graph on its own; the other tabs have none."""
        tab = self.tabs.currentWidget()
        view = {self.stepper_tab: self.network_view, self.graph_tab: self.graph_tab.view}.get(tab)
        if view is None:
            return
        if factor is None:
            view.fit()
        else:
            view.zoom(factor)

    def _show_keys(self) -> None:
        QMessageBox.information(
            self, "Keys",
            "→ or Space: step    ←: step back\nShift+→: end of phase    End: end of sample\n"
            "Home: start of sample    N: next sample    P: play / pause\n"
            "F2: quiz (guess each value before it is shown)    L: layer by layer / unit by unit\n"
            "Ctrl+L: all lessons    Ctrl+[ / Ctrl+]: previous / next lesson    "
            "Ctrl+Shift+R: reset the lesson\n"
            "Ctrl+M: unit maps (click a unit for its map)\n"
            "F9: lesson panel    F11: presenter mode    Ctrl+= / Ctrl+−: text size\n"
            "Ctrl+PgDown / Ctrl+PgUp: next / previous tab (presenter mode hides the tabs)\n"
            "+ / −: zoom in / out (the view follows the cursor)    Ctrl+0: fit to the window\n"
            "Ctrl+wheel: zoom    drag: pan    double-click a weight, bias, input or target: edit")

    # -- files ----------------------------------------------------------------------------

    def _update_title(self) -> None:
        net = self.controller.network
        name = net.name if net is not None else "no network"
        path = os.path.basename(self.controller.path) if self.controller.path else "unsaved"
        self.setWindowTitle(f"{name} ({path})[*] — Backprop Stepper")
        self.setWindowModified(self.controller.dirty)

    def _show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    # -- presentation ---------------------------------------------------------------------

    def scale_text(self, factor: float) -> None:
        self.font_scale = min(FONT_SCALES[1], max(FONT_SCALES[0], self.font_scale * factor))
        if self.persist:
            self.settings.setValue("font_scale", self.font_scale)
        self._apply_font_scale()

    def effective_scale(self) -> float:
        return self.font_scale * (1.6 if self.presenter else 1.0)

    def _apply_font_scale(self) -> None:
        scale = self.effective_scale()
        self.network_view.set_font_scale(scale)
        self.graph_tab.set_font_scale(scale)
        self.equation_panel.set_font_scale(scale)
        self.matrix_panel.set_font_scale(scale)
        self.values_dock.set_font_scale(scale)
        self.lesson_panel.set_font_scale(scale)
        self.quiz.bar.set_font_scale(scale)
        self.training_tab.set_font_scale(scale)
        self.training_dock.set_font_scale(scale)
        self.lesson_tab.set_font_scale(scale)
        font = self.step_controls.toolbar.font()
        font.setPointSizeF(10 * scale)
        self.step_controls.set_font(font)
        self.layer_controls.set_font(font)
        # A tab not shown does not hear that its widgets' text changed size: its layouts would
        # keep the old minimum width (after presenter mode, wider than a 1280 pixel screen).
        for page in (self.tabs.widget(k) for k in range(self.tabs.count())):
            for widget in (page, *page.findChildren(QWidget)):
                widget.updateGeometry()  # (its cached sizes in its parent's layout)
                invalidate_layouts(QWidget.layout(widget))  # (not the network view's .layout)
        invalidate_layouts(QWidget.layout(self.tabs))
        self.tabs.updateGeometry()

    def set_presenter(self, on: bool) -> None:
        """Presenter mode: full screen, larger text, side docks, menu and status bars hidden,
        high contrast."""
        if on == self.presenter:
            return
        self.presenter = on
        self.presenter_action.setChecked(self.presenter)
        self.leave_presenter_action.setEnabled(on)
        self.theme = PRESENTER if self.presenter else NORMAL
        if on:  # (the split kept as it is now, before the style and the bars change it)
            self.presenter_split.keep()
        self.setStyleSheet(self.theme.style_sheet)
        docks = self.findChildren(QDockWidget)
        if self.presenter:
            self._docks_before = {dock: dock.isVisible() for dock in docks}
            for dock in docks:
                dock.hide()
            if self.lessons.lesson is not None:  # its text and buttons stay within reach
                self.lesson_panel.show()
            self.matrix_dock.show_if_layer_mode()
            self.presenter_bars.set_presenter(True)
            self.equation_panel.set_compact(True)
            self.showFullScreen()
        else:
            for dock, visible in getattr(self, "_docks_before", {}).items():
                dock.setVisible(visible)
            self.presenter_bars.set_presenter(False)
            self.equation_panel.set_compact(False)
            self.showNormal()
        self.network_view.set_theme(self.theme)
        self.graph_tab.set_theme(self.theme)
        self.matrix_panel.set_theme(self.theme)
        self._apply_font_scale()
        self.presenter_split.set_presenter(on)  # (its share of the room the bars left)

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.may_discard():
            event.ignore()
            return
        self.step_controls.timer.stop()
        self.training.shutdown()
        if self.persist:
            self.set_presenter(False)  # (its hidden bars and docks are not the state to keep)
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("window_state", self.saveState())
            dock = self.values_dock
            kept = dock.app_width is not None and abs(dock.width() - dock.app_width) <= 2
            self.settings.setValue("values_dock_app_width", dock.app_width if kept else -1)
        event.accept()
