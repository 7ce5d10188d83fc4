"""The stepping window as a user drives it: keys, numbers on screen, files, presenter mode."""

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from core.examples import example_path
from core.notation import fmt
from gui.stepper.network_view import PLACEHOLDER

ROOT = Path(__file__).resolve().parents[2]


def shown(win) -> dict[str, str]:
    """What the network view prints for each value key (prefixes removed)."""
    out = {}
    for key, (item, prefix) in win.network_view.labels.items():
        if not key.startswith(("name:", "edge:")):
            out[key] = item.text()[len(prefix):]
    return out


def display(win) -> tuple:
    """Everything the user reads: view labels, edge labels, equation panel, progress."""
    edges = {k: item.text() for k, (item, _) in win.network_view.labels.items()
             if k.startswith("edge:")}
    panel = win.equation_panel
    return (shown(win), edges, panel.heading_text, panel.substituted_html, panel.result_text,
            win.step_controls.progress.text())


def test_every_position_shows_the_cores_numbers(window):
    stepper = window.controller.stepper
    for _ in range(len(stepper.trace) + 1):
        known = stepper.known()
        for key, text in shown(window).items():
            assert text == (fmt(known[key]) if key in known else PLACEHOLDER), key
        op = stepper.current
        if op is not None:
            assert fmt(op.value) in window.equation_panel.result_text
        window.step_controls.actions["step"].trigger()
    assert stepper.samples_done == 1 and stepper.cursor == 0


def test_step_back_restores_the_previous_display(window):
    displays = []
    for _ in range(len(window.controller.stepper.trace)):
        displays.append(display(window))
        window.step_controls.actions["step"].trigger()
    for expected in reversed(displays):
        window.step_controls.actions["back"].trigger()
        assert display(window) == expected


def test_keys_step_whatever_has_focus(window, qtbot):
    window.activateWindow()
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=2000)
    stepper = window.controller.stepper
    for widget in (window.network_view, window.values_dock.units_table):
        widget.setFocus()
        start = stepper.cursor
        qtbot.keyClick(widget, Qt.Key.Key_Right)
        qtbot.keyClick(widget, Qt.Key.Key_Space)
        assert stepper.cursor == start + 2, widget
        qtbot.keyClick(widget, Qt.Key.Key_Left)
        assert stepper.cursor == start + 1
    qtbot.keyClick(window.network_view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert stepper.position()[1:] == (8, 8)
    qtbot.keyClick(window.network_view, Qt.Key.Key_End)
    assert stepper.at_end
    qtbot.keyClick(window.network_view, Qt.Key.Key_Home)
    assert stepper.cursor == 0
    qtbot.keyClick(window.network_view, Qt.Key.Key_N)
    assert stepper.samples_done == 1
    assert "sample 2" in window.step_controls.progress.text()


def test_progress_line(window):
    actions = window.step_controls.actions
    for _ in range(11):
        actions["step"].trigger()
    assert window.step_controls.progress.text() == "backward · 2 of 4 · sample 1"


def test_play_steps_automatically(window, qtbot):
    window.step_controls.speed.setValue(20)
    window.step_controls.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.controller.stepper.cursor >= 3, timeout=3000)
    window.step_controls.play_action.setChecked(False)
    cursor = window.controller.stepper.cursor
    qtbot.wait(200)
    assert window.controller.stepper.cursor == cursor


def test_editing_a_weight_in_the_view_changes_downstream_values(window):
    for _ in range(8):
        window.step_controls.actions["step"].trigger()
    before = shown(window)
    window.network_view.ask_value = lambda key, current: "0.9"
    window.network_view.edit_value("w:1:0:0")
    after = shown(window)
    assert after["z:1:0"] == fmt(0.9 * 0.05 + 0.2 * 0.1 + 0.35)
    assert after["u:2:0"] != before["u:2:0"]
    assert window.controller.stepper.cursor == 8
    assert window.isWindowModified()
    window.network_view.ask_value = lambda key, current: "abc"
    failures = []
    window.network_view.edit_failed.connect(failures.append)
    window.network_view.edit_value("b:1:0")
    assert failures and "not a number" in failures[0]


