"""A fully connected network in the notes' notation, with a vectorised forward and backward pass.

Layer l (1..L) holds ``W[j, i]`` = w_{j,i}, the weight from unit i of layer l−1 to unit j of layer
l, and ``b[j]`` = b_j. Layer 0 is the input: u^{(0)} = x. For a batch of samples (rows):

- z^{(l)} = u^{(l−1)} Wᵀ + b, u^{(l)} = g(z^{(l)})
- δ^{(L)} = ∂L/∂z^{(L)} from the loss; δ^{(l)} = g′(z^{(l)}) ⊙ (δ^{(l+1)} W^{(l+1)})
- ∂L/∂W^{(l)} = δ^{(l)}ᵀ u^{(l−1)} / n, ∂L/∂b^{(l)} = mean of δ^{(l)} (mean loss over the batch)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from core.activations import Activation, get_activation
from core.losses import Loss, get_loss

Array = np.ndarray

INIT_SCHEMES = ("uniform", "normal", "xavier", "he", "constant")


@dataclass
class Layer:
    """One layer of weights and the units it feeds.

    ``W`` has shape (units, previous units): ``W[j, i]`` = w_{j,i}. ``b`` has shape (units,).
    """

    activation: Activation
    W: Array
    b: Array

    @property
    def units(self) -> int:
        return self.W.shape[0]

    @property
    def inputs(self) -> int:
        return self.W.shape[1]


@dataclass
class OptimizerConfig:
    """Which optimizer updates the weights, and its hyper-parameters (see core.optimizers)."""

    name: str = "sgd"
    learning_rate: float = 0.1
    params: dict[str, float] = field(default_factory=dict)


@dataclass
class Network:
    """A network, its loss and training settings, and optionally the sample to step through."""

    inputs: int
    layers: list[Layer]
    loss: Loss
    name: str = "untitled"
    train_biases: bool = True
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    sample_x: Array | None = None
    sample_y: Array | None = None

    def __post_init__(self) -> None:
        self.validate()

    # -- structure ------------------------------------------------------------------------

    @property
    def sizes(self) -> list[int]:
        """Units per layer, the input layer first: [2, 2, 2] for Mazur's network."""
        return [self.inputs] + [layer.units for layer in self.layers]

    @property
    def outputs(self) -> int:
        return self.layers[-1].units

    def validate(self) -> None:
        """Raise ValueError naming the first inconsistency (shapes, activations, loss)."""
        if self.inputs < 1:
            raise ValueError("inputs: a network needs at least one input")
        if not self.layers:
            raise ValueError("layers: a network needs at least one layer")
        previous = self.inputs
        for k, layer in enumerate(self.layers):
            if layer.W.shape != (layer.W.shape[0], previous) or layer.W.shape[0] < 1:
                raise ValueError(
                    f"layers[{k}].weights: expected {layer.W.shape[0]} rows of {previous} "
                    f"numbers, got shape {layer.W.shape}"
                )
            if layer.b.shape != (layer.W.shape[0],):
                raise ValueError(
                    f"layers[{k}].biases: expected {layer.W.shape[0]} numbers, "
                    f"got {layer.b.shape[0] if layer.b.ndim else 0}"
                )
            if layer.activation.output_only and k != len(self.layers) - 1:
                raise ValueError(
                    f"layers[{k}].activation: {layer.activation.name} is only allowed on the "
                    "output layer"
                )
            previous = layer.W.shape[0]
        self.loss.check_output(self.layers[-1].activation)
        if self.sample_x is not None and self.sample_x.shape != (self.inputs,):
            raise ValueError(f"sample.x: expected {self.inputs} numbers")
        if self.sample_y is not None and self.sample_y.shape != (self.outputs,):
            raise ValueError(f"sample.y: expected {self.outputs} numbers")

    def copy(self) -> Network:
        """A deep copy: editing the copy's weights never touches this network."""
        return Network(
            inputs=self.inputs,
            layers=[Layer(la.activation, la.W.copy(), la.b.copy()) for la in self.layers],
            loss=self.loss,
            name=self.name,
            train_biases=self.train_biases,
            optimizer=OptimizerConfig(
                self.optimizer.name, self.optimizer.learning_rate, dict(self.optimizer.params)
            ),
            sample_x=None if self.sample_x is None else self.sample_x.copy(),
            sample_y=None if self.sample_y is None else self.sample_y.copy(),
        )

    # -- computation ----------------------------------------------------------------------

    def forward(self, X: Array) -> tuple[list[Array], list[Array]]:
        """z and u of every layer for the rows of ``X``; ``zs[0]`` is None and ``us[0]`` is X."""
        zs: list[Array | None] = [None]
        us = [X]
        u = X
        for layer in self.layers:
            z = u @ layer.W.T + layer.b
            u = layer.activation.value(z)
            zs.append(z)
            us.append(u)
        return zs, us

    def predict(self, X: Array) -> Array:
        """The output u^{(L)} for each row of ``X``."""
        u = np.atleast_2d(X)
        for layer in self.layers:
            u = layer.activation.value(u @ layer.W.T + layer.b)
        return u

    def deltas(self, Y: Array, zs: list[Array], us: list[Array]) -> list[Array]:
        """δ = ∂L/∂z of every layer (``deltas[0]`` is None), per sample, from a forward pass."""
        last = self.layers[-1]
        delta = self.loss.delta(Y, us[-1], zs[-1], last.activation)
        out: list[Array | None] = [delta]
        for k in range(len(self.layers) - 1, 0, -1):
            layer = self.layers[k - 1]
            delta = (delta @ self.layers[k].W) * layer.activation.slope(zs[k])
            out.append(delta)
        out.append(None)
        out.reverse()
        return out

    def gradients(self, X: Array, Y: Array) -> tuple[float, list[Array], list[Array]]:
        """Mean loss over the rows and its gradients ∂L/∂W, ∂L/∂b for each layer."""
        zs, us = self.forward(X)
        loss = float(np.mean(self.loss.value(Y, us[-1], zs[-1])))
        deltas = self.deltas(Y, zs, us)
        n = X.shape[0]
        grad_w = [deltas[k].T @ us[k - 1] / n for k in range(1, len(us))]
        grad_b = [deltas[k].mean(axis=0) for k in range(1, len(us))]
        return loss, grad_w, grad_b

    def loss_value(self, X: Array, Y: Array) -> float:
        """Mean loss over the rows of ``X``."""
        zs, us = self.forward(np.atleast_2d(X))
        return float(np.mean(self.loss.value(np.atleast_2d(Y), us[-1], zs[-1])))

    def parameters(self) -> list[Array]:
        """Every parameter array, in the order W1, b1, W2, b2, … (views, not copies)."""
        out: list[Array] = []
        for layer in self.layers:
            out += [layer.W, layer.b]
        return out


