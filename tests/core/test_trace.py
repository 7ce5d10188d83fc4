"""The trace of one sample against Matt Mazur's published step-by-step numbers."""

import numpy as np
import pytest

from core.network import build_network
from core.optimizers import Optimizer
from core.stepper import Stepper
from core.trace import PHASES, build_trace
from tests.core.helpers import mazur


def values(stepper: Stepper) -> dict[str, float]:
    return {op.key: op.value for op in stepper.trace}


def test_mazur_forward_pass_and_loss():
    v = values(Stepper(mazur()))
    assert v["z:1:0"] == pytest.approx(0.3775, abs=1e-12)
    assert v["u:1:0"] == pytest.approx(0.593269992, abs=1e-9)
    assert v["u:2:0"] == pytest.approx(0.75136507, abs=1e-8)
    assert v["u:2:1"] == pytest.approx(0.772928465, abs=1e-9)
    assert v["loss"] == pytest.approx(0.298371109, abs=1e-9)


def test_mazur_gradients_and_updates():
    v = values(Stepper(mazur()))
    assert v["grad_w:2:0:0"] == pytest.approx(0.082167041, abs=1e-9)  # ∂E/∂w5
    assert v["new_w:2:0:0"] == pytest.approx(0.35891648, abs=1e-8)  # w5⁺
    assert v["grad_w:1:0:0"] == pytest.approx(0.000438568, abs=1e-9)  # ∂E/∂w1
    assert v["new_w:1:0:0"] == pytest.approx(0.149780716, abs=1e-9)  # w1⁺


def test_mazur_error_after_first_update_uses_old_weights_for_hidden_deltas():
    stepper = Stepper(mazur())
    stepper.to_end()
    stepper.step()  # commits the update, starts the next sample
    assert stepper.samples_done == 1
    stepper.to_phase_end()  # forward
    stepper.to_phase_end()  # loss
    assert stepper.current.quantity == "loss"
    assert stepper.current.value == pytest.approx(0.2910277737, abs=1e-10)
    assert stepper.network.layers[1].W[0, 0] == pytest.approx(0.35891648, abs=1e-8)


def test_order_follows_the_notes():
    trace = Stepper(mazur()).trace
    phases = [op.phase for op in trace]
    # phases appear in blocks, in the notes' order
    blocks = [p for k, p in enumerate(phases) if k == 0 or phases[k - 1] != p]
    assert blocks == list(PHASES)
    forward = [(op.quantity, op.layer, op.unit) for op in trace if op.phase == "forward"]
    assert forward[:4] == [("z", 1, 0), ("u", 1, 0), ("z", 1, 1), ("u", 1, 1)]
    backward = [(op.layer, op.unit) for op in trace if op.phase == "backward"]
    assert backward == [(2, 0), (2, 1), (1, 0), (1, 1)]
    # no bias gradients or updates when biases are not trained
    assert not any(op.quantity in ("grad_b", "b") for op in trace)
    assert [op.index for op in trace] == list(range(len(trace)))


def test_records_read_only_values_known_before_them():
    net = build_network([2, 3, 3, 2], ["tanh", "relu", "sigmoid"], "binary_cross_entropy")
    stepper = Stepper(net, np.array([[0.3, -0.7]]), np.array([[1.0, 0.0]]))
    known = set(stepper.known())
    for op in stepper.trace:
        assert set(op.reads) <= known, op
        known.add(op.key)
    assert len({op.key for op in stepper.trace}) == len(stepper.trace)


def test_trace_agrees_with_vectorised_gradients_and_optimizer():
    net = build_network([2, 4, 3], ["tanh", "softmax"], "softmax_cross_entropy", seed=4)
    x, y = np.array([0.5, -1.5]), np.array([0.0, 1.0, 0.0])
    for name in ("sgd", "momentum", "rmsprop", "adam"):
        opt = Optimizer(name, 0.05)
        trace = build_trace(net, x, y, opt)
        v = {op.key: op.value for op in trace}
        _, gw, gb = net.gradients(x[None], y[None])
        params = [p.copy() for p in net.parameters()]
        grads = [g for pair in zip(gw, gb) for g in pair]
        opt.step(params, grads)
        for l in (1, 2):
            W = params[2 * (l - 1)]
            for j, i in np.ndindex(W.shape):
                assert v[f"grad_w:{l}:{j}:{i}"] == pytest.approx(gw[l - 1][j, i], abs=1e-15)
                assert v[f"new_w:{l}:{j}:{i}"] == pytest.approx(W[j, i], abs=1e-14), name
            b = params[2 * (l - 1) + 1]
            for j in range(len(b)):
                assert v[f"new_b:{l}:{j}"] == pytest.approx(b[j], abs=1e-14), name


def test_substituted_formulas_show_the_numbers():
    trace = Stepper(mazur()).trace
    assert trace[0].substituted == "z^{(1)}_{1} = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775"
    assert trace[0].formula == "z_{j} = Σ_{i} w_{j,i} u_{i} + b_{j}"
    hidden = next(op for op in trace if op.key == "delta:1:0")
    assert "0.5·(−0.0381)" in hidden.substituted
    assert hidden.reads == ("z:1:0", "w:2:0:0", "w:2:1:0", "delta:2:0", "delta:2:1")
    assert "sigmoid" in hidden.text


def test_to_dict_is_json_ready():
    import json

    data = [op.to_dict() for op in Stepper(mazur()).trace]
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)[0]["id"] == "z:1:0"