def test_malformed_file_keeps_the_previous_network(window, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "backprop-network", "version": 1, "inputs": 2, "layers": []}')
    before = window.controller.network
    assert not window.open_path(str(bad))
    assert window.errors and "layers" in window.errors[0]
    assert window.controller.network is before
    assert window.network_view.labels  # the view still shows it


def test_unsaved_changes_prompt(window, tmp_path):
    window.controller.edit("w:1:0:0", 0.5)
    assert window.controller.dirty
    asked = []
    window.ask_discard = lambda: asked.append(1) or "cancel"
    assert not window.open_example("xor")
    assert asked and window.controller.network.name == "Mazur 2-2-2"
    window.ask_discard = lambda: "discard"
    assert window.open_example("xor")
    assert not window.controller.dirty


def test_save_and_open_round_trip(window, tmp_path, monkeypatch):
    window.controller.edit("w:2:0:1", -0.25)
    path = tmp_path / "edited.json"
    window.controller.save(str(path))
    assert not window.controller.dirty and not window.isWindowModified()
    data = json.loads(path.read_text())
    assert data["layers"][1]["weights"][0][1] == -0.25
    assert window.open_path(str(path))
    assert window.controller.path == str(path)
    assert window.recent_files()[0] == str(path)
    assert "edited.json" in window.windowTitle()


def test_presenter_mode_and_text_scale(window):
    size_before = window.equation_panel.font().pointSizeF()
    window.presenter_action.trigger()
    assert window.presenter and not window.values_dock.isVisible()
    assert not window.training_dock.isVisible() and not window.lesson_panel.isVisible()
    assert window.network_view.font_scale > 1.5
    window.scale_text(1.15)
    assert window.settings.value("font_scale") is not None
    window.presenter_action.trigger()
    assert not window.presenter and window.values_dock.isVisible()
    assert window.equation_panel.font().pointSizeF() >= size_before


def test_screenshot_command_writes_a_png_of_the_requested_size(tmp_path):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "main.py", "--example", "mazur", "--steps", "12", "--screenshot",
         str(out), "--size", "900x600"],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    result = subprocess.run(
        [sys.executable, "main.py", "--example", "nope", "--screenshot", str(out)],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2 and "no example 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_examples_menu_lists_every_example(window):
    names = [a.text() for a in window.files.examples_menu.actions()]
    assert "mazur" in names and "circle" in names
    assert os.path.isfile(example_path("circle"))


def test_step_keys_drive_the_computation_graph_tab(window):
    window.tabs.setCurrentWidget(window.graph_tab)
    graph = window.graph_tab.controller
    network_cursor = window.controller.stepper.cursor
    start = graph.cursor
    window.step_controls.actions["step"].trigger()
    window.step_controls.actions["step"].trigger()
    assert graph.cursor == start + 2
    assert window.controller.stepper.cursor == network_cursor
    window.step_controls.actions["end"].trigger()
    assert graph.at_end
    assert window.step_controls.progress.text().startswith("backward")
    window.tabs.setCurrentIndex(0)
    window.step_controls.actions["step"].trigger()
    assert window.controller.stepper.cursor == network_cursor + 1


def test_shipped_examples_are_never_saved_over(window, tmp_path):
    assert window.open_path(example_path("circle"))
    assert window.controller.path == ""  # opened as an untitled copy
    window.controller.edit("w:1:0:0", 0.123)
    window.ask_save_path = lambda: example_path("circle")
    assert not window.save()
    assert window.errors and "examples stay as they are" in window.errors[-1]
    assert "0.123" not in Path(example_path("circle")).read_text()
    target = tmp_path / "mine.json"
    window.ask_save_path = lambda: str(target)
    assert window.save() and target.is_file()


def test_a_broken_last_file_falls_back_to_the_example(window, tmp_path, capsys):
    from gui.app import _last_file

    good = tmp_path / "good.json"
    window.controller.save(str(good))
    window.settings.setValue("last_file", str(good))
    assert _last_file(window) == str(good)
    good.write_text('{"format": "backprop-network",')  # now truncated
    assert _last_file(window) == ""
    assert "not reopening the last file" in capsys.readouterr().err
