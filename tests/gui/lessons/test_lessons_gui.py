"""The lessons as a student meets them: the Lessons menu and start page, each lesson's text and
the view it points at, the plot that carries its point, next / previous / reset, progress kept
in QSettings, the quiz, the code export, and the command line."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from core.lessons import lesson_network, list_lessons, load_lesson
from core.notation import fmt
from gui.lessons.controller import lesson_view
from gui.lessons.start_page import DONE, VISITED
from gui.lessons.tab import FOCUS_FIGURES
from gui.stepper.network_view import PLACEHOLDER

ROOT = Path(__file__).resolve().parents[3]
def expected_tab(win, lesson):
    return {"graph": win.graph_tab, "stepper": win.stepper_tab,
            "lessons": win.lesson_tab}[lesson_view(lesson)]  # fmt: skip


def test_lessons_menu_lists_all_sixteen_in_order(window):
    infos = list_lessons()
    assert len(infos) == 16
    assert [a.data() for a in window.lesson_actions] == [i.id for i in infos]
    assert [a.text() for a in window.lesson_actions] == [f"{i.order}. {i.title}" for i in infos]
    assert window.lessons_menu.actions()[0] is window.all_lessons_action
    window.all_lessons_action.trigger()
    assert window.tabs.currentWidget() is window.lesson_tab
    assert window.lesson_tab.showing_list()
    assert window.lesson_tab.start_page.tree.topLevelItemCount() == 16


def test_each_lesson_explains_itself_and_shows_its_view(window):
    for action in window.lesson_actions:
        action.trigger()
        lesson = load_lesson(action.data())
        assert window.lessons.lesson.id == lesson.id
        assert not window.errors
        panel = window.lesson_panel
        assert panel.isVisible() and panel.title_label.text() == lesson.title
        text = panel.explanation_text
        for paragraph in lesson.explanation:
            assert paragraph[:50] in text
        assert lesson.look_at[:40] in text and lesson.try_this[:40] in text
        assert "Measured in this lesson" in text
        assert window.tabs.currentWidget() is expected_tab(window, lesson), lesson.id
        if lesson_view(lesson) == "lessons":
            roles = FOCUS_FIGURES[lesson.focus]
            figure = window.lesson_tab.figure(roles[0])
            assert figure is not None and figure.isVisible() and figure.focused, lesson.id
            others = [f for r, f in window.lesson_tab.page.figures.items() if r not in roles]
            assert not any(f.focused for f in others)
    assert window.controller.network is not None


def test_learning_rate_lesson_overlays_three_curves_and_one_ends_early(window):
    assert window.open_lesson("learning-rate")
    plot = window.lesson_tab.figure("loss")
    assert plot.curve_lengths()[:2] == [61, 61]
    assert len(plot.curve_lengths()) == 3
    last = plot.last_epochs()
    assert last[0] == last[1] == 60 and last[2] < 10  # the diverging run stops early
    assert [item[1].text for item in plot.legend.items] == [
        r.label for r in window.lessons.result.runs
    ]
    assert "diverged at epoch" in plot.end_labels[2].toPlainText()
    # The Training tab holds the lesson's first run, ready to train live.
    assert window.training.settings.learning_rate == 0.05
    assert window.training.settings.data.name == "multi_gauss"


def test_headings_give_the_lessons_own_number_not_its_position(window):
    assert window.open_lesson("optimizers")  # number 5, sixth in the list after 2.5
    assert window.lesson_tab.heading.text().startswith("Lesson 5 · ")
    position = window.lesson_panel.position_label.text()
    assert position.startswith("Lesson 5 (6 of ") and "Lesson 6" not in position
    assert window.open_lesson("units-to-matrices")
    assert window.lesson_panel.position_label.text().startswith("Lesson 2.5 (3 of ")


def test_optimizer_lesson_draws_every_path_on_the_surface(window):
    assert window.open_lesson("optimizers")
    surface = window.lesson_tab.figure("surface")
    assert surface.path_lengths() == [51, 51, 51, 51]
    assert surface.image.image.shape == (41, 41)


def test_gradient_lesson_shows_each_layers_gradient_for_both_runs(window):
    assert window.open_lesson("vanishing-gradients")
    sigmoid, relu = window.lesson_tab.figure("gradients").values()
    assert len(sigmoid) == len(relu) == 6
    assert sigmoid[-1] - sigmoid[0] > 3  # thousands of times smaller at layer 1
    assert abs(relu[-1] - relu[0]) < 1


def test_linear_units_lesson_shows_the_product_of_the_weight_matrices(window):
    assert window.open_lesson("linear-units")
    result = window.lessons.result
    W1, W2, W3 = result.extras["matrices"]
    collapse = window.lesson_tab.figure("collapse")
    np.testing.assert_allclose(collapse.product_shown(), W3 @ W2 @ W1, rtol=1e-12)
    texts = [t.texts() for t in collapse.layer_tables[:3]]
    assert [len(t) for t in texts] == [4, 4, 1]  # W1 4×2, W2 4×4, W3 1×4
    scatter = window.lesson_tab.figure("scatter")
    deep, single = scatter.points.getData()
    np.testing.assert_allclose(deep, single, atol=1e-12)  # the same predictions


@pytest.mark.parametrize("presenter", [False, True])
def test_linear_units_matrices_are_whole_without_a_sideways_scroll(make_window, qtbot,
                                                                   presenter):
    """At 1280 × 800 the row W⁽³⁾ × W⁽²⁾ × W⁽¹⁾ = W + b fits the figure, bias included, and
    every number fits its cell (linear hidden units and tanh ones). In presenter mode "= W + b"
    goes on a row of its own (it scrolled out of sight beside the matrices)."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_lesson("linear-units")
    collapse = window.lesson_tab.figure("collapse")
    if presenter:
        window.presenter_action.setChecked(True)
        window.showNormal()
        window.resize(1280, 800)
    qtbot.waitUntil(lambda: collapse.wrapped == presenter)  # (once laid out at its width)
    for choice in (0, 1):
        if choice:
            set_control(window, "units", choice)
        bar = collapse.scroll.horizontalScrollBar()
        qtbot.waitUntil(lambda: collapse.scroll.viewport().width() > 300)
        qtbot.waitUntil(lambda: bar.maximum() == 0, timeout=2000)  # noqa: B023 (laid out)
        strip = collapse.scroll.widget()
        for matrix in (*collapse.layer_tables[:3], collapse.product_table, collapse.bias_table):
            corner = matrix.table.mapTo(strip, matrix.table.rect().topRight())
            assert matrix.table.isVisible() and corner.x() <= collapse.scroll.viewport().width()
            metrics = matrix.table.fontMetrics()
            for row in matrix.texts():
                for c, text in enumerate(row):
                    assert metrics.horizontalAdvance(text) < matrix.table.columnWidth(c), text


