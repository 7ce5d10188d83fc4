"""One entry of a layer operation's result written unit by unit: the sum over i for one unit j
and one sample s, exactly the formula of the one-sample trace, with the same number.

This is the bridge between the two views: entry (j, s) of Z⁽ˡ⁾ = W⁽ˡ⁾U⁽ˡ⁻¹⁾ + b⁽ˡ⁾ is
z_j = Σ_i w_{j,i} u_i + b_j of sample s, and entry (j, i) of (1/B) Δ Uᵀ is the mean over the
samples of δ_j u_i.
"""

from __future__ import annotations

from core.layers.trace import LayerOperation
from core.network import Network
from core.notation import fmt, fmt_factor
from core.optimizers import Optimizer, update_text

_FUNCTION = {"sigmoid": "σ", "leaky_relu": "leaky relu", "linear": "id"}


def _u(layer: int, j: int) -> str:
    return f"u^{{({layer})}}_{{{j + 1}}}"


def _sample(col: int, B: int) -> str:
    return f" (sample {col + 1})" if B > 1 else ""


def entry_formula(
    network: Network, op: LayerOperation, row: int, col: int, optimizer: Optimizer | None = None
) -> tuple[str, str, float]:
    """(general, substituted, value) of entry (row, col) of ``op``'s result, unit by unit.

    ``general`` is the unit formula of the notes, ``substituted`` the same with this entry's
    numbers ending in ``= value`` (rounded as everywhere else); ``value`` is the entry itself.
    ``optimizer`` (its state before the step) is needed for the update entries only.
    """
    rows, cols = op.shape
    if not (0 <= row < rows and 0 <= col < cols):
        raise ValueError(f"entry ({row + 1}, {col + 1}) is outside {rows}×{cols}")
    value = float(op.value[row, col])
    l, j, s = op.layer, row, col
    ops = {o.name: o.value for o in op.operands}
    q = op.quantity
    if q == "z":
        W, U, b = (o.value for o in op.operands)
        B = U.shape[1]
        terms = [f"{fmt_factor(W[j, i])}·{fmt_factor(U[i, s])}" for i in range(W.shape[1])]
        general = "z_{j} = Σ_{i} w_{j,i} u_{i} + b_{j}"
        text = (f"z^{{({l})}}_{{{j + 1}}}{_sample(s, B)} = {' + '.join(terms)} + "
                f"{fmt_factor(b[j, 0])}")
    elif q == "u":
        Z = op.operands[0].value
        B = Z.shape[1]
        g = network.layers[l - 1].activation
        if g.name == "softmax":
            general = "u_{j} = e^{z_{j}} / Σ_{k} e^{z_{k}}"
            inner = ", ".join(fmt(v) for v in Z[:, s])
            text = f"{_u(l, j)}{_sample(s, B)} = softmax({inner})_{{{j + 1}}}"
        else:
            general = f"u_{{j}} = g(z_{{j}}) = {g.formula}"
            text = f"{_u(l, j)}{_sample(s, B)} = {_FUNCTION.get(g.name, g.name)}({fmt(Z[j, s])})"
    elif q == "loss":
        per = ops["ℓ"][0]
        B = len(per)
        general = "L = (1/B) Σ_{s} ℓ_{s}"
        text = "L = " + (f"(1/{B})(" + " + ".join(fmt(v) for v in per) + ")" if B > 1
                         else "ℓ_{1}")
    elif q == "delta" and l == len(network.layers):
        U, Y, Z = (o.value for o in op.operands)
        B = U.shape[1]
        general = network.loss.delta_formula
        text = (f"δ^{{({l})}}_{{{j + 1}}}{_sample(s, B)} = "
                + network.loss.substituted_delta(Y[j, s], U[j, s], Z[j, s],
                                                 network.layers[l - 1].activation))
    elif q == "delta":
        slope, Wt, D = (o.value for o in op.operands)
        B = D.shape[1]
        terms = [f"{fmt_factor(Wt[j, k])}·{fmt_factor(D[k, s])}" for k in range(Wt.shape[1])]
        general = "δ_{j} = g′(z_{j}) Σ_{k} w_{k,j} δ_{k}"
        text = (f"δ^{{({l})}}_{{{j + 1}}}{_sample(s, B)} = {fmt_factor(slope[j, s])}·"
                f"({' + '.join(terms)})")
    elif q == "grad_w":
        D, Ut = op.operands[0].value, op.operands[1].value
        B = D.shape[1]
        i = col
        products = [f"{fmt_factor(D[j, t])}·{fmt_factor(Ut[t, i])}" for t in range(B)]
        name = f"∂L/∂w^{{({l})}}_{{{j + 1},{i + 1}}}"
        if B == 1:
            general = "∂L/∂w_{j,i} = δ_{j} u_{i}"
            text = f"{name} = {products[0]}"
        else:
            general = ("∂L/∂w_{j,i} = (1/B) Σ_{s} δ_{j} u_{i} "
                       "(the mean of the per-sample δ_{j} u_{i})")
            text = f"{name} = (1/{B})({' + '.join(products)})"
        if len(op.operands) > 2:  # the L2 term
            W = op.operands[2].value
            general += " + λ w_{j,i}"
            text += f" + λ·{fmt_factor(W[j, i])}"
    elif q == "grad_b":
        D = op.operands[0].value
        B = D.shape[1]
        name = f"∂L/∂b^{{({l})}}_{{{j + 1}}}"
        if B == 1:
            general, text = "∂L/∂b_{j} = δ_{j}", name + f" = {fmt(D[j, 0])}"
            return general, text, value  # already ends in the value
        general = "∂L/∂b_{j} = (1/B) Σ_{s} δ_{j}"
        text = f"{name} = (1/{B})({' + '.join(fmt_factor(v) for v in D[j])})"
    else:  # w or b: the optimizer's rule for one parameter
        old, grad = op.operands[0].value, op.operands[1].value
        if optimizer is None:
            raise ValueError("the update entries need the optimizer")
        index = 2 * (l - 1) + (0 if q == "w" else 1)
        flat = j * old.shape[1] + col if q == "w" else j
        state = optimizer.state_of(index, flat)
        _, general, sub, where = optimizer.preview(float(old[j, col]), float(grad[j, col]),
                                                   state)
        sub_name = f"{j + 1},{col + 1}" if q == "w" else f"{j + 1}"
        if q == "b":
            general = general.replace("w", "b")
        return general, update_text(f"{q}^{{({l})}}_{{{sub_name}}}", sub, where, value), value
    return general, f"{text} = {fmt(value)}", value
