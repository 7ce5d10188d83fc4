"""Edits in the stepper (weights, biases, inputs, targets, from the view or the Values dock) are
undoable from Edit ▸ Undo/Redo, with texts and messages in the names people use."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from core.notation import fmt

Role = Qt.ItemDataRole

# key, its name, how to read it from the controller
KINDS = [
    ("w:1:0:0", "w(1)1,1", lambda c: c.network.layers[0].W[0, 0]),
    ("b:2:1", "b(2)2", lambda c: c.network.layers[1].b[1]),
    ("u:0:1", "x2", lambda c: c.stepper.x[1]),
    ("y:0", "y1", lambda c: c.stepper.y[0]),
]


def _from_view(window, key, text):
    window.network_view.ask_value = lambda k, current: text
    window.network_view.edit_value(key)


def _from_dock(window, key, text):
    dock = window.values_dock
    for model in (dock.units_model, dock.weights_model):
        index = model.index_of(key)
        if index.isValid():
            assert model.setData(index, text, Role.EditRole)
            return
    raise KeyError(key)


def _shown_in_dock(window, key) -> str:
    dock = window.values_dock
    for model in (dock.units_model, dock.weights_model):
        index = model.index_of(key)
        if index.isValid():
            return index.data(Role.DisplayRole)
    raise KeyError(key)


@pytest.mark.parametrize("edit", [_from_view, _from_dock], ids=["view", "dock"])
@pytest.mark.parametrize("key, name, read", KINDS, ids=[k[1] for k in KINDS])
def test_each_kind_of_edit_undoes_and_redoes(window, edit, key, name, read):
    c = window.controller
    old = float(read(c))
    assert not window.undo_action.isEnabled()
    edit(window, key, "1.0")
    assert read(c) == 1.0 and c.dirty
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == f"&Undo Set {name} to 1.0"
    window.undo_action.trigger()
    assert read(c) == old
    assert _shown_in_dock(window, key) == fmt(old)
    assert window.redo_action.text() == f"&Redo Set {name} to 1.0"
    window.redo_action.trigger()
    assert read(c) == 1.0
    assert _shown_in_dock(window, key) == fmt(1.0)
    assert window.errors == []


def test_the_edit_menu_follows_the_tab(window):
    window.controller.edit("w:1:0:0", 2.0)
    window.tabs.setCurrentWidget(window.training_tab)
    assert not window.undo_action.isEnabled()  # no training change yet
    window.tabs.setCurrentWidget(window.stepper_tab)
    assert window.undo_action.text() == "&Undo Set w(1)1,1 to 2.0"


def test_the_edit_menu_follows_the_last_change(window):
    window.controller.edit("w:1:0:0", 2.0)
    dock = window.training_dock
    dock.seed.setText("77")
    dock.seed.editingFinished.emit()  # the Training dock is there on the Stepper tab too
    assert window.undo_action.text() == "&Undo Seed 77"
    window.undo_action.trigger()
    assert window.training.settings.seed != 77
    window.controller.edit("b:1:0", 3.0)
    assert window.undo_action.text() == "&Undo Set b(1)1 to 3.0"


def test_a_new_network_or_a_committed_update_starts_a_new_history(window):
    window.controller.edit("w:1:0:0", 2.0)
    window.controller.to_end()
    window.controller.step()  # the update is committed: the edit is history
    assert not window.undo_action.isEnabled()
    window.controller.edit("b:1:0", 2.0)
    assert window.undo_action.isEnabled()
    assert window.open_example("xor")
    assert not window.undo_action.isEnabled()


def test_messages_use_names_people_use(window, monkeypatch):
    failures = []
    window.network_view.edit_failed.connect(failures.append)
    _from_view(window, "b:1:0", "abc")
    _from_view(window, "w:2:1:0", "inf")
    assert failures == ["Cannot set b(1)1: 'abc' is not a number",
                        "Cannot set w(2)2,1: must be a finite number, not inf"]
    asked = []

    def get_text(parent, title, label, text=""):
        asked.append(label)
        return "", False

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    window.network_view.ask_value = window.network_view._ask_value
    window.network_view.edit_value("w:1:0:0")
    assert asked == ["New value of the weight w(1)1,1:"]
    window.errors.clear()
    window.values_dock.warn = lambda message: None  # its own (queued) message box
    assert not window.values_dock.commit_edit("w:1:0:0", "nan")
    assert window.errors and window.errors[0].startswith(
        "Cannot set w(1)1,1 (the weight from input 1 to hidden unit 1): ")
    assert "w:1:0:0" not in window.errors[0]
