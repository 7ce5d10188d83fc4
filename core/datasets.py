"""Toy data sets with 2-D inputs, in the spirit of TensorFlow Playground, and CSV loading.

Generated inputs X are (samples, 2) inside [-6, 6]²; targets Y are always 2-D, (samples, k).
Classification targets are class labels in one column: 0/1 for the two-class sets (a sigmoid
output with binary cross-entropy), 0 … K−1 for the K-class sets; :func:`one_hot` (or
:func:`for_outputs`) turns such a column into one column per class for a softmax output.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.messages import one_line

Array = np.ndarray

DATASETS = ("circle", "xor", "gauss", "spiral", "linear", "plane", "multi_gauss", "blobs3",
            "spiral3")
CLASSIFICATION = ("circle", "xor", "gauss", "spiral", "linear")  # two classes, labels 0/1
MULTICLASS = {"blobs3": 3, "spiral3": 3}  # name: number of classes (labels 0 … K−1)
REGRESSION = ("plane", "multi_gauss")
MAX_CLASSES = 10  # a CSV target column of whole numbers 0 … 9 (three or more of them) is labels
TASKS = ("classification", "regression")

EXTENT = 6.0  # generated inputs stay inside [-EXTENT, EXTENT]²
MAX_SAMPLES = 100_000
# Standard deviation of the noise at noise = 1: in input units for classification sets (about the
# width of a class's region, so one slider means the same to every set), in target units for
# regression sets (whose targets span about [-1, 1]).
NOISE_SCALE = {
    "circle": 1.5,
    "xor": 1.5,
    "gauss": 2.0,
    "spiral": 0.7,
    "linear": 1.5,
    "plane": 0.5,
    "multi_gauss": 0.5,
    "blobs3": 1.5,
    "spiral3": 0.7,
}


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs and targets of one data set (the arrays are converted to 2-D float64).

    Attributes
    ----------
    X : (n, d) inputs, one sample per row.
    Y : (n, k) targets, 2-D even when k = 1.
    task : "classification" (targets are class labels or one-hot rows) or "regression".
    name : the generator's name, or the CSV file's stem.
    classes : the number of classes K of a classification set (2 for 0/1 targets), 0 for
        regression. Y holds either one column of labels 0 … K−1 or K one-hot columns.
    """

    X: Array
    Y: Array
    task: str
    name: str
    classes: int = 0

    def __post_init__(self) -> None:
        X = np.asarray(self.X, dtype=np.float64)
        Y = np.asarray(self.Y, dtype=np.float64)
        if X.ndim != 2 or Y.ndim != 2 or len(X) != len(Y):
            raise ValueError(
                f"X and Y must be 2-D with the same number of rows, got {X.shape} and {Y.shape}"
            )
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}, got {self.task!r}")
        # The dataclass is frozen, so the converted arrays go in past its guard.
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "Y", Y)
        if self.task == "classification" and not self.classes:
            object.__setattr__(self, "classes", max(2, Y.shape[1]))
        if self.task == "regression":
            object.__setattr__(self, "classes", 0)

    def labels(self) -> Array:
        """The class of every row, 0 … K−1 (one-hot rows give their argmax); classification only."""
        if self.Y.shape[1] > 1:
            return self.Y.argmax(axis=1)
        if self.classes == 2:
            return (self.Y[:, 0] > 0.5).astype(np.int64)
        return np.round(self.Y[:, 0]).astype(np.int64)

    def __len__(self) -> int:
        return len(self.X)

    def split(self, train_fraction: float, seed: int = 0) -> tuple[Dataset, Dataset]:
        """Shuffle the rows with ``seed`` and cut them into a training and a test set.

        The training set gets ``round(train_fraction * n)`` rows, at least one; with
        ``train_fraction == 1`` the test set is empty, shaped (0, d) and (0, k).
        """
        if (
            isinstance(train_fraction, bool)
            or not isinstance(train_fraction, numbers.Real)
            or not 0 < train_fraction <= 1
        ):
            raise ValueError(f"train_fraction must be in (0, 1], got {train_fraction!r}")
        n = len(self)
        n_train = min(n, max(1, round(train_fraction * n)))
        order = np.random.default_rng(seed).permutation(n)
        train, test = order[:n_train], order[n_train:]
        return (
            Dataset(self.X[train], self.Y[train], self.task, self.name, self.classes),
            Dataset(self.X[test], self.Y[test], self.task, self.name, self.classes),
        )


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {bounds}, got {value}")
    return int(value)


def _polar(r: Array, angle: Array) -> Array:
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)])


