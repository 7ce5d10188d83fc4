"""The operation at the cursor in words and formulas: what is computed, the general formula, the
same formula with this unit's numbers, the result and one sentence saying what happens."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QWidget

from core.notation import MINUS, fmt, to_html
from core.trace import Operation, unit_name

PHASE_WORDS = {
    "forward": "Forward",
    "loss": "Loss",
    "backward": "Backward",
    "gradient": "Gradient",
    "update": "Update",
}
START_HINT = "Press → or Space to compute the first weighted sum."
END_HINT = "End of the sample: press → to apply the updates and start the next sample."
# label name -> base point size (times the font scale); formulas read best a little larger.
BASE_SIZES = {
    "heading": 15.0,
    "caption": 10.0,
    "formula": 13.0,
    "substituted": 13.0,
    "result": 15.0,
    "sentence": 12.0,
    "hint": 12.0,
    "entry": 13.0,
}
CAPTIONS = {"formula": "Formula", "substituted": "With numbers", "result": "Result",
            "entry": "One entry"}
LAYER_WHAT = {
    "z": "weighted sums Z",
    "u": "activations U",
    "loss": "the mean loss of the batch",
    "delta": "errors Δ",
    "grad_w": "∂L/∂W",
    "grad_b": "∂L/∂b",
    "w": "new weights W",
    "b": "new biases b",
}
LAYER_HINT = "Click an entry of the result matrix to see it computed unit by unit."
LAYER_END_HINT = ("End of the batch: press → to apply the update (one training step) and take "
                  "the next batch.")


def layer_heading(op, batch: int) -> str:
    """Plain words for a layer operation: "Backward · errors Δ of layer 1 · batch of 4"."""
    what = LAYER_WHAT.get(op.quantity, op.quantity)
    where = "" if op.quantity == "loss" else f" of layer {op.layer}"
    return f"{PHASE_WORDS.get(op.phase, op.phase)} · {what}{where} · batch of {batch}"


def heading_for(op: Operation, network) -> str:
    """Plain words for an operation: "Backward · δ of hidden unit 1"."""
    unit = unit_name(network, op.layer, op.unit) if op.unit is not None else ""
    edge = ""
    if op.input is not None:
        edge = f"from {unit_name(network, op.layer - 1, op.input)} to {unit}"
    what = {
        "z": f"z of {unit} (weighted sum)",
        "u": f"u of {unit} (activation)",
        "loss": "L of this sample",
        "delta": f"δ of {unit}",
        "grad_w": f"∂L/∂w {edge}",
        "grad_b": f"∂L/∂b of {unit}",
        "w": f"new weight {edge}",
        "b": f"new bias of {unit}",
    }.get(op.quantity, op.quantity)
    return f"{PHASE_WORDS.get(op.phase, op.phase)} · {what}"


PROGRESS_TEMPLATE = "gradients · 888 of 888 · sample 88"  # (as wide as the progress gets)
PARTS = ";  "  # separates the rules of one step (an optimizer's averages, then the update)


# When the panel's text is taller than the room it has, its fonts shrink in these steps (never
# below 75% of the app's text scale); what still does not fit scrolls.
FIT_STEPS = (1.0, 0.92, 0.85, 0.8, 0.75)
NBSP = "\u00a0"
KEEP_NUMBER = re.compile(r"\b(unit|layer|input|output|sample) (\d)")  # kept on one line


def lines_html(markup: str) -> str:
    """Rich text of ``markup`` with each of its parts on a line of its own."""
    return "<br>".join(to_html(part) for part in markup.split(PARTS))


def rules_table(formula: str, numbers: str) -> str | None:
    """A step of several rules (an optimizer's averages, then the update) as a table, each rule
    beside its numbers; None when the formula and the numbers do not pair up."""
    rules, values = formula.split(PARTS), numbers.split(PARTS)
    if len(rules) < 2 or len(values) not in (len(rules), len(rules) + 1):
        return None
    rules += [""] * (len(values) - len(rules))  # layer mode: the whole matrix, last
    rows = "".join(f'<tr><td style="padding-right: 1.2em;">{to_html(rule)}</td>'
                   f"<td>{to_html(value)}</td></tr>"
                   for rule, value in zip(rules, values))  # fmt: skip
    return f'<table cellspacing="0" cellpadding="1">{rows}</table>'


def full_precision(value: float) -> str:
    """``value`` to 9 significant digits with a true minus sign: 0.298371109."""
    return f"{value:.9g}".replace("-", MINUS)


class EquationPanel(QWidget):
    """Shows the operation at ``controller.stepper.current``; listens to the controller only."""

    needs_room = Signal(int)  # the height its text needs at the smallest fit, when it has less

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._scale = 1.0
        self._fit = 1.0  # fonts shrunk by this factor so that the text fits its scroll area
        self._fitting = False
        self._labels: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        self.result_text = ""  # the rounded result shown in bold, "" when there is none
        self.compact = False  # the result at the end of the numbers' line (presenter mode)
        layout = QGridLayout(self)
        layout.setColumnStretch(1, 1)
        layout.setVerticalSpacing(8)
        for row, name in enumerate(
            ("heading", "entry", "formula", "substituted", "result", "sentence", "hint")
        ):
            label = QLabel()
            plain = name in ("heading", "sentence", "hint")
            label.setTextFormat(Qt.TextFormat.PlainText if plain else Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setObjectName(f"equation_{name}")
            self._labels[name] = label
            if name in CAPTIONS:
                caption = QLabel(CAPTIONS[name])
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                caption.setStyleSheet("color: gray;")
                self._captions[name] = caption
                layout.addWidget(caption, row, 0)
                layout.addWidget(label, row, 1)
            else:
                layout.addWidget(label, row, 0, 1, 2)
        self._labels["hint"].setStyleSheet("color: gray; font-style: italic;")
        # In presenter mode the toolbar's progress line (the toolbar is hidden) at the right
        # end of the heading's first line; the heading wraps short of it.
        self.progress = QLabel(self._labels["heading"])
        self.progress.setObjectName("equation_progress")
        self.progress.setStyleSheet("color: gray;")
        self.progress.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.progress.hide()
        self._labels["heading"].installEventFilter(self)
        layout.setRowStretch(7, 1)
        self.set_font_scale(1.0)
        controller.state_changed.connect(self._on_state_changed)
        controller.network_replaced.connect(self._on_state_changed)
        if hasattr(controller, "entry_changed"):
            controller.entry_changed.connect(self._on_state_changed)
        self._on_state_changed()

    # -- what the labels show (for tests and for other code that wants the words) --------------

    @property
    def heading_text(self) -> str:
        return self._labels["heading"].text().replace(NBSP, " ")

    @property
    def formula_html(self) -> str:
        return self._labels["formula"].text()

    @property
    def substituted_html(self) -> str:
        return self._labels["substituted"].text()

    @property
    def result_html(self) -> str:
        return self._labels["result"].text()

    @property
    def entry_html(self) -> str:
        return self._labels["entry"].text()

    @property
    def sentence_text(self) -> str:
        return self._labels["sentence"].text().replace(NBSP, " ")

    @property
    def hint_text(self) -> str:
        return self._labels["hint"].text()

    # -- updating --------------------------------------------------------------------------

    def set_compact(self, on: bool) -> None:
        """Presenter mode: the result ends the line of numbers instead of a line of its own,
        and the progress line (the toolbar's, hidden) ends the heading's."""
        self.compact = on
        self._place_progress()
        self._on_state_changed()

    def set_progress(self, text: str) -> None:
        """The stepper's progress ("update · 52 of 54 · sample 3"), shown in presenter mode."""
        if self.progress.text() != text:
            self.progress.setText(text)
        self._place_progress()

    def _place_progress(self) -> None:
        """At the right end of the heading, in a width that does not change from step to step
        (so that the heading does not wrap anew as it plays); none where the heading is too
        narrow to share."""
        heading, progress = self._labels["heading"], self.progress
        metrics = progress.fontMetrics()
        width = max(metrics.horizontalAdvance(PROGRESS_TEMPLATE),
                    metrics.horizontalAdvance(progress.text())) + 4
        shown = self.compact and bool(progress.text()) and heading.width() >= 2.5 * width
        progress.setVisible(shown)
        room = 0
        if shown:
            progress.setGeometry(heading.width() - width, 0, width, metrics.height() + 2)
            room = width + round(metrics.height())
        if heading.contentsMargins().right() != room:
            heading.setContentsMargins(0, 0, room, 0)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt)
        if watched is self._labels["heading"] and event.type() == QEvent.Type.Resize:
            self._place_progress()
        return False

    def set_font_scale(self, scale: float) -> None:
        """Scale every font of the panel (presenter mode uses about 1.6–2.0)."""
        self._scale = scale
        self._apply_fonts()
        self._refit()

    @property
    def fit(self) -> float:
        """How much the fonts are shrunk below the text scale to fit the room (1: not at all)."""
        return self._fit

    def _apply_fonts(self) -> None:
        self.layout().setVerticalSpacing(round(8 * self._fit**4))  # tighter once shrinking
        for name, label in self._labels.items():
            self._set_size(label, BASE_SIZES[name], bold=name == "heading")
        for caption in self._captions.values():
            self._set_size(caption, BASE_SIZES["caption"])
        self._set_size(self.progress, BASE_SIZES["sentence"])
        self._place_progress()

    def _viewport(self) -> QWidget | None:
        """The scroll area's viewport that holds the panel, if it is in one."""
        parent = self.parentWidget()
        grand = parent.parentWidget() if parent is not None else None
        return parent if isinstance(grand, QScrollArea) else None

    def needed_height(self, width: int | None = None) -> int:
        """The height the panel's text takes at ``width`` (its own width by default)."""
        layout = self.layout()
        layout.invalidate()
        width = self.width() if width is None else width
        if layout.hasHeightForWidth():
            return layout.totalHeightForWidth(width)
        return layout.totalSizeHint().height()

    def _refit(self) -> None:
        """Shrink the fonts (a little, in steps) when the text is taller than the scroll area
        shows, and grow them back when there is room; what still does not fit scrolls."""
        viewport = self._viewport()
        if viewport is None or self._fitting or not self.isVisible():
            return
        width, room = viewport.width(), viewport.height()
        if self._fit == 1.0 and self.needed_height(width) <= room:
            return
        self._fitting = True
        try:
            for fit in FIT_STEPS:
                self._fit = fit
                self._apply_fonts()
                needed = self.needed_height(width)
                if needed <= room:
                    break
        finally:
            self._fitting = False
        if needed > room:  # (presenter mode answers with more height: see PresenterSplit)
            self.needs_room.emit(needed)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        self._refit()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        self._refit()

    def _set_size(self, label: QLabel, points: float, bold: bool = False) -> None:
        font = label.font()
        font.setPointSizeF(points * self._scale * self._fit)
        font.setBold(bold)
        label.setFont(font)

    def _show(self, name: str, text: str) -> None:
        if name in ("heading", "sentence"):  # "unit 3" is never broken over two lines
            text = KEEP_NUMBER.sub(lambda m: m.group(1) + NBSP + m.group(2), text)
        label = self._labels[name]
        if label.text() != text:
            label.setText(text)
        if name in self._captions:
            self._captions[name].setVisible(bool(text))
        label.setVisible(bool(text))

    def _on_state_changed(self) -> None:
        stepper = self.controller.stepper
        op = stepper.current if stepper is not None else None
        texts = dict.fromkeys(("formula", "substituted", "result", "entry", "sentence", "hint"),
                              "")
        self.result_text = ""
        if stepper is not None and getattr(self.controller, "layer_mode", False):
            self._show_layer(texts)
        elif stepper is None:
            texts["heading"] = "No network"
            texts["hint"] = "Open a network file to start stepping."
        elif op is None:
            texts["heading"] = f"Sample {stepper.samples_done + 1} · start"
            texts["hint"] = START_HINT
        else:
            texts["heading"] = heading_for(op, stepper.network)
            table = rules_table(op.formula, op.substituted)
            if table is not None:  # each rule beside its numbers: half the lines
                texts["formula"] = table
            else:
                texts["formula"] = lines_html(op.formula)
                texts["substituted"] = lines_html(op.substituted)
            # The last part names the result (before it come an optimizer's running averages).
            last = op.substituted.rsplit(PARTS, 1)[-1]
            lhs = re.split(r" = | ← ", last, maxsplit=1)[0]
            self.result_text = fmt(op.value)
            result = f"{to_html(lhs)}&nbsp;=&nbsp;<b>{self.result_text}</b>"
            precise = full_precision(op.value)
            if precise != self.result_text:
                result += f'&nbsp;&nbsp;<small style="color: gray;">{precise}</small>'
            texts["result"] = result
            ends = f" = {self.result_text}"
            if self.compact and table is None and op.substituted.endswith(ends):
                # One line less: "… = 0.3775" with the result in bold (and to 9 digits) ends
                # the line of numbers.
                texts["substituted"] = (lines_html(op.substituted[:-len(self.result_text)])
                                        + result[result.index("<b>"):])
                texts["result"] = ""
            texts["sentence"] = op.text
            if stepper.at_end:
                texts["hint"] = END_HINT
        for name, text in texts.items():
            self._show(name, text)
        self._captions["formula"].setText(
            "Formula, numbers" if texts["formula"].startswith("<table") else CAPTIONS["formula"])
        self._refit()

    def _show_layer(self, texts: dict[str, str]) -> None:
        """Layer mode: the matrix formula with shapes, the first entry worked out, and the
        picked entry written unit by unit."""
        layers = self.controller.layers
        ls = layers.stepper
        op = ls.current
        B = len(ls.X)
        if op is None:
            texts["heading"] = f"Batch of {B} · start (layer by layer)"
            texts["hint"] = "Press → or Space to compute Z⁽¹⁾ for the whole batch."
            return
        texts["heading"] = layer_heading(op, B)
        table = rules_table(op.formula, op.substituted)
        if table is not None:
            texts["formula"] = table
        else:
            texts["formula"] = lines_html(op.formula)
            texts["substituted"] = lines_html(op.substituted)
        if op.quantity == "loss":
            self.result_text = fmt(op.value[0, 0])
            texts["result"] = f"L&nbsp;=&nbsp;<b>{self.result_text}</b>"
        else:
            texts["result"] = to_html(f"{op.name}: {op.shape[0]}×{op.shape[1]}") + \
                " (in the matrix panel)"
        entry = layers.entry_formula()
        if entry is not None:
            general, substituted, value = entry
            row, col = layers.entry
            self.result_text = fmt(value)
            texts["entry"] = (f"entry ({row + 1}, {col + 1}): {lines_html(general)}<br>"
                              f"{lines_html(substituted)}")
        texts["sentence"] = op.text
        texts["hint"] = LAYER_END_HINT if ls.at_end else LAYER_HINT
