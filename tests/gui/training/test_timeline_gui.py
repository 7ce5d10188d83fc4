"""The training timeline in the window: scrubbing shows one recorded epoch in every view and in
the Stepper, Live returns to the newest, Replay reproduces the run bit for bit, and the
representation view draws the frame's weights."""

from __future__ import annotations

import numpy as np
import pytest

from core.inside import network_with_weights, representation
from core.training import TrainConfig, Trainer
from tests.gui.training.test_live import WAIT, boundary_matches, shown_epochs


@pytest.fixture
def window(make_window):
    win = make_window("circle", size=(1280, 800))
    win.tabs.setCurrentWidget(win.training_tab)
    return win


def _params(network):
    return [p.copy() for p in network.parameters()]


def _headless(training, epochs):
    """The run's own start trained ``epochs`` epochs without the window."""
    trainer = training.trainer
    start = network_with_weights(trainer.network, trainer.timeline.at(0).weights())
    config = TrainConfig(**vars(trainer.config))
    headless = Trainer(start, training.train.X, training.train.Y, training.test.X,
                       training.test.Y, config, type(trainer.optimizer)(
                           trainer.optimizer.name, trainer.optimizer.learning_rate,
                           dict(trainer.optimizer.params)))  # fmt: skip
    headless.train(epochs)
    return headless


def test_scrubbing_shows_the_recorded_epoch_everywhere(window):
    training, tab = window.training, window.training_tab
    window.train_headless(40)
    newest = _params(training.trainer.network)
    tab.timeline_bar.scrub_to(12)
    assert training.scrubbed == 12
    assert set(shown_epochs(window).values()) == {12}
    assert boundary_matches(window, training.shown)
    want = _headless(training, 12).network.parameters()
    for got, expected in zip(window.controller.network.parameters(), want):
        np.testing.assert_array_equal(got, expected)  # the Stepper shows epoch 12's weights
    assert "showing epoch 12" in tab.timeline_bar.label.text()
    tab.timeline_bar.live_button.click()
    assert training.scrubbed is None
    assert set(shown_epochs(window).values()) == {40}
    for got, expected in zip(window.controller.network.parameters(), newest):
        np.testing.assert_array_equal(got, expected)


def test_training_on_after_scrubbing_continues_from_the_newest_epoch(window, qtbot):
    training, tab = window.training, window.training_tab
    window.train_headless(20)
    tab.timeline_bar.scrub_to(5)
    window.training_dock.epoch_action.trigger()  # one epoch: from epoch 20, not 5
    assert training.trainer.epoch == 21 and training.scrubbed is None
    want = _headless(training, 21).network.parameters()
    for got, expected in zip(training.trainer.network.parameters(), want):
        np.testing.assert_array_equal(got, expected)
    assert tab.timeline_bar.live and tab.timeline_bar.epochs[-1] == 21


def test_step_from_here_opens_the_stepper_on_that_epoch(window):
    training, tab = window.training, window.training_tab
    window.train_headless(15)
    tab.timeline_bar.scrub_to(7)
    tab.timeline_bar.step_button.click()
    assert window.tabs.currentWidget() is window.stepper_tab
    want = training.trainer.timeline.at(7).parameters
    for got, expected in zip(window.controller.network.parameters(), want):
        np.testing.assert_array_equal(got, expected)


def test_replay_reproduces_the_history_bit_for_bit(window, qtbot):
    training, tab = window.training, window.training_tab
    window.train_headless(30)
    before = {k: v.copy() for k, v in training.store.arrays().items()}
    final = _params(training.trainer.network)
    tab.timeline_bar.replay_button.click()
    qtbot.waitUntil(lambda: not training.running, timeout=WAIT)
    assert training.trainer.epoch == 30
    after = training.store.arrays()
    for key, column in before.items():
        np.testing.assert_array_equal(after[key], column)
    for got, expected in zip(training.trainer.network.parameters(), final):
        np.testing.assert_array_equal(got, expected)
    assert training.epoch_budget is None  # trains on as usual afterwards


def test_representation_view_draws_the_frames_weights(window):
    training, tab = window.training, window.training_tab
    window.train_headless(10)
    tab.representation_box.setChecked(True)
    tab.timeline_bar.scrub_to(3)
    net = network_with_weights(window.controller.network, training.shown.weights)
    want = representation(net, training.train.X, 1).points
    np.testing.assert_array_equal(tab.representation.reps[0].points, want)
    assert training.shown.epoch == 3


