"""Activation functions g: each one knows its value u = g(z), its slope g'(z) and its formulas.

Formula strings use a small markup shared by the whole core: ``_{...}`` for a subscript and
``^{...}`` for a superscript, Unicode for Greek letters (see :mod:`core.notation`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def _sigmoid(z: Array) -> Array:
    # σ(z) = ½(1 + tanh(z/2)): one ufunc chain that never overflows, whatever z is.
    return 0.5 + 0.5 * np.tanh(0.5 * z)


def _sigmoid_slope(z: Array) -> Array:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh_slope(z: Array) -> Array:
    t = np.tanh(z)
    return 1.0 - t * t


def _relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def _relu_slope(z: Array) -> Array:
    return (z > 0).astype(float)


LEAKY_SLOPE = 0.01


def _leaky(z: Array) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_slope(z: Array) -> Array:
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def _linear(z: Array) -> Array:
    return z


def _linear_slope(z: Array) -> Array:
    return np.ones_like(z, dtype=float)


def _softmax(z: Array) -> Array:
    # Softmax is taken along the last axis (over the output units of one sample).
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_slope(z: Array) -> Array:
    # Only the diagonal ∂u_j/∂z_j = u_j (1 − u_j); the full Jacobian is folded into the
    # softmax cross-entropy loss, which is the only loss softmax may be used with.
    s = _softmax(z)
    return s * (1.0 - s)


@dataclass(frozen=True)
class Activation:
    """One activation function g with its slope g' and the text the equation panel shows.

    Attributes
    ----------
    name : the identifier used in network files (``"sigmoid"``).
    value : u = g(z), elementwise (softmax: along the last axis).
    slope : g'(z), elementwise (softmax: the diagonal of its Jacobian only).
    formula : g(z) in the formula markup.
    slope_formula : g'(z) written with the function's own value where the notes do.
    max_slope : the largest value g' takes; "saturated" means g' below 10% of it.
    output_only : softmax may only be used on the output layer.
    """

    name: str
    value: Callable[[Array], Array]
    slope: Callable[[Array], Array]
    formula: str
    slope_formula: str
    max_slope: float
    output_only: bool = False

    def slope_text(self, z: float) -> str:
        """The slope at z with numbers filled in, e.g. ``σ(0.38)(1 − σ(0.38))``."""
        from core.notation import fmt, fmt_factor

        if self.name == "sigmoid":
            s = float(_sigmoid(np.array([z]))[0])
            return f"{fmt(s)}·(1 − {fmt(s)})"
        if self.name == "tanh":
            t = float(np.tanh(z))
            return f"(1 − {fmt_factor(t)}^{{2}})"
        if self.name == "relu":
            return "1" if z > 0 else "0"
        if self.name == "leaky_relu":
            return "1" if z > 0 else f"{LEAKY_SLOPE}"
        if self.name == "linear":
            return "1"
        s = float(self.slope(np.array([z]))[0])
        return fmt(s)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", _sigmoid, _sigmoid_slope, "σ(z) = 1 / (1 + e^{−z})",
                   "σ′(z) = σ(z)(1 − σ(z))", 0.25),
        Activation("tanh", np.tanh, _tanh_slope, "tanh(z)", "tanh′(z) = 1 − tanh^{2}(z)", 1.0),
        Activation("relu", _relu, _relu_slope, "max(0, z)", "relu′(z) = 1 if z > 0 else 0", 1.0),
        Activation("leaky_relu", _leaky, _leaky_slope, "max(0.01 z, z)",
                   "g′(z) = 1 if z > 0 else 0.01", 1.0),
        Activation("linear", _linear, _linear_slope, "z", "g′(z) = 1", 1.0),
        Activation("softmax", _softmax, _softmax_slope, "e^{z_{j}} / Σ_{k} e^{z_{k}}",
                   "∂u_{j}/∂z_{j} = u_{j}(1 − u_{j})", 0.25, output_only=True),
    )
}


def get_activation(name: str) -> Activation:
    """The activation called ``name``; a ValueError lists the valid names otherwise."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r} (expected one of: {valid})") from None


sigmoid = _sigmoid
