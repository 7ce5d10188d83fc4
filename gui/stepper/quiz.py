"""Quiz mode for stepping: the next value stays hidden until the student types a guess.

:class:`Quiz` stands between the step keys and the
:class:`~gui.stepper.controller.StepController`: it
has the controller's stepping methods and ``state_changed`` signal, so the window hands it to
the step controls. While the quiz is off it passes every call on. While it is on, a single
step forward first asks for the value that step computes (the formula is shown with its
numbers, the result replaced by "?"); Enter in the guess box takes the step and shows the true
value with the error. The network view shows values only once they are stepped, so it gives
nothing away. Jumps (to the end of a phase or the sample) are not asked about.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QLineEdit, QPushButton

from core.notation import MINUS, fmt, to_html
from gui.stepper.equation_panel import heading_for

BAR_STYLE = "background: #fff8e1; border-top: 1px solid #f0d48a;"
CLOSE = 0.05  # a guess within 5% (or 0.005 of a value near zero) counts as right


def parse_guess(text: str) -> float:
    """A typed number: a true minus sign or a decimal comma are fine. ValueError otherwise."""
    cleaned = text.strip().replace(MINUS, "-").replace(",", ".")
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def question_html(op) -> str:
    """The formula of ``op`` with its numbers, the result replaced by a question mark."""
    lhs_and_sum = op.substituted.rsplit(" = ", 1)[0]
    return f"{to_html(lhs_and_sum)} = <b>?</b>"


def verdict(guess: float, true: float) -> tuple[str, bool]:
    """("your guess 0.59, true 0.5933, error 0.0033 (0.6%)", close enough)."""
    error = abs(guess - true)
    text = f"your guess {fmt(guess)}, true {fmt(true)}, error {fmt(error, 2)}"
    if true != 0:
        relative = error / abs(true)
        text += f" ({relative:.1%})"
        close = relative <= CLOSE
    else:
        close = error <= 0.005
    return text, close


class QuizBar(QFrame):
    """Under the equation panel: the question on one line; the guess box, the last answer and
    the score on the next."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("quiz_bar")
        self.setStyleSheet(f"QFrame#quiz_bar {{ {BAR_STYLE} }}")
        layout = QGridLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setVerticalSpacing(4)
        self.prompt = QLabel()
        self.prompt.setTextFormat(Qt.TextFormat.RichText)
        self.prompt.setWordWrap(True)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("your guess, then Enter")
        self.edit.setMaximumWidth(180)
        self.skip_button = QPushButton("Show")
        self.skip_button.setToolTip("Show the value without guessing")
        self.answer = QLabel()
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.answer.setWordWrap(True)
        self.score = QLabel()
        self.score.setTextFormat(Qt.TextFormat.PlainText)
        self.score.setStyleSheet("color: #5f6368;")
        self.title = QLabel("<b>Quiz</b>")
        layout.addWidget(self.title, 0, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.prompt, 0, 1, 1, 4)
        layout.addWidget(self.edit, 1, 1)
        layout.addWidget(self.skip_button, 1, 2)
        layout.addWidget(self.answer, 1, 3)
        layout.addWidget(self.score, 1, 4)
        layout.setColumnStretch(3, 1)

    def set_font_scale(self, scale: float) -> None:
        font = QFont(self.font())
        font.setPointSizeF(11 * scale)
        self.setFont(font)
        # A style sheet on the bar stops fonts from reaching its children: set each one.
        for child in (self.prompt, self.edit, self.skip_button, self.answer, self.score,
                      self.title):
            child.setFont(font)
        self.edit.setMaximumWidth(round(180 * scale))


