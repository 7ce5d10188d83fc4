"""The state of the layer-by-layer view, owned by the step controller: on or off, the minibatch
and its size, the sample whose column the network view shows, the picked result entry.

Switching keeps the sample and the phase: the batch starts at the unit stepper's sample, and
the cursor moves to the layer operation that contains the unit operation (and back to the end
of the unit operations of that layer operation). The unit stepper owns the network and the
optimizer; at the end of a batch it commits the batch's update (one training step).
"""

from __future__ import annotations

import numpy as np

from core.layers.entry import entry_formula
from core.layers.stepper import (
    MAX_BATCH,
    LayerStepper,
    batch_from,
    check_batch_size,
    layer_cursor_for,
    own_sample_batch,
    unit_cursor_for,
)
from core.project import dataset_settings, make_split, training_settings


class LayerMode:
    """Layer mode of ``controller`` (a :class:`~gui.stepper.controller.StepController`)."""

    def __init__(self, controller) -> None:
        self.controller = controller
        self.on = False
        self.batch_size = 1
        self.sample = 0  # the column the network view shows
        self.stepper: LayerStepper | None = None
        self.entry: tuple[int, int] | None = None
        self._data_key = None
        self._data = None

    # -- the batch ------------------------------------------------------------------------

    def _file_data(self):
        """The training part of the file's data set, when it can feed the network."""
        loaded = self.controller.loaded
        if loaded is None or not loaded.dataset or loaded.network.inputs != 2:
            return None
        key = (id(loaded), repr(loaded.dataset))
        if key != self._data_key:
            self._data_key = key
            try:
                train, _ = make_split(dataset_settings(loaded), loaded.network.outputs)
                self._data = (train.X, train.Y)
            except ValueError:
                self._data = None
        return self._data

    def max_batch(self) -> int:
        st = self.controller.stepper
        if st is None:
            return 1
        if not st.own_sample:
            return min(MAX_BATCH, len(st.X))
        data = self._file_data()
        return MAX_BATCH if data is None else min(MAX_BATCH, len(data[0]))

    def source(self) -> str:
        """Where the batch comes from, in words for the toolbar's tooltip."""
        st = self.controller.stepper
        if st is None or not st.own_sample:
            return "the data set, from the current sample on"
        if self.batch_size == 1:
            return "the network's own sample"
        if self._file_data() is not None:
            return "the file's data set"
        return "the network's own sample and B − 1 made-up samples near it"

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        st = self.controller.stepper
        B = min(self.batch_size, self.max_batch())
        if not st.own_sample:
            return batch_from(st.X, st.Y, st.sample_index, B)
        if B == 1:
            return st.x[None, :].copy(), st.y[None, :].copy()
        data = self._file_data()
        if data is not None:
            return batch_from(data[0], data[1], st.samples_done % len(data[0]), B)
        return own_sample_batch(st.network, B)

    def l2(self) -> float:
        loaded = self.controller.loaded
        return float(training_settings(loaded)["l2"]) if loaded is not None else 0.0

    def rebuild(self) -> None:
        """Recompute the layer trace (the network, the batch or its size changed)."""
        st = self.controller.stepper
        if st is None:
            self.stepper = None
            return
        cursor = self.stepper.cursor if self.stepper is not None else 0
        X, Y = self.batch()
        with np.errstate(all="ignore"):
            self.stepper = LayerStepper(st.network, X, Y, st.optimizer, self.l2())
        self.stepper.cursor = min(cursor, len(self.stepper.trace))
        self.sample = min(self.sample, len(X) - 1)
        self.entry = None

    # -- switching and settings -----------------------------------------------------------

    def set_on(self, on: bool) -> None:
        if on == self.on or self.controller.stepper is None:
            return
        st = self.controller.stepper
        if on:
            self.rebuild()
            self.stepper.cursor = layer_cursor_for(st.current, self.stepper.trace)
        else:
            st.cursor = unit_cursor_for(self.stepper.current, st.trace)
        self.on = on
        self.entry = None
        self.controller.mode_changed.emit(on)
        self.controller.state_changed.emit()

    def set_batch_size(self, B: int) -> None:
        B = check_batch_size(B)
        if B > self.max_batch():
            raise ValueError(f"batch size {B} is larger than the {self.max_batch()} samples "
                             "there are")
        if B != self.batch_size:
            self.batch_size = B
            self.rebuild()
            self.controller.state_changed.emit()

    def set_sample(self, sample: int) -> None:
        """Show column ``sample`` (0-based) of the batch in the network view."""
        size = len(self.stepper.X) if self.stepper is not None else 1
        if not 0 <= sample < size:
            raise ValueError(f"sample {sample + 1} is outside the batch of {size}")
        if sample != self.sample:
            self.sample = sample
            self.controller.state_changed.emit()

    def known(self) -> dict[str, float]:
        return self.stepper.known(self.sample)

    # -- moving ---------------------------------------------------------------------------

    def move(self, method: str) -> None:
        ls, st = self.stepper, self.controller.stepper
        if method == "next_sample" or (method in ("step", "to_phase_end") and ls.at_end):
            X, Y = ls.X, ls.Y
            st.next_batch(X, Y, ls.l2)
            self.rebuild()
            self.stepper.cursor = 0
        elif method == "back" and ls.cursor == 0:
            st.cursor = 0
            before = st.samples_done
            st.back()
            if st.samples_done != before:  # back to the end of the batch before
                self.rebuild()
                self.stepper.to_end()
        else:
            getattr(ls, method)()
        self.entry = None
        # The unit cursor follows, so that switching back shows the same phase.
        st.cursor = unit_cursor_for(self.stepper.current, st.trace)

    # -- one entry, unit by unit ----------------------------------------------------------

    def select_entry(self, row: int, col: int) -> None:
        op = self.stepper.current if self.stepper is not None else None
        if op is None:
            raise ValueError("no layer operation to pick an entry of")
        rows, cols = op.shape
        if not (0 <= row < rows and 0 <= col < cols):
            raise ValueError(f"entry ({row + 1}, {col + 1}) is outside {rows}×{cols}")
        self.entry = (row, col)
        if op.quantity in ("z", "u", "delta") and col != self.sample:
            self.sample = col  # the network view follows the sample of the picked column
            self.controller.state_changed.emit()
        self.controller.entry_changed.emit()

    def entry_formula(self) -> tuple[str, str, float] | None:
        """(general, substituted, value) of the picked entry, or None."""
        op = self.stepper.current if self.stepper is not None else None
        if op is None or self.entry is None:
            return None
        st = self.controller.stepper
        return entry_formula(st.network, op, *self.entry, st.optimizer)