def test_two_layer_lesson_draws_one_line_per_hidden_unit(window):
    assert window.open_lesson("two-layers")
    boundary = window.lesson_tab.figure("boundary")
    hidden = window.lessons.result.runs[0].network.layers[0].units
    assert hidden == 3 and boundary.drawn_lines() == hidden
    assert not window.lesson_tab.figure("boundary2").isVisible()
    assert "enclose the class-1 points" in boundary.info.text()


def test_herd_lesson_shows_the_herd_and_the_specialists(window):
    assert window.open_lesson("herd-effect")
    similarity = window.lesson_tab.figure("spread")
    near, fast, slow = (c.yData for c in similarity.curves[:3])
    assert np.all(near > 0.95) and np.max(fast) > 0.98 and np.all(slow < 0)


def test_next_previous_and_the_done_mark(window):
    lessons = window.lessons
    assert window.open_lesson("composite-functions")
    assert not window.previous_lesson_action.isEnabled()
    window.next_lesson_action.trigger()
    assert lessons.lesson.id == "backprop-one-sample"
    assert lessons.is_completed("composite-functions")
    assert window.lesson_actions[0].text().endswith("✓")
    window.previous_lesson_action.trigger()
    assert lessons.lesson.id == "composite-functions"
    window.lesson_panel.next_button.click()
    window.lesson_panel.previous_button.click()
    assert lessons.lesson.id == "composite-functions"
    assert window.open_lesson("keras-recipe")
    assert not window.next_lesson_action.isEnabled() and not lessons.next()