def _annulus(rng: np.random.Generator, n: int, r_min: float, r_max: float) -> Array:
    # The square root of a uniform r² spreads the points evenly over the area, not the radius.
    r = np.sqrt(rng.uniform(r_min**2, r_max**2, n))
    return _polar(r, rng.uniform(0.0, 2.0 * np.pi, n))


def _circle(rng: np.random.Generator, n0: int, n1: int) -> tuple[Array, Array]:
    return _annulus(rng, n0, 3.0, 5.0), _annulus(rng, n1, 0.0, 2.0)


def _xor(rng: np.random.Generator, n0: int, n1: int) -> tuple[Array, Array]:
    def quadrants(n: int, same_sign: bool) -> Array:
        # Keep 0.3 away from the axes so that noise = 0 gives a clean gap between quadrants.
        size = rng.uniform(0.3, 5.0, (n, 2))
        sx = rng.choice([-1.0, 1.0], n)
        return size * np.column_stack([sx, sx if same_sign else -sx])

    return quadrants(n0, False), quadrants(n1, True)


def _gauss(rng: np.random.Generator, n0: int, n1: int) -> tuple[Array, Array]:
    return rng.normal(-2.0, 1.0, (n0, 2)), rng.normal(2.0, 1.0, (n1, 2))


def _spiral(rng: np.random.Generator, n0: int, n1: int) -> tuple[Array, Array]:
    def arm(n: int, phase: float) -> Array:
        s = (np.arange(n) + 0.5) / n  # evenly along the arm; the seed only shuffles and jitters
        return _polar(5.0 * s, 1.75 * 2.0 * np.pi * s + phase)

    return arm(n0, np.pi), arm(n1, 0.0)


def _linear(rng: np.random.Generator, n0: int, n1: int) -> tuple[Array, Array]:
    # A line through the origin at a seed-chosen angle; no point lies within 0.5 of it.
    angle = rng.uniform(0.0, np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])

    def side(n: int, sign: float) -> Array:
        found = np.empty((0, 2))
        while len(found) < n:  # rejection sampling; about 45% of the square is accepted
            points = rng.uniform(-5.0, 5.0, (2 * n + 8, 2))
            found = np.concatenate([found, points[sign * (points @ normal) >= 0.5]])
        return found[:n]

    return side(n0, -1.0), side(n1, 1.0)


def _blobs3(rng: np.random.Generator, counts: list[int]) -> list[Array]:
    # Three round clouds whose centres sit on a circle of radius 3, 120° apart.
    out = []
    for k, n in enumerate(counts):
        angle = np.pi / 2 + 2 * np.pi * k / 3
        centre = 3.0 * np.array([np.cos(angle), np.sin(angle)])
        out.append(centre + rng.normal(0.0, 0.9, (n, 2)))
    return out


def _spiral3(rng: np.random.Generator, counts: list[int]) -> list[Array]:
    # Three arms, a third of a turn apart, each winding once around the centre.
    out = []
    for k, n in enumerate(counts):
        s = (np.arange(n) + 0.5) / n
        out.append(_polar(0.3 + 4.7 * s, 2.0 * np.pi * s + 2 * np.pi * k / 3))
    return out


_MULTI = {"blobs3": _blobs3, "spiral3": _spiral3}

_CLASSIFIERS = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "linear": _linear,
}

# Four bumps (x, y, height) in a checkerboard: a smooth regression cousin of xor.
_BUMPS = ((-3.0, 3.0, 1.0), (3.0, 3.0, -1.0), (-3.0, -3.0, -1.0), (3.0, -3.0, 1.0))
_BUMP_WIDTH = 1.5


