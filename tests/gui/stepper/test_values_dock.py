"""The Values dock shows exactly the core's numbers at the cursor, blanks for the unknown, and
edits the given values through the controller."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from core.netfile import LoadedNetwork
from core.network import build_network
from core.notation import fmt
from gui.stepper.values_dock import ValuesDock

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
            expected = fmt(known[key]) if key in known else ""
            assert text(dock, key) == expected, (stepper.cursor, key)
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


def test_a_new_network_rebuilds_the_rows(dock, controller):
    net = build_network([3, 4, 1], "sigmoid", "half_squared", seed=1)
    net.sample_x, net.sample_y = np.array([1.0, 2.0, 3.0]), np.array([1.0])
    controller.set_loaded(LoadedNetwork(net))
    assert dock.units_model.rowCount() == 3 + 4 + 1
    assert dock.weights_model.rowCount() == 12 + 4
    assert not dock.units_table.isColumnHidden(6)
    for _ in range(len(controller.stepper.trace)):
        controller.step()
        check_matches_core(dock, controller.stepper)


def test_font_scale(dock):
    dock.set_font_scale(2.0)
    assert dock.weights_table.font().pointSizeF() == pytest.approx(20)
    # A column holds at least a four-digit number; it grows to share the dock's width.
    assert dock.weights_table.columnWidth(1) > dock.weights_table.fontMetrics().horizontalAdvance(
        "−0.1234"
    )


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


def test_every_column_fits_the_dock_at_1280_by_800(make_window, qtbot):
    window = make_window("circle", size=(1280, 800))
    dock = window.values_dock
    for table in (dock.units_table, dock.weights_table):
        dock.tabs.setCurrentWidget(table)
        qtbot.wait(60)  # the columns are fitted once the step's events are through
        header = table.horizontalHeader()
        port = table.viewport().width()
        for c in range(table.model().columnCount()):
            right = header.sectionViewportPosition(c) + header.sectionSize(c)
            assert right <= port + 1, table.model().headers[c]
            assert header.sectionSize(c) >= table.fontMetrics().horizontalAdvance("−0.00")
        assert not table.horizontalScrollBar().isVisible()
    headers = dock.units_table.model().headers
    assert "b" in headers and "y" in headers


def test_larger_text_grows_the_rows(make_window):
    window = make_window("mazur", size=(1280, 800))
    table = window.values_dock.units_table
    before = table.verticalHeader().defaultSectionSize()
    window.scale_text(1.3)
    assert table.verticalHeader().defaultSectionSize() > before


def test_numbers_are_whole_once_known(make_window, qtbot):
    """The units table shares its width by what the columns show: after a whole sample of the
    circle network every number fits its column, and no column is out of view."""
    window = make_window("circle", size=(1280, 800))
    window.controller.to_end()
    table, model = window.values_dock.units_table, window.values_dock.units_model
    # The columns are shared out once the event loop has laid the table out (not a timing).
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=5000)
    metrics = table.fontMetrics()
    for c in range(1, model.columnCount()):
        for r in range(model.rowCount()):
            text = model.data(model.index(r, c))
            if text:
                assert metrics.horizontalAdvance(text) + 6 <= table.columnWidth(c), (text, c)
    assert table.horizontalScrollBar().maximum() == 0


def test_a_refused_edit_of_a_computed_value_names_it_once(controller, qtbot):
    from gui.stepper.values_dock import ValuesDock

    dock = ValuesDock(controller)
    qtbot.addWidget(dock)
    messages = []
    dock.warn = lambda message: None  # no message box in a test
    dock.edit_rejected.connect(messages.append)
    assert not dock.commit_edit("z:1:0", "1")
    assert messages and messages[0].count("z:1:0") == 1
