"""The training controls: data set, architecture, optimizer, and Train / Pause / one epoch / Reset.

Every edit becomes one undoable request to the :class:`gui.training.controller.TrainingController`;
the dock shows the controller's settings back (with its widgets' signals blocked), so a refused
value snaps back to the one in use and the message says why.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.fields import SEED_RANGE, parse_seed
from core.network import INIT_SCHEMES
from core.notation import fmt
from core.optimizers import DEFAULTS as OPTIMIZER_DEFAULTS
from gui.training.settings import (
    CSV,
    DATA_LABELS,
    HIDDEN_ACTIVATIONS,
    LEARNING_RATES,
    MAX_HIDDEN_LAYERS,
    MAX_SAMPLES,
    MAX_UNITS,
    OPTIMIZER_LABELS,
    OUTPUTS,
    TASK_OUTPUTS,
    parse_grad_noise,
    parse_l2,
)

PARAM_RANGES = {"momentum": (0.0, 0.999), "rho": (0.0, 0.999), "beta1": (0.0, 0.999),
                "beta2": (0.0, 0.9999)}  # fmt: skip
L2_VALUES = (0.0, 1e-5, 1e-4, 1e-3, 0.01, 0.1)
NOISE_VALUES = (0.0, 0.01, 0.03, 0.1, 0.3)
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"
RATE_SECONDS = 0.25  # the progress line's update interval while training


def _spin(low: float, high: float, step: float, decimals: int | None = None):
    box = QSpinBox() if decimals is None else QDoubleSpinBox()
    if decimals is not None:
        box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)  # one request when typing ends, not one per key
    return box


def _value_combo(values) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for value in values:
        combo.addItem(f"{value:g}")
    return combo


class TrainingDock(QDockWidget):
    """Controls of the training dashboard. ``ask_csv_path`` is an attribute so tests can answer."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__("Training", parent)
        self.setObjectName("training_dock")
        self.controller = controller
        self.ask_csv_path = self._ask_csv_path
        self._rate = (None, 0)  # (steps, time) of the last snapshot, for steps per second
        self._speed = ""
        self.shown_epoch = 0
        self._build_actions()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(self._run_row())
        layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        layout.addWidget(self.message)
        # While the timeline shows an earlier epoch: the settings below are today's, not its.
        self.settings_note = QLabel()
        self.settings_note.setWordWrap(True)
        self.settings_note.setObjectName("settings_note")
        self.settings_note.setStyleSheet(
            "QLabel#settings_note { background: #fff4cc; border: 1px solid #e0c060; "
            "border-radius: 3px; padding: 3px; color: #3a3000; }")
        self.settings_note.hide()
        layout.addWidget(self.settings_note)
        layout.addWidget(self._data_group())
        layout.addWidget(self._network_group())
        layout.addWidget(self._optimizer_group())
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.setWidget(scroll)

        controller.settings_changed.connect(self.show_settings)
        controller.settings_changed.connect(self._show_settings_note)
        controller.running_changed.connect(self._on_running_changed)
        controller.frame_ready.connect(self._on_snapshot)  # the frame the plots show too
        controller.input_rejected.connect(self.show_message)
        # A bound method, not a lambda: Qt drops the connection when the dock is destroyed, so
        # an undo stack cleared at exit never reaches a deleted label.
        controller.undo_stack.indexChanged.connect(self._on_undo_index)
        self.show_settings()

    def set_font_scale(self, scale: float) -> None:
        """The app's text scale for every control of the dock."""
        body = self.widget()
        font = QFont(body.font())
        font.setPointSizeF(9.5 * scale)
        body.setFont(font)

    # -- building -------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.train_action = QAction("Train", self)
        self.train_action.setCheckable(True)
        self.train_action.setShortcut(QKeySequence("Ctrl+T"))
        self.train_action.setToolTip("Train in the background / pause (Ctrl+T)")
        self.train_action.toggled.connect(self.controller.toggle)
        self.epoch_action = QAction("One epoch", self)
        self.epoch_action.setShortcut(QKeySequence("Ctrl+E"))
        self.epoch_action.setToolTip("Train one epoch, then pause (Ctrl+E)")
        self.epoch_action.triggered.connect(self.controller.run_one_epoch)
        self.reset_action = QAction("Reset", self)
        self.reset_action.setShortcut(QKeySequence("Ctrl+R"))
        self.reset_action.setToolTip("Fresh weights from the settings, history cleared (Ctrl+R)")
        self.reset_action.triggered.connect(self.controller.reset)
        self.actions = {"train": self.train_action, "epoch": self.epoch_action,
                        "reset": self.reset_action}  # fmt: skip

    def _run_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for action in self.actions.values():
            button = QToolButton()
            button.setDefaultAction(action)
            row.addWidget(button)
        row.addStretch(1)
        self.progress = QLabel("epoch 0")
        self.progress.setTextFormat(Qt.TextFormat.PlainText)
        # Its text changes ten times a second: it must never resize the dock (and the plots).
        self.progress.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress.setMinimumWidth(1)
        return row

    def _data_group(self) -> QGroupBox:
        box = QGroupBox("Data")
        form = QFormLayout(box)
        self.data_combo = QComboBox()
        for name, label in DATA_LABELS.items():
            self.data_combo.addItem(label, name)
        self.data_combo.activated.connect(self._on_data_chosen)
        form.addRow("Data set", self.data_combo)
        self.csv_label = QLabel()
        self.csv_label.setWordWrap(True)
        form.addRow("", self.csv_label)
        self.noise = _spin(0.0, 1.0, 0.05, 2)
        self.noise.valueChanged.connect(lambda v: self._data(f"Noise {v:g}", "noise", noise=v))
        form.addRow("Noise", self.noise)
        self.samples = _spin(10, MAX_SAMPLES, 50)
        self.samples.valueChanged.connect(lambda v: self._data(f"{v} samples", "samples",
                                                               samples=v))  # fmt: skip
        form.addRow("Samples", self.samples)
        self.fraction = _spin(0.05, 1.0, 0.05, 2)
        self.fraction.valueChanged.connect(
            lambda v: self._data(f"Train fraction {v:g}", "fraction", train_fraction=v)
        )
        form.addRow("Train fraction", self.fraction)
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip("New random samples (or read the CSV file again)")
        self.regenerate.clicked.connect(self.controller.regenerate)
        form.addRow("", self.regenerate)
        self.data_form = form
        return box

    def _network_group(self) -> QGroupBox:
        box = QGroupBox("Network")
        outer = QVBoxLayout(box)
        form = QFormLayout()
        self.layers = _spin(0, MAX_HIDDEN_LAYERS, 1)
        self.layers.valueChanged.connect(self._on_layers)
        form.addRow("Hidden layers", self.layers)
        outer.addLayout(form)
        grid = QGridLayout()
        self.unit_spins: list[QSpinBox] = []
        self.activation_combos: list[QComboBox] = []
        self.layer_labels: list[QLabel] = []
        for k in range(MAX_HIDDEN_LAYERS):
            label = QLabel(f"layer {k + 1}")
            units = _spin(1, MAX_UNITS, 1)
            units.setSuffix(" units")
            units.valueChanged.connect(lambda v, k=k: self._on_layer(k, units=v))
            combo = QComboBox()
            combo.addItems(HIDDEN_ACTIVATIONS)
            combo.activated.connect(
                lambda i, k=k: self._on_layer(k, activation=HIDDEN_ACTIVATIONS[i])
            )
            grid.addWidget(label, k, 0)
            grid.addWidget(units, k, 1)
            grid.addWidget(combo, k, 2)
            self.layer_labels.append(label)
            self.unit_spins.append(units)
            self.activation_combos.append(combo)
        outer.addLayout(grid)
        form = QFormLayout()
        self.output = QComboBox()
        self.output.activated.connect(
            lambda i: self._change("Output layer", output=self.output.itemData(i))
        )
        form.addRow("Output · loss", self.output)
        self.init = QComboBox()
        self.init.addItems(INIT_SCHEMES)
        self.init.activated.connect(lambda i: self._change("Initialisation",
                                                           init=INIT_SCHEMES[i]))  # fmt: skip
        form.addRow("Initialisation", self.init)
        self.scale = _spin(0.01, 20.0, 0.1, 2)
        self.scale.valueChanged.connect(lambda v: self._change(f"Init scale {v:g}", "scale",
                                                               init_scale=v))  # fmt: skip
        form.addRow("Init scale", self.scale)
        # A line edit, not a spin box: a seed can be any 64-bit number (QSpinBox stops at 2³¹).
        self.seed = QLineEdit()
        self.seed.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,20}")))
        self.seed.setToolTip(f"Seed of the new weights and of the minibatch order: {SEED_RANGE}")
        self.seed.editingFinished.connect(self._on_seed)
        form.addRow("Seed", self.seed)
        outer.addLayout(form)
        return box

    def _optimizer_group(self) -> QGroupBox:
        box = QGroupBox("Optimizer")
        form = QFormLayout(box)
        self.optimizer = QComboBox()
        for name, label in OPTIMIZER_LABELS.items():
            self.optimizer.addItem(label, name)
        self.optimizer.activated.connect(
            lambda i: self._change(
                f"Optimizer {self.optimizer.itemText(i)}",
                optimizer=self.optimizer.itemData(i),
                params=(),
            )
        )
        form.addRow("Optimizer", self.optimizer)
        self.params: dict[str, QDoubleSpinBox] = {}
        for name, (low, high) in PARAM_RANGES.items():
            spin = _spin(low, high, 0.01, 4)
            spin.valueChanged.connect(lambda v, n=name: self._on_param(n, v))
            form.addRow(name.replace("beta", "β").replace("rho", "ρ"), spin)
            self.params[name] = spin
        self.rate = _value_combo(LEARNING_RATES)
        self.rate.setToolTip("Type a value (e.g. 0.05) and press Enter, or pick one")
        self.rate.textActivated.connect(self.controller.set_learning_rate_text)
        self.rate.lineEdit().editingFinished.connect(
            lambda: self.controller.set_learning_rate_text(self.rate.currentText())
        )
        form.addRow("Learning rate", self.rate)
        self.batch = _spin(1, 1000, 1)
        self.batch.valueChanged.connect(lambda v: self._change(f"Batch size {v}", "batch",
                                                               batch_size=v))  # fmt: skip
        form.addRow("Batch size", self.batch)
        self.l2 = _value_combo(L2_VALUES)
        self.l2.textActivated.connect(self._on_l2)
        self.l2.lineEdit().editingFinished.connect(lambda: self._on_l2(self.l2.currentText()))
        form.addRow("L2 (λ)", self.l2)
        self.grad_noise = _value_combo(NOISE_VALUES)
        self.grad_noise.setToolTip(
            "σ of Gaussian noise added to every step's gradient (0: none); lesson 6 shows how "
            "it can carry the weights out of a poor valley")
        self.grad_noise.textActivated.connect(self._on_grad_noise)
        self.grad_noise.lineEdit().editingFinished.connect(
            lambda: self._on_grad_noise(self.grad_noise.currentText()))
        form.addRow("Gradient noise (σ)", self.grad_noise)
        self.optimizer_form = form
        return box

    # -- requests -------------------------------------------------------------------------

    def _change(self, text: str, merge: str = "", **fields) -> None:
        settings = self.controller.settings
        self.controller.request(dataclasses.replace(settings, **fields), text, merge)

    def _data(self, text: str, merge: str = "", **fields) -> None:
        data = dataclasses.replace(self.controller.settings.data, **fields)
        self._change(text, merge, data=data)

    def _on_data_chosen(self, index: int) -> None:
        name = self.data_combo.itemData(index)
        if name == CSV:
            path = self.ask_csv_path()
            if path:
                self.controller.load_csv(path)
            else:
                self.show_settings()
            return
        label = DATA_LABELS[name]
        self._data(f"Data set {label}", name=name, csv_path="")

    def _on_layers(self, count: int) -> None:
        hidden = list(self.controller.settings.hidden[:count])
        while len(hidden) < count:
            hidden.append(hidden[-1] if hidden else (4, "tanh"))
        self._change(f"{count} hidden layers", hidden=tuple(hidden))

    def _on_layer(self, k: int, units: int | None = None, activation: str | None = None) -> None:
        hidden = list(self.controller.settings.hidden)
        if k >= len(hidden):
            return
        old_units, old_activation = hidden[k]
        hidden[k] = (units or old_units, activation or old_activation)
        what = f"{units} units" if units else activation
        self._change(f"Layer {k + 1}: {what}", f"layer{k}" if units else "", hidden=tuple(hidden))

    def _on_param(self, name: str, value: float) -> None:
        settings = self.controller.settings
        params = dict(settings.params)
        params[name] = value
        self._change(f"{name} {value:g}", name, params=tuple(sorted(params.items())))

    def _on_l2(self, text: str) -> None:
        self._typed(text, parse_l2, "L2", "l2")

    def _on_grad_noise(self, text: str) -> None:
        self._typed(text, parse_grad_noise, "Gradient noise σ", "grad_noise")

    def _typed(self, text: str, parse, label: str, field: str) -> None:
        """A number typed into a setting's box: applied (undoable), or refused with the parse
        error's message and the box showing the setting as it still is."""
        try:
            value = parse(text)
        except ValueError as exc:
            self.show_message(str(exc))
            self.show_settings()
            return
        self._change(f"{label} {value:g}", field, **{field: value})

    def _ask_csv_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Train on a CSV file", "", CSV_FILTER)
        return path

    # -- showing --------------------------------------------------------------------------

    def _on_seed(self) -> None:
        try:
            seed = parse_seed(self.seed.text(), "Seed")
        except ValueError as exc:
            self.seed.setText(str(self.controller.settings.seed))
            self.show_message(str(exc))
            return
        if seed != self.controller.settings.seed:
            self._change(f"Seed {seed}", "seed", seed=seed)

    def _on_undo_index(self, _index: int) -> None:
        self.show_message("")

    def show_message(self, text: str) -> None:
        if self.message.text() != text:
            self.message.setText(text)
        self.message.setVisible(bool(text))

    @contextmanager
    def _quiet(self):
        widgets = self.findChildren(QWidget)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            yield
        finally:
            for widget in widgets:
                widget.blockSignals(False)

    def show_settings(self) -> None:
        s = self.controller.settings
        with self._quiet():
            self.data_combo.setCurrentIndex(self.data_combo.findData(s.data.name))
            is_csv = s.data.name == CSV
            self.csv_label.setText(s.data.csv_path if is_csv else "")
            self.data_form.setRowVisible(self.csv_label, is_csv)
            for widget in (self.noise, self.samples):
                widget.setEnabled(not is_csv)
            self.noise.setValue(s.data.noise)
            self.samples.setValue(s.data.samples)
            self.fraction.setValue(s.data.train_fraction)
            self.layers.setMaximum(max(MAX_HIDDEN_LAYERS, len(s.hidden)))
            self.layers.setValue(len(s.hidden))
            for k, (label, spin, combo) in enumerate(
                zip(self.layer_labels, self.unit_spins, self.activation_combos)
            ):
                shown = k < len(s.hidden)
                for widget in (label, spin, combo):
                    widget.setVisible(shown)
                if shown:
                    units, activation = s.hidden[k]
                    spin.setMaximum(max(MAX_UNITS, units))
                    spin.setValue(units)
                    combo.setCurrentIndex(max(0, combo.findText(activation)))
            self.output.clear()
            for key in TASK_OUTPUTS[self.controller.task]:
                self.output.addItem(OUTPUTS[key][2], key)
            self.output.setCurrentIndex(max(0, self.output.findData(s.output)))
            self.init.setCurrentIndex(INIT_SCHEMES.index(s.init))
            self.scale.setValue(s.init_scale)
            self.scale.setEnabled(s.init in ("uniform", "normal", "constant"))
            self.seed.setText(str(s.seed))
            self.seed.setToolTip(self.seed_tip())
            self.optimizer.setCurrentIndex(self.optimizer.findData(s.optimizer))
            params = s.optimizer_params()
            for name, spin in self.params.items():
                self.optimizer_form.setRowVisible(spin, name in OPTIMIZER_DEFAULTS[s.optimizer])
                if name in params:
                    spin.setValue(params[name])
            self.rate.setEditText(f"{s.learning_rate:g}")
            self.batch.setValue(s.batch_size)
            self.l2.setEditText(f"{s.l2:g}")
            self.grad_noise.setEditText(f"{s.grad_noise:g}")

    def seed_tip(self) -> str:
        """What the Seed field's seed draws: in a lesson's run the lesson orders the minibatches
        (through Reset, Undo and a new seed), which the tooltip says."""
        order = self.controller.settings.lesson_order
        if order is None:
            return f"Seed of the new weights and of the minibatch order: {SEED_RANGE}"
        shuffle = f"seed {order[0]}" if order[1] else "no shuffle"
        return (f"Seed of the new weights: {SEED_RANGE}. The minibatches come in the lesson's "
                f"order ({shuffle}) until another network is opened.")

    def settings_note_text(self) -> str:
        """While the timeline shows a recorded epoch: that the settings shown are the current
        ones, and which of them changed after that epoch ("" while live)."""
        c = self.controller
        epoch = c.scrubbed
        if epoch is None:
            return ""
        newest = c.trainer.epoch if c.trainer is not None else None
        now = f" (epoch {newest:,})" if newest is not None else ""
        text = f"Showing epoch {epoch:,}; the settings below are the current ones{now}"
        changed = [f"{what[:1].lower()}{what[1:]} at epoch {at:,}"
                   for at, what in c.store.markers if at > epoch]  # fmt: skip
        if changed:
            return f"{text}, not epoch {epoch:,}'s. Changed since: {'; '.join(changed)}."
        return f"{text}, unchanged since epoch {epoch:,}."

    def _show_settings_note(self) -> None:
        text = self.settings_note_text()
        if self.settings_note.text() != text:
            self.settings_note.setText(text)
        self.settings_note.setVisible(bool(text))

    def _on_running_changed(self, running: bool) -> None:
        self.train_action.blockSignals(True)
        self.train_action.setChecked(running)
        self.train_action.blockSignals(False)
        self.train_action.setText("Pause" if running else "Train")
        self._rate, self._speed = (None, 0), ""

    def _on_snapshot(self, snapshot) -> None:
        """Show the frame's epoch (the plots show the same one) and, while training, the speed
        (measured over at least :data:`RATE_SECONDS`)."""
        if snapshot is None:  # no run
            self.shown_epoch = None
            self.progress.setText("no run (see the message above the plots)")
            self._show_settings_note()
            return
        self.shown_epoch = snapshot.epoch
        self._show_settings_note()
        text = f"epoch {snapshot.epoch}"
        losses = snapshot.arrays["train_loss"] if snapshot.arrays is not None else ()
        if len(losses):
            text += f" · loss {fmt(losses[-1])}"
        steps, when = self._rate
        if not self.controller.running:
            self._rate, self._speed = (None, 0), ""
        elif steps is None or snapshot.steps < steps:
            self._rate = (snapshot.steps, snapshot.time)
        elif snapshot.time - when >= RATE_SECONDS:
            self._speed = f" · {(snapshot.steps - steps) / (snapshot.time - when):,.0f} steps/s"
            self._rate = (snapshot.steps, snapshot.time)
        text += self._speed
        if self.progress.text() != text:
            self.progress.setText(text)
