"""The Values dock shows exactly the core's numbers at the cursor, blanks for the unknown, and
edits the given values through the controller."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QLineEdit, QStyle

from core.netfile import LoadedNetwork, load_network
from core.network import build_network
from core.notation import fmt
from gui.stepper.column_widths import column_texts
from gui.stepper.values_dock import MAX_SHARE, MIN_SHRINK, ValuesDock
from gui.stepper.weight_tables import sample_values

Role = Qt.ItemDataRole


@pytest.fixture
def dock(qtbot, controller):
    dock = ValuesDock(controller)
    dock.warned = []
    dock.warn = dock.warned.append  # no modal message box in tests
    qtbot.addWidget(dock)
    return dock


def models(dock):
    return (dock.units_model, dock.weights_model)


def text(dock, key, role=Role.DisplayRole):
    for model in models(dock):
        index = model.index_of(key)
        if index.isValid():
            return index.data(role)
    raise KeyError(key)


def snapshot(dock):
    """Everything both tables show: text and tint of every cell."""
    cells = []
    for model in models(dock):
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                index = model.index(r, c)
                brush = index.data(Role.BackgroundRole)
                colour = (
                    None if brush is None else brush.color().name(brush.color().NameFormat.HexArgb)
                )
                cells.append((index.data(), colour))
    return cells


def check_matches_core(dock, stepper):
    known = stepper.known()
    shown_keys = set()
    for model in models(dock):
        for key in model._index_of:
            shown_keys.add(key)
            shown = model.aliases.get(key, key)  # ∂L/∂b has δ's cell
            expected = fmt(known[shown]) if shown in known else ""
            assert text(dock, key) == expected, (stepper.cursor, key)
            if key in known:
                assert fmt(known[key]) == expected, (stepper.cursor, key)
    # Every value of the sample has a cell (the loss is the equation panel's).
    assert set(known) - {"loss"} <= shown_keys
    for r in range(dock.weights_model.rowCount()):
        w, _, new, _ = dock.weights_model.rows[r][1]
        change = dock.weights_model.index(r, 4).data()
        assert change == (fmt(known[new] - known[w]) if new in known else "")


def test_tables_have_a_row_per_unit_and_per_edge(dock):
    assert dock.units_model.rowCount() == 6
    assert dock.weights_model.rowCount() == 8
    assert dock.windowTitle() == "Values"
    assert dock.units_model.index(0, 0).data() == "x1"  # the names the network view prints
    assert dock.units_model.index(5, 0).data() == "o2"
    assert dock.weights_model.index(0, 0).data() == "x1→h1"
    assert dock.units_table.isColumnHidden(5)  # Mazur does not train biases


def test_every_position_shows_exactly_the_cores_numbers(dock, controller):
    stepper = controller.stepper
    for _ in range(len(stepper.trace) + 2):  # through the sample and into the next one
        check_matches_core(dock, stepper)
        controller.step()
    assert stepper.samples_done == 1


def test_unknown_values_are_blank(dock, controller):
    assert text(dock, "w:1:0:0") == "0.15"
    assert text(dock, "u:0:1") == "0.1"
    assert text(dock, "y:1") == "0.99"
    assert text(dock, "z:1:0") == ""
    controller.step()
    assert text(dock, "z:1:0") == "0.3775"
    assert text(dock, "u:1:0") == ""
    assert text(dock, "z:1:0", Role.ToolTipRole).startswith("0.3775")


def test_jumps_and_steps_back_restore_the_display_exactly(dock, controller):
    stepper = controller.stepper
    seen = [snapshot(dock)]
    for _ in range(len(stepper.trace) + 1):  # the last step starts the next sample
        controller.step()
        seen.append(snapshot(dock))
    for expected in reversed(seen[:-1]):
        controller.back()
        assert snapshot(dock) == expected
    controller.to_end()
    assert snapshot(dock) == seen[len(stepper.trace)]
    controller.to_start()
    assert snapshot(dock) == seen[0]


def test_editing_a_weight_changes_downstream_values(dock, controller):
    controller.to_phase_end()  # the whole forward pass
    assert text(dock, "z:1:0") == "0.3775"
    model = dock.weights_model
    index = model.index_of("w:1:0:0")
    assert model.setData(index, "0.5", Role.EditRole)
    assert controller.network.layers[0].W[0, 0] == 0.5
    assert text(dock, "w:1:0:0") == "0.5"
    assert text(dock, "z:1:0") == fmt(0.5 * 0.05 + 0.2 * 0.1 + 0.35)
    check_matches_core(dock, controller.stepper)
    assert dock.warned == []


def test_editing_through_the_cell_editor(qtbot, dock, controller):
    dock.show()
    dock.tabs.setCurrentWidget(dock.units_table)
    index = dock.units_model.index_of("u:0:0")
    dock.units_table.edit(index)
    editor = dock.units_table.findChild(QLineEdit)
    assert editor is not None and editor.text() == "0.05"
    editor.setText("−0.25")  # a true minus sign, as the table shows it
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.stepper.x[0] == -0.25)  # Qt commits after the key
    assert text(dock, "u:0:0") == "−0.25"


@pytest.mark.parametrize("typed", ["abc", "", "nan", "inf", "-1e999"])
def test_a_bad_value_is_rejected_and_the_old_one_kept(qtbot, dock, controller, typed):
    model = dock.weights_model
    index = model.index_of("w:2:1:0")
    with qtbot.waitSignal(dock.edit_rejected, timeout=1000) as blocker:
        assert not model.setData(index, typed, Role.EditRole)
    message = blocker.args[0]
    assert "weight from hidden unit 1 to output unit 2" in message
    assert "0.5 was kept" in message
    assert text(dock, "w:2:1:0") == "0.5"
    assert controller.network.layers[1].W[1, 0] == 0.5
    assert not controller.dirty
    qtbot.waitUntil(lambda: dock.warned == [message])  # the message box comes after the edit


def test_only_given_values_are_editable(dock):
    editable = Qt.ItemFlag.ItemIsEditable
    for key in ("w:1:0:0", "b:2:1", "y:0", "u:0:1"):
        index = dock.units_model.index_of(key)
        if not index.isValid():
            index = dock.weights_model.index_of(key)
        assert index.flags() & editable, key
    for key in ("z:1:0", "u:1:0", "delta:2:0", "grad_w:1:0:0", "new_w:1:0:0"):
        index = dock.units_model.index_of(key)
        if not index.isValid():
            index = dock.weights_model.index_of(key)
        assert not index.flags() & editable, key
        assert not index.model().setData(index, "1", Role.EditRole)
    assert not dock.units_model.index(0, 0).flags() & editable  # the layer label


def test_the_current_operation_is_tinted_and_followed(dock, controller):
    assert all(colour is None for _, colour in snapshot(dock))
    controller.step()  # z of hidden unit 1 reads w:1:0:*, u:0:*, b:1:0
    assert text(dock, "z:1:0", Role.BackgroundRole) is not None
    assert text(dock, "w:1:0:1", Role.BackgroundRole) is not None
    assert text(dock, "w:1:1:0", Role.BackgroundRole) is None
    assert dock.units_model.index(2, 0).data(Role.BackgroundRole) is not None  # its row
    assert dock.tabs.currentWidget() is dock.units_table
    for _ in range(13):  # to the first gradient, a row of the Weights table
        controller.step()
    assert controller.stepper.current.quantity == "grad_w"
    assert dock.tabs.currentWidget() is dock.weights_table
    controller.to_start()
    assert all(colour is None for _, colour in snapshot(dock))


def test_the_gradient_of_a_bias_is_marked_in_the_delta_cell(dock, controller):
    """∂L/∂b is δ: the δ column shows it, and its step tints that cell as written."""
    net = build_network([2, 2, 1], "sigmoid", "half_squared", seed=1)
    net.sample_x, net.sample_y = np.array([1.0, 2.0]), np.array([1.0])
    controller.set_loaded(LoadedNetwork(net))
    assert dock.units_table.isColumnHidden(dock.units_model.headers.index("∂L/∂b"))
    while controller.stepper.current is None or controller.stepper.current.quantity != "grad_b":
        controller.step()
    op = controller.stepper.current
    delta = "delta:" + op.key.split(":", 1)[1]
    assert dock.units_model.index_of(op.key) == dock.units_model.index_of(delta)
    assert text(dock, delta, Role.BackgroundRole).color() == dock._written_brush.color()
    assert dock.units_model.marked_row == dock.units_model.index_of(delta).row()
    controller.step()
    assert text(dock, delta) == fmt(controller.stepper.known()[op.key])


def test_a_new_network_rebuilds_the_rows(dock, controller):
    net = build_network([3, 4, 1], "sigmoid", "half_squared", seed=1)
    net.sample_x, net.sample_y = np.array([1.0, 2.0, 3.0]), np.array([1.0])
    controller.set_loaded(LoadedNetwork(net))
    assert dock.units_model.rowCount() == 3 + 4 + 1
    assert dock.weights_model.rowCount() == 12 + 4
    assert not dock.units_table.isColumnHidden(dock.units_model.headers.index("new b"))
    for _ in range(len(controller.stepper.trace)):
        controller.step()
        check_matches_core(dock, controller.stepper)


def test_font_scale(dock):
    dock.set_font_scale(2.0)
    table = dock.weights_table
    assert table.font().pointSizeF() == pytest.approx(20)
    # A column is at least as wide as its widest number of the sample at that size.
    texts = column_texts(dock.weights_model, sample_values(dock.controller.stepper))[1]
    widest = max(table.fontMetrics().horizontalAdvance(t) for t in texts)
    assert table.columnWidth(1) > widest


def test_typing_the_rounded_value_shown_sets_it_exactly(dock, controller):
    controller.to_end()
    controller.step()  # after the update w1 is 0.149780716…, shown as 0.1498
    model = dock.weights_model
    row, col = model._index_of["w:1:0:0"]
    index = model.index(row, col)
    assert index.data() == "0.1498"
    assert index.data(Role.EditRole) == repr(float(controller.stepper.network.layers[0].W[0, 0]))
    assert model.setData(index, "0.1498", Role.EditRole)
    assert controller.stepper.network.layers[0].W[0, 0] == 0.1498


def write_3542(folder) -> str:
    """The 3-5-4-2 tanh network whose small numbers were once elided ("−0.000…")."""
    layers = [{"units": n, "activation": "tanh"} for n in (5, 4)]
    layers.append({"units": 2, "activation": "sigmoid"})
    net = {"format": "backprop-network", "version": 1, "name": "3-5-4-2", "inputs": 3,
           "init": {"scheme": "xavier", "seed": 3}, "layers": layers, "loss": "half_squared",
           "train_biases": True, "optimizer": {"name": "sgd", "learning_rate": 0.5},
           "sample": {"x": [0.3, 0.6, 0.9], "y": [0.5, 0.5]}}
    path = folder / "net-3-5-4-2.json"
    path.write_text(json.dumps(net))
    return str(path)


def check_whole(qtbot, dock):
    """Each table shown in turn: every column in view, no sideways scroll bar, and every cell's
    text no wider than its column less the grid line and the style's text margins (what Qt
    would otherwise elide)."""
    for table in (dock.units_table, dock.weights_table):
        dock.tabs.setCurrentWidget(table)
        model, header = table.model(), table.horizontalHeader()
        port = table.viewport()
        qtbot.waitUntil(lambda: not dock._fit_timer.isActive())  # fitted after the tab change
        metrics = QFontMetricsF(table.font())
        margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
        for c in range(model.columnCount()):
            if table.isColumnHidden(c):
                continue
            assert header.sectionViewportPosition(c) + header.sectionSize(c) <= port.width()
            room = table.columnWidth(c) - 1 - 2 * (margin + 1)
            for r in range(model.rowCount()):
                text = model.index(r, c).data()
                assert metrics.horizontalAdvance(text or "") <= room, (text, model.headers[c])
        bar = table.horizontalScrollBar()  # its range follows the columns after an event
        qtbot.waitUntil(lambda: bar.maximum() == 0, timeout=2000)  # noqa: B023
    assert {"b", "y"} <= {h for c, h in enumerate(dock.units_model.headers)
                          if not dock.units_table.isColumnHidden(c)}


@pytest.mark.parametrize("example", ["mazur", "circle", "softmax3", "3-5-4-2"])
def test_every_number_is_whole_at_1280_by_800(make_window, qtbot, tmp_path, example):
    """At the end of a sample (where the longest numbers are) and at its start."""
    window = make_window("mazur" if example == "3-5-4-2" else example, size=(1280, 800))
    if example == "3-5-4-2":
        window.controller.set_loaded(load_network(write_3542(tmp_path)))
    dock = window.values_dock
    width = dock.width()
    window.controller.to_end()
    check_whole(qtbot, dock)
    assert dock.width() == width  # normal mode: the dock's own width is enough
    widths = [dock.units_table.columnWidth(c) for c in range(8)]
    window.controller.to_start()
    check_whole(qtbot, dock)
    dock.tabs.setCurrentWidget(dock.units_table)
    qtbot.waitUntil(lambda: not dock._fit_timer.isActive())
    assert [dock.units_table.columnWidth(c) for c in range(8)] == widths  # sized for the sample


def test_presenter_mode_the_dock_widens_then_shrinks_its_numbers(make_window, qtbot, tmp_path):
    """Shown in presenter mode at 1280 × 800, the 3-5-4-2 network's seven columns need more
    than the dock's width at 1.6 × the text: it takes up to MAX_SHARE of the window, then
    smaller numbers (never under MIN_SHRINK of their size), and every number stays whole."""
    window = make_window("mazur", size=(1280, 800))
    window.controller.set_loaded(load_network(write_3542(tmp_path)))
    window.presenter_action.setChecked(True)
    window.showNormal()  # offscreen there is no screen to fill
    window.resize(1280, 800)
    dock = window.values_dock
    before = dock.width()
    dock.toggleViewAction().trigger()
    assert dock.isVisible()
    window.controller.to_end()
    check_whole(qtbot, dock)
    asked = dock.tabs.font().pointSizeF()
    points = dock.units_table.font().pointSizeF()
    assert before < dock.width() <= MAX_SHARE * window.width() + 1
    assert MIN_SHRINK * asked <= points <= asked
    # The user may narrow the dock again; the next step does not widen it back.
    window.resizeDocks([dock], [before], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() == before)
    window.controller.back()
    qtbot.wait(20)
    assert dock.width() == before


def test_larger_text_grows_the_rows(make_window):
    window = make_window("mazur", size=(1280, 800))
    table = window.values_dock.units_table
    before = table.verticalHeader().defaultSectionSize()
    window.scale_text(1.3)
    assert table.verticalHeader().defaultSectionSize() > before


def test_a_refused_edit_of_a_computed_value_names_it_once(controller, qtbot):
    dock = ValuesDock(controller)
    qtbot.addWidget(dock)
    messages = []
    dock.warn = lambda message: None  # no message box in a test
    dock.edit_rejected.connect(messages.append)
    assert not dock.commit_edit("z:1:0", "1")
    assert messages and messages[0].count("z:1:0") == 1


def test_layer_by_layer_the_gradient_of_a_bias_has_its_own_column(make_window, tmp_path):
    """With a batch, ∂L/∂b is the batch's mean of δ, not the shown sample's δ: its own column
    then, and back in the δ column when the Stepper steps one sample again."""
    path = tmp_path / "net.json"
    net = {"format": "backprop-network", "version": 1, "name": "x", "inputs": 3,
           "init": {"scheme": "xavier", "seed": 3},
           "layers": [{"units": 4, "activation": "tanh"}, {"units": 2, "activation": "sigmoid"}],
           "loss": "half_squared", "train_biases": True,
           "optimizer": {"name": "sgd", "learning_rate": 0.5},
           "sample": {"x": [0.3, 0.6, 0.9], "y": [0.5, 0.5]}}
    path.write_text(json.dumps(net))
    window = make_window("mazur")
    assert window.open_path(str(path))
    c, dock = window.controller, window.values_dock
    model, table = dock.units_model, dock.units_table
    column = model.headers.index("∂L/∂b")
    assert table.isColumnHidden(column)
    c.layers.set_on(True)
    c.layers.set_batch_size(4)
    dock.refresh()
    assert not table.isColumnHidden(column)
    while c.active_stepper.current is None or c.active_stepper.current.quantity != "grad_b":
        c.step()
    c.step()
    dock.refresh()
    known = c.known()
    keys = [k for k in known if k.startswith("grad_b:")]
    assert keys
    for key in keys:
        assert model.index_of(key).column() == column
        assert model.index_of(key).data() == fmt(known[key])
    assert any(fmt(known[k]) != fmt(known[k.replace("grad_b", "delta")]) for k in keys)
    c.layers.set_on(False)
    dock.refresh()
    assert table.isColumnHidden(column)