def test_reset_restores_a_stepping_lesson(window):
    assert window.open_lesson("backprop-one-sample")
    fresh = lesson_network(load_lesson("backprop-one-sample")).network
    for _ in range(5):
        window.step_controls.actions["step"].trigger()
    window.controller.edit("w:1:0:0", 3.0)
    window.step_controls.actions["next"].trigger()
    assert window.controller.network.layers[0].W[0, 0] != fresh.layers[0].W[0, 0]
    window.tabs.setCurrentWidget(window.training_tab)
    window.reset_lesson_action.trigger()
    stepper = window.controller.stepper
    assert stepper.cursor == 0 and stepper.samples_done == 0
    for now, then in zip(window.controller.network.layers, fresh.layers):
        assert np.array_equal(now.W, then.W) and np.array_equal(now.b, then.b)
    assert window.tabs.currentWidget() is window.stepper_tab


def test_reset_restores_a_training_lesson(window):
    assert window.open_lesson("sigmoid-flat-spot")
    training = window.training
    before = training.settings
    assert training.set_learning_rate_text("0.01")
    training.run_one_epoch()
    assert len(training.trainer.history) == 2 and training.settings != before
    window.lesson_panel.reset_button.click()
    assert training.settings == before
    assert len(training.trainer.history) == 1  # epoch 0 only
    fresh = lesson_network(load_lesson("sigmoid-flat-spot")).network
    assert np.array_equal(window.controller.network.layers[0].W, fresh.layers[0].W)


def test_reset_restores_a_graph_lesson(window):
    assert window.open_lesson("composite-functions")
    graph = window.graph_tab.controller
    graph.set_values({"x": 2.0})
    graph.step()
    window.lessons.reset()
    assert graph.values == {"x": 1.0} and graph.cursor == 0 and graph.mode == "reverse"


def test_progress_is_remembered(window, make_window):
    assert window.open_lesson("composite-functions")
    window.lessons.next()
    window.close()
    again = make_window()
    assert again.lessons.is_completed("composite-functions")
    assert again.lessons.is_visited("backprop-one-sample")
    assert not again.lessons.is_completed("backprop-one-sample")
    page = again.lesson_tab.start_page
    assert page.progress_text(0) == DONE and page.progress_text(1) == VISITED
    assert page.progress_text(2) == ""
    assert page.continue_button.text() == "Continue with lesson 2"
    page.forget_button.click()
    assert page.progress_text(0) == ""


def test_start_page_opens_the_selected_lesson(window, qtbot):
    window.show_lesson_list()
    tree = window.lesson_tab.start_page.tree
    tree.setFocus()
    tree.setCurrentItem(tree.topLevelItem(4))  # after 1, 2, 2.5 and 3
    page = window.lesson_tab.start_page
    page.open_item(tree.currentItem())  # what Enter and double-click do (itemActivated)
    assert window.lessons.lesson.id == "learning-rate"
    assert window.tabs.currentWidget() is window.lesson_tab
    assert not window.lesson_tab.showing_list()
    window.lesson_panel.list_button.click()
    assert window.lesson_tab.showing_list()
    window.lesson_tab.back_button.click()
    assert window.lesson_tab.figure("loss") is not None


