"""The layer trace against the unit trace (B = 1), the per-sample traces (B > 1) and training."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.layers.entry import entry_formula
from core.layers.stepper import (
    LayerStepper,
    batch_from,
    check_batch_size,
    layer_cursor_for,
    own_sample_batch,
    unit_cursor_for,
)
from core.layers.trace import build_layer_trace
from core.network import build_network
from core.notation import fmt
from core.optimizers import Optimizer
from core.stepper import Stepper
from core.trace import build_trace
from core.training import TrainConfig, Trainer
from tests.core.helpers import mazur

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUTS = (  # (output activation, loss, target)
    ("sigmoid", "half_squared", [0.2, 0.9]),
    ("linear", "squared", [0.5, -1.0]),
    ("tanh", "half_squared", [0.3, -0.4]),
    ("sigmoid", "binary_cross_entropy", [1.0, 0.0]),
    ("softmax", "softmax_cross_entropy", [0.0, 1.0]),
)
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")


def _entry(op, unit_op) -> float:
    """The entry of a layer op that the unit op computes."""
    if unit_op.quantity == "loss":
        return float(op.value[0, 0])
    col = unit_op.input if unit_op.quantity in ("grad_w", "w") else 0
    return float(op.value[unit_op.unit, col])


def _layer_op(trace, unit_op):
    matches = [op for op in trace if (op.phase, op.quantity, op.layer)
               == (unit_op.phase, unit_op.quantity, unit_op.layer)]
    assert len(matches) == 1, unit_op
    return matches[0]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output,loss,target", OUTPUTS)
def test_batch_of_one_equals_the_unit_trace_entry_by_entry(hidden, output, loss, target):
    net = build_network([3, 4, 2], [hidden, output], loss, seed=3, scale=1.0, init="normal")
    x, y = np.array([0.4, -1.2, 0.7]), np.array(target)
    for name in OPTIMIZERS:
        opt = Optimizer(name, 0.1)
        params = [p.copy() for p in net.parameters()]
        opt.step(params, [np.full_like(p, 0.05) for p in params])  # a state as after a step
        unit = build_trace(net, x, y, opt)
        layer = build_layer_trace(net, x[None], y[None], opt)
        assert len(unit) > len(layer)
        covered = set()
        for u in unit:
            op = _layer_op(layer, u)
            covered.add(op.index)
            assert _entry(op, u) == pytest.approx(u.value, rel=1e-12, abs=1e-15), (name, u.key)
            if u.quantity != "loss":
                row = u.unit
                col = u.input if u.quantity in ("grad_w", "w") else 0
                general, text, value = entry_formula(net, op, row, col, opt)
                assert value == _entry(op, u)
                assert text.endswith(f"= {fmt(u.value)}")
        assert covered == {op.index for op in layer}  # nothing in the layer trace is extra


def test_mazur_entries_read_like_the_unit_trace():
    net = mazur()
    opt = Optimizer("sgd", 0.5)
    unit = {op.key: op for op in build_trace(net, net.sample_x, net.sample_y, opt)}
    layer = build_layer_trace(net, net.sample_x[None], net.sample_y[None], opt)
    z2 = next(op for op in layer if op.quantity == "z" and op.layer == 2)
    assert z2.shapes == "W^{(2)}: 2×2 · U^{(1)}: 2×1 + b^{(2)}: 2×1 → Z^{(2)}: 2×1"
    _, text, value = entry_formula(net, z2, 1, 0)
    assert value == unit["z:2:1"].value
    # The same products as the unit trace's weighted sum, in the same order.
    assert text.split(" = ")[1] == unit["z:2:1"].substituted.split(" = ")[1]


def _per_sample_gradients(net, X, Y):
    opt = Optimizer("sgd", 0.1)
    out = []
    for x, y in zip(X, Y):
        v = {op.key: op.value for op in build_trace(net, x, y, opt)}
        out.append(v)
    return out


@pytest.mark.parametrize("output,loss,target", OUTPUTS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("l2", [0.0, 0.03])
def test_batch_gradients_are_the_mean_and_the_update_is_one_training_step(
        output, loss, target, optimizer, l2):
    net = build_network([2, 3, 2], ["tanh", output], loss, seed=7, init="normal", scale=0.8)
    rng = np.random.default_rng(1)
    B = 5
    X = rng.normal(size=(B, 2))
    if loss == "softmax_cross_entropy":
        Y = np.eye(2)[rng.integers(0, 2, B)]
    elif loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, (B, 2)).astype(float)
    else:
        Y = rng.normal(size=(B, 2)) * 0.5
    opt = Optimizer(optimizer, 0.05)
    trace = build_layer_trace(net, X, Y, opt, l2=l2)
    per = _per_sample_gradients(net, X, Y)
    for op in trace:
        if op.quantity == "z":
            assert op.shape == (net.layers[op.layer - 1].units, B)
        if op.quantity == "grad_w":
            layer = net.layers[op.layer - 1]
            for j in range(layer.units):
                for i in range(layer.inputs):
                    mean = np.mean([v[f"grad_w:{op.layer}:{j}:{i}"] for v in per])
                    expected = mean + l2 * layer.W[j, i]
                    assert op.value[j, i] == pytest.approx(expected, rel=1e-12, abs=1e-15)
            assert np.allclose(np.mean(op.per_sample, axis=0) + l2 * layer.W, op.value)
        if op.quantity == "grad_b":
            for j in range(op.shape[0]):
                mean = np.mean([v[f"grad_b:{op.layer}:{j}"] for v in per])
                assert op.value[j, 0] == pytest.approx(mean, rel=1e-12, abs=1e-15)
        if op.quantity == "loss":
            assert op.value[0, 0] == pytest.approx(np.mean([v["loss"] for v in per]))
    # The same step as `train` with this batch: one epoch, batch size B, no shuffling.
    trained = net.copy()
    config = TrainConfig(epochs=1, batch_size=B, l2=l2, shuffle=False)
    Trainer(trained, X, Y, config=config, optimizer=Optimizer(optimizer, 0.05)).run_epoch()
    for op in trace:
        layer = trained.layers[op.layer - 1]
        if op.quantity == "w":
            np.testing.assert_allclose(op.value, layer.W, rtol=1e-12, atol=1e-15)
        if op.quantity == "b":
            np.testing.assert_allclose(op.value[:, 0], layer.b, rtol=1e-12, atol=1e-15)
    assert {op.quantity for op in trace} >= {"w", "b", "grad_w", "grad_b"}


@pytest.mark.parametrize("sizes", [[3, 2], [2, 4, 3], [2, 5, 4, 3, 6, 1]])
def test_shapes_for_one_two_and_five_layers(sizes):
    L = len(sizes) - 1
    acts = ["relu"] * (L - 1) + ["sigmoid"]
    net = build_network(sizes, acts, "binary_cross_entropy", seed=2)
    B = 4
    X = np.random.default_rng(0).normal(size=(B, sizes[0]))
    Y = np.ones((B, sizes[-1]))
    trace = build_layer_trace(net, X, Y, Optimizer("sgd", 0.1))
    expected = {}
    for l in range(1, L + 1):
        n, m = sizes[l], sizes[l - 1]
        expected.update({("z", l): (n, B), ("u", l): (n, B), ("delta", l): (n, B),
                         ("grad_w", l): (n, m), ("grad_b", l): (n, 1), ("w", l): (n, m),
                         ("b", l): (n, 1)})
    expected[("loss", L)] = (1, 1)
    assert {(op.quantity, op.layer): op.shape for op in trace} == expected
    assert len(trace) == len(expected)
    phases = [op.phase for op in trace]
    assert phases == sorted(phases, key=["forward", "loss", "backward", "gradient",
                                         "update"].index)
    backward = [op.layer for op in trace if op.phase == "backward"]
    assert backward == list(range(L, 0, -1))
    for op in trace:  # the shapes text names every operand with its shape
        for operand in op.operands:
            assert f"{operand.name}: {operand.shape[0]}×{operand.shape[1]}" in op.shapes
        assert op.shapes.endswith(f"{op.shape[0]}×{op.shape[1]}")
        d = op.to_dict()
        assert d["shape"] == list(op.shape)


def test_delta_is_per_sample_and_the_gradient_carries_one_over_b():
    net = build_network([2, 2, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=1)
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    Y = np.array([[1.0], [0.0]])
    trace = build_layer_trace(net, X, Y, Optimizer("sgd", 0.1))
    d2 = next(op for op in trace if op.quantity == "delta" and op.layer == 2)
    u2 = next(op for op in trace if op.quantity == "u" and op.layer == 2)
    np.testing.assert_allclose(d2.value, u2.value - Y.T)  # σ(z) − y, no 1/B
    assert "no 1/B" in d2.formula
    g2 = next(op for op in trace if op.quantity == "grad_w" and op.layer == 2)
    assert "(1/B)" in g2.formula and "mean" in g2.formula


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5),
    B=st.integers(1, 6),
    hidden=st.sampled_from(HIDDEN),
    out=st.sampled_from(OUTPUTS),
    seed=st.integers(0, 10_000),
    train_biases=st.booleans(),
)
def test_property_random_networks_and_batches(sizes, B, hidden, out, seed, train_biases):
    output, loss, _ = out
    sizes = list(sizes)
    if output == "softmax":
        sizes[-1] = max(2, sizes[-1])
    net = build_network(sizes, [hidden] * (len(sizes) - 2) + [output], loss, seed=seed,
                        init="normal", scale=0.7, train_biases=train_biases)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(B, sizes[0]))
    k = sizes[-1]
    Y = np.eye(k)[rng.integers(0, k, B)] if output == "softmax" else rng.uniform(0, 1, (B, k))
    opt = Optimizer("momentum", 0.1)
    trace = build_layer_trace(net, X, Y, opt)
    # Gradients: the mean over the per-sample unit traces.
    per = _per_sample_gradients(net, X, Y)
    for op in trace:
        if op.quantity == "grad_w":
            for (j, i), value in np.ndenumerate(op.value):
                mean = np.mean([v[f"grad_w:{op.layer}:{j}:{i}"] for v in per])
                assert value == pytest.approx(mean, rel=1e-9, abs=1e-12)
    # Update: one step of the stepper's minibatch commit gives the trace's new weights.
    stepper = Stepper(net.copy(), X, Y, Optimizer("momentum", 0.1))
    stepper.next_batch(X, Y)
    for op in trace:
        if op.quantity == "w":
            np.testing.assert_allclose(op.value, stepper.network.layers[op.layer - 1].W,
                                       rtol=1e-12, atol=1e-15)
    assert ("b" in {op.quantity for op in trace}) == train_biases


def test_layer_stepper_known_values_follow_the_cursor_and_the_sample():
    net = build_network([2, 3, 2], ["tanh", "sigmoid"], "half_squared", seed=5)
    X = np.array([[0.1, 0.2], [0.3, -0.4], [1.0, 0.0]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    ls = LayerStepper(net, X, Y, Optimizer("sgd", 0.1))
    assert "z:1:0" not in ls.known(1)
    ls.step()
    z1 = ls.current.value
    assert ls.known(1)["z:1:2"] == z1[2, 1]
    assert ls.known(2)["u:0:0"] == 1.0
    ls.to_phase_end()
    assert ls.position() == ("forward", 4, 4)
    ls.to_end()
    assert ls.at_end and ls.current.phase == "update"
    ls.step()
    assert ls.at_end  # the batch is committed by the unit stepper, not here


def test_switching_views_keeps_the_phase():
    net = mazur()
    stepper = Stepper(net)
    for _ in range(12):  # 8 forward, the loss, 2 output δ, then δ of hidden unit 1
        stepper.step()
    unit_op = stepper.current
    assert unit_op.phase == "backward"
    ls = LayerStepper(net, stepper.X, stepper.Y, stepper.optimizer)
    ls.cursor = layer_cursor_for(unit_op, ls.trace)
    assert (ls.current.phase, ls.current.layer) == ("backward", unit_op.layer)
    back = unit_cursor_for(ls.current, stepper.trace)
    assert stepper.trace[back - 1].phase == "backward"
    assert stepper.trace[back - 1].layer == unit_op.layer
    assert layer_cursor_for(None, ls.trace) == 0 and unit_cursor_for(None, stepper.trace) == 0


def test_next_batch_commits_and_steps_back():
    net = build_network([2, 2, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=2)
    X = np.random.default_rng(3).normal(size=(6, 2))
    Y = (X[:, :1] > 0).astype(float)
    stepper = Stepper(net, X, Y)
    before = net.layers[0].W.copy()
    bx, by = batch_from(stepper.X, stepper.Y, stepper.sample_index, 4)
    trace = build_layer_trace(net, bx, by, stepper.optimizer)
    stepper.next_batch(bx, by)
    assert stepper.samples_done == 4 and stepper.sample_index == 4
    w1 = next(op for op in trace if op.quantity == "w" and op.layer == 1)
    np.testing.assert_allclose(stepper.network.layers[0].W, w1.value, rtol=1e-12)
    stepper.back()
    assert stepper.samples_done == 0 and stepper.sample_index == 0
    np.testing.assert_array_equal(stepper.network.layers[0].W, before)
    wrapped, _ = batch_from(X, Y, 4, 4)
    np.testing.assert_array_equal(wrapped, X[[4, 5, 0, 1]])


def test_batch_sizes_and_own_sample_batches():
    for bad in (0, 17, 2.5, True, "4"):
        with pytest.raises(ValueError, match="1 to 16"):
            check_batch_size(bad)
    with pytest.raises(ValueError, match="larger than the 3 samples"):
        batch_from(np.zeros((3, 2)), np.zeros((3, 1)), 0, 4)
    from core.examples import example_path
    from core.netfile import load_network

    net = load_network(example_path("softmax3")).network
    X, Y = own_sample_batch(net, 4)
    assert X.shape == (4, 2) and Y.shape == (4, 3)
    np.testing.assert_array_equal(X[0], net.sample_x)
    np.testing.assert_array_equal(Y[0], net.sample_y)
    assert np.all(Y.sum(axis=1) == 1)  # one-hot targets for softmax
    X2, _ = own_sample_batch(net, 4)
    np.testing.assert_array_equal(X, X2)  # seeded: the same batch every time


@pytest.mark.parametrize("output,loss,target", OUTPUTS)
def test_batch_gradients_match_finite_differences_of_the_mean_loss(output, loss, target):
    net = build_network([3, 3, 2], ["tanh", output], loss, seed=11, init="normal", scale=0.9)
    rng = np.random.default_rng(4)
    B = 4
    X = rng.normal(size=(B, 3))
    Y = np.eye(2)[rng.integers(0, 2, B)] if loss.endswith("entropy") else rng.normal(size=(B, 2))
    l2 = 0.05
    trace = build_layer_trace(net, X, Y, Optimizer("sgd", 0.1), l2=l2)

    def batch_loss(n):
        penalty = 0.5 * l2 * sum(float(np.sum(layer.W**2)) for layer in n.layers)
        return n.loss_value(X, Y) + penalty

    h = 1e-6
    for op in trace:
        if op.quantity not in ("grad_w", "grad_b"):
            continue
        for (j, i), value in np.ndenumerate(op.value):
            plus, minus = net.copy(), net.copy()
            if op.quantity == "grad_w":
                plus.layers[op.layer - 1].W[j, i] += h
                minus.layers[op.layer - 1].W[j, i] -= h
            else:
                plus.layers[op.layer - 1].b[j] += h
                minus.layers[op.layer - 1].b[j] -= h
            numeric = (batch_loss(plus) - batch_loss(minus)) / (2 * h)
            assert value == pytest.approx(numeric, rel=1e-5, abs=1e-8)
