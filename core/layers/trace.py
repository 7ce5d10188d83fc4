"""The trace of one minibatch, a layer at a time: the same backprop as :mod:`core.trace`, written
with matrices, as Keras and PyTorch compute it.

For a batch of B samples the values of a layer are matrices with one row per unit and one column
per sample: U⁽⁰⁾ = Xᵀ (n₀×B), Z⁽ˡ⁾ and U⁽ˡ⁾ (nₗ×B), Δ⁽ˡ⁾ (nₗ×B). Column s of Δ⁽ˡ⁾ is δ of
sample s for *its own* loss ℓₛ (as in the one-sample trace); the batch loss is the mean
L = (1/B) Σₛ ℓₛ, so its gradients carry the factor 1/B:

- Z⁽ˡ⁾ = W⁽ˡ⁾ U⁽ˡ⁻¹⁾ + b⁽ˡ⁾ 1ᵀ, U⁽ˡ⁾ = g(Z⁽ˡ⁾)
- Δ⁽ᴸ⁾ = ∂ℓ/∂Z⁽ᴸ⁾ column by column; Δ⁽ˡ⁾ = g′(Z⁽ˡ⁾) ⊙ (W⁽ˡ⁺¹⁾)ᵀ Δ⁽ˡ⁺¹⁾
- ∂L/∂W⁽ˡ⁾ = (1/B) Δ⁽ˡ⁾ (U⁽ˡ⁻¹⁾)ᵀ [+ λ W⁽ˡ⁾], ∂L/∂b⁽ˡ⁾ = (1/B) Δ⁽ˡ⁾ 1
- the update of W⁽ˡ⁾ and b⁽ˡ⁾ by the network's optimizer, one step on the whole batch.

The numbers come from :meth:`Network.forward`, :meth:`Network.deltas` and the optimizer's own
``step`` (the code that trains), transposed into this layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.network import Network
from core.notation import fmt, fmt_factor
from core.optimizers import Optimizer, update_text

Array = np.ndarray

# How an operand is read to make entry (row, col) of the result: "left" its row (the left
# factor of a product), "right" its column, "same" the same entry, "row" the same row
# (a bias column), "all" everything (the loss).
ROLES = ("left", "right", "same", "row", "all")


@dataclass(frozen=True, eq=False)
class Operand:
    """A matrix an operation reads: its name in formula markup, its value and its role."""

    name: str
    value: Array
    role: str

    @property
    def shape(self) -> tuple[int, int]:
        return self.value.shape


@dataclass(frozen=True, eq=False)
class LayerOperation:
    """One step of the algorithm for one layer and the whole batch.

    Attributes
    ----------
    index : position in the trace, from 0.
    phase : ``forward``, ``loss``, ``backward``, ``gradient`` or ``update``.
    quantity : ``z``, ``u``, ``loss``, ``delta``, ``grad_w``, ``grad_b``, ``w`` or ``b``.
    layer : 1..L (the loss belongs to the output layer L).
    name : the result's symbol in formula markup, e.g. ``Z^{(2)}``.
    value : the result as a 2-D array (the loss: 1×1, the mean over the batch).
    formula : the general formula with the operands' shapes, in formula markup.
    shapes : the shapes alone, ``W^{(2)}: 2×3 · U^{(1)}: 3×4 + b^{(2)}: 2×1 → Z^{(2)}: 2×4``.
    substituted : the first entry worked out with numbers, then the result.
    operands : the matrices read, in the order of the formula.
    text : one sentence saying what happens.
    per_sample : for ``grad_w``/``grad_b`` (and the loss): each sample's own gradient (loss),
        whose mean (plus the L2 term) is ``value``; empty otherwise.
    """

    index: int
    phase: str
    quantity: str
    layer: int
    name: str
    value: Array
    formula: str
    shapes: str
    substituted: str
    operands: tuple[Operand, ...]
    text: str
    per_sample: tuple[Array, ...] = ()

    @property
    def shape(self) -> tuple[int, int]:
        return self.value.shape

    def to_dict(self) -> dict:
        """JSON-ready: the loss as a number, matrices as nested lists; NaN and ±∞ as None."""
        if self.quantity == "loss":
            value = _json_number(self.value[0, 0])
        else:
            value = [[_json_number(v) for v in row] for row in self.value]
        return {
            "index": self.index,
            "phase": self.phase,
            "quantity": self.quantity,
            "layer": self.layer,
            "shape": list(self.shape),
            "value": value,
            "formula": self.formula,
            "substituted": self.substituted,
        }


def _json_number(v: float) -> float | None:
    v = float(v)
    return v if np.isfinite(v) else None


_FUNCTION = {"sigmoid": "σ", "leaky_relu": "leaky relu", "linear": "id"}

# -- names -----------------------------------------------------------------------------------


def sym(letter: str, layer: int) -> str:
    """``W^{(2)}``: a layer's matrix in formula markup."""
    return f"{letter}^{{({layer})}}"