def test_train_it_live_loads_the_chosen_run(window, qtbot):
    assert window.open_lesson("herd-effect")
    set_control(window, "start", 1)  # the third run starts from every weight 0.5
    tab = window.lesson_tab
    tab.run_combo.setCurrentIndex(2)
    tab.train_button.click()  # loads the run and trains it, up to the lesson's epochs
    assert window.tabs.currentWidget() is tab  # the lesson's figures draw it there
    tab.training_button.click()
    assert window.tabs.currentWidget() is window.training_tab
    training = window.training
    qtbot.waitUntil(lambda: not training.running, timeout=20000)
    assert training.trainer.epoch == training.epoch_budget > 0
    trained = training.trainer.network.layers[0].W
    assert not np.all(trained == 0.5) and np.allclose(trained, trained[0])  # moved as a herd
    window.training_dock.reset_action.trigger()  # the dock's Reset draws the run's weights again
    assert np.all(window.controller.network.layers[0].W == 0.5)


def test_train_it_live_keeps_the_lessons_epoch_budget(window, qtbot):
    assert window.open_lesson("learning-rate")
    window.lesson_tab.train_button.click()
    training = window.training
    assert training.epoch_budget == 60
    training.start()
    qtbot.waitUntil(lambda: not training.running, timeout=20000)
    assert len(training.trainer.history) - 1 == 60  # the lesson's 60 epochs, not thousands
    # Full batches, the same weights and rate: the live run is the lesson's run.
    lesson_run = window.lessons.result.runs[0]
    assert training.trainer.history.train_loss[-1] == pytest.approx(
        lesson_run.measures["final_loss"], rel=1e-9
    )
    assert training.settings.learning_rate == 0.05 and training.settings.batch_size == 200
    training.start()  # nothing more to train
    assert not training.running and len(training.trainer.history) - 1 == 60


def test_opening_a_lesson_asks_before_dropping_unsaved_edits(window):
    window.controller.edit("w:1:0:0", 1.5)
    window.ask_discard = lambda: "cancel"
    assert not window.open_lesson("backprop-one-sample")
    assert window.controller.network.layers[0].W[0, 0] == 1.5
    assert window.open_lesson("composite-functions")  # a graph lesson keeps the network
    window.ask_discard = lambda: "discard"
    assert window.open_lesson("learning-rate")
    window.training.run_one_epoch()  # the lesson's own network, trained: no question now
    window.ask_discard = lambda: pytest.fail("asked about the lesson's own network")
    assert window.open_lesson("two-layers")


def test_recipe_exports_the_current_network_as_python(window, tmp_path):
    assert window.open_lesson("keras-recipe")
    recipe = window.lesson_tab.figure("recipe")
    assert [recipe.steps.item(r, 0).text()[:2] for r in range(5)] == ["1.", "2.", "3.", "4.", "5."]
    assert "import torch" in recipe.code.toPlainText()
    recipe.ask_save_path = lambda: str(tmp_path / "model")
    recipe.save_dialog()
    saved = (tmp_path / "model.py").read_text(encoding="utf-8")
    assert saved == recipe.code.toPlainText()
    recipe.framework_combo.setCurrentIndex(1)
    assert "keras" in recipe.code.toPlainText()
    compile(recipe.code.toPlainText(), "model_keras.py", "exec")  # valid Python


