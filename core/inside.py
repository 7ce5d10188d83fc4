"""What each unit computes and how each layer sees the data: the arrays behind the unit maps and
the representation view.

The notes' geometric argument in numbers: a first-layer unit cuts the input plane along the line
w·x + b = 0; a deeper unit combines the regions of the layer before it; and the data, as a hidden
layer sees them (the points u^{(l)} of every sample), can become separable by a line although the
inputs were not (the circle unrolled).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.network import Network
from core.notation import MINUS, fmt

Array = np.ndarray

MAX_MAP_UNITS = 64
"""Above this many units (all layers together) the network view does not draw unit maps."""


def plane_grid(
    extent: tuple[float, float, float, float], resolution: int
) -> tuple[Array, Array, Array]:
    """(xs, ys, points): ``resolution`` values along each axis of (x0, x1, y0, y1) and the
    grid's points as rows (x, y), y varying slowest, so that a row-major reshape to
    (len(ys), len(xs)) puts y on the first axis."""
    x0, x1, y0, y1 = extent
    if not (np.isfinite([x0, x1, y0, y1]).all() and x1 > x0 and y1 > y0):
        raise ValueError(
            f"the plane's extent must be finite with x1 > x0 and y1 > y0, not {extent}"
        )
    if not 2 <= resolution <= 400:
        raise ValueError(f"the grid's resolution must be from 2 to 400 points, not {resolution}")
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def unit_maps(network: Network, xs: Array, ys: Array) -> list[Array]:
    """u of every unit over the input plane xs × ys, one array per layer (1..L) of shape
    (units, len(ys), len(xs)). Needs a network with 2 inputs."""
    if network.inputs != 2:
        raise ValueError(f"unit maps need a network with 2 inputs, this one has {network.inputs}")
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        _, us = network.forward(np.column_stack([gx.ravel(), gy.ravel()]))
    return [u.T.reshape(u.shape[1], *gx.shape).copy() for u in us[1:]]


def network_with_weights(network: Network, weights) -> Network:
    """A copy of ``network`` with the (W, b) of every layer taken from ``weights``."""
    net = network.copy()
    if [W.shape for W, _ in weights] != [la.W.shape for la in net.layers]:
        raise ValueError("the weights' shapes differ from the network's layers")
    for (W, b), layer in zip(weights, net.layers):
        np.copyto(layer.W, W)
        np.copyto(layer.b, b)
    return net


def first_layer_lines(network: Network) -> Array:
    """(w₁, w₂, b) of every first-layer unit: the line w₁x₁ + w₂x₂ + b = 0 where z = 0."""
    layer = network.layers[0]
    return np.column_stack([layer.W, layer.b])


@dataclass(frozen=True)
class Representation:
    """The data as hidden layer ``layer`` sees them, in two dimensions.

    Attributes
    ----------
    layer : the hidden layer (1..L−1).
    points : (samples, 2), the samples' u^{(l)} (``method == "u"``, a layer of 2 units) or its
        projection on the first two principal components (``method == "pca"``).
    method : "u", "pca" or "u1" (a layer of one unit: (u₁, 0)).
    axes : the two axis names, e.g. ("u₁", "u₂") or ("PC 1", "PC 2").
    explained : fraction of the variance of u^{(l)} along each axis (1, 0 for "u1").
    line : (a, b, c) of the next layer's decision line a·p₁ + b·p₂ + c = 0 in these
        coordinates, or None where the next layer does not separate two classes by one line
        (several output units, a hidden next layer, or a projection: "pca").
    """

    layer: int
    points: Array
    method: str
    axes: tuple[str, str]
    explained: tuple[float, float]
    line: tuple[float, float, float] | None


def _decision_z(network: Network) -> float | None:
    """The output unit's z at which its class flips, or None (several outputs)."""
    if network.outputs != 1:
        return None
    name = network.layers[-1].activation.name
    return {"sigmoid": 0.0, "tanh": 0.0, "linear": 0.5, "relu": 0.5}.get(name)


def representation(network: Network, X: Array, layer: int) -> Representation:
    """The points of :class:`Representation` for the rows of ``X`` at hidden layer ``layer``."""
    if not 1 <= layer < len(network.layers):
        raise ValueError(f"layer {layer} is not a hidden layer of this network "
                         f"(1 to {len(network.layers) - 1})")  # fmt: skip
    with np.errstate(all="ignore"):
        _, us = network.forward(np.atleast_2d(np.asarray(X, dtype=np.float64)))
    U = us[layer]
    following = network.layers[layer]
    level = _decision_z(network) if layer == len(network.layers) - 1 else None
    w, b = following.W[0], float(following.b[0])
    if U.shape[1] == 1:
        points = np.column_stack([U[:, 0], np.zeros(len(U))])
        line = None if level is None else (float(w[0]), 0.0, b - level)
        return Representation(layer, points, "u1", ("u₁", "—"), (1.0, 0.0), line)
    if U.shape[1] == 2:
        line = None if level is None else (float(w[0]), float(w[1]), b - level)
        var = U.var(axis=0)
        total = float(var.sum()) or 1.0
        return Representation(layer, U.copy(), "u", ("u₁", "u₂"),
                              (float(var[0] / total), float(var[1] / total)), line)  # fmt: skip
    mean = U.mean(axis=0)
    centred = U - mean
    if not np.isfinite(centred).all():
        raise ValueError(f"layer {layer}'s values are not finite: training has diverged")
    # Principal axes from the SVD; signs fixed so the largest entry of each axis is positive.
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2].copy()
    for k in range(len(axes)):
        if axes[k, np.argmax(np.abs(axes[k]))] < 0:
            axes[k] = -axes[k]
    if len(axes) < 2:  # a single sample
        axes = np.vstack([axes, np.zeros(U.shape[1])])
    points = centred @ axes.T
    power = s**2
    total = float(power.sum()) or 1.0
    explained = tuple(float(p / total) for p in (list(power[:2]) + [0.0, 0.0])[:2])
    # The next layer's boundary is a line in u-space, but its trace in a projection is not
    # (it depends on the dimensions left out), so a projected plane gets no line.
    line = None
    return Representation(layer, points, "pca", ("PC 1", "PC 2"), explained, line)


def unit_formula(network: Network, layer: int, unit: int) -> str:
    """What unit ``unit`` (0-based) of ``layer`` (1..L) computes, in the notes' markup with its
    numbers: ``u^{(1)}_{2} = tanh(z), z = 0.5·u_{1} − 1.2·u_{2} + 0.3``; for the first layer the
    inputs are x₁, x₂ and the unit's line is w·x + b = 0."""
    if not 1 <= layer <= len(network.layers):
        raise ValueError(f"layer {layer} is not a layer of this network (1 to "
                         f"{len(network.layers)})")  # fmt: skip
    lay = network.layers[layer - 1]
    if not 0 <= unit < lay.units:
        raise ValueError(f"layer {layer} has {lay.units} units, not {unit + 1}")
    source = "x" if layer == 1 else f"u^{{({layer - 1})}}"
    terms = []
    for i, w in enumerate(lay.W[unit]):
        text = f"{fmt(abs(w))}·{source}_{{{i + 1}}}"
        if terms:
            terms.append(f"{MINUS if w < 0 else '+'} {text}")
        else:
            terms.append(f"{MINUS}{text}" if w < 0 else text)
    b = float(lay.b[unit])
    terms.append(f"{MINUS if b < 0 else '+'} {fmt(abs(b))}")
    return f"u^{{({layer})}}_{{{unit + 1}}} = {lay.activation.name}(z), z = " + " ".join(terms)