class Quiz(QObject):
    """Gates ``controller``'s single steps behind a guess while ``action`` is checked.

    Signals
    -------
    state_changed : relayed from the controller (the step controls listen to it).
    answered(str) : a step was taken after a guess; the text compares guess and truth.
    """

    state_changed = Signal()
    answered = Signal(str)

    def __init__(self, controller, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.pending = None  # the operation asked about, until it is answered
        self.asked = 0
        self.right = 0
        self.last_answer = ""
        self.action = QAction("&Quiz", self)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("F2"))
        self.action.setToolTip("Quiz: guess each value before the step shows it (F2)")
        self.action.toggled.connect(self._on_toggled)
        self.bar = QuizBar()
        self.bar.hide()
        self.bar.edit.returnPressed.connect(self.submit)
        self.bar.skip_button.clicked.connect(self.skip)
        controller.state_changed.connect(self._on_state_changed)
        controller.network_replaced.connect(self._cancel)

    # -- the controller's interface, for the step controls --------------------------------

    @property
    def stepper(self):
        return getattr(self.controller, "active_stepper", self.controller.stepper)

    @property
    def on(self) -> bool:
        return self.action.isChecked()

    def step(self) -> None:
        """One step; in quiz mode, first ask for the value that step computes."""
        stepper = self.controller.stepper
        layer_mode = getattr(self.controller, "layer_mode", False)  # no quiz on matrices
        if not self.on or stepper is None or stepper.at_end or layer_mode:
            self._cancel()
            self.controller.step()
            return
        if self.pending is None:
            self.pending = stepper.trace[stepper.cursor]
            self._show_question()
        self.bar.edit.setFocus()

    def _moved(self, method: str) -> None:
        self._cancel()
        getattr(self.controller, method)()

    def back(self) -> None:
        self._moved("back")

    def to_phase_end(self) -> None:
        self._moved("to_phase_end")

    def to_end(self) -> None:
        self._moved("to_end")

    def to_start(self) -> None:
        self._moved("to_start")

    def next_sample(self) -> None:
        self._moved("next_sample")

    def _on_state_changed(self) -> None:
        stepper = self.controller.stepper
        if self.pending is not None and (
            stepper is None or stepper.at_end or stepper.trace[stepper.cursor] != self.pending
        ):
            self._cancel()  # an edit or training changed what the next step computes
        self.state_changed.emit()

    # -- the question ---------------------------------------------------------------------

    def _on_toggled(self, on: bool) -> None:
        self.bar.setVisible(on)
        self._cancel()
        if on:
            self.asked = self.right = 0
            self._set_answer("")
            self._update_score()

    def _show_question(self) -> None:
        op = self.pending
        stepper = self.controller.stepper
        self.bar.prompt.setText(f"{heading_for(op, stepper.network)}: &nbsp; "
                                f"<b>{question_html(op)}</b>")  # fmt: skip
        self.bar.edit.clear()
        self.bar.edit.setEnabled(True)
        self.bar.skip_button.setEnabled(True)

    def _cancel(self) -> None:
        """Forget an unanswered question (the student moved some other way)."""
        self.pending = None
        self.bar.prompt.setText("Press → or Space: you are asked for the value before it is "
                                "shown.")  # fmt: skip
        self.bar.edit.clear()
        self.bar.edit.setEnabled(False)
        self.bar.skip_button.setEnabled(False)

    def submit(self) -> bool:
        """Take the typed guess: step, and compare it with the value computed."""
        if self.pending is None:
            return False
        try:
            guess = parse_guess(self.bar.edit.text())
        except ValueError:
            self._set_answer("Type a number, such as 0.59 or −0.03, then press Enter.")
            return False
        op = self.pending
        self._cancel()
        self.controller.step()
        text, close = verdict(guess, op.value)
        self.asked += 1
        self.right += int(close)
        self._set_answer(text)
        self._update_score()
        self.answered.emit(text)
        return True

    def skip(self) -> None:
        """Show the value without a guess."""
        if self.pending is None:
            return
        op = self.pending
        self._cancel()
        self.controller.step()
        self._set_answer(f"true value {fmt(op.value)} (not guessed)")

    def _set_answer(self, text: str) -> None:
        self.last_answer = text
        if self.bar.answer.text() != text:
            self.bar.answer.setText(text)

    def _update_score(self) -> None:
        self.bar.score.setText(f"{self.right} of {self.asked} within 5%" if self.asked else "")
