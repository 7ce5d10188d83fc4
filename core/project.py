"""What a network file implies beyond the network: its data set, its training settings, and
the samples the stepper walks through."""

from __future__ import annotations

import numpy as np

from core.datasets import Dataset, for_outputs, generate
from core.netfile import LoadedNetwork

DATASET_DEFAULTS = {"samples": 500, "noise": 0.0, "train_fraction": 0.5, "seed": 0}
TRAINING_DEFAULTS = {"epochs": 200, "batch_size": 10, "l2": 0.0}


def dataset_settings(loaded: LoadedNetwork, **overrides) -> dict:
    """The file's dataset block with defaults filled in and ``overrides`` (not None) applied."""
    spec = dict(DATASET_DEFAULTS)
    spec.update(loaded.dataset or {})
    spec.update({k: v for k, v in overrides.items() if v is not None})
    return spec


def training_settings(loaded: LoadedNetwork, **overrides) -> dict:
    """The file's training block with defaults filled in and ``overrides`` (not None) applied."""
    spec = dict(TRAINING_DEFAULTS)
    spec.update(loaded.training or {})
    spec.update({k: v for k, v in overrides.items() if v is not None})
    return spec


def make_split(spec: dict, outputs: int, softmax: bool = False) -> tuple[Dataset, Dataset]:
    """Generate the data set of ``spec`` and split it into training and test parts.

    Raises ValueError when the data set cannot feed a network with ``outputs`` output units.
    A K-class set (K ≥ 3) feeds a network with K outputs as one-hot rows; a two-class set too
    when ``softmax`` (a softmax output over two units).
    """
    if "name" not in spec:
        raise ValueError("no data set given (use --dataset NAME or a \"dataset\" block)")
    data = generate(spec["name"], int(spec["samples"]), float(spec["noise"]), int(spec["seed"]))
    data = for_outputs(data, outputs, two_classes=softmax)  # one-hot rows for a softmax output
    if data.Y.shape[1] != outputs:
        raise ValueError(
            f"data set {spec['name']!r} has {data.Y.shape[1]} target column(s) but the network "
            f"has {outputs} output unit(s)"
        )
    return data.split(float(spec["train_fraction"]), int(spec["seed"]))


def stepping_data(loaded: LoadedNetwork) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The samples to step through: the file's own sample, else the training part of its data set.

    Returns (None, None) when the network carries its own sample (the stepper uses it).
    """
    net = loaded.network
    if net.sample_x is not None and net.sample_y is not None:
        return None, None
    if not loaded.dataset:
        raise ValueError("the network has no \"sample\" and no \"dataset\" to take one from")
    if net.inputs != 2:
        raise ValueError(f"the built-in data sets have 2 inputs; this network has {net.inputs}")
    softmax = net.loss.name == "softmax_cross_entropy"
    train, _ = make_split(dataset_settings(loaded), net.outputs, softmax)
    return train.X, train.Y
