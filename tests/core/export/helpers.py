"""Steppers for the export tests: the shipped examples and a 3-layer network built here."""

import numpy as np

from core.examples import example_path
from core.netfile import LoadedNetwork, load_network
from core.network import OptimizerConfig, build_network
from core.project import stepping_data
from core.stepper import Stepper


def example(name: str) -> tuple[LoadedNetwork, Stepper]:
    loaded = load_network(example_path(name))
    X, Y = stepping_data(loaded)
    return loaded, Stepper(loaded.network, X, Y)


def three_layer(optimizer: str = "sgd", params=None) -> tuple[LoadedNetwork, Stepper]:
    """2-3-2-1: tanh, relu, sigmoid with binary cross-entropy, on its own sample."""
    net = build_network([2, 3, 2, 1], ["tanh", "relu", "sigmoid"], "binary_cross_entropy",
                        init="normal", scale=0.8, seed=3, name="Three layers 2-3-2-1",
                        optimizer=OptimizerConfig(optimizer, 0.05, params or {}))  # fmt: skip
    net.layers[1].b[:] = [2.5, 0.3]  # both relu units active, so every path carries a gradient
    net.sample_x, net.sample_y = np.array([0.7, -1.2]), np.array([1.0])
    loaded = LoadedNetwork(network=net, dataset={}, training={})
    return loaded, Stepper(net)


def regression(loss: str = "squared") -> tuple[LoadedNetwork, Stepper]:
    """2-3-2 leaky relu then linear outputs with a squared loss, biases frozen."""
    net = build_network([2, 3, 2], ["leaky_relu", "linear"], loss, init="normal", scale=0.7,
                        seed=5, name="Regression 2-3-2", train_biases=False)  # fmt: skip
    net.sample_x, net.sample_y = np.array([-0.4, 0.9]), np.array([0.3, -1.1])
    return LoadedNetwork(network=net), Stepper(net)