def test_quiz_hides_the_next_value_until_a_guess(window, qtbot):
    quiz = window.quiz
    stepper = window.controller.stepper
    assert not quiz.bar.isVisible()
    window.step_controls.actions["step"].trigger()  # quiz off: a plain step
    assert stepper.cursor == 1
    window.step_controls.actions["start"].trigger()
    quiz.action.trigger()
    assert quiz.bar.isVisible()
    window.step_controls.actions["step"].trigger()
    assert stepper.cursor == 0  # asked, not stepped
    assert "?" in quiz.bar.prompt.text() and "0.3775" not in quiz.bar.prompt.text()
    label, prefix = window.network_view.labels["z:1:0"]
    assert label.text()[len(prefix):] == PLACEHOLDER
    assert window.equation_panel.result_text == ""
    qtbot.keyClicks(quiz.bar.edit, "abc")
    qtbot.keyClick(quiz.bar.edit, Qt.Key.Key_Return)
    assert stepper.cursor == 0 and "Type a number" in quiz.bar.answer.text()
    quiz.bar.edit.clear()
    qtbot.keyClicks(quiz.bar.edit, "0.4")
    qtbot.keyClick(quiz.bar.edit, Qt.Key.Key_Return)
    assert stepper.cursor == 1
    answer = quiz.bar.answer.text()
    assert answer.startswith("your guess 0.4, true 0.3775, error 0.023") and "(6.0%)" in answer
    assert label.text()[len(prefix):] == "0.3775"
    window.step_controls.actions["step"].trigger()
    quiz.bar.skip_button.click()
    assert stepper.cursor == 2 and "not guessed" in quiz.bar.answer.text()
    window.step_controls.actions["step"].trigger()
    window.step_controls.actions["back"].trigger()  # moving away drops the question
    assert quiz.pending is None and stepper.cursor == 1
    assert quiz.bar.score.text() == "0 of 1 within 5%"
    quiz.action.trigger()
    assert not quiz.bar.isVisible()


def test_list_lessons_needs_no_qt():
    code = "import sys, main; s = main.main(['--list-lessons']); print('PySide6' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "False"  # Qt was never imported
    assert len(lines[:-1]) == 16
    assert lines[0] == "01  composite-functions  Composite functions and the chain rule"
    assert lines[2] == "02.5  units-to-matrices  From units to matrices"
    assert lines[14].startswith("13.5  inside-training  ")
    assert lines[15].startswith("14  keras-recipe  ")


def test_bad_lesson_id_is_one_line_and_exit_2(capsys):
    from gui.app import run

    assert run(["--lesson", "nope", "--screenshot", "out.png"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no lesson 'nope'" in err and "keras-recipe" in err


def test_lesson_screenshot_command_writes_a_png(tmp_path):
    out = tmp_path / "lesson.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "main.py", "--lesson", "backprop-one-sample", "--steps", "5",
         "--screenshot", str(out), "--size", "1000x700"],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)


# -- every lesson's "Try this", done with the lesson's own controls ---------------------------


def set_control(window, name, index):
    box = window.lesson_panel.control_boxes[name]
    box.setCurrentIndex(index)
    assert window.lessons.choices.get(name, 0) == index
    assert not window.errors


def test_try_composite_functions_x_at_two(window):
    assert window.open_lesson("composite-functions")
    assert window.lessons.result.measures["derivative"] > 0
    set_control(window, "x", 2)
    assert window.graph_tab.controller.values["x"] == 2.0
    d = window.lessons.result.measures["derivative"]
    assert d < 0 and d == pytest.approx(np.exp(np.sin(4)) * np.cos(4) * 4)
    assert f"∂f/∂x = {fmt(d)}" in window.lesson_panel.explanation_text  # the measured line


def test_try_backprop_one_sample_next_sample_lowers_the_loss(window):
    assert window.open_lesson("backprop-one-sample")
    stepper = window.controller.stepper
    net = window.controller.network
    before = net.loss_value(net.sample_x, net.sample_y)
    window.step_controls.actions["next"].trigger()
    net = window.controller.network
    after = net.loss_value(net.sample_x, net.sample_y)
    assert before == pytest.approx(0.2984, abs=1e-4)
    assert after == pytest.approx(0.2910, abs=1e-4) and stepper is not None


