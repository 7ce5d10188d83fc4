"""Each optimizer's update step names every rule it uses (Adam's bias correction included) and
shows the numbers that go into each, ending in ``w ← … = new``; the numbers are checked against
the running averages computed here from their definitions, and the new value against a step."""

import math

import numpy as np
import pytest

from core.notation import fmt
from core.optimizers import Optimizer
from core.stepper import Stepper
from tests.core.helpers import mazur


def first_update(net, name: str, **params):
    from core.network import OptimizerConfig

    net.optimizer = OptimizerConfig(name, 0.1, params)
    stepper = Stepper(net)
    op = next(op for op in stepper.trace if op.key == "new_w:2:0:0")
    grad = next(op for op in stepper.trace if op.key == "grad_w:2:0:0").value
    return op, grad


def parts(text: str) -> list[str]:
    return text.split(";  ")


def test_adam_shows_moments_bias_correction_and_the_update_with_its_numbers():
    op, g = first_update(mazur(), "adam", beta1=0.8, beta2=0.99, epsilon=1e-8)
    m, v = 0.2 * g, 0.01 * g * g
    m_hat, v_hat = m / (1 - 0.8), v / (1 - 0.99)
    new = 0.4 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert op.value == pytest.approx(new, rel=1e-12)
    formula = parts(op.formula)
    assert "m̂ = m / (1 − β_{1}^{t})" in formula and "v̂ = v / (1 − β_{2}^{t})" in formula
    assert formula[-1] == "w ← w − η m̂ / (√v̂ + ε)"
    text = parts(op.substituted)
    assert text[0] == f"m = 0.8·0 + 0.2·{fmt(g)} = {fmt(m)}"
    assert text[1].endswith(f" = {fmt(v)}")
    assert text[2] == f"m̂ = {fmt(m)} / (1 − 0.8^{{1}}) = {fmt(m_hat)}"
    assert text[3] == f"v̂ = {fmt(v)} / (1 − 0.99^{{1}}) = {fmt(v_hat)}"
    rule = f"0.4 − 0.1·{fmt(m_hat)} / (√{fmt(v_hat)} + 1e−8)"
    assert text[4] == f"w^{{(2)}}_{{1,1}} ← {rule} = {fmt(new)}"
    assert "← m̂" not in op.substituted  # the update is not written as w ← m̂ = …


def test_adam_bias_correction_uses_the_step_number():
    opt = Optimizer("adam", 0.1)
    w, g = np.array([0.5]), np.array([0.3])
    opt.step([w], [g])  # one update done: the next is t = 2
    preview = opt.preview(float(w[0]), 0.2, opt.state_of(0, 0))
    assert "0.9^{2}" in preview.where and "0.999^{2}" in preview.where
    m = 0.9 * opt.state[0]["m"][0] + 0.1 * 0.2
    assert f"m̂ = {fmt(m)} / (1 − 0.9^{{2}}) = {fmt(m / (1 - 0.81))}" in preview.where
    after = w.copy()
    opt.step([after], [np.array([0.2])])
    assert preview.new == pytest.approx(after[0], rel=1e-14)


@pytest.mark.parametrize("name, average", [("momentum", "v"), ("rmsprop", "s")])
def test_momentum_and_rmsprop_show_their_average_then_the_update(name, average):
    op, g = first_update(mazur(), name)
    first, last = parts(op.substituted)
    if name == "momentum":
        value = g
        rule = f"0.4 − 0.1·{fmt(value)}"
    else:
        value = 0.1 * g * g
        rule = f"0.4 − 0.1·{fmt(g)} / (√{fmt(value)} + 1e−8)"
    assert first.startswith(f"{average} = 0.9·0 + ") and first.endswith(f" = {fmt(value)}")
    assert last == f"w^{{(2)}}_{{1,1}} ← {rule} = {fmt(op.value)}"
    assert parts(op.formula)[0].startswith(f"{average} ← ")


def test_sgd_is_one_line():
    op, g = first_update(mazur(), "sgd")
    assert op.substituted == f"w^{{(2)}}_{{1,1}} ← 0.4 − 0.1·{fmt(g)} = {fmt(0.4 - 0.1 * g)}"
