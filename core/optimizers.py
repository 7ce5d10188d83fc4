"""Gradient-descent optimizers, each with an in-place step for training and a per-weight preview
with formulas for the stepper's update phase.

Conventions (the same as PyTorch's, so the two can be compared number for number):

- ``sgd``:      w ← w − η g
- ``momentum``: v ← μ v + g;  w ← w − η v
- ``rmsprop``:  s ← ρ s + (1 − ρ) g²;  w ← w − η g / (√s + ε)
- ``adam``:     m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;
                w ← w − η m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from core.notation import fmt, fmt_factor

Array = np.ndarray

DEFAULTS: dict[str, dict[str, float]] = {
    "sgd": {},
    "momentum": {"momentum": 0.9},
    "rmsprop": {"rho": 0.9, "epsilon": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}

STATE_NAMES = {"sgd": (), "momentum": ("v",), "rmsprop": ("s",), "adam": ("m", "v")}


def check_config(name: str, learning_rate: float, params: dict[str, float]) -> dict[str, float]:
    """Validate an optimizer's settings; return its parameters with defaults filled in."""
    if name not in DEFAULTS:
        raise ValueError(f"unknown optimizer {name!r} (expected one of: {', '.join(DEFAULTS)})")
    if not isinstance(learning_rate, (int, float)) or not math.isfinite(learning_rate):
        raise ValueError(f"learning_rate must be a finite number, not {learning_rate!r}")
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, not {learning_rate}")
    if learning_rate > 1000:
        raise ValueError(f"learning_rate {learning_rate} is absurdly large (at most 1000)")
    unknown = set(params) - set(DEFAULTS[name])
    if unknown:
        raise ValueError(
            f"optimizer {name!r} has no parameter {sorted(unknown)[0]!r} "
            f"(it takes: {', '.join(DEFAULTS[name]) or 'only learning_rate'})"
        )
    full = dict(DEFAULTS[name])
    for key, value in params.items():
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"optimizer.{key} must be a finite number, not {value!r}")
        if key in ("momentum", "rho", "beta1", "beta2") and not 0 <= value < 1:
            raise ValueError(f"optimizer.{key} must be in [0, 1), not {value}")
        if key == "epsilon" and value <= 0:
            raise ValueError(f"optimizer.epsilon must be positive, not {value}")
        full[key] = float(value)
    return full


class Preview(NamedTuple):
    """One parameter's update worked out: see :meth:`Optimizer.preview`."""

    new: float
    formula: str
    numbers: str
    where: str