def test_try_forward_mode_with_respect_to_x1(window):
    assert window.open_lesson("why-backpropagation")
    graph = window.graph_tab.controller
    assert (graph.mode, graph.wrt) == ("reverse", "w1")
    set_control(window, "mode", 1)
    assert (graph.mode, graph.wrt) == ("forward", "w1")
    set_control(window, "wrt", 1)
    assert (graph.mode, graph.wrt) == ("forward", "x1")
    graph.to_end()  # one forward pass gives one entry of the gradient: ∂f/∂x1
    result = window.lessons.result
    last = graph.trace[-1]
    assert last.derivative == pytest.approx(result.extras["gradient"]["x1"], abs=1e-12)
    assert f"derivative:{last.node}" in graph.known()
    trace = window.lessons.result.extras["forward_trace"]
    assert trace and window.lessons.result.extras["wrt"] == "x1"


def test_try_learning_rate_between_oscillation_and_divergence(window):
    assert window.open_lesson("learning-rate")
    plot = window.lesson_tab.figure("loss")
    assert plot.last_epochs()[2] < 10 and plot.ends.data.size == 1
    # The cross sits at the epoch its label names.
    run = window.lessons.result.runs[2]
    assert plot.ends.data["x"][0] == run.diverged_epoch
    assert f"diverged at epoch {run.diverged_epoch}" in plot.end_labels[2].toPlainText()
    set_control(window, "rate", 4)  # η = 0.2: it swings but no longer diverges
    assert plot.last_epochs()[2] == 60 and plot.ends.data.size == 0
    assert [item[1].text for item in plot.legend.items][2] == "η = 0.2"


def turn_count(item):
    path = np.column_stack([item.xData, item.yData])
    steps = np.diff(path, axis=0)
    return int(np.sum(np.sum(steps[1:] * steps[:-1], axis=1) < 0))


def test_try_optimizers_rate_and_optimizer(window):
    assert window.open_lesson("optimizers")
    surface = window.lesson_tab.figure("surface")
    sgd, momentum = surface.paths[:2]
    zigzag = turn_count(sgd)
    assert zigzag >= 45 and turn_count(momentum) <= 5  # SGD's path turns far more often
    set_control(window, "rate", 2)  # η = 0.15
    assert turn_count(surface.paths[0]) < 0.1 * zigzag
    set_control(window, "optimizer", 1)  # the first run becomes momentum
    labels = [item[1].text for item in surface.legend.items]
    assert labels[0] == "momentum, η = 0.15"
    assert "turns back" in window.lesson_panel.explanation_text


def test_try_local_minima_batch_size(window):
    assert window.open_lesson("local-minima")
    plot = window.lesson_tab.figure("loss")
    assert plot.last_epochs() == [2000.0] * 4  # the x axis counts updates
    ends = [float(c.yData[-1]) for c in plot.curves[:4]]  # log10 of the final loss
    assert ends[2] < ends[0] - 0.3  # batches of 4 end far lower at equal updates
    assert ends[3] < ends[0] - 0.3  # and so does the full batch with added noise
    set_control(window, "noise", 5)  # σ = 0: the fourth curve is the full-batch one
    assert np.array_equal(plot.curves[3].yData, plot.curves[0].yData)
    set_control(window, "batch", 3)  # batches of 10 for the third run too
    ends = [float(c.yData[-1]) for c in plot.curves[:3]]
    assert abs(ends[2] - ends[0]) < 0.01 and plot.last_epochs()[2] == 2000.0
    assert "2,000 updates" in window.lesson_panel.explanation_text


def test_try_flat_spot_scale(window):
    assert window.open_lesson("sigmoid-flat-spot")
    bars = window.lesson_tab.figure("saturation")
    large_start = bars.heights()[2]
    assert large_start[-1] == 1.0
    set_control(window, "scale", 5)  # σ = 1: no longer saturated, and it learns
    assert bars.heights()[2][0] < large_start[0]
    run = window.lessons.result.runs[1]
    assert run.measures["final_loss"] < 0.5 * run.measures["initial_loss"]