def shape_text(shape: tuple[int, int]) -> str:
    return f"{shape[0]}×{shape[1]}"


def matrix_text(a: Array, limit: int = 6) -> str:
    """A small matrix as ``[0.1, 0.2; 0.3, 0.4]`` (rows separated by ``;``), cut at ``limit``."""
    rows = []
    for row in a[:limit]:
        cells = [fmt(v) for v in row[:limit]] + (["…"] if len(row) > limit else [])
        rows.append(", ".join(cells))
    if len(a) > limit:
        rows.append("…")
    return "[" + "; ".join(rows) + "]"


# -- the trace -------------------------------------------------------------------------------


def minibatch_gradients(
    network: Network, X: Array, Y: Array, l2: float = 0.0
) -> tuple[list[Array], list[Array]]:
    """∂L/∂W and ∂L/∂b of each layer for the mean loss over the rows of (X, Y), with the L2
    term λ W on the weights, computed as :mod:`core.training` does (zero for frozen biases)."""
    _, grad_w, grad_b = network.gradients(X, Y)
    if l2:
        grad_w = [g + l2 * layer.W for g, layer in zip(grad_w, network.layers)]
    if not network.train_biases:
        grad_b = [np.zeros_like(g) for g in grad_b]
    return grad_w, grad_b


def minibatch_step(network: Network, optimizer: Optimizer, X: Array, Y: Array,
                   l2: float = 0.0) -> None:
    """One optimizer step on the minibatch (X, Y), in place, as one step of a Trainer epoch."""
    grad_w, grad_b = minibatch_gradients(network, X, Y, l2)
    params, grads = [], []
    for layer, gw, gb in zip(network.layers, grad_w, grad_b):
        params.append(layer.W)
        grads.append(gw)
        params.append(layer.b)
        grads.append(gb)
    if len(optimizer.state) != len(params):
        optimizer.reset([p.shape for p in params])
    optimizer.step(params, grads)


def build_layer_trace(
    network: Network, X: Array, Y: Array, optimizer: Optimizer, l2: float = 0.0
) -> tuple[LayerOperation, ...]:
    """All layer operations of one training step on the batch (X, Y) (rows are samples).

    ``optimizer`` gives the update rule and its state before the step; it is not changed, nor
    is the network. Overflow is not an error: such values show as ∞ or NaN.
    """
    X = np.atleast_2d(np.asarray(X, dtype=float))
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    if X.shape[1] != network.inputs or Y.shape[1] != network.outputs or len(X) != len(Y):
        raise ValueError(
            f"the batch must have {network.inputs} input and {network.outputs} target columns "
            f"and as many targets as inputs; got {X.shape} and {Y.shape}"
        )
    if len(X) == 0:
        raise ValueError("the batch is empty")
    with np.errstate(all="ignore"):
        return _Builder(network, X, Y, optimizer, float(l2)).build()


