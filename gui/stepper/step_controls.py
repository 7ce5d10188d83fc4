"""The step actions (keys and toolbar), automatic play, and the progress line."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QSlider, QStyle, QToolBar, QToolButton, QWidget

# (name, label, keys, controller method, tip)
STEP_ACTIONS = (
    ("start", "Start", ["Home"], "to_start", "Back to the start of this sample",
     QStyle.StandardPixmap.SP_MediaSkipBackward),
    ("back", "Back", ["Left"], "back", "One operation back", QStyle.StandardPixmap.SP_ArrowLeft),
    ("step", "Step", ["Right", "Space"], "step", "One operation forward",
     QStyle.StandardPixmap.SP_ArrowRight),
    ("phase", "End of phase", ["Shift+Right"], "to_phase_end", "To the end of this phase",
     QStyle.StandardPixmap.SP_MediaSeekForward),
    ("end", "End of sample", ["End"], "to_end", "To the end of the sample (after the update)",
     QStyle.StandardPixmap.SP_MediaSkipForward),
    ("next", "Next sample", ["N"], "next_sample", "Apply the update and take the next sample",
     QStyle.StandardPixmap.SP_BrowserReload),
)

# When the toolbar is too narrow for every label (presenter mode at 1280 pixels, large text),
# these buttons show their icon only (their name stays in the tooltip); the frequent ones keep it.
SECONDARY = ("start", "phase", "end", "next")

PHASE_NAMES = {"forward": "forward", "loss": "loss", "backward": "backward",
               "gradient": "gradients", "update": "update"}


class StepControls(QObject):
    """Creates the step actions on ``window`` and a toolbar that shows them with the progress."""

    progress_changed = Signal(str)  # the progress line's new text

    def __init__(self, controller, window: QWidget) -> None:
        super().__init__(window)
        self.controller = controller
        self.actions: dict[str, QAction] = {}
        style = window.style()
        for name, label, keys, method, tip, icon in STEP_ACTIONS:
            action = QAction(style.standardIcon(icon), label, window)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{label}: {tip} ({', '.join(keys)})")  # named when icon-only
            action.triggered.connect(lambda checked=False, m=method: self._dispatch(m))
            window.addAction(action)
            self.actions[name] = action
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.play_action = QAction(self._play_icon, "Play", window)
        self.play_action.setCheckable(True)
        self.play_action.setShortcut(QKeySequence("P"))
        self.play_action.setToolTip("Play or pause automatic stepping (P)")
        self.play_action.toggled.connect(self._on_play_toggled)
        window.addAction(self.play_action)
        self.actions["play"] = self.play_action

        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self._dispatch("step"))
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(1, 20)  # steps per second
        self.speed.setValue(3)
        self.speed.setFixedWidth(110)
        self.speed.setToolTip("Play speed: steps per second")
        self.speed.valueChanged.connect(self._on_speed_changed)
        self._on_speed_changed(self.speed.value())

        self.progress = QLabel()
        self.progress.setTextFormat(Qt.TextFormat.PlainText)
        self.toolbar = QToolBar("Stepping")
        self.toolbar.setObjectName("stepping_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for name in ("start", "back", "step", "phase", "end", "next"):
            self.toolbar.addAction(self.actions[name])
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.play_action)
        self.toolbar.addWidget(self.speed)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.progress)
        self.compact = False
        self._fit_pending = False
        self.toolbar.installEventFilter(self)
        controller.state_changed.connect(self._on_state_changed)

    # -- fitting the toolbar's width ---------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt)
        kind = event.type()
        if watched is self.toolbar:
            if kind in (QEvent.Type.Resize, QEvent.Type.FontChange):
                self._schedule_fit()
            elif kind == QEvent.Type.LayoutRequest and not self.compact and (
                self.toolbar.sizeHint().width() > self.toolbar.width()
            ):  # a longer progress line: only then, so that a step costs nothing more
                self._schedule_fit()
        return False

    def _schedule_fit(self) -> None:
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self.fit_toolbar)

    def set_compact(self, on: bool) -> None:
        """Icon-only :data:`SECONDARY` buttons (on) or every label beside its icon (off)."""
        self.compact = on
        style = (Qt.ToolButtonStyle.ToolButtonIconOnly if on
                 else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)  # fmt: skip
        for name in SECONDARY:
            button = self.toolbar.widgetForAction(self.actions[name])
            if button is not None and button.toolButtonStyle() != style:
                button.setToolButtonStyle(style)
        self.toolbar.layout().invalidate()

    def fit_toolbar(self) -> None:
        """Every label when they all fit, else the secondary buttons icon-only, so that no
        action hides in the toolbar's » menu."""
        self._fit_pending = False
        width = self.toolbar.width()
        if width <= 1:
            return
        self.set_compact(False)
        if self.toolbar.sizeHint().width() > width:
            self.set_compact(True)

    def set_font(self, font) -> None:
        """The toolbar's text in ``font``: its buttons too (under presenter mode's style sheet
        a button keeps the font it had instead of taking the toolbar's)."""
        self.toolbar.setFont(font)
        self.progress.setFont(font)
        for action in self.toolbar.actions():
            button = self.toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setFont(font)

    def _dispatch(self, method: str) -> None:
        getattr(self.controller, method)()

    def set_controller(self, controller) -> None:
        """Send the step keys to ``controller`` (the network's or a computation graph's)."""
        if controller is self.controller:
            return
        self.controller.state_changed.disconnect(self._on_state_changed)
        self.controller = controller
        controller.state_changed.connect(self._on_state_changed)
        self._on_state_changed()

    def _on_play_toggled(self, playing: bool) -> None:
        if playing:
            self.timer.start()
        else:
            self.timer.stop()
        self.play_action.setText("Pause" if playing else "Play")
        self.play_action.setIcon(self._pause_icon if playing else self._play_icon)

    def _on_speed_changed(self, per_second: int) -> None:
        self.timer.setInterval(round(1000 / per_second))

    def progress_text(self) -> str:
        stepper = getattr(self.controller, "stepper", self.controller)
        if stepper is None or not hasattr(stepper, "position"):
            return ""
        phase, k, n = stepper.position()
        samples = getattr(stepper, "samples_done", None)
        sample = "" if samples is None else f" · sample {samples + 1}"
        if getattr(stepper, "batch_size", None) is not None:  # layer mode
            sample = f" · batch of {stepper.batch_size}"
        if stepper.cursor == 0:
            return f"start{sample} · press → to step"
        return f"{PHASE_NAMES.get(phase, phase)} · {k} of {n}{sample}"

    def _on_state_changed(self) -> None:
        text = self.progress_text()
        if self.progress.text() != text:
            self.progress.setText(text)
            self.progress_changed.emit(text)
