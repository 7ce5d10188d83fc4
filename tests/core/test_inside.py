"""Unit maps and the representation view against the network's own forward pass."""

from __future__ import annotations

import numpy as np
import pytest

from core.datasets import generate
from core.inside import first_layer_lines, plane_grid, representation, unit_maps
from core.network import OptimizerConfig, build_network
from core.training import TrainConfig, Trainer


def _net(sizes, acts="tanh,tanh,sigmoid", seed=3):
    hidden, out = acts.split(",")[0], acts.split(",")[-1]
    activations = [hidden] * (len(sizes) - 2) + [out]
    return build_network(sizes, activations, "binary_cross_entropy", seed=seed,
                         optimizer=OptimizerConfig("sgd", 0.3))  # fmt: skip


def test_every_units_map_equals_its_forward_pass_on_the_grid():
    net = _net([2, 4, 3, 1])
    xs, ys, points = plane_grid((-6.0, 6.0, -5.0, 4.0), 23)
    maps = unit_maps(net, xs, ys)
    assert [m.shape for m in maps] == [(4, 23, 23), (3, 23, 23), (1, 23, 23)]
    _, us = net.forward(points)
    for layer, m in enumerate(maps, start=1):
        for j in range(m.shape[0]):
            np.testing.assert_array_equal(m[j].ravel(), us[layer][:, j])
    # One point by hand: row k of the map is y = ys[k], column i is x = xs[i].
    k, i = 7, 15
    z = net.layers[0].W @ np.array([xs[i], ys[k]]) + net.layers[0].b
    np.testing.assert_allclose(maps[0][:, k, i], np.tanh(z), rtol=1e-12)


def test_first_layer_line_is_where_the_unit_is_zero():
    net = _net([2, 3, 1])
    w1, w2, b = first_layer_lines(net)[1]
    x = np.array([0.7, -(b + w1 * 0.7) / w2])
    z = net.layers[0].W[1] @ x + net.layers[0].b[1]
    assert abs(z) < 1e-12


def test_unit_maps_need_two_inputs():
    with pytest.raises(ValueError, match="2 inputs"):
        unit_maps(_net([3, 2, 1]), np.zeros(3), np.zeros(3))


def test_bad_extent_is_named():
    with pytest.raises(ValueError, match="extent"):
        plane_grid((1.0, 0.0, 0.0, 1.0), 10)


def test_two_unit_layer_shows_u_and_the_output_line_separates_as_the_network_does():
    data = generate("circle", samples=200, seed=1)
    net = _net([2, 2, 1])
    Trainer(net, data.X, data.Y, config=TrainConfig(epochs=50, batch_size=10)).train()
    rep = representation(net, data.X, 1)
    _, us = net.forward(data.X)
    np.testing.assert_array_equal(rep.points, us[1])
    assert rep.method == "u" and rep.axes == ("u₁", "u₂")
    a, b, c = rep.line
    side = rep.points @ np.array([a, b]) + c > 0
    np.testing.assert_array_equal(side, net.predict(data.X)[:, 0] > 0.5)


def test_wide_layer_is_projected_on_principal_components():
    data = generate("spiral", samples=120, seed=2)
    net = _net([2, 6, 5, 1])
    rep = representation(net, data.X, 2)
    _, us = net.forward(data.X)
    U = us[2]
    assert rep.method == "pca" and rep.points.shape == (120, 2)
    # The projection preserves the centred data's variance along the two axes, largest first.
    total = U.var(axis=0).sum()
    got = rep.points.var(axis=0)
    assert got[0] >= got[1]
    np.testing.assert_allclose(got / total, rep.explained, rtol=1e-9)
    # Against an independent PCA: the covariance matrix's top eigenvalues.
    eig = np.sort(np.linalg.eigvalsh(np.cov(U.T, bias=True)))[::-1]
    np.testing.assert_allclose(got, eig[:2], rtol=1e-9)
    assert rep.line is None  # a projection's boundary is no line


def test_first_hidden_layer_of_a_deeper_net_has_no_line():
    net = _net([2, 3, 3, 1])
    assert representation(net, np.zeros((5, 2)) + np.arange(5)[:, None], 1).line is None


def test_representation_rejects_the_output_layer():
    with pytest.raises(ValueError, match="not a hidden layer"):
        representation(_net([2, 3, 1]), np.zeros((4, 2)), 2)