def initial_weights(
    sizes: list[int], scheme: str = "xavier", scale: float = 0.5, seed: int | None = 0
) -> list[tuple[Array, Array]]:
    """Weights and biases for layers of ``sizes`` (input first) by a named scheme.

    ``uniform``: U(−scale, scale); ``normal``: N(0, scale²); ``xavier``: U(±√(6/(fan_in+fan_out)));
    ``he``: N(0, 2/fan_in); ``constant``: every weight equals ``scale`` (the herd effect). Biases
    start at zero except for ``constant``, where they equal ``scale`` too.
    """
    if scheme not in INIT_SCHEMES:
        valid = ", ".join(INIT_SCHEMES)
        raise ValueError(f"unknown init scheme {scheme!r} (expected one of: {valid})")
    if not math.isfinite(scale):
        raise ValueError(f"init scale must be a finite number, not {scale}")
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        shape = (fan_out, fan_in)
        if scheme == "uniform":
            W = rng.uniform(-scale, scale, shape)
        elif scheme == "normal":
            W = rng.normal(0.0, scale, shape)
        elif scheme == "xavier":
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-limit, limit, shape)
        elif scheme == "he":
            W = rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
        else:
            W = np.full(shape, float(scale))
        b = np.full(fan_out, float(scale)) if scheme == "constant" else np.zeros(fan_out)
        out.append((W, b))
    return out


def build_network(
    sizes: list[int],
    activations: list[str] | str,
    loss: str,
    *,
    init: str = "xavier",
    scale: float = 0.5,
    seed: int | None = 0,
    name: str = "untitled",
    train_biases: bool = True,
    optimizer: OptimizerConfig | None = None,
) -> Network:
    """A network of the given layer sizes (input first) with freshly initialised weights.

    ``activations`` is one name per non-input layer, or one name for the hidden layers followed
    by the output's as ``"tanh,sigmoid"``-style list; a single string applies to every layer.
    """
    if isinstance(activations, str):
        activations = [activations] * (len(sizes) - 1)
    if len(activations) != len(sizes) - 1:
        raise ValueError(f"expected {len(sizes) - 1} activations, got {len(activations)}")
    params = initial_weights(sizes, init, scale, seed)
    layers = [Layer(get_activation(a), W, b) for a, (W, b) in zip(activations, params)]
    return Network(
        inputs=sizes[0],
        layers=layers,
        loss=get_loss(loss),
        name=name,
        train_biases=train_biases,
        optimizer=optimizer or OptimizerConfig(),
    )
