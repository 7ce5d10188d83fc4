"""The training timeline: bounded memory, exact parameters at each kept epoch, exact replay."""

from __future__ import annotations

import numpy as np
import pytest

from core.datasets import generate
from core.network import OptimizerConfig, build_network
from core.timeline import Timeline, replay
from core.training import TrainConfig, Trainer


def _run(epochs, timeline=None, optimizer="adam"):
    data = generate("circle", samples=80, seed=4)
    net = build_network([2, 4, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=5,
                        optimizer=OptimizerConfig(optimizer, 0.05))  # fmt: skip
    initial = net.copy()
    config = TrainConfig(epochs=epochs, batch_size=8, seed=9)
    trainer = Trainer(net, data.X, data.Y, config=config)
    if timeline is not None:
        timeline.record(0, net.parameters())
        trainer.train(callback=lambda r: timeline.record(r.epoch, net.parameters()))
    else:
        trainer.train()
    return data, initial, config, trainer


def test_scrubbing_to_epoch_k_gives_the_parameters_of_a_headless_run_of_k_epochs():
    timeline = Timeline(capacity=40, dense=10)
    data, initial, config, trainer = _run(120, timeline)
    for k in timeline.epochs():
        _, _, _, headless = _run(k)
        for got, want in zip(timeline.at(k).parameters, headless.network.parameters()):
            np.testing.assert_array_equal(got, want)
    assert timeline.epochs()[-1] == 120
    assert timeline.epochs()[:11] == list(range(11))  # every epoch early


def test_memory_stays_within_the_budget_over_100000_epochs():
    timeline = Timeline(capacity=500, dense=100)
    params = [np.zeros((8, 2)), np.zeros(8), np.zeros((1, 8)), np.zeros(1)]
    for epoch in range(100_001):
        params[0][0, 0] = epoch
        timeline.record(epoch, params)
    assert len(timeline) <= 500
    assert timeline.nbytes() <= 500 * sum(p.nbytes for p in params)
    epochs = timeline.epochs()
    assert epochs[:101] == list(range(101)) and epochs[-1] == 100_000
    assert timeline.at(100_000).parameters[0][0, 0] == 100_000
    # After the dense start, one snapshot every ``stride`` epochs, and the newest one.
    gaps = np.diff(epochs)
    assert timeline.stride > 1
    assert (gaps[:100] == 1).all() and (gaps[101:-1] == timeline.stride).all()
    assert 0 < gaps[-1] <= timeline.stride
    # Between kept epochs, the one before is shown.
    k = epochs[300] + 1
    assert timeline.at(k).epoch == epochs[300]


def test_replay_reproduces_the_history_bit_for_bit():
    data, initial, config, trainer = _run(60)
    again = replay(initial, data.X, data.Y, None, None, config, 60)
    assert again.history.to_rows() == trainer.history.to_rows()
    for got, want in zip(again.network.parameters(), trainer.network.parameters()):
        np.testing.assert_array_equal(got, want)
    assert np.any(initial.parameters()[0] != trainer.network.parameters()[0])  # it did train


def test_recording_out_of_order_is_refused():
    timeline = Timeline()
    timeline.record(3, [np.zeros(2)])
    with pytest.raises(ValueError, match="not after"):
        timeline.record(3, [np.zeros(2)])
    with pytest.raises(ValueError, match="empty"):
        Timeline().at(0)


def test_snapshot_applies_to_a_network_of_the_same_shape_only():
    timeline = Timeline()
    data, initial, config, trainer = _run(5, timeline)
    net = initial.copy()
    timeline.at(5).apply_to(net)
    np.testing.assert_array_equal(net.parameters()[0], trainer.network.parameters()[0])
    other = build_network([2, 3, 1], ["tanh", "sigmoid"], "binary_cross_entropy")
    with pytest.raises(ValueError, match="layer sizes"):
        timeline.at(5).apply_to(other)


def test_a_trainer_records_its_timeline_after_every_epoch():
    data = generate("xor", samples=60, seed=1)
    net = build_network([2, 3, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=2)
    trainer = Trainer(net, data.X, data.Y, config=TrainConfig(batch_size=5, seed=3))
    trainer.timeline = Timeline.for_parameters(net.parameters())
    trainer.timeline.record(0, net.parameters())
    trainer.train(30)
    assert trainer.timeline.epochs() == list(range(31))
    for got, want in zip(trainer.timeline.at(30).parameters, net.parameters()):
        np.testing.assert_array_equal(got, want)
    headless = Trainer(build_network([2, 3, 1], ["tanh", "sigmoid"], "binary_cross_entropy",
                                     seed=2), data.X, data.Y,
                       config=TrainConfig(batch_size=5, seed=3))  # fmt: skip
    headless.train(12)
    for got, want in zip(trainer.timeline.at(12).parameters, headless.network.parameters()):
        np.testing.assert_array_equal(got, want)


def test_the_timeline_of_a_large_network_stays_within_its_memory_budget():
    big = [np.zeros((400, 400)), np.zeros(400)]  # 1.3 MB a snapshot
    timeline = Timeline.for_parameters(big, budget=20 * 2**20)
    assert 10 <= timeline.capacity <= 20 * 2**20 // sum(p.nbytes for p in big)
    for epoch in range(200):
        timeline.record(epoch, big)
    assert timeline.nbytes() <= 20 * 2**20
    small = Timeline.for_parameters([np.zeros((8, 2)), np.zeros(8)])
    assert small.capacity == 500 and small.dense == 100