def _regression_target(name: str, X: Array) -> Array:
    if name == "plane":
        return (X[:, 0] + X[:, 1]) / (2.0 * EXTENT)  # exactly ±1 in the corners
    y = np.zeros(len(X))
    for cx, cy, height in _BUMPS:
        d2 = (X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2
        y += height * np.exp(-d2 / (2.0 * _BUMP_WIDTH**2))
    return y


def generate(name: str, samples: int = 500, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Generate one of the toy data sets in :data:`DATASETS`.

    Parameters
    ----------
    name : circle, xor, gauss, spiral, linear (two classes); blobs3, spiral3 (three classes,
        labels 0, 1, 2 in one column); plane, multi_gauss (regression).
    samples : number of rows, 2 to 100 000. Classification sets are balanced: class 1 gets
        ``samples // 2`` rows, class 0 the rest (K classes: ``samples // K`` each, the first
        classes one more while rows are left over); the rows are shuffled.
    noise : in [0, 1], Gaussian noise with standard deviation ``noise * NOISE_SCALE[name]``.
        Classification: each input coordinate is jittered while its label stays, so noisy
        points cross the class boundary, and is then clipped to [-6, 6]; the scale is about the
        width of a class's region, so 0.5 makes the classes overlap clearly and 1 blurs them.
        Regression: the target is jittered (scale 0.5; targets span about [-1, 1]). With one
        seed, changing only the noise moves the same points further along the same directions.
    seed : seed of ``np.random.default_rng``; the same arguments give the same data set.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set name {name!r}; valid names: {', '.join(DATASETS)}")
    samples = _check_int("samples", samples, 2, MAX_SAMPLES)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise <= 1:
        raise ValueError(f"noise must be a number in [0, 1], got {noise!r}")
    rng = np.random.default_rng(seed)
    if name in MULTICLASS:
        classes = MULTICLASS[name]
        counts = [samples // classes + (k < samples % classes) for k in range(classes)]
        X = np.concatenate(_MULTI[name](rng, counts))
        X = np.clip(X + NOISE_SCALE[name] * noise * rng.standard_normal(X.shape), -EXTENT, EXTENT)
        y = np.repeat(np.arange(classes, dtype=float), counts)
        order = rng.permutation(samples)
        return Dataset(X[order], y[order, None], "classification", name, classes)
    if name in REGRESSION:
        X = rng.uniform(-EXTENT, EXTENT, (samples, 2))
        y = _regression_target(name, X) + NOISE_SCALE[name] * noise * rng.standard_normal(samples)
        return Dataset(X, y[:, None], "regression", name)
    n1 = samples // 2
    n0 = samples - n1
    X0, X1 = _CLASSIFIERS[name](rng, n0, n1)
    X = np.concatenate([X0, X1])
    X = np.clip(X + NOISE_SCALE[name] * noise * rng.standard_normal(X.shape), -EXTENT, EXTENT)
    y = np.repeat([0.0, 1.0], [n0, n1])
    order = rng.permutation(samples)
    return Dataset(X[order], y[order, None], "classification", name)


def one_hot(Y: Array, classes: int) -> Array:
    """Turn a column of labels 0 … classes−1, shape (n,) or (n, 1), into (n, classes) rows."""
    classes = _check_int("classes", classes, 1)
    labels = np.asarray(Y, dtype=np.float64)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"Y must be one column of labels, got shape {np.shape(Y)}")
    # Checked before the cast to int, which would warn on NaN.
    valid = (labels == np.round(labels)) & (labels >= 0) & (labels < classes)
    if not np.all(valid):
        bad = labels[~valid][0]
        raise ValueError(f"labels must be integers 0 to {classes - 1}, got {bad:g}")
    out = np.zeros((len(labels), classes))
    out[np.arange(len(labels)), labels.astype(np.int64)] = 1.0
    return out


# A number in a data file: ASCII digits, an optional sign, point and exponent. Python's float()
# also takes 1_000, Arabic-Indic and full-width digits, "nan" and "inf": none of them here.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}


def for_outputs(data: Dataset, outputs: int, two_classes: bool = False) -> Dataset:
    """``data`` with targets for a network with ``outputs`` output units: one column of class
    labels becomes one-hot rows when the network has one unit per class (K ≥ 3, or K = 2 with
    ``two_classes``, for a softmax over two classes); anything else is returned as it is (the
    trainer checks that the targets fit the loss)."""
    if (data.task == "classification" and data.Y.shape[1] == 1 and outputs > 1
            and outputs == data.classes and (data.classes > 2 or two_classes)):  # fmt: skip
        Y = one_hot(data.labels(), data.classes)
        return Dataset(data.X, Y, data.task, data.name, data.classes)
    return data


def _target_task(Y: Array) -> tuple[str, int]:
    """(task, classes) that a target column implies: 0/1 → two classes; whole numbers 0 … K−1
    with 3 ≤ K ≤ :data:`MAX_CLASSES` → K classes; anything else regression."""
    if np.all((Y == 0) | (Y == 1)):
        return "classification", max(2, Y.shape[1])  # one column 0/1, or one-hot columns
    if Y.shape[1] == 1 and np.all(Y == np.round(Y)) and Y.min() >= 0 and Y.max() < MAX_CLASSES:
        return "classification", int(Y.max()) + 1
    return "regression", 0


def _is_number(text: str) -> bool:
    return _DECIMAL.fullmatch(text.strip()) is not None


def _number(cell: str, where: str, delimiter: str) -> float:
    """The value of one cell, or a ValueError saying what is wrong with it."""
    text = cell.strip()
    if _DECIMAL.fullmatch(text):
        value = float(text)
        if math.isfinite(value):
            return value
        raise ValueError(f"{where}: {text!r} is too large (numbers must be finite)")
    try:
        other = float(text)
    except ValueError:
        other = None
    if other is not None and not math.isfinite(other):
        raise ValueError(f"{where}: {text!r} is not a finite number")
    hint = ""
    if delimiter != "," and re.fullmatch(r"[+-]?[0-9]+,[0-9]+", text):
        hint = " (write decimals with a point: 0.5, not 0,5)"
    elif other is not None:
        hint = " (only the digits 0–9, a sign, a point and an exponent such as 1e-3)"
    raise ValueError(f"{where}: {text!r} is not a number{hint}")


def _sniff(text: str) -> str:
    """The delimiter of a CSV text: a comma, a semicolon or a tab, by the csv module's dialect
    detection (a comma when it cannot tell). A semicolon on every line wins over commas, which
    are then decimal marks."""
    sample = "\n".join(line for line in text.splitlines()[:20] if line.strip())
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    lines = sample.splitlines()
    if delimiter == "," and lines and all(";" in line for line in lines):
        delimiter = ";"
    return delimiter


def load_csv(
    path: str | os.PathLike[str], targets: int = 1, expected_inputs: int | None = None
) -> Dataset:
    """Read a CSV file of numbers; the last ``targets`` columns are the targets.

    Cells are separated by commas, semicolons or tabs (found by the csv module's dialect
    detection); a number is written in ASCII decimal (``-1.5e-3``). The first line is a header
    when any of its cells is not a number. Blank lines are skipped. One data row is enough (a
    network can be trained on its single sample).
    The task is "classification" when every target is 0 or 1, or when one target column holds
    whole numbers 0 … K−1 (3 ≤ K ≤ 10: class labels); otherwise "regression". With
    ``targets`` K > 1 and ``expected_inputs`` given, a file with a single column of labels
    0 … K−1 after the inputs is read as one-hot rows (a softmax network's targets).
    A missing or unreadable file raises the ``OSError`` from ``open``, which names the path;
    every problem with the contents raises ``ValueError`` naming the path (and line, column).
    """
    path = Path(path)
    targets = _check_int("targets", targets, 1)
    if expected_inputs is not None:
        expected_inputs = _check_int("expected_inputs", expected_inputs, 1)
    rows: list[tuple[int, list[str]]] = []
    shown = one_line(path)
    # utf-8-sig drops the byte-order mark that spreadsheet programs put at the start.
    with path.open(newline="", encoding="utf-8-sig") as f:
        try:
            text = f.read()
        except UnicodeDecodeError as e:
            # Decoding runs ahead in blocks, so there is no reliable line number to report.
            raise ValueError(f"{shown}: not a UTF-8 text file ({e.reason})") from e
    delimiter = _sniff(text)
    separated = f"cells separated by {_DELIMITERS[delimiter]}"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    done = 0  # the last line read completely
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
            done = reader.line_num
    except csv.Error as e:
        problem, line = str(e), reader.line_num
        if "unexpected end of data" in problem:
            problem, line = "a quote (\") is opened and never closed", done + 1
        raise ValueError(f"{shown}: line {line}: {problem}") from None
    if not rows:
        raise ValueError(f"{shown}: the file is empty")
    width = len(rows[0][1])
    labels = targets > 1 and expected_inputs is not None and width == expected_inputs + 1
    if labels:
        targets, classes = 1, targets
    if width < targets + 1:
        raise ValueError(
            f"{shown}: needs at least {targets + 1} columns "
            f"(inputs, then {targets} target column(s)), got {width} ({separated})"
        )
    if expected_inputs is not None and width != expected_inputs + targets:
        raise ValueError(
            f"{shown}: expected {expected_inputs} input columns + {targets} target column(s), "
            f"got {width} columns ({separated})"
        )
    if not all(_is_number(cell) for cell in rows[0][1]):
        rows = rows[1:]
    if not rows:
        raise ValueError(f"{shown}: no data rows, only a header")
    values = np.empty((len(rows), width))
    for i, (line, row) in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"{shown}: line {line}: expected {width} columns, got {len(row)} "
                             f"({separated})")
        for j, cell in enumerate(row):
            values[i, j] = _number(cell, f"{shown}: line {line}, column {j + 1}", delimiter)
    X, Y = values[:, :-targets], values[:, -targets:]
    if labels:
        try:
            Y = one_hot(Y, classes)
        except ValueError as exc:
            raise ValueError(f"{path}: the target column must hold class labels for "
                             f"{classes} output units: {exc}") from None
        return Dataset(X, Y, "classification", path.stem, classes)
    task, classes = _target_task(Y)
    return Dataset(X, Y, task, path.stem, classes)