class _Builder:
    def __init__(self, network, X, Y, optimizer, l2) -> None:
        self.net, self.X, self.Y, self.opt, self.l2 = network, X, Y, optimizer, l2
        self.B = len(X)
        zs, us = network.forward(X)
        ds = network.deltas(Y, zs, us)
        # Column layout: one row per unit, one column per sample.
        self.Z = [None] + [z.T for z in zs[1:]]
        self.U = [u.T for u in us]
        self.D = [None] + [d.T for d in ds[1:]]
        self.losses = network.loss.value(Y, us[-1], zs[-1])
        self.ops: list[LayerOperation] = []

    def add(self, phase, quantity, layer, name, value, formula, operands, substituted, text,
            per_sample=(), joins=()) -> None:
        value = np.atleast_2d(np.asarray(value, dtype=float))
        parts = []
        for k, op in enumerate(operands):
            join = "" if k == 0 else (joins[k - 1] if k - 1 < len(joins) else ", ")
            parts.append(f"{join}{op.name}: {shape_text(op.shape)}")
        shapes = "".join(parts) + f" → {name}: {shape_text(value.shape)}"
        self.ops.append(LayerOperation(
            len(self.ops), phase, quantity, layer, name, value, formula, shapes,
            substituted, tuple(operands), text, tuple(per_sample)))

    def build(self) -> tuple[LayerOperation, ...]:
        L = len(self.net.layers)
        for l in range(1, L + 1):
            self.forward(l)
        self.loss()
        for l in range(L, 0, -1):
            self.delta(l)
        grads = {}
        for l in range(L, 0, -1):
            grads[l] = self.gradient(l)
        self.update(grads)
        return tuple(self.ops)

    # -- forward --------------------------------------------------------------------------

    def forward(self, l: int) -> None:
        layer = self.net.layers[l - 1]
        W, b, U_in, Z = layer.W, layer.b[:, None], self.U[l - 1], self.Z[l]
        B = self.B
        terms = [f"{fmt_factor(W[0, i])}·{fmt_factor(U_in[i, 0])}" for i in range(layer.inputs)]
        self.add(
            "forward", "z", l, sym("Z", l), Z,
            f"{sym('Z', l)} = {sym('W', l)} {sym('U', l - 1)} + {sym('b', l)} 1^{{T}}   "
            f"({layer.units}×{layer.inputs} · {layer.inputs}×{B} + {layer.units}×1 → "
            f"{layer.units}×{B}; b added to every column)",
            [Operand(sym("W", l), W, "left"), Operand(sym("U", l - 1), U_in, "right"),
             Operand(sym("b", l), b, "row")],
            f"{sym('Z', l)}_{{1,1}} = {' + '.join(terms)} + {fmt_factor(b[0, 0])} = "
            f"{fmt(Z[0, 0])};  {sym('Z', l)} = {matrix_text(Z)}",
            f"Weighted sums of layer {l} for all {_samples(B)} at once: row j of W times "
            "column s of U, plus b_j.",
            joins=(" · ", " + "))
        g = layer.activation
        U = self.U[l]
        if g.name == "softmax":
            formula = (f"{sym('U', l)} = softmax({sym('Z', l)}) column by column   "
                       f"({layer.units}×{B} → {layer.units}×{B})")
            first = f"softmax of column 1 of {sym('Z', l)}"
            text = f"Softmax of each column: the {layer.units} outputs of one sample share 1."
        else:
            formula = (f"{sym('U', l)} = g({sym('Z', l)}) entry by entry, g(z) = {g.formula}   "
                       f"({layer.units}×{B} → {layer.units}×{B})")
            first = f"{_FUNCTION.get(g.name, g.name)}({fmt(Z[0, 0])})"
            text = f"Apply the {g.name} activation to every entry of Z."
        self.add("forward", "u", l, sym("U", l), U, formula,
                 [Operand(sym("Z", l), Z, "all" if g.name == "softmax" else "same")],
                 f"{sym('U', l)}_{{1,1}} = {first} = {fmt(U[0, 0])};  "
                 f"{sym('U', l)} = {matrix_text(U)}", text)

    # -- loss -----------------------------------------------------------------------------

    def loss(self) -> None:
        net, L, B = self.net, len(self.net.layers), self.B
        mean = float(np.mean(self.losses))
        per = self.losses[None, :]
        operands = [Operand(sym("U", L), self.U[L], "all"), Operand("Y", self.Y.T, "all")]
        if net.loss.name == "binary_cross_entropy":
            operands.append(Operand(sym("Z", L), self.Z[L], "all"))
        operands.append(Operand("ℓ", per, "all"))
        terms = " + ".join(fmt(v) for v in self.losses[:8]) + (" + …" if B > 8 else "")
        self.add(
            "loss", "loss", L, "L", [[mean]],
            f"L = (1/B) Σ_{{s}} ℓ_{{s}},  ℓ_{{s}}: {net.loss.formula} of column s   "
            f"(ℓ: 1×{B} → L: 1×1)",
            operands,
            f"L = (1/{B})({terms}) = {fmt(mean)}" if B > 1 else f"L = ℓ_{{1}} = {fmt(mean)}",
            "The loss of each sample (a column), then their mean: the loss of the batch."
            if B > 1 else "The loss of the one sample: the batch is just this sample.",
            per_sample=tuple(np.array([[v]]) for v in self.losses))

    # -- backward -------------------------------------------------------------------------

    def delta(self, l: int) -> None:
        net, L, B = self.net, len(self.net.layers), self.B
        layer = net.layers[l - 1]
        D = self.D[l]
        n = layer.units
        if l == L:
            U, Y, Z = self.U[L], self.Y.T, self.Z[L]
            g = layer.activation
            rule = {
                "half_squared": f"({sym('U', L)} − Y) ⊙ g′({sym('Z', L)})",
                "squared": f"2({sym('U', L)} − Y) ⊙ g′({sym('Z', L)})",
                "binary_cross_entropy": f"σ({sym('Z', L)}) − Y = {sym('U', L)} − Y",
                "softmax_cross_entropy": f"{sym('U', L)} − Y",
            }[net.loss.name]
            first = net.loss.substituted_delta(Y[0, 0], U[0, 0], Z[0, 0], g)
            self.add(
                "backward", "delta", l, sym("Δ", l), D,
                f"{sym('Δ', l)} = ∂ℓ/∂{sym('Z', l)} = {rule}   (column s: δ of sample s for "
                f"its own loss ℓ_{{s}}, no 1/B yet; {n}×{B})",
                [Operand(sym("U", L), U, "same"), Operand("Y", Y, "same"),
                 Operand(sym("Z", L), Z, "same")],
                f"{sym('Δ', l)}_{{1,1}} = {first} = {fmt(D[0, 0])};  "
                f"{sym('Δ', l)} = {matrix_text(D)}",
                "The error of each output unit (row) for each sample (column): how fast "
                "that sample's loss changes with z.")
            return
        above = net.layers[l]
        g = layer.activation
        slope = g.slope(self.Z[l])
        Wt = above.W.T
        D_up = self.D[l + 1]
        terms = [f"{fmt_factor(Wt[0, k])}·{fmt_factor(D_up[k, 0])}" for k in range(above.units)]
        self.add(
            "backward", "delta", l, sym("Δ", l), D,
            f"{sym('Δ', l)} = g′({sym('Z', l)}) ⊙ ({sym('W', l + 1)})^{{T}} {sym('Δ', l + 1)}   "
            f"({n}×{B} ⊙ {n}×{above.units} · {above.units}×{B} → {n}×{B}; per sample)",
            [Operand(f"g′({sym('Z', l)})", slope, "same"),
             Operand(f"({sym('W', l + 1)})^{{T}}", Wt, "left"),
             Operand(sym("Δ", l + 1), D_up, "right")],
            f"{sym('Δ', l)}_{{1,1}} = {g.slope_text(self.Z[l][0, 0])}·({' + '.join(terms)}) = "
            f"{fmt(D[0, 0])};  {sym('Δ', l)} = {matrix_text(D)}",
            "Backpropagate: the transposed weights send each δ above back along its edges, "
            f"then each entry is scaled by the slope of the {g.name} at its z.",
            joins=(" ⊙ ", " · "))

    # -- gradients ------------------------------------------------------------------------

    def gradient(self, l: int) -> tuple[Array, Array]:
        net, B = self.net, self.B
        layer = net.layers[l - 1]
        D, U_in = self.D[l], self.U[l - 1]
        grad_w = D @ U_in.T / B
        if self.l2:
            grad_w = grad_w + self.l2 * layer.W
        per_w = tuple(np.outer(D[:, s], U_in[:, s]) for s in range(B))
        l2_text = f" + λ {sym('W', l)}" if self.l2 else ""
        mean_words = ("the mean of the B per-sample gradients δ uᵀ"
                      if B > 1 else "with B = 1 the outer product δ uᵀ")
        operands = [Operand(sym("Δ", l), D, "left"),
                    Operand(f"({sym('U', l - 1)})^{{T}}", U_in.T, "right")]
        if self.l2:
            operands.append(Operand(sym("W", l), layer.W, "same"))
        first = " + ".join(f"{fmt_factor(D[0, s])}·{fmt_factor(U_in[0, s])}"
                           for s in range(min(B, 6))) + (" + …" if B > 6 else "")
        l2_first = f" + {fmt(self.l2)}·{fmt_factor(layer.W[0, 0])}" if self.l2 else ""
        self.add(
            "gradient", "grad_w", l, f"∂L/∂{sym('W', l)}", grad_w,
            f"∂L/∂{sym('W', l)} = (1/B) {sym('Δ', l)} ({sym('U', l - 1)})^{{T}}{l2_text}   "
            f"({layer.units}×{B} · {B}×{layer.inputs} → {layer.units}×{layer.inputs}; "
            f"{mean_words})",
            operands,
            f"∂L/∂{sym('W', l)}_{{1,1}} = (1/{B})({first}){l2_first} = {fmt(grad_w[0, 0])};  "
            f"∂L/∂{sym('W', l)} = {matrix_text(grad_w)}",
            f"Gradient of layer {l}'s weights: Δ times Uᵀ sums δ_j u_i over the {_samples(B)}; "
            "dividing by B makes it the mean of the per-sample gradients (the loss is a mean).",
            per_sample=per_w, joins=(" · ", " + λ "))
        grad_b = D.mean(axis=1)[:, None]
        if net.train_biases:
            first_b = " + ".join(fmt_factor(D[0, s]) for s in range(min(B, 6)))
            first_b += " + …" if B > 6 else ""
            self.add(
                "gradient", "grad_b", l, f"∂L/∂{sym('b', l)}", grad_b,
                f"∂L/∂{sym('b', l)} = (1/B) {sym('Δ', l)} 1   ({layer.units}×{B} · {B}×1 → "
                f"{layer.units}×1; the mean of the columns of {sym('Δ', l)})",
                [Operand(sym("Δ", l), D, "left"), Operand("1", np.ones((B, 1)), "right")],
                f"∂L/∂{sym('b', l)}_{{1}} = (1/{B})({first_b}) = {fmt(grad_b[0, 0])};  "
                f"∂L/∂{sym('b', l)} = {matrix_text(grad_b)}",
                "Gradient of the biases: each bias enters z with weight 1, so it is the mean "
                "δ of its unit over the batch.",
                per_sample=tuple(D[:, s:s + 1].copy() for s in range(B)), joins=(" · ",))
        else:
            grad_b = np.zeros_like(grad_b)
        return grad_w, grad_b.ravel()

    # -- updates --------------------------------------------------------------------------

    def update(self, grads: dict[int, tuple[Array, Array]]) -> None:
        net = self.net
        # One step of a copy of the optimizer on copies of the parameters: exactly the
        # arithmetic of training, without touching either.
        params, flat_grads = [], []
        for l, layer in enumerate(net.layers, start=1):
            params += [layer.W.copy(), layer.b.copy()]
            flat_grads += list(grads[l])
        opt = self.opt.copy()
        if len(opt.state) != len(params):
            opt.reset([p.shape for p in params])
        opt.step(params, flat_grads)
        for l in range(len(net.layers), 0, -1):
            layer = net.layers[l - 1]
            kinds = [("w", "W", layer.W, 0)] + ([("b", "b", layer.b[:, None], 1)]
                                                 if net.train_biases else [])
            for quantity, letter, old, offset in kinds:
                index = 2 * (l - 1) + offset
                new = params[index].reshape(old.shape)
                grad = flat_grads[index].reshape(old.shape)
                state = self.opt.state_of(index, 0)
                _, formula, sub, where = self.opt.preview(old[0, 0], grad[0, 0], state)
                formula = formula.replace("∂L/∂w", f"∂L/∂{sym(letter, l)}")
                formula = formula.replace("w ← w", f"{sym(letter, l)} ← {sym(letter, l)}")
                self.add(
                    "update", quantity, l, sym(letter, l), new,
                    f"{formula}   (entry by entry, {shape_text(old.shape)}; one step for the "
                    "whole batch)",
                    [Operand(sym(letter, l), old, "same"),
                     Operand(f"∂L/∂{sym(letter, l)}", grad, "same")],
                    f"{update_text(sym(letter, l) + '_{1,1}', sub, where, new[0, 0])};  "
                    f"{sym(letter, l)} = {matrix_text(new)}",
                    f"Update every {'weight' if letter == 'W' else 'bias'} of layer {l} at "
                    f"once by the {self.opt.name} rule, with the batch gradient.")


def _samples(B: int) -> str:
    return "one sample" if B == 1 else f"{B} samples"
