"""The toolbar part of layer mode: the unit/layer switch (key L), the minibatch size B and the
sample picker that chooses which column of the batch the network view shows."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QSpinBox, QToolBar, QWidget

from core.layers.stepper import MAX_BATCH


class LayerControls(QObject):
    """Creates the layer actions on ``window`` and adds them to ``toolbar``."""

    def __init__(self, controller, window: QWidget, toolbar: QToolBar) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window
        self.action = QAction("Layers", window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("L"))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setToolTip("Layer by layer with matrices, or unit by unit (L)")
        self.action.toggled.connect(self._on_toggled)
        window.addAction(self.action)

        self.batch_label = QLabel(" batch B ")
        self.batch = QSpinBox()
        self.batch.setRange(1, MAX_BATCH)
        self.batch.setToolTip(f"Minibatch size B (1 … {MAX_BATCH}) for layer mode")
        self.batch.valueChanged.connect(self._on_batch)
        self.sample_label = QLabel(" show sample ")
        self.sample = QSpinBox()
        self.sample.setRange(1, 1)
        self.sample.setToolTip("Which sample of the batch the network view shows")
        self.sample.valueChanged.connect(self._on_sample)
        toolbar.addSeparator()
        toolbar.addAction(self.action)
        # The batch settings get a row of their own (the step toolbar fills 1280 pixels),
        # shown in layer mode only.
        self.toolbar = QToolBar("Minibatch")
        self.toolbar.setObjectName("minibatch_toolbar")
        self.mode_label = QLabel("Layer by layer: ")
        self.toolbar.addWidget(self.mode_label)
        self.widget_actions = [self.toolbar.addWidget(w) for w in (
            self.batch_label, self.batch, self.sample_label, self.sample)]
        if hasattr(window, "addToolBar"):
            window.addToolBarBreak()
            window.addToolBar(self.toolbar)
        controller.state_changed.connect(self.refresh)
        controller.mode_changed.connect(self._on_mode_changed)
        view = getattr(window, "network_view", None)
        if view is not None:  # in layer mode the weights are in the W matrices: the view
            # drops the edge labels and draws the units closer (redrawn on each switch)
            controller.mode_changed.connect(lambda _: view._on_network_replaced())
        self._on_mode_changed(controller.layer_mode)

    def _on_toggled(self, on: bool) -> None:
        self.controller.layers.set_on(on)
        if self.controller.layer_mode != on:  # no network: nothing to switch
            self.action.setChecked(self.controller.layer_mode)

    def _on_mode_changed(self, on: bool) -> None:
        if self.action.isChecked() != on:
            self.action.setChecked(on)
        self.action.setText("Layers" if not on else "Layers ✓")
        self.refresh()

    def _on_batch(self, value: int) -> None:
        layers = self.controller.layers
        if value == layers.batch_size:
            return
        try:
            layers.set_batch_size(value)
        except ValueError as exc:
            self.batch.setValue(layers.batch_size)
            error = getattr(self.window, "show_error", None)
            if error is not None:
                error("Batch size refused", str(exc))

    def _on_sample(self, value: int) -> None:
        layers = self.controller.layers
        if layers.stepper is not None and value - 1 != layers.sample:
            layers.set_sample(value - 1)

    def refresh(self) -> None:
        layers = self.controller.layers
        on = layers.on
        self.batch.setMaximum(max(1, layers.max_batch()))
        if self.batch.value() != layers.batch_size:
            self.batch.blockSignals(True)
            self.batch.setValue(layers.batch_size)
            self.batch.blockSignals(False)
        self.batch.setToolTip(f"Minibatch size B (1 … {self.batch.maximum()}), drawn from "
                              f"{layers.source()}")
        size = len(layers.stepper.X) if layers.stepper is not None else 1
        self.sample.blockSignals(True)
        self.sample.setMaximum(size)
        self.sample.setValue(layers.sample + 1)
        self.sample.blockSignals(False)
        bars = getattr(self.window, "presenter_bars", None)  # (hidden with the other bars)
        self.toolbar.setVisible(on and not (bars is not None and bars.hiding))
        for action, show in zip(self.widget_actions, (True, True, size > 1, size > 1)):
            action.setVisible(show)

    def set_font(self, font) -> None:
        for w in (self.mode_label, self.batch_label, self.batch, self.sample_label, self.sample):
            w.setFont(font)
        for box in (self.batch, self.sample):  # the number itself is in the box's line edit
            box.lineEdit().setFont(font)
            box.setMinimumWidth(round(font.pointSizeF() * 6))
