"""A cursor over the trace of one sample, and the move to the next sample after the update.

The cursor counts the operations applied so far (0 … len(trace)). At any position the stepper
reports exactly the values known then: the given ones (x, y, w, b) and the results of the
operations before the cursor. Nothing later is reported, so a view can never show a stale number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.layers.trace import minibatch_step
from core.network import Network
from core.optimizers import Optimizer, make_optimizer
from core.trace import PHASES, Operation, build_trace, given_values


@dataclass
class _Saved:
    """What is needed to return to an earlier sample with ←."""

    network: Network
    optimizer: Optimizer
    sample_index: int
    x: np.ndarray
    y: np.ndarray
    samples_done: int


class Stepper:
    """Steps through training one sample at a time.

    Parameters
    ----------
    network : stepped in place; its weights change when a sample's update is committed.
    X, Y : the samples to step through, one per row, in turn. When omitted the network's own
        sample (``network.sample_x``/``sample_y``) is used for every step.
    optimizer : the update rule and its state; by default made from ``network.optimizer``.
    """

    def __init__(
        self,
        network: Network,
        X: np.ndarray | None = None,
        Y: np.ndarray | None = None,
        optimizer: Optimizer | None = None,
    ) -> None:
        # With no data set the network's own sample is stepped, and edits to x and y go into
        # the network itself, so that saving keeps them.
        self.own_sample = X is None
        if self.own_sample:
            if network.sample_x is None or network.sample_y is None:
                raise ValueError("the network has no sample and no data set was given")
            X, Y = network.sample_x[None, :], network.sample_y[None, :]
        X = np.atleast_2d(np.asarray(X, dtype=float))
        Y = np.atleast_2d(np.asarray(Y, dtype=float))
        if len(X) == 0 or len(X) != len(Y):
            raise ValueError("the data set for stepping is empty or its X and Y differ in length")
        self.network = network
        self.optimizer = optimizer or make_optimizer(network.optimizer)
        if len(self.optimizer.state) != len(network.parameters()):
            self.optimizer.reset([p.shape for p in network.parameters()])
        self.X, self.Y = X, Y
        self.sample_index = 0
        self.samples_done = 0
        self.x, self.y = X[0].copy(), Y[0].copy()
        self._use_network_sample()
        self._history: list[_Saved] = []
        self.cursor = 0
        self.trace: tuple[Operation, ...] = ()
        self.rebuild()

    def _use_network_sample(self) -> None:
        if self.own_sample:
            self.x, self.y = self.network.sample_x, self.network.sample_y
            self.X, self.Y = self.x[None, :], self.y[None, :]

    # -- what is known --------------------------------------------------------------------

    def rebuild(self) -> None:
        """Recompute the trace after an edit, keeping the cursor where it was."""
        self.trace = build_trace(self.network, self.x, self.y, self.optimizer)
        self._given = given_values(self.network, self.x, self.y)
        self.cursor = min(self.cursor, len(self.trace))

    @property
    def current(self) -> Operation | None:
        """The operation applied last, or None at the start of the sample."""
        return self.trace[self.cursor - 1] if self.cursor > 0 else None

    def known(self) -> dict[str, float]:
        """Every value known at the cursor: the given ones and the results so far."""
        values = dict(self._given)
        for op in self.trace[: self.cursor]:
            values[op.key] = op.value
        return values

    def position(self) -> tuple[str, int, int]:
        """(phase, k, n): the current operation is the k-th of the n in its phase.

        At the start of a sample this is ("forward", 0, n).
        """
        op = self.current
        phase = op.phase if op is not None else PHASES[0]
        in_phase = [o.index for o in self.trace if o.phase == phase]
        k = 0 if op is None else in_phase.index(op.index) + 1
        return phase, k, len(in_phase)

    @property
    def at_end(self) -> bool:
        return self.cursor == len(self.trace)

    # -- moving ---------------------------------------------------------------------------

    def step(self) -> None:
        """One operation forward; at the end of the sample, commit and go to the next one."""
        if self.at_end:
            self.next_sample()
        else:
            self.cursor += 1

    def back(self) -> None:
        """One operation back; at the start of a sample, back to the end of the one before."""
        if self.cursor > 0:
            self.cursor -= 1
        elif self._history:
            saved = self._history.pop()
            self.network, self.optimizer = saved.network, saved.optimizer
            self.sample_index, self.x, self.y = saved.sample_index, saved.x, saved.y
            self._use_network_sample()
            self.samples_done = saved.samples_done
            self.rebuild()
            self.cursor = len(self.trace)

    def to_phase_end(self) -> None:
        """Complete the phase of the next operation (or go to the next sample at the end)."""
        if self.at_end:
            self.next_sample()
            return
        phase = self.trace[self.cursor].phase
        while self.cursor < len(self.trace) and self.trace[self.cursor].phase == phase:
            self.cursor += 1

    def to_end(self) -> None:
        self.cursor = len(self.trace)

    def to_start(self) -> None:
        self.cursor = 0

    def next_sample(self) -> None:
        """Apply this sample's updates and start the next sample at cursor 0."""
        self._save()
        self._commit()
        self._advance(1)

    def next_batch(self, X: np.ndarray, Y: np.ndarray, l2: float = 0.0) -> None:
        """Apply one optimizer step on the minibatch (X, Y) (as training does) and start the
        sample after it at cursor 0; ← at the start returns to before the step."""
        self._save()
        with np.errstate(all="ignore"):
            minibatch_step(self.network, self.optimizer, X, Y, l2)
        self._advance(len(X))

    def _save(self) -> None:
        self._history.append(
            _Saved(self.network.copy(), self.optimizer.copy(), self.sample_index,
                   self.x.copy(), self.y.copy(), self.samples_done)
        )
        if len(self._history) > 200:
            del self._history[0]

    def _advance(self, count: int) -> None:
        self.samples_done += count
        self.sample_index = (self.sample_index + count) % len(self.X)
        if not self.own_sample:
            self.x, self.y = self.X[self.sample_index].copy(), self.Y[self.sample_index].copy()
        self.cursor = 0
        self.rebuild()

    def _commit(self) -> None:
        net = self.network
        with np.errstate(all="ignore"):
            _, grad_w, grad_b = net.gradients(self.x[None, :], self.y[None, :])
        grads: list[np.ndarray] = []
        for gw, gb in zip(grad_w, grad_b):
            grads += [gw, gb if net.train_biases else np.zeros_like(gb)]
        with np.errstate(all="ignore"):
            self.optimizer.step(net.parameters(), grads)

    # -- editing --------------------------------------------------------------------------

    @staticmethod
    def _finite(value: float, what: str) -> float:
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{what}: {value!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{what}: must be a finite number, not {value}")
        return value

    # An edit starts a new history: the samples before it were stepped with other values, so
    # stepping back across them would silently undo the edit.

    def set_weight(self, layer: int, unit: int, inp: int, value: float) -> None:
        """Set w_{unit,inp} of ``layer`` (1-based layer) and rebuild the trace."""
        self.network.layers[layer - 1].W[unit, inp] = self._finite(value, "weight")
        self._edited()

    def set_bias(self, layer: int, unit: int, value: float) -> None:
        self.network.layers[layer - 1].b[unit] = self._finite(value, "bias")
        self._edited()

    def set_input(self, i: int, value: float) -> None:
        """Set x_i of the sample being stepped (the network's own sample, if it has one)."""
        self.x[i] = self._finite(value, "input")
        self._edited()

    def set_target(self, j: int, value: float) -> None:
        self.y[j] = self._finite(value, "target")
        self._edited()

    def _edited(self) -> None:
        self._history.clear()
        self.rebuild()
