"""The history of a training run: one row per epoch (loss, accuracy, gradient norms and
saturation), kept in plain lists, with conversions to arrays, CSV rows and JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray


COLUMNS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "grad_norm",
           "saturation")


@dataclass
class History:
    """One entry per epoch in plain lists (cheap to copy); accuracies are NaN for regression.

    A long-running owner (the GUI) may :meth:`forget_before` rows it has taken away with
    :meth:`rows_since`; ``dropped`` counts them, so row indices stay absolute.
    """

    layers: int
    classification: bool
    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    grad_norm: list[tuple[float, ...]] = field(default_factory=list)
    saturation: list[tuple[float, ...]] = field(default_factory=list)
    dropped: int = 0

    def __len__(self) -> int:
        return len(self.epoch)

    @property
    def total(self) -> int:
        """Rows ever recorded (the kept ones plus those forgotten)."""
        return self.dropped + len(self.epoch)

    def rows_since(self, start: int) -> dict[str, Array]:
        """:meth:`arrays` of the rows with absolute index ≥ ``start`` (still kept)."""
        first = max(0, start - self.dropped)
        part = History(self.layers, self.classification)
        for name in COLUMNS:
            setattr(part, name, getattr(self, name)[first:])
        return part.arrays()

    def forget_before(self, start: int) -> None:
        """Drop the rows with absolute index < ``start`` (memory stays bounded)."""
        cut = min(len(self), max(0, start - self.dropped))
        if cut:
            for name in COLUMNS:
                del getattr(self, name)[:cut]
            self.dropped += cut

    def append(self, record) -> None:
        """Add the row of one ``core.training.EpochRecord``."""
        self.epoch.append(record.epoch)
        self.train_loss.append(record.train_loss)
        self.test_loss.append(record.test_loss)
        nan = math.nan
        self.train_accuracy.append(nan if record.train_accuracy is None else record.train_accuracy)
        self.test_accuracy.append(nan if record.test_accuracy is None else record.test_accuracy)
        self.grad_norm.append(record.grad_norm)
        self.saturation.append(record.saturation)

    def copy(self) -> History:
        """An independent copy (the lists are copied; their items are immutable)."""
        return History(
            self.layers, self.classification, list(self.epoch), list(self.train_loss),
            list(self.test_loss), list(self.train_accuracy), list(self.test_accuracy),
            list(self.grad_norm), list(self.saturation), self.dropped,
        )  # fmt: skip

    def arrays(self) -> dict[str, Array]:
        """The columns as float arrays for plotting; grad_norm is (epochs, L), saturation
        (epochs, L − 1)."""
        n = len(self)
        return {
            "epoch": np.array(self.epoch, dtype=float),
            "train_loss": np.array(self.train_loss, dtype=float),
            "test_loss": np.array(self.test_loss, dtype=float),
            "train_accuracy": np.array(self.train_accuracy, dtype=float),
            "test_accuracy": np.array(self.test_accuracy, dtype=float),
            "grad_norm": np.array(self.grad_norm, dtype=float).reshape(n, self.layers),
            "saturation": np.array(self.saturation, dtype=float).reshape(n, self.layers - 1),
        }

    def to_rows(self) -> list[dict[str, float | int | None]]:
        """One flat dict per epoch for a CSV file; a missing value (NaN) is None."""
        rows = []
        for i, epoch in enumerate(self.epoch):
            row: dict[str, float | int | None] = {
                "epoch": epoch,
                "train_loss": _missing(self.train_loss[i]),
                "test_loss": _missing(self.test_loss[i]),
                "train_accuracy": _missing(self.train_accuracy[i]),
                "test_accuracy": _missing(self.test_accuracy[i]),
            }
            for k, value in enumerate(self.grad_norm[i], start=1):
                row[f"grad_norm_{k}"] = _missing(value)
            for k, value in enumerate(self.saturation[i], start=1):
                row[f"saturation_{k}"] = _missing(value)
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, object]:
        """The history as JSON-safe columns: NaN and ±inf become None."""
        return {
            "layers": self.layers,
            "classification": self.classification,
            "epoch": list(self.epoch),
            "train_loss": [_json(v) for v in self.train_loss],
            "test_loss": [_json(v) for v in self.test_loss],
            "train_accuracy": [_json(v) for v in self.train_accuracy],
            "test_accuracy": [_json(v) for v in self.test_accuracy],
            "grad_norm": [[_json(v) for v in row] for row in self.grad_norm],
            "saturation": [[_json(v) for v in row] for row in self.saturation],
        }


def _missing(value: float) -> float | None:
    return None if math.isnan(value) else value


def _json(value: float) -> float | None:
    return value if math.isfinite(value) else None
