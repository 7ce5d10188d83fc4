"""A training run's timeline: its parameters at a schedule that keeps memory bounded, and a replay
that reproduces the run exactly.

Every epoch is kept up to ``dense`` epochs; after that, epochs on a stride that doubles whenever
the timeline is full (so a long run keeps ever sparser snapshots of its later part), and always
the newest epoch. With the defaults a run keeps at most 500 snapshots however long it trains.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.network import Network
from core.training import TrainConfig, Trainer

Array = np.ndarray


@dataclass(frozen=True)
class Snapshot:
    """The parameters (W1, b1, W2, b2, … as copies) after ``epoch`` epochs."""

    epoch: int
    parameters: tuple[Array, ...]

    def weights(self) -> list[tuple[Array, Array]]:
        """The (W, b) of every layer (the parameters taken in pairs)."""
        p = self.parameters
        return [(p[k], p[k + 1]) for k in range(0, len(p), 2)]

    def apply_to(self, network: Network) -> None:
        """Set ``network``'s parameters to these (the shapes must agree)."""
        params = network.parameters()
        if [p.shape for p in params] != [p.shape for p in self.parameters]:
            raise ValueError("the snapshot's layer sizes differ from the network's")
        for p, q in zip(params, self.parameters):
            np.copyto(p, q)


MEMORY_BUDGET = 64 * 2**20  # bytes of parameters a timeline keeps at most


class Timeline:
    """Snapshots of one run at a bounded schedule (see the module's docstring). One thread may
    record while another reads: every method holds the timeline's lock."""

    def __init__(self, capacity: int = 500, dense: int = 100) -> None:
        if not 2 <= dense < capacity:
            raise ValueError(f"the timeline needs 2 ≤ dense < capacity, not {dense}, {capacity}")
        self.capacity = capacity
        self.dense = dense
        self.stride = 1
        self._kept: dict[int, Snapshot] = {}
        self._newest: Snapshot | None = None
        self._lock = threading.Lock()
        self.edited: int | None = None  # the epoch at which the weights were last edited by hand

    @classmethod
    def for_parameters(cls, parameters: Sequence[Array], budget: int = MEMORY_BUDGET,
                       capacity: int = 500) -> Timeline:  # fmt: skip
        """A timeline whose snapshots of these parameters fit in ``budget`` bytes: 500 for
        any network of up to ~16,000 parameters, fewer (at least 10) for larger ones."""
        size = max(1, sum(np.asarray(p).nbytes for p in parameters))
        capacity = max(10, min(capacity, budget // size))
        return cls(capacity=capacity, dense=min(100, capacity // 5))

    def __len__(self) -> int:
        return len(self.epochs())

    def __bool__(self) -> bool:
        return self._newest is not None

    def _on_schedule(self, epoch: int) -> bool:
        return epoch <= self.dense or epoch % self.stride == 0

    def record(self, epoch: int, parameters: Sequence[Array]) -> None:
        """Keep the parameters after ``epoch`` epochs (copied) if the schedule wants them; the
        newest epoch is always kept until a newer one arrives."""
        snap = Snapshot(int(epoch), tuple(np.array(p, dtype=np.float64) for p in parameters))
        with self._lock:
            self._record(snap)

    def _record(self, snap: Snapshot) -> None:
        if self._newest is not None and self._newest.epoch >= snap.epoch:
            raise ValueError(f"epoch {snap.epoch} is not after the newest recorded epoch "
                             f"{self._newest.epoch}")  # fmt: skip
        self._newest = snap
        if not self._on_schedule(snap.epoch):
            return
        self._kept[snap.epoch] = snap
        while len(self._kept) > self.capacity - 1:  # one place stays free for the newest
            self.stride *= 2
            self._kept = {e: s for e, s in self._kept.items() if self._on_schedule(e)}

    def epochs(self) -> list[int]:
        """The recorded epochs, oldest first."""
        with self._lock:
            return self._epochs()

    def _epochs(self) -> list[int]:
        out = sorted(self._kept)
        if self._newest is not None and self._newest.epoch not in self._kept:
            out.append(self._newest.epoch)
        return out

    def at(self, epoch: int) -> Snapshot:
        """The snapshot of the latest recorded epoch ≤ ``epoch`` (the oldest if none is)."""
        with self._lock:
            epochs = self._epochs()
            if not epochs:
                raise ValueError("the timeline is empty: nothing has been recorded")
            k = int(np.searchsorted(epochs, epoch, side="right")) - 1
            chosen = epochs[max(k, 0)]
            if self._newest is not None and chosen == self._newest.epoch:
                return self._newest
            return self._kept[chosen]

    def nbytes(self) -> int:
        """Memory held by the recorded parameters."""
        with self._lock:
            snaps = list(self._kept.values())
            if self._newest is not None and self._newest.epoch not in self._kept:
                snaps.append(self._newest)
        return sum(p.nbytes for s in snaps for p in s.parameters)


def replay(
    initial: Network,
    X: Array,
    Y: Array,
    X_test: Array | None,
    Y_test: Array | None,
    config: TrainConfig,
    epochs: int,
    callback: Callable[[Trainer], object] | None = None,
) -> Trainer:
    """Train a copy of ``initial`` for ``epochs`` epochs with ``config`` (the same shuffle seed):
    the same weights and history, bit for bit, as the run that started from ``initial``.
    ``callback(trainer)`` runs after every epoch (e.g. to record a timeline)."""
    trainer = Trainer(initial.copy(), X, Y, X_test, Y_test, TrainConfig(**vars(config)))
    trainer.train(epochs, None if callback is None else (lambda record: callback(trainer)))
    return trainer
