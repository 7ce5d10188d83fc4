"""Layer mode in the window: the switch, the minibatch, the matrix panel and its entries."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetricsF
from shiboken6 import isValid

from core.notation import fmt, to_html


def step(win, n):
    for _ in range(n):
        win.step_controls.actions["step"].trigger()


def test_switching_modes_keeps_the_sample_and_the_phase(window):
    controller = window.controller
    step(window, 12)  # 8 forward, the loss, δ of both outputs, δ of hidden unit 1
    unit_op = controller.stepper.current
    assert unit_op.phase == "backward" and unit_op.layer == 1
    x = controller.stepper.x.copy()
    window.layer_controls.action.trigger()
    assert controller.layer_mode and window.matrix_dock.isVisible()
    op = controller.active_stepper.current
    assert (op.phase, op.quantity, op.layer) == ("backward", "delta", 1)
    np.testing.assert_array_equal(controller.layers.stepper.X[0], x)
    assert window.step_controls.progress.text().startswith("backward · 2 of 2")
    step(window, 1)  # ∂L/∂W⁽²⁾
    assert controller.active_stepper.current.phase == "gradient"
    window.layer_controls.action.trigger()  # back to units: still the gradients
    assert not controller.layer_mode and not window.matrix_dock.isVisible()
    assert controller.stepper.current.phase == "gradient"
    assert controller.stepper.current.layer == 2
    np.testing.assert_array_equal(controller.stepper.x, x)
    assert controller.stepper.samples_done == 0


def test_stepping_in_layer_mode_shows_matrices_and_shapes(make_window):
    win = make_window("softmax3")
    controller = win.controller
    win.layer_controls.action.trigger()
    win.layer_controls.batch.setValue(4)
    assert controller.layers.stepper.X.shape == (4, 2)
    assert win.layer_controls.sample.maximum() == 4
    step(win, 3)  # Z⁽¹⁾, U⁽¹⁾, Z⁽²⁾
    panel = win.matrix_panel
    assert panel.shapes_text == to_html(
        "W^{(2)}: 3×4 · U^{(1)}: 4×4 + b^{(2)}: 3×1 → Z^{(2)}: 3×4")
    assert [g.value.shape for g in panel.grids] == [(3, 4), (4, 4), (3, 1)]
    assert panel.result_grid.value.shape == (3, 4)
    z2 = controller.active_stepper.current.value
    assert panel.result_grid.texts[2][3] == fmt(z2[2, 3])
    # The entry highlighted and the row and column that make it.
    assert panel.result_grid.cells == {(0, 0)}
    assert panel.grids[0].rows == {0} and panel.grids[1].cols == {0}
    assert "Z<sup>(2)</sup> = W<sup>(2)</sup>" in win.equation_panel.formula_html
    assert "3×4" in win.equation_panel.formula_html
    # The network view shows the picked sample's column.
    win.layer_controls.sample.setValue(3)
    assert win.network_view.labels["z:2:1"][0].text() == "z " + fmt(z2[1, 2])
    assert panel.result_grid.cells == {(0, 2)}
    # Steps on to the gradient: the mean of the per-sample gradients, and the toggle.
    while controller.active_stepper.current.quantity != "grad_w":
        step(win, 1)
    assert "mean of the B = 4 per-sample gradients" in panel.note.text()
    grad = controller.active_stepper.current.value
    assert win.values_dock.weights_model.values["grad_w:2:1:3"] == grad[1, 3]  # the batch's
    assert panel.per_sample_box.isVisible()
    panel.per_sample_box.setChecked(True)
    assert len(panel.sample_grids) == 4
    mean = np.mean([g.value for g in panel.sample_grids], axis=0)
    np.testing.assert_allclose(mean, panel.result_grid.value, rtol=1e-12)


def test_clicking_a_result_entry_shows_the_unit_formula_with_the_same_number(make_window,
                                                                              qtbot):
    win = make_window("softmax3")
    win.layer_controls.action.trigger()
    win.layer_controls.batch.setValue(4)
    step(win, 3)
    grid = win.matrix_panel.result_grid
    rect = grid.cell_rect(1, 2)
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.center().x()),
                                                                  int(rect.center().y())))
    assert win.controller.layers.entry == (1, 2)
    value = win.controller.active_stepper.current.value[1, 2]
    entry = win.equation_panel.entry_html
    assert "z<sub>j</sub> = Σ<sub>i</sub> w<sub>j,i</sub>" in entry
    assert "(sample 3)" in entry and entry.endswith(f"= {fmt(value)}")
    assert win.equation_panel.result_text == fmt(value)
    # The same number as the unit-by-unit view of that sample would compute.
    net = win.controller.network
    X = win.controller.layers.stepper.X
    z = net.forward(X)[0][2]
    assert fmt(z[2, 1]) == fmt(value)
    assert win.matrix_panel.grids[0].rows == {1} and win.matrix_panel.grids[1].cols == {2}
    assert win.layer_controls.sample.value() == 3  # the network view shows that sample now
    assert win.network_view.labels["z:2:1"][0].text() == "z " + fmt(value)


def test_a_batch_step_commits_one_training_step_and_back_undoes_it(make_window):
    win = make_window("circle")
    controller = win.controller
    win.layer_controls.action.trigger()
    win.layer_controls.batch.setValue(4)
    trace = controller.layers.stepper.trace
    new_w1 = next(op for op in trace if op.quantity == "w" and op.layer == 1).value
    before = controller.network.layers[0].W.copy()
    win.step_controls.actions["end"].trigger()
    step(win, 1)  # commits the batch's update
    assert controller.stepper.samples_done == 4
    np.testing.assert_allclose(controller.network.layers[0].W, new_w1, rtol=1e-12)
    assert controller.active_stepper.cursor == 0
    win.step_controls.actions["back"].trigger()
    np.testing.assert_array_equal(controller.network.layers[0].W, before)
    assert controller.active_stepper.at_end


def test_layer_mode_highlights_whole_layers(window):
    window.layer_controls.action.trigger()
    step(window, 1)  # Z⁽¹⁾
    box = window.network_view._layer_box
    assert box.isVisible()
    rect = box.rect()
    for (l, _), centre in window.network_view.centres.items():
        assert rect.contains(centre) == (l == 1)
    window.layer_controls.action.trigger()  # unit by unit: the scene is redrawn, no box
    box = getattr(window.network_view, "_layer_box", None)
    assert box is None or not isValid(box) or not box.isVisible()
    view = window.network_view  # the weights are back: on their edges or in tables
    assert view.show_edge_labels or view.tables is not None
    assert all(f"w:{k}" in view.labels for k in view.edge_keys) or view.layout.edge_labels


def test_batch_larger_than_the_data_is_refused(make_window):
    win = make_window("xor")
    layers = win.controller.layers
    with pytest.raises(ValueError, match="1 to 16"):
        layers.set_batch_size(17)
    assert win.layer_controls.batch.maximum() <= 16


@pytest.mark.parametrize("presenter,minimum", [(False, 13), (True, 22)])
def test_numbers_in_the_panel_are_legible(make_window, presenter, minimum):
    win = make_window("softmax3", size=(1280, 800))
    win.layer_controls.action.trigger()
    win.layer_controls.batch.setValue(4)
    if presenter:
        win.presenter_action.setChecked(True)
    step(win, 7)
    assert win.matrix_dock.isVisible()
    for grid in win.matrix_panel.grids + [win.matrix_panel.result_grid]:
        assert QFontMetricsF(grid.font()).height() >= minimum
        assert grid.cell_h >= minimum
        metrics = QFontMetricsF(grid.font())
        widest = max(metrics.horizontalAdvance(t) for row in grid.texts for t in row)
        assert widest < grid.cell_w  # no number is cut off
    if presenter:
        win.presenter_action.setChecked(False)


def test_the_units_to_matrices_lesson_steps_mazur_in_both_modes(window):
    assert window.open_lesson("units-to-matrices")
    assert window.tabs.currentWidget() is window.stepper_tab
    assert window.controller.network.name.startswith("Mazur")
    step(window, 12)  # as the lesson says: to the δ of hidden unit 1
    delta = window.controller.stepper.current.value
    window.layer_controls.action.trigger()
    op = window.controller.active_stepper.current
    assert op.name == "Δ^{(1)}" and op.value[0, 0] == delta


@pytest.mark.parametrize("argv,message", [
    (["--batch", "4"], "--batch needs --layers"),
    (["--layers", "--batch", "0"], "from 1 to 16"),
    (["--layers", "--batch", "17"], "from 1 to 16"),
])
def test_window_options_for_layer_mode_are_checked(capsys, argv, message):
    from gui.app import run

    assert run(["--example", "mazur", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_screenshot_in_layer_mode(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from PySide6.QtGui import QImage

    out = tmp_path / "layers.png"
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "main.py", "--example", "softmax3", "--layers", "--batch", "4",
         "--steps", "8", "--screenshot", str(out), "--size", "1000x700"],
        cwd=root, capture_output=True, text=True, timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert result.returncode == 0, result.stderr
    assert QImage(str(out)).width() == 1000
