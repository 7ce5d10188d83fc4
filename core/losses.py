"""Losses L of one sample, summed over the output units, with δ = ∂L/∂z for the output layer.

Each loss computes δ of the output units directly from the logits z where that is the stable
form (binary cross-entropy on a sigmoid, cross-entropy on a softmax).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.activations import Activation
from core.notation import fmt, fmt_factor

Array = np.ndarray


@dataclass(frozen=True)
class Loss:
    """A loss with its value, its output δ and the formulas the equation panel shows.

    Attributes
    ----------
    name : identifier used in network files.
    formula : L for one sample in the formula markup.
    delta_formula : δ_j = ∂L/∂z_j for an output unit j.
    requires : the output activation this loss needs, or None for any elementwise one.
    """

    name: str
    formula: str
    delta_formula: str
    requires: str | None

    def check_output(self, activation: Activation) -> None:
        """Raise ValueError when ``activation`` cannot be the output layer's for this loss."""
        if self.requires is not None and activation.name != self.requires:
            raise ValueError(
                f"loss {self.name!r} needs a {self.requires} output layer, "
                f"not {activation.name!r}"
            )
        if self.requires is None and activation.output_only:
            raise ValueError(
                f"a {activation.name} output layer needs the loss 'softmax_cross_entropy', "
                f"not {self.name!r}"
            )

    def value(self, y: Array, u: Array, z: Array) -> Array:
        """L of each sample: ``y``, ``u``, ``z`` are (samples, outputs); returns (samples,)."""
        if self.name == "half_squared":
            return 0.5 * np.sum((y - u) ** 2, axis=-1)
        if self.name == "squared":
            return np.sum((y - u) ** 2, axis=-1)
        if self.name == "binary_cross_entropy":
            # −y z + ln(1 + e^z), written so that e^z never overflows.
            return np.sum(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z))), axis=-1)
        # softmax cross-entropy: −Σ y_j ln u_j = Σ y_j (logsumexp(z) − z_j)
        m = np.max(z, axis=-1, keepdims=True)
        lse = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
        return np.sum(y * (lse - z), axis=-1)

    def delta(self, y: Array, u: Array, z: Array, activation: Activation) -> Array:
        """δ = ∂L/∂z of the output units, shape (samples, outputs)."""
        if self.name == "half_squared":
            return (u - y) * activation.slope(z)
        if self.name == "squared":
            return 2.0 * (u - y) * activation.slope(z)
        if self.name == "binary_cross_entropy":
            return u - y  # u = σ(z)
        return np.sum(y, axis=-1, keepdims=True) * u - y  # = u − y for targets summing to 1

    # -- text for one sample -------------------------------------------------------------

    def substituted_value(self, y: Array, u: Array, z: Array) -> str:
        """L with the sample's numbers filled in (without the result)."""
        if self.name in ("half_squared", "squared"):
            terms = " + ".join(f"({fmt(a)} − {fmt(b)})^{{2}}" for a, b in zip(y, u))
            return f"½[{terms}]" if self.name == "half_squared" else f"[{terms}]"
        if self.name == "binary_cross_entropy":
            return " + ".join(
                f"−{fmt_factor(a)}·{fmt_factor(b)} + ln(1 + e^{{{fmt(b)}}})" for a, b in zip(y, z)
            )
        return " + ".join(f"−{fmt_factor(a)}·ln {fmt(b)}" for a, b in zip(y, u))

    def substituted_delta(self, y: float, u: float, z: float, activation: Activation) -> str:
        """δ of one output unit with the numbers filled in (without the result)."""
        if self.name == "half_squared":
            return f"−({fmt(y)} − {fmt(u)})·{activation.slope_text(z)}"
        if self.name == "squared":
            return f"−2({fmt(y)} − {fmt(u)})·{activation.slope_text(z)}"
        if self.name == "binary_cross_entropy":
            return f"σ({fmt(z)}) − {fmt(y)} = {fmt(u)} − {fmt(y)}"
        return f"{fmt(u)} − {fmt(y)}"


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("half_squared", "L = ½ Σ_{j} (y_{j} − u_{j})^{2}",
             "δ_{j} = −(y_{j} − u_{j}) g′(z_{j})", None),
        Loss("squared", "L = Σ_{j} (y_{j} − u_{j})^{2}",
             "δ_{j} = −2(y_{j} − u_{j}) g′(z_{j})", None),
        Loss("binary_cross_entropy", "L = Σ_{j} −y_{j} z_{j} + ln(1 + e^{z_{j}})",
             "δ_{j} = σ(z_{j}) − y_{j}", "sigmoid"),
        Loss("softmax_cross_entropy", "L = −Σ_{j} y_{j} ln u_{j}",
             "δ_{j} = u_{j} − y_{j}", "softmax"),
    )
}


def get_loss(name: str) -> Loss:
    """The loss called ``name``; a ValueError lists the valid names otherwise."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        valid = ", ".join(LOSSES)
        raise ValueError(f"unknown loss {name!r} (expected one of: {valid})") from None
