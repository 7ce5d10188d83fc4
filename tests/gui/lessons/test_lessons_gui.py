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

import gui.lessons.controller as lesson_controller
from core.lessons import lesson_network, list_lessons, load_lesson, run_lesson
from gui.lessons.controller import lesson_view
from gui.lessons.start_page import DONE, VISITED
from gui.lessons.tab import FOCUS_FIGURES
from gui.stepper.network_view import PLACEHOLDER

ROOT = Path(__file__).resolve().parents[3]
_RESULTS = {}


@pytest.fixture(autouse=True)
def cached_results(monkeypatch):
    """Each lesson is computed once for the whole module (the numbers never change)."""

    def cached(lesson):
        if lesson.id not in _RESULTS:
            _RESULTS[lesson.id] = run_lesson(lesson)
        return _RESULTS[lesson.id]

    monkeypatch.setattr(lesson_controller, "run_lesson", cached)


def expected_tab(win, lesson):
    return {"graph": win.graph_tab, "stepper": win.stepper_tab,
            "lessons": win.lesson_tab}[lesson_view(lesson)]  # fmt: skip


def test_lessons_menu_lists_all_fourteen_in_order(window):
    infos = list_lessons()
    assert len(infos) == 14
    assert [a.data() for a in window.lesson_actions] == [i.id for i in infos]
    assert [a.text() for a in window.lesson_actions] == [f"{i.order}. {i.title}" for i in infos]
    assert window.lessons_menu.actions()[0] is window.all_lessons_action
    window.all_lessons_action.trigger()
    assert window.tabs.currentWidget() is window.lesson_tab
    assert window.lesson_tab.showing_list()
    assert window.lesson_tab.start_page.tree.topLevelItemCount() == 14


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


def test_two_layer_lesson_draws_one_line_per_hidden_unit(window):
    assert window.open_lesson("two-layers")
    boundary = window.lesson_tab.figure("boundary")
    hidden = window.lessons.result.runs[0].network.layers[0].units
    assert hidden == 3 and boundary.drawn_lines() == hidden
    assert not window.lesson_tab.figure("boundary2").isVisible()
    assert "enclose the class-1 points" in boundary.info.text()


def test_herd_lesson_keeps_equal_units_together(window):
    assert window.open_lesson("herd-effect")
    spread = window.lesson_tab.figure("spread")
    random_run, equal_run = (c.yData for c in spread.curves[:2])
    assert np.all(equal_run == 0) and random_run[-1] > 1


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
    tree.setCurrentItem(tree.topLevelItem(3))
    page = window.lesson_tab.start_page
    page.open_item(tree.currentItem())  # what Enter and double-click do (itemActivated)
    assert window.lessons.lesson.id == "learning-rate"
    assert window.tabs.currentWidget() is window.lesson_tab
    assert not window.lesson_tab.showing_list()
    window.lesson_panel.list_button.click()
    assert window.lesson_tab.showing_list()
    window.lesson_tab.back_button.click()
    assert window.lesson_tab.figure("loss") is not None


def test_train_it_live_loads_the_chosen_run(window):
    assert window.open_lesson("herd-effect")
    tab = window.lesson_tab
    tab.run_combo.setCurrentIndex(1)  # "Every weight 0.5"
    tab.train_button.click()
    assert window.tabs.currentWidget() is window.training_tab
    W = window.controller.network.layers[0].W
    assert np.all(W == 0.5)
    window.training_dock.epoch_action.trigger()
    trained = window.controller.network.layers[0].W
    assert np.allclose(trained, trained[0])  # the herd moves together
    window.training_dock.reset_action.trigger()  # the dock's Reset draws the run's weights again
    assert np.all(window.controller.network.layers[0].W == 0.5)


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
    assert len(lines[:-1]) == 14
    assert lines[0] == "01  composite-functions  Composite functions and the chain rule"
    assert lines[13].startswith("14  keras-recipe  ")


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