def test_an_edit_while_an_epoch_shows_starts_a_new_run_from_the_edited_weights(window):
    training, tab = window.training, window.training_tab
    window.train_headless(20)
    old_run = training.run
    tab.timeline_bar.scrub_to(5)
    window.controller.edit("w:1:1:1", 3.0)  # changed while epoch 5 shows
    edited = _params(window.controller.network)
    messages = []
    training.status_changed.connect(lambda kind, text: messages.append(text))
    window.training_dock.epoch_action.trigger()
    assert training.run != old_run and training.trainer.epoch == 1
    start = training.trainer.timeline.at(0).parameters
    for got, want in zip(start, edited):
        np.testing.assert_array_equal(got, want)  # the new run starts from the edited weights
    assert any("changed them while epoch 5 was shown" in m for m in messages)


def test_replay_is_refused_when_it_could_not_reproduce_the_run(window):
    training, tab = window.training, window.training_tab
    assert tab.scrubber.why_no_replay().startswith("Nothing to replay")
    assert not tab.timeline_bar.replay_button.isEnabled()
    window.train_headless(10)
    assert tab.scrubber.why_no_replay() == "" and tab.timeline_bar.replay_button.isEnabled()
    window.controller.edit("w:1:0:0", 0.25)
    window.training_dock.epoch_action.trigger()  # the edit goes into the run
    assert "edited at epoch 10" in tab.scrubber.why_no_replay()
    assert not tab.timeline_bar.replay_button.isEnabled()
    messages = []
    training.status_changed.connect(lambda kind, text: messages.append(text))
    tab.scrubber.replay()
    assert training.trainer.epoch == 11 and any("edited at epoch 10" in m for m in messages)


def test_replay_keeps_a_lessons_epoch_budget(window, qtbot):
    assert window.open_lesson("inside-training")
    window.lesson_tab.train_button.click()
    training = window.training
    qtbot.waitUntil(lambda: not training.running, timeout=20000)
    budget = training.epoch_budget
    assert budget and training.trainer.epoch == budget
    window.training_tab.scrubber.replay()
    qtbot.waitUntil(lambda: not training.running, timeout=20000)
    assert training.trainer.epoch == budget and training.epoch_budget == budget


def test_representation_view_of_regression_has_one_colour_and_no_line(qtbot):
    from core.datasets import generate
    from core.network import build_network
    from gui.training.plots.representation import RepresentationPanel

    panel = RepresentationPanel()
    qtbot.addWidget(panel)
    data = generate("plane", samples=60, seed=1)
    net = build_network([2, 2, 1], ["tanh", "linear"], "squared", seed=1)
    panel.show_network(net, data.X, data.Y, classification=False)
    assert len(panel.scatters[0]) == 1 and panel.reps[0].line is None
    x, _ = panel.lines[0].getData()
    assert x is None or len(x) == 0
    assert "regression" in panel.note.text()


def test_representation_planes_wrap_into_rows(qtbot):
    from core.network import build_network
    from gui.training.plots.representation import RepresentationPanel

    panel = RepresentationPanel()
    qtbot.addWidget(panel)
    net = build_network([2] + [3] * 5 + [1], ["tanh"] * 5 + ["sigmoid"],
                        "binary_cross_entropy", seed=1)  # fmt: skip
    X = np.random.default_rng(0).normal(size=(40, 2))
    panel.show_network(net, X, (X[:, :1] > 0).astype(float))
    rows = {panel.view.ci.items[plot][0][0] for plot in panel.plots}
    assert len(panel.plots) == 5 and rows == {0, 1}


def test_the_dock_says_its_settings_are_the_current_ones_while_an_epoch_shows(window):
    training, tab, dock = window.training, window.training_tab, window.training_dock
    window.train_headless(20)
    assert training.set_learning_rate_text("0.03")  # marked at epoch 20
    window.train_headless(10)
    note = dock.settings_note
    assert not note.isVisible()  # live: the settings are those of the newest epoch
    tab.timeline_bar.scrub_to(10)
    assert note.isVisible()
    text = note.text()
    assert text.startswith("Showing epoch 10; the settings below are the current ones (epoch 30)")
    assert "not epoch 10's. Changed since: learning rate 0.03 at epoch 20." in text
    assert dock.rate.currentText() == "0.03"  # the current value, as the note says
    tab.timeline_bar.scrub_to(25)  # after the change: nothing changed since
    assert note.text().endswith("(epoch 30), unchanged since epoch 25.")
    tab.timeline_bar.live_button.click()
    assert not note.isVisible()
