"""The arrays behind the lesson figures: saturation, loss surfaces, boundaries and lines
in the plane."""

from __future__ import annotations

import math

import numpy as np

from core.lessons.files import WEIGHT_KEY
from core.network import Network

Array = np.ndarray


# -- the arrays behind the plots --------------------------------------------------------------


def saturation(network: Network, X: Array) -> Array:
    """Fraction of (sample, unit) pairs of every layer, output included, whose slope g′(z) is
    below 10% of the activation's largest: the units on the flat part of their curve."""
    zs, _ = network.forward(X)
    out = []
    for layer, z in zip(network.layers, zs[1:]):
        g = layer.activation
        out.append(float(np.mean(g.slope(z) < 0.1 * g.max_slope)))
    return np.array(out)


def weight_slot(key: str) -> tuple[int, int, int]:
    """(index in ``parameters()``, j, i) of the weight with trace key ``w:l:j:i``."""
    l, j, i = (int(v) for v in WEIGHT_KEY.fullmatch(key).groups())
    return 2 * (l - 1), j, i


def loss_surface(
    network: Network, X: Array, Y: Array, keys: list[str], xs: Array, ys: Array, l2: float = 0.0
) -> Array:
    """The training loss (with its L2 penalty) when the two weights ``keys`` are set to each
    (x, y) of the grid and every other parameter keeps its value; shape (len(ys), len(xs))."""
    net = network.copy()
    (s1, j1, i1), (s2, j2, i2) = (weight_slot(k) for k in keys)
    params = net.parameters()
    Z = np.empty((len(ys), len(xs)))
    with np.errstate(all="ignore"):
        for r, y in enumerate(ys):
            for c, x in enumerate(xs):
                params[s1][j1, i1] = x
                params[s2][j2, i2] = y
                penalty = 0.5 * l2 * sum(float(np.sum(la.W**2)) for la in net.layers)
                Z[r, c] = net.loss_value(X, Y) + penalty
    return Z


def unit_vectors(params: list[Array]) -> Array:
    """Each first-layer hidden unit as one row: its incoming weights, bias and outgoing weights."""
    W1, b1, W2 = params[0], params[1], params[2]
    return np.column_stack([W1, b1, W2.T])


def largest_distance(V: Array) -> float:
    diff = V[:, None, :] - V[None, :, :]
    return float(np.sqrt(np.max(np.sum(diff * diff, axis=-1))))


def cosines(V: Array) -> Array:
    norms = np.linalg.norm(V, axis=1)
    norms[norms == 0] = 1.0
    U = V / norms[:, None]
    return U @ U.T


def mean_cosine(V: Array) -> float:
    C = cosines(V)
    n = len(C)
    return float((C.sum() - np.trace(C)) / (n * (n - 1)))


def collapse(network: Network) -> tuple[Array, Array]:
    """The one weight matrix and bias that the linear layers before the output layer, and the
    output layer's own z, amount to: z^{(L)} = W x + b with W = W^{(L)}…W^{(1)}."""
    W = np.eye(network.inputs)
    b = np.zeros(network.inputs)
    for layer in network.layers:
        W = layer.W @ W
        b = layer.W @ b + layer.b
    return W, b


def decision_grid(network: Network, xs: Array, ys: Array) -> tuple[Array, Array, Array]:
    """The first output unit over the grid xs × ys: (xs, ys, U) with U of shape (len(ys),
    len(xs))."""
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        U = network.predict(np.column_stack([gx.ravel(), gy.ravel()]))[:, 0]
    return xs, ys, U.reshape(gx.shape)


def unit_lines(network: Network) -> Array:
    """(w₁, w₂, b) of every unit of the first layer: its line w₁x₁ + w₂x₂ + b = 0."""
    layer = network.layers[0]
    return np.column_stack([layer.W, layer.b])


def line_segments(lines: Array, extent: tuple[float, float, float, float]) -> Array:
    """The part of each line w₁x + w₂y + b = 0 inside the box (x0, x1, y0, y1): units × 2 × 2
    end points, NaN where the line misses the box."""
    x0, x1, y0, y1 = extent
    out = np.full((len(lines), 2, 2), np.nan)
    for k, (a, c, b) in enumerate(lines):
        points = []
        if c != 0:
            for x in (x0, x1):
                y = -(a * x + b) / c
                if y0 <= y <= y1:
                    points.append((x, y))
        if a != 0:
            for y in (y0, y1):
                x = -(c * y + b) / a
                if x0 <= x <= x1:
                    points.append((x, y))
        unique = []
        for p in points:
            if all(abs(p[0] - q[0]) + abs(p[1] - q[1]) > 1e-12 for q in unique):
                unique.append(p)
        if len(unique) >= 2:
            out[k] = unique[:2]
    return out


def enclosed_cell(lines: Array, xs: Array, ys: Array, points: Array) -> tuple[Array, bool, float]:
    """The region cut out by the lines around ``points`` (their mean picks it).

    Every line splits the plane in two; the region is the set of grid points on the same side of
    every line as the mean of ``points``. Returns the grid mask, whether the region stays away
    from the edge of the grid (the lines enclose it), and the fraction of ``points`` inside it.
    """
    if len(points) == 0:
        return np.zeros((len(ys), len(xs)), dtype=bool), False, math.nan
    centre = points.mean(axis=0)
    side = np.sign(lines[:, :2] @ centre + lines[:, 2])
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    cell = np.all(np.sign(grid @ lines[:, :2].T + lines[:, 2]) == side, axis=1)
    cell = cell.reshape(gx.shape)
    bounded = bool(
        cell.any()
        and not (cell[0].any() or cell[-1].any() or cell[:, 0].any() or cell[:, -1].any())
    )
    inside = np.all(np.sign(points @ lines[:, :2].T + lines[:, 2]) == side, axis=1)
    return cell, bounded, float(np.mean(inside))
