"""A finite-difference check of the backpropagated gradients, over every parameter or over a
sample of them (a large network has thousands, each costing four evaluations of the loss)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.network import Network
from core.trace import _sym, unit_name


@dataclass(frozen=True)
class GradCheck:
    """The largest relative error between backprop and finite differences, and where it is.

    The relative error of one parameter is |a − n| / max(|a| + |n|, floor), where a is the
    backpropagated and n the numerical derivative. The floor keeps two near-zero values from
    reporting a huge ratio of rounding noise: the difference quotient itself carries about
    3e-13·|L| of rounding error, so below a floor of 1e-5·max(1, |L|) the check is absolute.
    """

    max_relative_error: float
    worst_parameter: str  # as the app names it, one-based: w^{(3)}_{16,3} (formula markup)
    analytic: float
    numeric: float
    parameters: int  # how many were checked
    total: int = 0  # how many the network has (0: not given, as many as were checked)
    worst_words: str = ""  # the worst parameter in words: "weight from input 1 to output 1"

    @property
    def sampled(self) -> bool:
        return self.total > self.parameters


def gradient_check(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    h: float = 1e-3,
    *,
    limit: int | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> GradCheck:
    """Compare ``Network.gradients`` with a five-point central difference of the mean loss.

    The five-point stencil's error shrinks as h⁴, so h = 1e-3 keeps both truncation and
    rounding error near 1e-12, well below the 1e-7 that the tests demand. With ``limit``, at
    most that many parameters are checked, drawn at random (by ``seed``) from all of them;
    ``progress(done, count)`` is called after each parameter.
    """
    with np.errstate(all="ignore"):
        return _check(network, np.atleast_2d(X).astype(float), np.atleast_2d(Y).astype(float), h,
                      limit, seed, progress)  # fmt: skip


def _chosen(network: Network, limit: int | None, seed: int) -> list[tuple[int, tuple]]:
    """(index in parameters(), element index) of the parameters to check, in order."""
    every = [(k, idx) for k, param in enumerate(network.parameters())
             for idx in np.ndindex(param.shape)]  # fmt: skip
    if limit is None or limit >= len(every):
        return every
    picks = np.random.default_rng(seed).choice(len(every), size=limit, replace=False)
    return [every[i] for i in sorted(picks)]


def _check(network: Network, X: np.ndarray, Y: np.ndarray, h: float, limit: int | None = None,
           seed: int = 0, progress=None) -> GradCheck:  # fmt: skip
    loss, grad_w, grad_b = network.gradients(X, Y)
    floor = 1e-5 * max(1.0, abs(loss)) if np.isfinite(loss) else 1.0
    analytic = []
    for gw, gb in zip(grad_w, grad_b):
        analytic += [gw, gb]
    worst = (0.0, "", 0.0, 0.0, "")
    params = network.parameters()
    chosen = _chosen(network, limit, seed)
    total = sum(p.size for p in params)
    for count, (k, idx) in enumerate(chosen, 1):
        param, grad = params[k], analytic[k]
        layer, kind = k // 2 + 1, "w" if k % 2 == 0 else "b"
        original = param[idx]
        values = []
        for step in (2 * h, h, -h, -2 * h):
            param[idx] = original + step
            values.append(network.loss_value(X, Y))
        param[idx] = original
        numeric = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h)
        a = float(grad[idx])
        error = abs(a - numeric) / max(abs(a) + abs(numeric), floor)
        if not np.isfinite(error):
            error = np.inf  # an overflowing gradient is a failed check, never a pass
        if error > worst[0] or not worst[1]:
            worst = (error, _sym(kind, layer, *idx), a, numeric, _words(network, kind, layer, idx))
        if progress is not None:
            progress(count, len(chosen))
    return GradCheck(worst[0], worst[1], worst[2], worst[3], len(chosen), total, worst[4])


def _words(network: Network, kind: str, layer: int, idx: tuple) -> str:
    if kind == "b":
        return f"bias of {unit_name(network, layer, idx[0])}"
    j, i = idx
    return f"weight from {unit_name(network, layer - 1, i)} to {unit_name(network, layer, j)}"