@dataclass
class Optimizer:
    """An optimizer and its running state, one state array per parameter array."""

    name: str = "sgd"
    learning_rate: float = 0.1
    params: dict[str, float] = field(default_factory=dict)
    state: list[dict[str, Array]] = field(default_factory=list)
    t: int = 0  # updates applied so far (Adam's bias correction)

    def __post_init__(self) -> None:
        self.params = check_config(self.name, self.learning_rate, self.params)

    def reset(self, shapes: list[tuple[int, ...]]) -> None:
        """Zero state for parameters of these shapes."""
        self.state = [{k: np.zeros(s) for k in STATE_NAMES[self.name]} for s in shapes]
        self.t = 0

    def copy(self) -> Optimizer:
        other = Optimizer(self.name, self.learning_rate, dict(self.params))
        other.state = [{k: v.copy() for k, v in st.items()} for st in self.state]
        other.t = self.t
        return other

    def step(self, params: list[Array], grads: list[Array]) -> None:
        """Update ``params`` in place from ``grads`` (same order), advancing the state."""
        if len(self.state) != len(params):
            self.reset([p.shape for p in params])
        self.t += 1
        lr = self.learning_rate
        name = self.name
        if name == "sgd":
            for p, g in zip(params, grads):
                p -= lr * g
            return
        if name == "momentum":
            mu = self.params["momentum"]
            for p, g, st in zip(params, grads, self.state):
                v = st["v"]
                v *= mu
                v += g
                p -= lr * v
            return
        if name == "rmsprop":
            rho, eps = self.params["rho"], self.params["epsilon"]
            for p, g, st in zip(params, grads, self.state):
                s = st["s"]
                s *= rho
                s += (1.0 - rho) * g * g
                p -= lr * g / (np.sqrt(s) + eps)
            return
        b1, b2, eps = self.params["beta1"], self.params["beta2"], self.params["epsilon"]
        c1 = 1.0 - b1**self.t
        c2 = 1.0 - b2**self.t
        for p, g, st in zip(params, grads, self.state):
            m, v = st["m"], st["v"]
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            p -= lr * (m / c1) / (np.sqrt(v / c2) + eps)

    def preview(self, w: float, g: float, state: dict[str, float]) -> Preview:
        """The next value of one weight ``w`` with gradient ``g`` and its state before the step.

        Returns the new value, the general formula (every rule the step uses, Adam's bias
        correction included), the right-hand side of ``w ← …`` with numbers, and ``where``: the
        running averages this step computes first, each with its numbers and value ("" for SGD).
        Nothing is changed: the stepper commits a sample's updates with :meth:`step`.
        """
        lr = self.learning_rate
        t = self.t + 1
        if self.name == "sgd":
            new = w - lr * g
            return Preview(new, "w ← w − η ∂L/∂w", f"{fmt(w)} − {fmt(lr)}·{fmt_factor(g)}", "")
        if self.name == "momentum":
            mu = self.params["momentum"]
            v = mu * state["v"] + g
            new = w - lr * v
            return Preview(
                new,
                "v ← μ v + ∂L/∂w;  w ← w − η v",
                f"{fmt(w)} − {fmt(lr)}·{fmt_factor(v)}",
                f"v = {fmt(mu)}·{fmt_factor(state['v'])} + {fmt_factor(g)} = {fmt(v)}",
            )
        if self.name == "rmsprop":
            rho, eps = self.params["rho"], self.params["epsilon"]
            s = rho * state["s"] + (1 - rho) * g * g
            new = w - lr * g / (math.sqrt(s) + eps)
            return Preview(
                new,
                "s ← ρ s + (1 − ρ)(∂L/∂w)^{2};  w ← w − η ∂L/∂w / (√s + ε)",
                f"{fmt(w)} − {fmt(lr)}·{fmt_factor(g)} / (√{fmt(s)} + {fmt(eps)})",
                f"s = {fmt(rho)}·{fmt_factor(state['s'])} + {fmt(1 - rho)}·{fmt_factor(g)}^{{2}}"
                f" = {fmt(s)}",
            )
        b1, b2, eps = self.params["beta1"], self.params["beta2"], self.params["epsilon"]
        m = b1 * state["m"] + (1 - b1) * g
        v = b2 * state["v"] + (1 - b2) * g * g
        c1, c2 = 1 - b1**t, 1 - b2**t
        mh, vh = m / c1, v / c2
        new = w - lr * mh / (math.sqrt(vh) + eps)
        return Preview(
            new,
            "m ← β_{1} m + (1 − β_{1}) ∂L/∂w;  v ← β_{2} v + (1 − β_{2})(∂L/∂w)^{2};  "
            "m̂ = m / (1 − β_{1}^{t});  v̂ = v / (1 − β_{2}^{t});  w ← w − η m̂ / (√v̂ + ε)",
            f"{fmt(w)} − {fmt(lr)}·{fmt_factor(mh)} / (√{fmt(vh)} + {fmt(eps)})",
            f"m = {fmt(b1)}·{fmt_factor(state['m'])} + {fmt(1 - b1)}·{fmt_factor(g)} = {fmt(m)};  "
            f"v = {fmt(b2)}·{fmt_factor(state['v'])} + {fmt(1 - b2)}·{fmt_factor(g)}^{{2}}"
            f" = {fmt(v)};  "
            f"m̂ = {fmt(m)} / (1 − {fmt(b1)}^{{{t}}}) = {fmt(mh)};  "
            f"v̂ = {fmt(v)} / (1 − {fmt(b2)}^{{{t}}}) = {fmt(vh)}",
        )

    def state_of(self, index: int, flat: int) -> dict[str, float]:
        """The state of element ``flat`` of parameter array ``index`` (zeros before any step)."""
        if index >= len(self.state):
            return {k: 0.0 for k in STATE_NAMES[self.name]}
        return {k: float(v.flat[flat]) for k, v in self.state[index].items()}


def update_text(name: str, numbers: str, where: str, new: float) -> str:
    """An update with its numbers, ending in the new value: the optimizer's running averages
    first (``where``, when it has any), then ``name ← numbers = new``."""
    return f"{where + ';  ' if where else ''}{name} ← {numbers} = {fmt(new)}"


def make_optimizer(config) -> Optimizer:
    """An :class:`Optimizer` from a :class:`core.network.OptimizerConfig`."""
    return Optimizer(config.name, config.learning_rate, dict(config.params))
