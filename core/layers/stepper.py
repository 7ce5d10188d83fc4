"""A cursor over the layer trace of one minibatch, the minibatch itself, and how the cursor maps
to and from the unit-by-unit stepper's cursor (switching views keeps the phase).

The batch is drawn from the samples the unit stepper walks through, starting at its current
sample (so sample 1 of the batch is the sample the unit view shows). A network that only has
its own sample gets that sample first and B − 1 made-up samples near it (seeded, so the same
every time): inputs x + N(0, 0.5²); targets the other classes in turn (softmax cross-entropy),
the opposite and the same 0/1 labels in turn (binary cross-entropy), or the sample's own target
(other losses).
"""

from __future__ import annotations

import numpy as np

from core.layers.trace import LayerOperation, build_layer_trace
from core.network import Network
from core.optimizers import Optimizer
from core.trace import PHASES, Operation

MAX_BATCH = 16
NEAR_SCALE = 0.5


def check_batch_size(B: object) -> int:
    """``B`` as an int in 1 … 16, or a ValueError saying what is wrong."""
    if isinstance(B, bool) or not isinstance(B, (int, np.integer)) or not 1 <= B <= MAX_BATCH:
        raise ValueError(f"batch size must be a whole number from 1 to {MAX_BATCH}, not {B!r}")
    return int(B)


