"""Train it live, lesson by lesson: the button trains the chosen run with the Training tab's
trainer while the Lessons tab stays in view, and the lesson's own figure draws the live run
growing frame by frame up to the lesson's epochs, where it ends on the lesson's own numbers.
The trainer is driven on this thread (train_sync), one frame per chunk of epochs."""

import math

import numpy as np
import pytest

from core.lessons import TRAINING_KINDS, list_lessons, load_lesson
from gui.lessons.live_view import LIVE_FRAMES
from gui.plot_style import positive_log10

TRAINABLE = [info.id for info in list_lessons() if load_lesson(info.id).kind in TRAINING_KINDS]
def press_train_it_live(window, monkeypatch, run=0):
    """Press the button with the worker held back, so that the test trains the run itself."""
    training = window.training
    monkeypatch.setattr(training, "start", lambda: None)
    tab = window.lesson_tab
    tab.run_combo.setCurrentIndex(run)
    tab.train_button.click()
    assert window.tabs.currentWidget() is tab  # the lesson stays in view
    assert tab.follower.active and tab.training_button.isVisible()
    return tab.follower


def train_in_frames(window, measure, frames=6):
    """Train the lesson's budget in ``frames`` chunks, each published as one frame, and let
    the figure catch up; ``measure()`` is read after every frame drawn."""
    training = window.training
    follower = window.lesson_tab.follower
    budget = training.epoch_budget
    chunk = max(1, math.ceil(budget / frames))
    seen = [measure()]
    while training.trainer.epoch < budget and training.trainer.status == "ok":
        training.train_sync(min(chunk, budget - training.trainer.epoch))
        seen.append(measure())
    while follower.behind():
        follower.advance()  # what the catch-up timer does once the trainer has finished
        seen.append(measure())
    return seen


def grew(values):
    assert all(b >= a for a, b in zip(values, values[1:])), values
    assert values[-1] > values[0] and len(set(values)) >= 3, values


@pytest.mark.parametrize("lesson_id", TRAINABLE)
def test_train_it_live_draws_the_run_in_the_lessons_figure(window, monkeypatch, lesson_id):
    assert window.open_lesson(lesson_id)
    tab = window.lesson_tab
    result = window.lessons.result
    kind = result.lesson.kind
    k = len(result.runs) - 1  # the last run, to check the choice is kept
    follower = press_train_it_live(window, monkeypatch, k)
    pre = result.runs[k]
    budget = window.training.epoch_budget
    assert budget == pre.config.epochs  # the lesson's budget, not the Training tab's

    def epochs_drawn():
        return -1 if follower.live is None else len(follower.live.history)

    seen = train_in_frames(window, epochs_drawn)
    grew(seen)
    assert window.training.trainer.epoch == budget or pre.status == "diverged"
    live = follower.live
    assert len(live.history) == len(pre.history)
    # The Training tab's trainer with the lesson's settings and shuffle order: the same run.
    np.testing.assert_allclose(live.curve("train_loss")[1], pre.curve("train_loss")[1],
                               rtol=1e-9, atol=1e-12)  # fmt: skip
    loss = tab.figure("loss")
    if loss is not None:
        assert loss.live_points() == np.isfinite(pre.curve("train_loss")[1]).sum()
        assert "live" in loss.info.text()
    if kind == "surface":
        surface = tab.figure("surface")
        assert surface.live_points() == budget + 1
        np.testing.assert_allclose(surface.live_xy(), pre.extras["path"], rtol=1e-9, atol=1e-12)
        assert f"{pre.measures['turns']} turns" in surface.info.text()
    elif kind == "herd":
        spread = tab.figure("spread")
        np.testing.assert_allclose(spread.live_values(), pre.extras["similarity"], atol=1e-9)
        table = tab.figure("similarity").live_table
        assert table.isVisible()
        np.testing.assert_allclose(table.matrix, pre.extras["similarity_matrix"], atol=1e-9)
    elif kind == "gradients":
        values = tab.figure("gradients").live_values()
        np.testing.assert_allclose(values, positive_log10(pre.extras["grad_norm"][-1]), rtol=1e-6)
    elif kind == "compare" and tab.figure("saturation") is not None:
        heights = tab.figure("saturation").live_heights()
        np.testing.assert_allclose(heights, pre.extras["saturation_end"], atol=1e-9)
    elif kind == "regions":
        boundary = tab.figure("boundary2" if k == 1 else "boundary")
        assert f"epoch {budget} of {budget}" in boundary.heading.text()
        assert boundary.line_count == len(pre.extras["segments"])
    elif kind == "collapse":
        shown = tab.figure("collapse").product_shown()
        np.testing.assert_allclose(shown, result.extras["product"], rtol=1e-6, atol=1e-9)
    elif kind == "recipe":
        assert f"epoch {budget} of {budget}" in tab.figure("recipe").info.text()
    tab.training_button.click()
    assert window.tabs.currentWidget() is window.training_tab


def test_the_live_path_grows_point_by_point_and_the_worker_trains_it(window, qtbot):
    """With the real worker thread: the frames and the catch-up draw the whole path."""
    assert window.open_lesson("optimizers")
    tab = window.lesson_tab
    surface = tab.figure("surface")
    seen = []
    tab.follower.changed.connect(lambda: seen.append(surface.live_points()))
    tab.train_button.click()
    assert window.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: not window.training.running and not tab.follower.behind(),
                    timeout=20000)  # fmt: skip
    assert window.training.trainer.epoch == 50
    grew(seen)
    assert len(seen) >= 10 and seen[-1] == 51  # it unfolded over frames, up to the budget


