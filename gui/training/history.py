"""The GUI's copy of a training run's history, bounded in memory: the newest :data:`RECENT`
epochs at full resolution, older ones evenly thinned (every 2nd, then 4th, … epoch kept, the step
doubling each time the store fills), so a run of 100,000 epochs keeps at most :data:`CAPACITY`
rows.

The worker sends only the rows added since its last snapshot; :meth:`HistoryStore.ingest` appends
them by their absolute index, so a snapshot that arrives late (after a pause published the same
rows) adds nothing twice. The arrays handed out are views that later appends never change
(thinning builds new buffers), so a plot may keep them.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

CAPACITY = 8192  # rows kept at most
RECENT = 4096  # the newest rows are never thinned
FIRST_SIZE = 256  # rows allocated at first (a store kept by an undo command stays small)
SCALARS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")


class HistoryStore:
    """One run's history as column arrays, plus the epochs at which its settings changed.

    Attributes
    ----------
    layers : layers of the network (grad_norm has ``layers`` columns, saturation one fewer).
    total : rows ever ingested (the absolute index of the next row).
    markers : (epoch, text) of every change of optimizer, learning rate, batch size or λ.
    thinned_before : the first epoch from which every epoch is kept (0 while nothing is thinned);
        before it every ``stride``-th epoch is kept.
    """

    def __init__(self, layers: int) -> None:
        self.layers = layers
        self.total = 0
        self.count = 0
        self.markers: list[tuple[int, str]] = []
        self.thinned_before = 0
        self.stride = 1  # older rows are kept at every stride-th epoch
        self._columns = self._empty(FIRST_SIZE)  # grows (doubling) up to CAPACITY rows

    def _empty(self, rows: int) -> dict[str, Array]:
        columns = {name: np.empty(rows) for name in SCALARS}
        columns["grad_norm"] = np.empty((rows, self.layers))
        columns["saturation"] = np.empty((rows, max(self.layers - 1, 0)))
        return columns

    def __len__(self) -> int:
        return self.count

    def ingest(self, start: int, rows: dict[str, Array]) -> int:
        """Append the rows whose absolute indices are ``start`` … (those not yet here);
        returns how many were added. Rows after a gap are refused (0)."""
        n = len(rows["epoch"])
        skip = self.total - start
        if skip < 0 or skip >= n:
            return 0
        if rows["grad_norm"].shape[1:] != (self.layers,):
            return 0
        added = n - skip
        for offset in range(skip, n, RECENT // 2):  # in pieces that always fit after thinning
            stop = min(n, offset + RECENT // 2)
            self._append({k: v[offset:stop] for k, v in rows.items()}, stop - offset)
        self.total += added
        return added

    def _append(self, rows: dict[str, Array], m: int) -> None:
        size = len(self._columns["epoch"])
        if self.count + m > size and size < CAPACITY:
            size = min(CAPACITY, max(2 * size, self.count + m))
            grown = self._empty(size)  # new buffers: views handed out stay as they were
            for name, column in grown.items():
                column[: self.count] = self._columns[name][: self.count]
            self._columns = grown
        if self.count + m > CAPACITY:
            self._thin(CAPACITY - m)
        end = self.count + m
        for name, column in self._columns.items():
            column[self.count : end] = rows[name]
        self.count = end

    def _thin(self, room: int) -> None:
        """Keep the rows older than the newest RECENT at every ``stride``-th epoch, doubling
        the stride until at most ``room`` rows remain (so the old part is evenly spaced)."""
        count = self.count
        columns = {k: v[:count] for k, v in self._columns.items()}
        stride = max(self.stride // 2, 1)  # first the rows aged since, at the stride so far
        while count > room:
            split = count - RECENT
            if split < 2:
                break
            stride *= 2
            self.stride = stride
            epochs = columns["epoch"]
            keep = np.ones(count, dtype=bool)
            keep[:split] = np.remainder(epochs[:split], stride) == 0
            keep[0] = True
            columns = {k: v[keep] for k, v in columns.items()}
            count = len(columns["epoch"])
        new = self._empty(CAPACITY)
        for name, column in new.items():
            column[:count] = columns[name]
        self._columns, self.count = new, count
        recent = max(count - RECENT, 0)
        self.thinned_before = int(new["epoch"][recent]) if recent else 0

    def arrays(self) -> dict[str, Array]:
        """The kept rows as views: epoch (n,), losses and accuracies (n,), grad_norm (n, L),
        saturation (n, L − 1)."""
        return {name: column[: self.count] for name, column in self._columns.items()}

    def mark(self, epoch: int, text: str) -> None:
        self.markers.append((int(epoch), text))

    def copy(self) -> HistoryStore:
        other = HistoryStore(self.layers)
        other.total, other.count = self.total, self.count
        other.markers = list(self.markers)
        other.thinned_before, other.stride = self.thinned_before, self.stride
        other._columns = {k: v[: max(self.count, 1)].copy() for k, v in self._columns.items()}
        return other
