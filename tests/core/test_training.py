"""Minibatch training: gradients, update rules (against hand-written NumPy and PyTorch),
L2, frozen biases, divergence, the history and reproducibility."""

import csv
import io
import json
import math

import numpy as np
import pytest

from core.activations import get_activation
from core.network import Layer, Network, OptimizerConfig, build_network
from core.optimizers import Optimizer
from core.training import EpochRecord, History, TrainConfig, Trainer

HYPER = {  # not the defaults, so a parameter that fails to arrive shows
    "sgd": {},
    "momentum": {"momentum": 0.8},
    "rmsprop": {"rho": 0.85, "epsilon": 1e-6},
    "adam": {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6},
}


def circle(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in a disc labelled 1 inside radius 1.2, 0 outside it."""
    rng = np.random.default_rng(seed)
    radius = np.sqrt(rng.uniform(0, 4, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X, (radius < 1.2).astype(float)[:, None]


def circle_net(optimizer: str = "sgd", lr: float = 0.5, **kwargs) -> Network:
    return build_network(
        [2, 6, 5, 1], ["tanh", "tanh", "sigmoid"], "binary_cross_entropy", seed=3,
        optimizer=OptimizerConfig(optimizer, lr, dict(HYPER[optimizer])), **kwargs,
    )  # fmt: skip


def with_biases(net: Network, seed: int = 1) -> Network:
    rng = np.random.default_rng(seed)
    for layer in net.layers:
        layer.b[:] = rng.normal(0, 0.5, layer.b.shape)
    return net


def penalised_loss(net: Network, X: np.ndarray, Y: np.ndarray, l2: float) -> float:
    return net.loss_value(X, Y) + 0.5 * l2 * sum(float(np.sum(la.W**2)) for la in net.layers)


# -- learning ---------------------------------------------------------------------------------


def test_loss_goes_down_and_the_circle_is_learned():
    X, Y = circle(200)
    trainer = Trainer(circle_net(), X[:120], Y[:120], X[120:], Y[120:], TrainConfig(batch_size=8))
    history = trainer.train(150)
    assert trainer.status == "ok" and trainer.epoch == 150 and len(history) == 150
    assert history.train_loss[-1] < 0.4 * history.train_loss[0]
    assert history.train_accuracy[-1] >= 0.95
    assert history.test_accuracy[-1] >= 0.85


# -- gradients --------------------------------------------------------------------------------

NETWORKS = [
    ([3, 4, 2], ["tanh", "sigmoid"], "binary_cross_entropy"),
    ([2, 5, 4, 1], ["relu", "leaky_relu", "linear"], "half_squared"),
    ([2, 3, 3, 2], ["sigmoid", "linear", "tanh"], "squared"),
    ([3, 4, 3], ["leaky_relu", "softmax"], "softmax_cross_entropy"),
    ([2, 1], ["sigmoid"], "half_squared"),
]


def problem(sizes, activations, loss, n=7, seed=0):
    net = with_biases(build_network(sizes, activations, loss, init="normal", scale=0.8, seed=seed))
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, (n, sizes[0]))
    if loss == "softmax_cross_entropy":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    elif loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, (n, sizes[-1])).astype(float)
    else:
        Y = rng.normal(0, 1, (n, sizes[-1]))
    return net, X, Y


@pytest.mark.parametrize("sizes, activations, loss", NETWORKS)
def test_training_gradient_equals_network_gradients(sizes, activations, loss):
    net, X, Y = problem(sizes, activations, loss)
    trainer = Trainer(net, X, Y)
    grad_w, grad_b = trainer.gradients(X, Y)
    _, want_w, want_b = net.gradients(X, Y)
    for got, want in zip(grad_w + grad_b, want_w + want_b):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("sizes, activations, loss", NETWORKS)
def test_training_gradient_matches_finite_differences(sizes, activations, loss):
    net, X, Y = problem(sizes, activations, loss, seed=4)
    l2 = 0.3
    grad_w, grad_b = Trainer(net, X, Y, config=TrainConfig(l2=l2)).gradients(X, Y)
    h = 1e-6
    for layer, g_w, g_b in zip(net.layers, grad_w, grad_b):
        for array, grad in ((layer.W, g_w), (layer.b, g_b)):
            for index in np.ndindex(array.shape):
                keep = array[index]
                array[index] = keep + h
                up = penalised_loss(net, X, Y, l2)
                array[index] = keep - h
                down = penalised_loss(net, X, Y, l2)
                array[index] = keep
                assert grad[index] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-7)


def test_l2_adds_lambda_w_to_weight_gradients_only():
    net, X, Y = problem([2, 5, 4, 1], ["relu", "leaky_relu", "linear"], "half_squared")
    l2 = 0.25
    grad_w, grad_b = Trainer(net, X, Y, config=TrainConfig(l2=l2)).gradients(X, Y)
    _, want_w, want_b = net.gradients(X, Y)
    for layer, got, want in zip(net.layers, grad_w, want_w):
        np.testing.assert_allclose(got, want + l2 * layer.W, rtol=1e-13, atol=1e-16)
    for got, want in zip(grad_b, want_b):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)


def test_recorded_loss_includes_the_l2_penalty():
    X, Y = circle(40)
    net = with_biases(circle_net())
    record = Trainer(net, X[:30], Y[:30], X[30:], Y[30:], TrainConfig(l2=0.1)).evaluate()
    assert record.epoch == 0
    assert record.train_loss == pytest.approx(penalised_loss(net, X[:30], Y[:30], 0.1), rel=1e-12)
    assert record.test_loss == pytest.approx(penalised_loss(net, X[30:], Y[30:], 0.1), rel=1e-12)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_frozen_biases_stay_untouched(optimizer):
    X, Y = circle(50)
    net = with_biases(circle_net(optimizer, 0.05, train_biases=False))
    biases = [la.b.copy() for la in net.layers]
    weights = [la.W.copy() for la in net.layers]
    trainer = Trainer(net, X, Y, config=TrainConfig(batch_size=5, l2=0.01))
    trainer.train(5)
    for layer, b, w in zip(net.layers, biases, weights):
        np.testing.assert_array_equal(layer.b, b)
        assert not np.array_equal(layer.W, w)
    for state in trainer.optimizer.state[1::2]:  # the biases' optimizer state never moves
        assert all(not np.any(v) for v in state.values())


# -- update rules -----------------------------------------------------------------------------


def reference_training(net, X, Y, name, lr, hyper, batch, epochs, l2, seed):
    """Hand-written minibatch training: gradients from Network.gradients, each rule written
    out on its own; the sample order of each epoch is default_rng(seed).permutation(n)."""
    net = net.copy()
    params = net.parameters()
    first = [np.zeros_like(p) for p in params]  # v (momentum), s (rmsprop) or m (adam)
    second = [np.zeros_like(p) for p in params]  # v (adam)
    rng = np.random.default_rng(seed)
    t = 0
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch):
            rows = order[start : start + batch]
            _, grad_w, grad_b = net.gradients(X[rows], Y[rows])
            grads = []
            for layer, gw, gb in zip(net.layers, grad_w, grad_b):
                grads += [gw + l2 * layer.W, gb]
            t += 1
            for i, (p, g) in enumerate(zip(params, grads)):
                if name == "sgd":
                    new = p - lr * g
                elif name == "momentum":
                    first[i] = hyper["momentum"] * first[i] + g
                    new = p - lr * first[i]
                elif name == "rmsprop":
                    rho = hyper["rho"]
                    first[i] = rho * first[i] + (1 - rho) * g**2
                    new = p - lr * g / (np.sqrt(first[i]) + hyper["epsilon"])
                else:
                    b1, b2 = hyper["beta1"], hyper["beta2"]
                    first[i] = b1 * first[i] + (1 - b1) * g
                    second[i] = b2 * second[i] + (1 - b2) * g**2
                    m_hat = first[i] / (1 - b1**t)
                    v_hat = second[i] / (1 - b2**t)
                    new = p - lr * m_hat / (np.sqrt(v_hat) + hyper["epsilon"])
                p[...] = new
    return net, first, second, t


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam"])
def test_each_optimizer_matches_a_hand_written_reference(name):
    X, Y = circle(23, seed=5)
    net = with_biases(circle_net(name, 0.05))
    config = TrainConfig(batch_size=4, l2=0.02, seed=7)  # 23 = 5 × 4 + 3: a short last batch
    want, first, second, t = reference_training(
        net, X, Y, name, 0.05, HYPER[name], 4, 3, 0.02, seed=7
    )
    trainer = Trainer(net, X, Y, config=config)
    trainer.train(3)
    for got, ref in zip(net.parameters(), want.parameters()):
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)
    opt = trainer.optimizer
    assert opt.t == t == 18
    names = {"sgd": (), "momentum": ("v",), "rmsprop": ("s",), "adam": ("m", "v")}[name]
    for i, state in enumerate(opt.state):
        for key, ref in zip(names, (first, second)):
            np.testing.assert_allclose(state[key], ref[i], rtol=1e-12, atol=1e-14)


def torch_training(net, X, Y, name, lr, hyper, batch, epochs, l2, seed):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    layers = []
    for k, layer in enumerate(net.layers):
        linear = torch.nn.Linear(layer.inputs, layer.units).double()
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.W))
            linear.bias.copy_(torch.from_numpy(layer.b))
        layers.append(linear)
        if k < len(net.layers) - 1:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    weights = [la.weight for la in model if isinstance(la, torch.nn.Linear)]
    biases = [la.bias for la in model if isinstance(la, torch.nn.Linear)]
    groups = [{"params": weights, "weight_decay": l2}, {"params": biases, "weight_decay": 0.0}]
    if name == "sgd":
        opt = torch.optim.SGD(groups, lr=lr)
    elif name == "momentum":
        opt = torch.optim.SGD(groups, lr=lr, momentum=hyper["momentum"])
    elif name == "rmsprop":
        opt = torch.optim.RMSprop(groups, lr=lr, alpha=hyper["rho"], eps=hyper["epsilon"])
    else:
        betas = (hyper["beta1"], hyper["beta2"])
        opt = torch.optim.Adam(groups, lr=lr, betas=betas, eps=hyper["epsilon"])
    loss_fn = torch.nn.BCEWithLogitsLoss()
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch):
            rows = torch.from_numpy(order[start : start + batch])
            opt.zero_grad()
            loss_fn(model(Xt[rows]), Yt[rows]).backward()
            opt.step()
    out = []
    for w, b in zip(weights, biases):
        out += [w.detach().numpy(), b.detach().numpy()]
    return out


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam"])
def test_each_optimizer_matches_pytorch(name):
    X, Y = circle(23, seed=6)
    net = with_biases(circle_net(name, 0.05))
    want = torch_training(net, X, Y, name, 0.05, HYPER[name], 4, 3, 0.02, seed=2)
    Trainer(net, X, Y, config=TrainConfig(batch_size=4, l2=0.02, seed=2)).train(3)
    for got, ref in zip(net.parameters(), want):
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)


def test_passed_optimizer_is_used_and_its_learning_rate_may_change_between_epochs():
    X, Y = circle(20)
    net = circle_net("sgd", 0.5)
    optimizer = Optimizer("momentum", 0.1, {"momentum": 0.5})
    trainer = Trainer(
        net, X, Y, config=TrainConfig(batch_size=20, shuffle=False), optimizer=optimizer
    )
    trainer.run_epoch()
    assert trainer.optimizer is optimizer and optimizer.t == 1
    velocity = [st["v"].copy() for st in optimizer.state]
    before = [p.copy() for p in net.parameters()]
    optimizer.learning_rate = 0.01
    _, grad_w, grad_b = net.gradients(X, Y)
    trainer.run_epoch()
    grads = [g for pair in zip(grad_w, grad_b) for g in pair]
    for p, p0, v, g in zip(net.parameters(), before, velocity, grads):
        np.testing.assert_allclose(p, p0 - 0.01 * (0.5 * v + g), rtol=1e-12, atol=1e-15)


def test_weights_edited_between_epochs_are_trained_from():
    X, Y = circle(20)
    net = circle_net()
    trainer = Trainer(net, X, Y, config=TrainConfig(batch_size=6, shuffle=False))
    trainer.run_epoch()
    net.layers[0].W[:] = 0.3
    edited = net.copy()
    trainer.run_epoch()
    Trainer(edited, X, Y, config=TrainConfig(batch_size=6, shuffle=False)).run_epoch()
    for got, want in zip(net.parameters(), edited.parameters()):
        np.testing.assert_array_equal(got, want)


# -- divergence -------------------------------------------------------------------------------


def linear_net(activation: str, lr: float) -> Network:
    return build_network(
        [2, 4, 1], [activation, "linear"], "half_squared", init="normal", scale=1.0, seed=0,
        optimizer=OptimizerConfig("sgd", lr),
    )  # fmt: skip


@pytest.mark.parametrize("activation, lr", [("linear", 10.0), ("relu", 100.0)])
def test_divergence_stops_training_without_raising(activation, lr):
    rng = np.random.default_rng(0)
    X = rng.normal(0, 3, (100, 2))
    Y = X @ np.array([[1.0], [-2.0]])
    trainer = Trainer(linear_net(activation, lr), X, Y, X[:10], Y[:10], TrainConfig(batch_size=10))
    seen = []
    history = trainer.train(50, callback=seen.append)
    assert trainer.status == "diverged"
    epoch = trainer.diverged_epoch
    assert epoch is not None and 1 <= epoch < 50
    assert len(history) == epoch == trainer.epoch == len(seen)
    assert not math.isfinite(history.train_loss[-1])
    assert all(math.isfinite(v) for v in history.train_loss[:-1])
    assert trainer.message.startswith(f"training diverged at epoch {epoch}: the loss became ")
    assert trainer.message.endswith(f"Try a lower learning rate (now {lr:g}).")
    assert trainer.run_epoch() is None and len(trainer.history) == epoch
    json.dumps(history.to_dict(), allow_nan=False)


def test_a_stable_run_stays_ok():
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (60, 2))
    trainer = Trainer(linear_net("linear", 0.01), X, X[:, :1] - X[:, 1:])
    trainer.train(20)
    assert (trainer.status, trainer.diverged_epoch, trainer.message) == ("ok", None, "")


# -- history ----------------------------------------------------------------------------------


def test_history_records_every_quantity_per_epoch():
    X, Y = circle(60)
    net = with_biases(circle_net())
    trainer = Trainer(net, X[:40], Y[:40], X[40:], Y[40:], TrainConfig(batch_size=8, l2=0.01))
    history = trainer.train(4)
    assert isinstance(history, History) and history.layers == 3 and history.classification
    assert history.epoch == [1, 2, 3, 4]
    arrays = history.arrays()
    assert arrays["grad_norm"].shape == (4, 3) and arrays["saturation"].shape == (4, 2)
    assert arrays["train_loss"].shape == (4,)
    # The last entry is measured on the final weights.
    Xtr, Ytr = X[:40], Y[:40]
    _, grad_w, _ = net.gradients(Xtr, Ytr)
    norms = [np.linalg.norm(g + 0.01 * la.W) for g, la in zip(grad_w, net.layers)]
    np.testing.assert_allclose(history.grad_norm[-1], norms, rtol=1e-12)
    assert history.train_loss[-1] == pytest.approx(penalised_loss(net, Xtr, Ytr, 0.01), rel=1e-12)
    assert history.test_loss[-1] == pytest.approx(penalised_loss(net, X[40:], Y[40:], 0.01))
    zs, us = net.forward(Xtr)
    assert history.train_accuracy[-1] == np.mean((us[-1] > 0.5) == (Ytr > 0.5))
    tanh = get_activation("tanh")
    saturation = [np.mean(tanh.slope(z) < 0.1) for z in zs[1:-1]]
    np.testing.assert_allclose(history.saturation[-1], saturation)
    copy = history.copy()
    trainer.run_epoch()
    assert len(copy) == 4 and len(history) == 5


def test_saturation_counts_dead_relu_units():
    net = build_network([1, 2, 1], ["relu", "linear"], "half_squared")
    net.layers[0].W[:] = [[1.0], [-1.0]]
    net.layers[0].b[:] = [0.0, -10.0]  # unit 2 is dead for every x in [0, 1]
    X = np.linspace(0.1, 1, 5)[:, None]
    record = Trainer(net, X, X).evaluate()
    assert record.saturation == (0.5,)
    assert record.train_accuracy is None


def test_rows_and_dict_for_files():
    X, Y = circle(30)
    history = Trainer(circle_net(), X, Y).train(3)  # no test set
    rows = history.to_rows()
    assert list(rows[0]) == [
        "epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
        "grad_norm_1", "grad_norm_2", "grad_norm_3", "saturation_1", "saturation_2",
    ]  # fmt: skip
    assert [r["epoch"] for r in rows] == [1, 2, 3]
    assert rows[0]["test_loss"] is None and rows[0]["test_accuracy"] is None
    assert isinstance(rows[0]["train_loss"], float) and 0 <= rows[0]["train_accuracy"] <= 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    assert len(out.getvalue().splitlines()) == 4
    data = json.loads(json.dumps(history.to_dict(), allow_nan=False))
    assert data["epoch"] == [1, 2, 3] and data["test_loss"] == [None] * 3
    assert len(data["grad_norm"]) == 3 and len(data["grad_norm"][0]) == 3


def test_regression_has_no_accuracy_and_an_empty_test_set_gives_nan():
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (20, 2))
    trainer = Trainer(linear_net("tanh", 0.05), X, X[:, 0], X[:0], X[:0, :1])
    record = trainer.run_epoch()
    assert isinstance(record, EpochRecord)
    assert record.train_accuracy is None and record.test_accuracy is None
    assert math.isnan(record.test_loss)
    assert not trainer.history.classification
    assert trainer.history.to_rows()[0]["train_accuracy"] is None


def test_softmax_accuracy_is_argmax_agreement():
    net = build_network([2, 3], ["softmax"], "softmax_cross_entropy")
    net.layers[0].W[:] = [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]
    X = np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, -2.0], [2.0, 0.0]])
    Y = np.eye(3)[[0, 1, 2, 1]]
    assert Trainer(net, X, Y).evaluate().train_accuracy == 0.75


def test_callback_returning_false_stops_training():
    X, Y = circle(20)
    trainer = Trainer(circle_net(), X, Y)
    trainer.train(10, callback=lambda record: record.epoch < 3)
    assert trainer.epoch == 3


# -- reproducibility --------------------------------------------------------------------------


def run(seed: int) -> tuple[History, list[np.ndarray]]:
    X, Y = circle(50)
    net = circle_net("adam", 0.01)
    history = Trainer(net, X, Y, X, Y, TrainConfig(batch_size=7, seed=seed)).train(5)
    return history, net.parameters()


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    first, w1 = run(11)
    second, w2 = run(11)
    third, w3 = run(12)
    assert first.to_dict() == second.to_dict()
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert first.train_loss != third.train_loss
    assert any(not np.array_equal(a, b) for a, b in zip(w1, w3))


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings, word",
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"batch_size": True}, "batch_size"),
        ({"epochs": -1}, "epochs"),
        ({"l2": -0.1}, "l2"),
        ({"l2": math.inf}, "l2"),
        ({"l2": math.nan}, "l2"),
        ({"seed": "x"}, "seed"),
    ],
)
def test_bad_settings_are_refused(settings, word):
    with pytest.raises(ValueError, match=word):
        TrainConfig(**settings)


def test_bad_data_is_refused():
    net = circle_net()
    X, Y = circle(10)
    with pytest.raises(ValueError, match="inputs"):
        Trainer(net, X[:, :1], Y)
    with pytest.raises(ValueError, match="targets"):
        Trainer(net, X, np.hstack([Y, Y]))
    with pytest.raises(ValueError, match="no samples"):
        Trainer(net, X[:0], Y[:0])
    with pytest.raises(ValueError, match="3 targets"):
        Trainer(net, X, Y, X, Y[:3])
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Trainer(net, bad, Y)
    with pytest.raises(ValueError, match="epochs"):
        Trainer(net, X, Y).train(-2)


def test_a_changed_layer_size_is_reported():
    X, Y = circle(10)
    net = circle_net()
    trainer = Trainer(net, X, Y)
    net.layers[0] = Layer(net.layers[0].activation, np.zeros((7, 2)), np.zeros(7))
    with pytest.raises(ValueError, match="layer sizes changed"):
        trainer.run_epoch()


def test_a_changed_activation_is_picked_up():
    X, Y = circle(12)
    net = circle_net()
    trainer = Trainer(net, X, Y)
    net.layers[0].activation = get_activation("relu")
    grad_w, grad_b = trainer.gradients(X, Y)
    _, want_w, want_b = net.gradients(X, Y)
    for got, want in zip(grad_w + grad_b, want_w + want_b):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)


def test_targets_that_do_not_fit_the_loss_are_refused_with_the_values():
    from core.network import build_network
    from core.training import target_problem

    net = build_network([2, 3, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=0)
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="include 2 and −1"):
        Trainer(net, X, np.array([[2.0], [-1.0], [0.0]]))
    Trainer(net, X, np.array([[1.0], [0.25], [0.0]]))  # soft targets in [0, 1] are fine
    soft = build_network([2, 3, 3], ["tanh", "softmax"], "softmax_cross_entropy", seed=0)
    with pytest.raises(ValueError, match="one-hot"):
        Trainer(soft, X, np.array([[1.0, 1.0, 0.0]] * 3))
    assert target_problem("half_squared", np.array([[5.0]])) == ""


def test_history_forgets_rows_but_keeps_absolute_indices():
    from core.history import History

    h = History(2, True)
    for k in range(5):
        h.append(one_record(k))
    assert list(h.rows_since(3)["epoch"]) == [3, 4]
    h.forget_before(3)
    assert len(h) == 2 and h.dropped == 3 and h.total == 5
    assert list(h.rows_since(0)["epoch"]) == [3, 4]  # forgotten rows are gone
    assert list(h.rows_since(4)["train_loss"]) == [0.4]
    assert h.copy().dropped == 3


def one_record(k):  # noqa: N802 (a stand-in record)
    from core.training import EpochRecord

    return EpochRecord(k, 0.1 * k, 0.2 * k, 0.5, 0.5, (1.0, 2.0), (0.3,))