def test_try_vanishing_gradients_fewer_layers(window):
    assert window.open_lesson("vanishing-gradients")
    plot = window.lesson_tab.figure("gradients")
    gap = plot.values()[0][-1] - plot.values()[0][0]
    set_control(window, "depth", 4)  # one hidden layer
    sigmoid = plot.values()[0]
    assert len(sigmoid) == 2 and sigmoid[-1] - sigmoid[0] < gap - 2


def test_try_herd_equal_start_for_the_second_run(window):
    assert window.open_lesson("herd-effect")
    similarity = window.lesson_tab.figure("spread")
    set_control(window, "start", 1)
    third = similarity.curves[2].yData
    assert np.all(third > 1 - 1e-9)
    assert np.max(similarity.curves[1].yData) > 0.98  # η = 10: a herd
    set_control(window, "rate", 1)  # η = 5 for the second run: no herd
    assert np.max(similarity.curves[1].yData) < 0.3


def test_try_linear_units_as_tanh(window):
    assert window.open_lesson("linear-units")
    set_control(window, "units", 1)
    deep, single = window.lesson_tab.figure("scatter").points.getData()
    assert np.max(np.abs(deep - single)) > 0.05  # the product no longer describes the network


def test_try_one_layer_on_the_circle(window):
    assert window.open_lesson("one-layer")
    assert window.lessons.result.runs[0].measures["final_accuracy"] == 1.0
    set_control(window, "data", 1)
    assert window.lessons.result.runs[0].measures["final_accuracy"] < 0.75
    assert window.training.settings.data.name == "circle"


def test_try_two_layers_with_two_units(window):
    assert window.open_lesson("two-layers")
    boundary = window.lesson_tab.figure("boundary")
    accuracy = window.lessons.result.runs[0].measures["final_accuracy"]
    set_control(window, "units", 1)
    assert boundary.drawn_lines() == 2 and "enclose" not in boundary.info.text()
    assert window.lessons.result.runs[0].measures["final_accuracy"] < accuracy - 0.05
    set_control(window, "units", 2)
    assert boundary.drawn_lines() == 6


def test_try_many_layers_with_a_wider_shallow_network(window):
    assert window.open_lesson("many-layers")
    before = window.lessons.result.runs[1].measures["final_accuracy"]
    set_control(window, "shallow", 1)
    run = window.lessons.result.runs[1]
    assert run.network.sizes == [2, 64, 1] and run.label == "Two layers of weights (2-64-1)"
    assert run.measures["final_accuracy"] > before


def test_try_recipe_epochs(window):
    assert window.open_lesson("keras-recipe")
    recipe = window.lesson_tab.figure("recipe")
    set_control(window, "epochs", 1)
    assert recipe.steps.item(3, 2).text().startswith("100 epochs")
    assert "100" in recipe.code.toPlainText() and window.training.settings.epochs == 100


def test_every_lesson_but_the_stepping_one_has_controls():
    for info in list_lessons():
        lesson = load_lesson(info.id)
        assert lesson.controls or lesson.kind == "step", info.id


# -- the lesson's own figures replay its training --------------------------------------------


def test_watch_it_train_replays_the_lessons_figures(window):
    assert window.open_lesson("optimizers")
    tab = window.lesson_tab
    assert tab.watch_button.isVisible()
    surface = tab.figure("surface")
    tab.watch_button.click()
    assert tab.replay_timer.isActive() and surface.path_lengths() == [1, 1, 1, 1]
    lengths = []
    for _ in range(30):
        tab.replay_step()
        lengths.append(surface.path_lengths()[0])
    assert lengths == sorted(lengths) and 1 < lengths[-1] < 51  # the paths grow epoch by epoch
    tab.watch_button.click()  # stop: the whole result again
    assert not tab.replay_timer.isActive() and surface.path_lengths() == [51, 51, 51, 51]


