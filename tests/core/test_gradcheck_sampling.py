"""A sampled gradient check: a bounded number of parameters, drawn without repeats, the same
ones for the same seed, with progress after each."""

import numpy as np

from core.gradcheck import _chosen, gradient_check
from core.network import build_network


def test_a_sample_of_the_parameters_with_progress():
    net = build_network([6, 5, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=2)
    X = np.random.default_rng(0).normal(size=(4, 6))
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    total = 6 * 5 + 5 + 5 + 1
    calls = []
    result = gradient_check(net, X, Y, limit=10, progress=lambda d, n: calls.append((d, n)))
    assert result.parameters == 10 and result.total == total and result.sampled
    assert calls == [(k, 10) for k in range(1, 11)]
    assert result.max_relative_error < 1e-7
    chosen = _chosen(net, 10, 0)
    assert len(set(chosen)) == 10 and chosen == _chosen(net, 10, 0)
    full = gradient_check(net, X, Y)
    assert full.parameters == full.total == total and not full.sampled
    assert full.max_relative_error >= result.max_relative_error


def test_a_broken_gradient_is_caught_by_the_sample(monkeypatch):
    from core.network import Network

    net = build_network([6, 5, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=2)
    X = np.random.default_rng(0).normal(size=(4, 6))
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    real = Network.gradients

    def broken(self, X, Y):
        loss, gw, gb = real(self, X, Y)
        return loss, [g * 1.01 for g in gw], gb

    monkeypatch.setattr(Network, "gradients", broken)
    assert gradient_check(net, X, Y, limit=10).max_relative_error > 1e-3
