"""Gradient noise (TrainConfig.grad_noise): off it changes nothing, on it perturbs every
minibatch gradient by independent N(0, σ²) draws, reproducibly, from its own generator."""

import math

import numpy as np
import pytest

from core.network import OptimizerConfig, build_network
from core.training import TrainConfig, Trainer
from tests.core.test_training import circle, circle_net


def trained(config: TrainConfig, optimizer: str = "adam", epochs: int = 6, **kwargs):
    X, Y = circle(60)
    net = circle_net(optimizer, 0.05, **kwargs)
    trainer = Trainer(net, X, Y, X, Y, config)
    trainer.train(epochs)
    return trainer


def test_zero_noise_is_bit_identical_to_no_noise_option():
    plain = trained(TrainConfig(batch_size=7, seed=4))
    zero = trained(TrainConfig(batch_size=7, seed=4, grad_noise=0.0))
    assert plain.history.to_dict() == zero.history.to_dict()
    for a, b in zip(plain.network.parameters(), zero.network.parameters(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_noise_changes_the_run_reproducibly_and_leaves_the_shuffle_alone():
    quiet = trained(TrainConfig(batch_size=7, seed=4))
    noisy = trained(TrainConfig(batch_size=7, seed=4, grad_noise=0.05))
    again = trained(TrainConfig(batch_size=7, seed=4, grad_noise=0.05))
    other = trained(TrainConfig(batch_size=7, seed=5, grad_noise=0.05))
    assert noisy.history.to_dict() == again.history.to_dict()
    assert noisy.history.train_loss != quiet.history.train_loss
    assert noisy.history.train_loss != other.history.train_loss
    # The noise has its own generator: the shuffle generator is where the quiet run left it.
    assert noisy.rng.bit_generator.state == quiet.rng.bit_generator.state


@pytest.mark.parametrize("sigma", [0.01, 0.3])
def test_the_added_noise_has_the_stated_standard_deviation(sigma):
    # Plain SGD on full batches: w_new = w − η (g + σ ξ), so ξ = ((w − w_new)/η − g) / σ,
    # with g the exact gradient at w (Trainer.gradients, no noise).
    X, Y = circle(80)
    lr = 0.1
    net = circle_net("sgd", lr)
    trainer = Trainer(net, X, Y, config=TrainConfig(batch_size=len(X), seed=2, grad_noise=sigma))
    draws = []
    for _ in range(60):
        before = [p.copy() for p in net.parameters()]
        g_w, g_b = trainer.gradients(X, Y)
        exact = [g for pair in zip(g_w, g_b) for g in pair]
        trainer.run_epoch()
        for w0, w1, g in zip(before, net.parameters(), exact, strict=True):
            draws.append((((w0 - w1) / lr - g) / sigma).ravel())
    xi = np.concatenate(draws)
    n = len(xi)
    assert n == 60 * sum(p.size for p in net.parameters())  # every parameter, every step
    assert np.std(xi) == pytest.approx(1.0, abs=0.04)  # std error ≈ 1/√(2n) ≈ 0.012
    assert abs(np.mean(xi)) < 4 / math.sqrt(n)
    # Independent draws: neighbouring parameters' noise is uncorrelated.
    assert abs(np.corrcoef(xi[:-1], xi[1:])[0, 1]) < 0.05


def test_frozen_biases_get_no_noise():
    X, Y = circle(40)
    net = build_network([2, 4, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=1,
                        optimizer=OptimizerConfig("sgd", 0.1, {}), train_biases=False)  # fmt: skip
    biases = [la.b.copy() for la in net.layers]
    Trainer(net, X, Y, config=TrainConfig(batch_size=5, grad_noise=1.0)).train(3)
    for before, layer in zip(biases, net.layers, strict=True):
        np.testing.assert_array_equal(before, layer.b)


def test_the_recorded_gradient_is_the_exact_one():
    # grad_norm after an epoch is measured without noise: a fresh noiseless Trainer on the
    # same weights measures the same.
    noisy = trained(TrainConfig(batch_size=7, seed=4, grad_noise=0.5), epochs=2)
    X, Y = circle(60)
    check = Trainer(noisy.network, X, Y, X, Y, TrainConfig(batch_size=7))
    assert check.evaluate().grad_norm == noisy.history.grad_norm[-1]


@pytest.mark.parametrize("value", [-0.1, math.nan, math.inf, True, "0.1"])
def test_bad_noise_is_refused(value):
    with pytest.raises(ValueError, match="grad_noise"):
        TrainConfig(grad_noise=value)


def test_the_train_command_takes_grad_noise(capsys):
    from core import cli

    def train(*extra):
        status = cli.run(["train", "--example", "circle", "--epochs", "5", "--format", "json",
                          *extra])  # fmt: skip
        out, err = capsys.readouterr()
        return status, out, err

    status, plain, err = train()
    assert status == 0, err
    assert train("--grad-noise", "0")[1] == plain  # no noise: the same run, to the digit
    status, noisy, err = train("--grad-noise", "0.5")
    assert status == 0 and noisy != plain
    assert train("--grad-noise", "0.5")[1] == noisy  # seeded: the same noise again
    status, _, err = train("--grad-noise", "-1")
    assert status == 2 and "grad_noise" in err and "Traceback" not in err


def test_the_train_command_reads_the_noise_of_the_files_training_block(capsys, tmp_path):
    import json

    from core import cli
    from core.examples import example_path

    with open(example_path("circle"), encoding="utf-8") as file:
        data = json.load(file)

    def train(noise, *extra):
        block = dict(data.get("training") or {}, epochs=5, batch_size=10, l2=0.0)
        if noise is not None:
            block["grad_noise"] = noise
        path = tmp_path / f"net-{noise}.json"
        path.write_text(json.dumps(dict(data, training=block)))
        status = cli.run(["train", str(path), "--format", "json", *extra])
        out, err = capsys.readouterr()
        assert status == 0, err
        return out

    plain = train(None)
    assert train(0.0) == plain
    noisy = train(0.5)
    assert noisy != plain
    assert train(None, "--grad-noise", "0.5") == noisy  # the flag gives the same setting
    assert train(0.5, "--grad-noise", "0") == plain  # and wins over the file


def test_reseed_gives_the_order_and_the_noise_of_a_trainer_made_with_that_seed():
    X, Y = circle(60)
    fresh = Trainer(circle_net("sgd", 0.05), X, Y, X, Y,
                    TrainConfig(batch_size=7, seed=9, grad_noise=0.2))
    reseeded = Trainer(circle_net("sgd", 0.05), X, Y, X, Y,
                       TrainConfig(batch_size=7, seed=1, grad_noise=0.2))
    reseeded.reseed(9)
    fresh.train(3)
    reseeded.train(3)
    assert fresh.history.to_dict() == reseeded.history.to_dict()
    with pytest.raises(ValueError, match="before its first epoch"):
        reseeded.reseed(2)
