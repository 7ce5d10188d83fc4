"""Backprop against finite differences on random small networks of every activation and loss."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.activations import ACTIVATIONS
from core.gradcheck import gradient_check
from core.network import build_network
from tests.core.helpers import mazur

HIDDEN = [a for a in ACTIVATIONS if a != "softmax"]
OUTPUT_FOR_LOSS = {
    "half_squared": [a for a in HIDDEN],
    "squared": [a for a in HIDDEN],
    "binary_cross_entropy": ["sigmoid"],
    "softmax_cross_entropy": ["softmax"],
}


@st.composite
def problems(draw):
    loss = draw(st.sampled_from(sorted(OUTPUT_FOR_LOSS)))
    output = draw(st.sampled_from(OUTPUT_FOR_LOSS[loss]))
    depth = draw(st.integers(0, 2))
    sizes = [draw(st.integers(1, 3))] + [draw(st.integers(1, 4)) for _ in range(depth)]
    outputs = draw(st.integers(2, 3)) if loss == "softmax_cross_entropy" else draw(
        st.integers(1, 2))
    sizes.append(outputs)
    acts = [draw(st.sampled_from(HIDDEN)) for _ in range(depth)] + [output]
    seed = draw(st.integers(0, 10_000))
    init = draw(st.sampled_from(["uniform", "normal", "xavier", "he"]))
    net = build_network(sizes, acts, loss, init=init, scale=1.0, seed=seed)
    rng = np.random.default_rng(seed)
    for layer in net.layers:  # non-zero biases exercise the bias gradients too
        layer.b[:] = rng.normal(0, 0.5, layer.b.shape)
    n = draw(st.integers(1, 4))
    X = rng.normal(0, 1, (n, sizes[0]))
    if loss == "softmax_cross_entropy":
        Y = np.eye(outputs)[rng.integers(0, outputs, n)]
    elif loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, (n, outputs)).astype(float)
    else:
        Y = rng.normal(0, 1, (n, outputs))
    return net, X, Y


def _far_from_kinks(net, X) -> bool:
    """ReLU-like units are not differentiable at z = 0: keep finite differences off the kink."""
    zs, _ = net.forward(X)
    for layer, z in zip(net.layers, zs[1:]):
        if layer.activation.name in ("relu", "leaky_relu") and np.min(np.abs(z)) < 0.05:
            return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_backprop_matches_finite_differences(problem):
    net, X, Y = problem
    assume(_far_from_kinks(net, X))
    result = gradient_check(net, X, Y)
    assert result.max_relative_error < 1e-7, result


def test_mazur_gradcheck_and_report():
    net = mazur()
    result = gradient_check(net, net.sample_x, net.sample_y)
    assert result.parameters == 12
    assert result.max_relative_error < 1e-9


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    net = mazur()
    real = type(net).gradients

    def broken(self, X, Y):
        loss, gw, gb = real(self, X, Y)
        gw[0] = gw[0] * 1.01  # a 1% error in layer 1
        return loss, gw, gb

    monkeypatch.setattr(type(net), "gradients", broken)
    result = gradient_check(net, net.sample_x, net.sample_y)
    assert result.max_relative_error > 1e-3
    assert result.worst_parameter.startswith("w^{(1)}_")
    with pytest.raises(AssertionError):
        assert result.max_relative_error < 1e-7


def test_overflowing_gradients_fail_the_check():
    from core.activations import get_activation

    net = mazur()
    for layer in net.layers:
        layer.activation = get_activation("linear")
    net.layers[0].W[:] = 1e300
    net.layers[1].W[:] = 1e300
    result = gradient_check(net, net.sample_x, net.sample_y)
    assert not result.max_relative_error < 1e-6
