"""The one Qt-side owner of the core objects. Views listen to its signals and call its methods;
they never talk to each other and never compute backprop themselves."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.examples import is_example
from core.netfile import LoadedNetwork, load_network, save_network
from core.project import stepping_data
from core.stepper import Stepper
from core.trace import value_name
from gui.stepper.layer_mode import LayerMode


class StepController(QObject):
    """Owns the network being stepped, its stepper and the file it came from.

    Signals
    -------
    network_replaced : a different network (or a new structure) is shown: rebuild layouts.
    state_changed : the cursor moved or a value changed: refresh the numbers shown.
    dirty_changed(bool) : the network differs (or no longer differs) from its file.
    path_changed(str) : the file the network is saved in ("" for none).
    """

    network_replaced = Signal()
    state_changed = Signal()
    dirty_changed = Signal(bool)
    path_changed = Signal(str)
    mode_changed = Signal(bool)  # layer by layer (True) or unit by unit
    entry_changed = Signal()  # a result entry was picked in the matrix panel

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stepper: Stepper | None = None
        self.loaded: LoadedNetwork | None = None
        self.path = ""
        self.dirty = False
        self.layers = LayerMode(self)  # the layer-by-layer view's state (see layer_mode.py)
        # Edits of values (weights, biases, inputs, targets). A step that commits an update,
        # training or another network changes the values under the commands, so each of those
        # starts a new history.
        self.undo_stack = QUndoStack(self)

    @property
    def layer_mode(self) -> bool:
        return self.layers.on

    @property
    def active_stepper(self):
        """What the step keys move: the layer stepper in layer mode, else the unit stepper."""
        return self.layers.stepper if self.layers.on else self.stepper

    def known(self) -> dict[str, float]:
        """The values the network view shows: the unit stepper's, or in layer mode the picked
        sample's column of the layer trace."""
        return self.layers.known() if self.layers.on else self.stepper.known()

    # -- the network ----------------------------------------------------------------------

    @property
    def network(self):
        return self.stepper.network if self.stepper else None

    def set_loaded(self, loaded: LoadedNetwork, path: str = "") -> None:
        """Show ``loaded``; raises ValueError (and keeps the current network) if it can't step."""
        X, Y = stepping_data(loaded)
        stepper = Stepper(loaded.network, X, Y)  # may raise: nothing is replaced yet
        self.stepper, self.loaded = stepper, loaded
        self.undo_stack.clear()
        self.path = path
        self.layers.rebuild()
        self.network_replaced.emit()
        self.state_changed.emit()
        self.path_changed.emit(path)
        self._set_dirty(False)

    def open_path(self, path: str) -> None:
        """Load a network file; on any error the current network stays as it was.

        A shipped example opens as an untitled copy, so Save asks where instead of
        overwriting it.
        """
        self.set_loaded(load_network(path), "" if is_example(path) else path)

    def save(self, path: str | None = None, replace_read_only: bool = False) -> str:
        """Write the network safely to ``path`` or its own file; returns the path. A read-only
        file raises core.safe_write.ReadOnlyFileError unless ``replace_read_only``."""
        target = path or self.path
        if not target:
            raise ValueError("no file name to save to")
        extras = {}
        if self.loaded is not None:
            extras = {"dataset": self.loaded.dataset, "training": self.loaded.training}
        save_network(self.network, target, {k: v for k, v in extras.items() if v},
                     replace_read_only=replace_read_only)  # fmt: skip
        if target != self.path:
            self.path = target
            self.path_changed.emit(target)
        self._set_dirty(False)
        return target

    def mark_changed(self, rebuild: bool = True) -> None:
        """Something outside the stepper (training) changed the network: recompute the trace
        (unless ``rebuild`` is False), show it, and mark the network unsaved."""
        if self.stepper is None:
            return
        if rebuild:
            with np.errstate(all="ignore"):  # weights can be huge just before a divergence
                self.stepper.rebuild()
            self.layers.rebuild()
        self.undo_stack.clear()
        self._set_dirty(True)
        self.state_changed.emit()

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirty_changed.emit(dirty)

    # -- stepping -------------------------------------------------------------------------

    def _move(self, method: str) -> None:
        if self.stepper is None:
            return
        samples = self.stepper.samples_done
        if self.layers.on:
            self.layers.move(method)
        else:
            getattr(self.stepper, method)()
        if self.stepper.samples_done != samples:
            self.undo_stack.clear()  # the edited values were updated since
            self._set_dirty(True)  # an update was committed (or taken back)
        self.state_changed.emit()

    def step(self) -> None:
        self._move("step")

    def back(self) -> None:
        self._move("back")

    def to_phase_end(self) -> None:
        self._move("to_phase_end")

    def to_end(self) -> None:
        self._move("to_end")

    def to_start(self) -> None:
        self._move("to_start")

    def next_sample(self) -> None:
        self._move("next_sample")

    # -- editing --------------------------------------------------------------------------

    def value(self, key: str) -> float:
        """The current value of an editable key (``w:l:j:i``, ``b:l:j``, ``u:0:i``, ``y:j``);
        ValueError for any other key."""
        parts = key.split(":")
        try:
            kind, idx = parts[0], [int(p) for p in parts[1:]]
            if kind == "w" and len(idx) == 3 and idx[0] >= 1:
                return float(self.network.layers[idx[0] - 1].W[idx[1], idx[2]])
            if kind == "b" and len(idx) == 2 and idx[0] >= 1:
                return float(self.network.layers[idx[0] - 1].b[idx[1]])
            if kind == "u" and len(idx) == 2 and idx[0] == 0:
                return float(self.stepper.x[idx[1]])
            if kind == "y" and len(idx) == 1:
                return float(self.stepper.y[idx[0]])
        except (ValueError, IndexError):
            pass
        raise ValueError("is computed, not editable")

    def edit(self, key: str, value: float) -> None:
        """Set the value ``key`` (``w:l:j:i``, ``b:l:j``, ``u:0:i`` or ``y:j``) as one step of
        ``undo_stack`` ("Set w(1)1,1 to 1.0").

        Raises ValueError for a non-finite value or a key that cannot be edited; the message
        does not repeat the key (the caller names the value as people do, see
        :func:`core.trace.value_name`).
        """
        if self.stepper is None:
            return
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"must be a finite number, not {value}")
        old = self.value(key)
        if old == value:
            return
        name = value_name(self.network, key)
        self.undo_stack.push(_EditCommand(self, key, old, value, f"Set {name} to {_shown(value)}"))

    def _apply(self, key: str, value: float) -> None:
        """Write one value (the undo commands call this)."""
        kind, *idx = (p if k == 0 else int(p) for k, p in enumerate(key.split(":")))
        if kind == "w":
            self.stepper.set_weight(*idx, value)
        elif kind == "b":
            self.stepper.set_bias(*idx, value)
        elif kind == "u":
            self.stepper.set_input(idx[1], value)
        else:
            self.stepper.set_target(idx[0], value)
        self.layers.rebuild()
        self._set_dirty(True)
        self.state_changed.emit()


def _shown(value: float) -> str:
    """A value in a command's text: full precision without float noise (0.1 + 0.2 is 0.3)."""
    return repr(round(value, 12))


class _EditCommand(QUndoCommand):
    """One edit of a weight, bias, input or target: the value before and after."""

    def __init__(self, controller: StepController, key: str, old: float, new: float,
                 text: str) -> None:  # fmt: skip
        super().__init__(text)
        self.controller, self.key, self.old, self.new = controller, key, old, new

    def redo(self) -> None:
        self.controller._apply(self.key, self.new)

    def undo(self) -> None:
        self.controller._apply(self.key, self.old)