def test_a_new_run_in_the_training_tab_ends_the_live_view(window, monkeypatch):
    assert window.open_lesson("herd-effect")
    follower = press_train_it_live(window, monkeypatch)
    window.training.train_sync(5)
    assert window.lesson_tab.figure("spread").live_values()
    window.training_dock.reset_action.trigger()  # fresh weights: another run
    assert not follower.active and window.lesson_tab.figure("spread").live_values() == []
    assert not window.lesson_tab.training_button.isVisible()


def test_lesson_5_rate_control_reruns_the_figure_and_fewer_turns_show(window, monkeypatch):
    assert window.open_lesson("optimizers")
    tab = window.lesson_tab
    surface = tab.figure("surface")
    before = window.lessons.result.runs[0].measures["turns"]
    path_before = surface.paths[0].xData.copy()
    labels = window.lesson_panel.control_boxes["rate"]
    index = [labels.itemText(i) for i in range(labels.count())].index("0.15")
    window.lesson_panel.control_boxes["rate"].setCurrentIndex(index)
    assert tab.figure("surface") is surface  # the same figure, drawn again in place
    after = window.lessons.result.runs[0].measures["turns"]
    assert after < before
    assert f"{after} turns" in surface.info.text() and f"{before} turns" not in surface.info.text()
    assert not np.array_equal(surface.paths[0].xData, path_before)
    assert f"turns back {after} times" in window.lesson_panel.explanation_text
    # The live run trains with the lesson's rate now: its path turns as few times.
    press_train_it_live(window, monkeypatch)
    assert window.training.settings.learning_rate == pytest.approx(0.15)
    train_in_frames(window, lambda: surface.live_points())
    assert window.lesson_tab.follower.live.measures["turns"] == after


def test_the_figure_waits_while_the_training_tab_shows_and_catches_up(window, monkeypatch):
    assert window.open_lesson("herd-effect")
    tab = window.lesson_tab
    follower = press_train_it_live(window, monkeypatch)
    window.training.train_sync(2)
    while follower.behind():
        follower.advance()
    drawn = len(tab.figure("spread").live_values())
    assert drawn == 3
    tab.training_button.click()  # the student watches the Training tab meanwhile
    window.training.train_sync(3)
    follower.advance()
    assert len(tab.figure("spread").live_values()) == drawn  # nothing drawn out of sight
    window.tabs.setCurrentWidget(tab)  # shown again: it draws on from where it was
    step = max(1, math.ceil(follower.budget / LIVE_FRAMES))  # a frame's share of the budget
    assert len(tab.figure("spread").live_values()) == min(drawn + step, 6)
    while follower.behind():
        follower.advance()
    assert len(tab.figure("spread").live_values()) == 6 and not follower.behind()


def test_back_from_the_list_the_live_run_is_drawn_again(window, monkeypatch):
    assert window.open_lesson("optimizers")
    tab = window.lesson_tab
    follower = press_train_it_live(window, monkeypatch)
    window.training.train_sync(1)
    assert tab.figure("surface").live_points() == 2
    tab.list_button.click()
    window.training.train_sync(1)
    tab.back_button.click()
    assert follower.active and tab.figure("surface").live_points() == 3


def test_a_figure_behind_the_trainer_draws_the_network_of_the_epoch_it_shows(window, monkeypatch):
    assert window.open_lesson("one-layer")
    tab = window.lesson_tab
    follower = press_train_it_live(window, monkeypatch)
    window.training.train_sync(window.training.epoch_budget)  # one frame: the figure is behind
    assert follower.behind() and 0 < len(follower.live.history) < window.training.epoch_budget
    epoch = len(follower.live.history)
    recorded = window.training.trainer.timeline.at(epoch).parameters
    for shown, kept in zip(follower.live.network.parameters(), recorded):
        np.testing.assert_array_equal(shown, kept)
    assert f"epoch {epoch} of" in tab.figure("boundary").heading.text()


def test_reset_and_undo_keep_the_lessons_minibatch_order(window, monkeypatch):
    """A live run takes the lesson's shuffle seed (not the tab's weight seed). Reset makes the
    lesson's run again, number for number, Undo brings the trained run back and Redo makes it
    anew; a new seed draws new weights and the order stays the lesson's; the Seed field's
    tooltip says so. Another network orders by its own seed again."""
    assert window.open_lesson("linear-units")
    training, pre = window.training, window.lessons.result.runs[0]
    lesson_seed = pre.config.seed
    assert lesson_seed != training.settings.seed  # else the test would show nothing
    press_train_it_live(window, monkeypatch)
    assert training.trainer.config.seed == lesson_seed
    budget = training.epoch_budget
    training.train_sync(budget)
    trained = training.trainer

    def run_again():
        assert training.trainer is not trained and training.trainer.epoch == 0
        assert training.trainer.config.seed == lesson_seed
        training.train_sync(budget)
        lesson = pre.history.train_loss
        np.testing.assert_allclose(training.trainer.history.train_loss[-len(lesson):], lesson,
                                   rtol=1e-9)  # fmt: skip

    training.reset()
    run_again()
    training.undo_stack.undo()
    assert training.trainer is trained
    training.undo_stack.redo()
    run_again()
    seed = window.training_dock.seed
    assert f"lesson's order (seed {lesson_seed})" in seed.toolTip()
    seed.setText("7")
    seed.editingFinished.emit()
    assert training.settings.seed == 7 and training.trainer.config.seed == lesson_seed
    assert f"lesson's order (seed {lesson_seed})" in seed.toolTip()
    assert window.open_example("circle")
    assert training.trainer.config.seed == training.settings.seed
    assert "lesson" not in seed.toolTip()