def test_watch_it_train_shows_the_gradient_gap_at_every_epoch(window):
    assert window.open_lesson("vanishing-gradients")
    tab = window.lesson_tab
    plot = tab.figure("gradients")
    tab.start_replay()
    gaps = []
    while tab.replay_timer.isActive():
        tab.replay_step()
        if tab.replay_timer.isActive():
            sigmoid = plot.later_values()[0] if plot.later_values() else None
            if sigmoid is not None:
                gaps.append(sigmoid[-1] - sigmoid[0])
    assert len(gaps) > 20 and min(gaps) > 1  # layer 1 stays over ten times behind throughout
    assert "after epoch 30" in plot.heading.text()


def test_watch_it_train_on_a_lesson_at_equal_updates(window):
    assert window.open_lesson("local-minima")
    tab = window.lesson_tab
    plot = tab.figure("loss")
    tab.start_replay()
    for _ in range(30):
        tab.replay_step()
    last = plot.last_epochs()
    assert max(last) - min(last) <= 40 and 900 <= last[0] <= 1100  # halfway, in updates
    tab.stop_replay()
    assert plot.last_epochs() == [2000.0] * 4


def test_reset_puts_the_controls_back(window):
    assert window.open_lesson("optimizers")
    set_control(window, "rate", 3)
    assert window.lessons.result.runs[0].label == "SGD, η = 0.1"
    window.lesson_panel.reset_button.click()
    assert window.lessons.choices == {}
    assert window.lesson_panel.control_boxes["rate"].currentIndex() == 0
    assert window.lessons.result.runs[0].label == "SGD, η = 0.21"
    surface = window.lesson_tab.figure("surface")
    assert [item[1].text for item in surface.legend.items][0] == "SGD, η = 0.21"


def test_deep_sigmoid_8_keeps_the_gap_in_the_training_tab(window):
    assert window.open_example("deep_sigmoid_8")
    training = window.training
    assert training.epoch_budget is None  # not a lesson's run: trains until paused
    assert training.train_sync(20) == ""
    norms = np.array(training.trainer.history.grad_norm)
    assert norms.shape == (21, 9)
    assert np.min(norms[:, -1] / norms[:, 0]) > 100  # at every epoch shown in the tab


def test_every_training_lesson_replays_without_errors(window):
    from core.lessons.replay import can_replay

    for info in list_lessons():
        assert window.open_lesson(info.id)
        tab = window.lesson_tab
        result = window.lessons.result
        if tab.page is None or not can_replay(result):
            assert not tab.watch_button.isVisible() or tab.page is None
            continue
        tab.start_replay()
        for _ in range(0, 60, 12):
            tab.replay_step()
        tab.stop_replay()
        assert not window.errors, info.id


def test_try_inside_training_epochs_and_data(window):
    assert window.open_lesson("inside-training")
    boundary = window.lesson_tab.figure("boundary")
    full = window.lessons.result.runs[0].measures["final_accuracy"]
    set_control(window, "epochs", 1)  # 5 epochs: the boundary has not formed yet
    early = window.lessons.result.runs[0]
    assert early.label == "2-8-2-1 after 5 epochs"
    assert early.measures["final_accuracy"] < full - 0.1
    assert boundary.isVisible()
    set_control(window, "epochs", 0)
    set_control(window, "data", 1)  # the spiral: two units in the last layer are too few
    assert window.lessons.result.runs[0].measures["final_accuracy"] < full - 0.1


def test_a_lesson_figure_saves_a_png_at_twice_its_size(window, tmp_path):
    from PySide6.QtGui import QImage

    window.open_lesson("learning-rate")
    window.tabs.setCurrentWidget(window.lesson_tab)
    figure = window.lesson_tab.figure("loss")
    path = tmp_path / "loss.png"
    figure.save_image(str(path))
    image = QImage(str(path))
    assert image.width() >= 2 * figure.width() and image.height() >= 2 * figure.height()
    # Drawn at that size, not blown up: the plot's curves and text make many distinct colours.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 20