def own_sample_batch(network: Network, B: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The network's own sample and B − 1 seeded samples near it (see the module's docstring)."""
    B = check_batch_size(B)
    if network.sample_x is None or network.sample_y is None:
        raise ValueError("the network has no sample of its own to make a batch from")
    rng = np.random.default_rng(seed)
    x, y = network.sample_x, network.sample_y
    X = np.vstack([x, x + NEAR_SCALE * rng.standard_normal((B - 1, len(x)))])
    k, others = len(y), np.arange(1, B)
    if network.loss.name == "softmax_cross_entropy":
        extra = np.eye(k)[(int(np.argmax(y)) + others) % k]  # the other classes in turn
    elif network.loss.name == "binary_cross_entropy":
        extra = np.where((others % 2 == 1)[:, None], 1.0 - (y > 0.5), y > 0.5).astype(float)
    else:
        extra = np.tile(y, (B - 1, 1))
    return X, np.vstack([y, extra])


def batch_from(X: np.ndarray, Y: np.ndarray, start: int, B: int) -> tuple[np.ndarray, np.ndarray]:
    """B rows of (X, Y) from row ``start`` on, wrapping round; B may not exceed the rows."""
    B = check_batch_size(B)
    if B > len(X):
        raise ValueError(f"batch size {B} is larger than the {len(X)} samples there are")
    rows = (start + np.arange(B)) % len(X)
    return X[rows].copy(), Y[rows].copy()


class LayerStepper:
    """Steps through the layer trace of the batch (X, Y); the network and optimizer are read,
    never changed (the unit stepper commits the batch's update)."""

    def __init__(self, network: Network, X: np.ndarray, Y: np.ndarray, optimizer: Optimizer,
                 l2: float = 0.0) -> None:
        self.network = network
        self.optimizer = optimizer
        self.X = np.atleast_2d(np.asarray(X, dtype=float))
        self.Y = np.atleast_2d(np.asarray(Y, dtype=float))
        self.l2 = float(l2)
        self.trace: tuple[LayerOperation, ...] = build_layer_trace(
            network, self.X, self.Y, optimizer, l2)
        self.cursor = 0

    @property
    def batch_size(self) -> int:
        return len(self.X)

    @property
    def current(self) -> LayerOperation | None:
        return self.trace[self.cursor - 1] if self.cursor > 0 else None

    @property
    def at_end(self) -> bool:
        return self.cursor == len(self.trace)

    def position(self) -> tuple[str, int, int]:
        """(phase, k, n) as :meth:`core.stepper.Stepper.position`."""
        op = self.current
        phase = op.phase if op is not None else PHASES[0]
        in_phase = [o.index for o in self.trace if o.phase == phase]
        k = 0 if op is None else in_phase.index(op.index) + 1
        return phase, k, len(in_phase)

    def step(self) -> None:
        self.cursor = min(self.cursor + 1, len(self.trace))

    def back(self) -> None:
        self.cursor = max(self.cursor - 1, 0)

    def to_phase_end(self) -> None:
        if self.at_end:
            return
        phase = self.trace[self.cursor].phase
        while self.cursor < len(self.trace) and self.trace[self.cursor].phase == phase:
            self.cursor += 1

    def to_end(self) -> None:
        self.cursor = len(self.trace)

    def to_start(self) -> None:
        self.cursor = 0

    def known(self, sample: int = 0) -> dict[str, float]:
        """Values known at the cursor in the unit trace's keys, for column ``sample``: its
        x, y, z, u and δ; the weights, the batch gradients and updates; the batch's mean loss."""
        net = self.network
        values = {f"u:0:{i}": float(v) for i, v in enumerate(self.X[sample])}
        values.update({f"y:{j}": float(v) for j, v in enumerate(self.Y[sample])})
        for l, layer in enumerate(net.layers, start=1):
            for j in range(layer.units):
                values[f"b:{l}:{j}"] = float(layer.b[j])
                for i in range(layer.inputs):
                    values[f"w:{l}:{j}:{i}"] = float(layer.W[j, i])
        for op in self.trace[: self.cursor]:
            l, v = op.layer, op.value
            if op.quantity == "loss":
                values["loss"] = float(v[0, 0])
            elif op.quantity in ("z", "u", "delta"):
                for j in range(v.shape[0]):
                    values[f"{op.quantity}:{l}:{j}"] = float(v[j, sample])
            elif op.quantity in ("grad_w", "w"):
                name = "new_w" if op.quantity == "w" else "grad_w"
                for j in range(v.shape[0]):
                    for i in range(v.shape[1]):
                        values[f"{name}:{l}:{j}:{i}"] = float(v[j, i])
            else:
                name = "new_b" if op.quantity == "b" else "grad_b"
                for j in range(v.shape[0]):
                    values[f"{name}:{l}:{j}"] = float(v[j, 0])
        return values


# -- switching views -------------------------------------------------------------------------


def layer_cursor_for(unit_op: Operation | None, trace: tuple[LayerOperation, ...]) -> int:
    """The layer cursor that shows the layer operation containing ``unit_op`` (0 at the start)."""
    if unit_op is None:
        return 0
    for op in trace:
        if (op.phase, op.quantity, op.layer) == (unit_op.phase, unit_op.quantity, unit_op.layer):
            return op.index + 1
    return 0


def unit_cursor_for(layer_op: LayerOperation | None, trace: tuple[Operation, ...]) -> int:
    """The unit cursor just after the last unit operation of ``layer_op`` (0 at the start)."""
    if layer_op is None:
        return 0
    key = (layer_op.phase, layer_op.quantity, layer_op.layer)
    last = [op.index for op in trace if (op.phase, op.quantity, op.layer) == key]
    return last[-1] + 1 if last else 0


def layer_keys(op: LayerOperation, network: Network) -> tuple[set[str], set[str]]:
    """(reads, writes): the unit-trace keys of the values a layer operation reads and writes,
    so that a per-unit view can highlight whole layers."""
    sizes = network.sizes
    l, q = op.layer, op.quantity

    def units(name: str, layer: int) -> set[str]:
        return {f"{name}:{layer}:{j}" for j in range(sizes[layer])}

    def edges(name: str, layer: int) -> set[str]:
        return {f"{name}:{layer}:{j}:{i}" for j in range(sizes[layer])
                for i in range(sizes[layer - 1])}

    targets = {f"y:{j}" for j in range(sizes[-1])}
    L = len(sizes) - 1
    if q == "z":
        reads, writes = edges("w", l) | units("u", l - 1) | units("b", l), units("z", l)
    elif q == "u":
        reads, writes = units("z", l), units("u", l)
    elif q == "loss":
        reads, writes = units("u", L) | targets, {"loss"}
    elif q == "delta" and l == L:
        reads, writes = units("u", L) | targets | units("z", L), units("delta", l)
    elif q == "delta":
        reads = units("z", l) | edges("w", l + 1) | units("delta", l + 1)
        writes = units("delta", l)
    elif q == "grad_w":
        reads, writes = units("delta", l) | units("u", l - 1), edges("grad_w", l)
    elif q == "grad_b":
        reads, writes = units("delta", l), units("grad_b", l)
    elif q == "w":
        reads, writes = edges("w", l) | edges("grad_w", l), edges("new_w", l)
    else:
        reads, writes = units("b", l) | units("grad_b", l), units("new_b", l)
    return reads, writes
