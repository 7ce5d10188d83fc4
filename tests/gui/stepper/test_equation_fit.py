"""The equation panel never cuts its text off at 1280x800, normal or presenter: its fonts shrink a
little to fit the room under the network, and what still does not fit scrolls (the scroll bar is
there and reaches the end). Measured on the laid-out window, not from constants."""

import json

import pytest
from PySide6.QtWidgets import QLabel

NETWORK_3542 = {
    "format": "backprop-network", "version": 1, "name": "3-5-4-2", "inputs": 3,
    "init": {"scheme": "xavier", "seed": 3},
    "layers": [{"units": 5, "activation": "tanh"}, {"units": 4, "activation": "tanh"},
               {"units": 2, "activation": "sigmoid"}],
    "loss": "half_squared", "train_biases": True,
    "optimizer": {"name": "sgd", "learning_rate": 0.5},
    "sample": {"x": [0.3, 0.6, 0.9], "y": [0.5, 0.5]},
}


def adam_mazur(path):
    from pathlib import Path

    data = json.loads(Path("resources/examples/mazur.json").read_text(encoding="utf-8"))
    data["optimizer"] = {"name": "adam", "learning_rate": 0.1}
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def open_at(window, qtbot, path, key):
    assert window.files.open_path(path, remember=False)
    stepper = window.controller.stepper
    while stepper.current is None or stepper.current.key != key:
        window.controller.step()
    qtbot.wait(50)  # let the splitter (its presenter split) and the scroll area lay it out


@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize("case", ["3542", "adam"])
def test_the_whole_text_is_visible_or_scrolls_to_the_end(make_window, qtbot, tmp_path,
                                                         presenter, case):
    window = make_window("mazur", size=(1280, 800))
    if presenter:
        window.presenter_action.trigger()
    if case == "3542":
        path = tmp_path / "n3542.json"
        path.write_text(json.dumps(NETWORK_3542), encoding="utf-8")
        open_at(window, qtbot, str(path), "grad_w:3:1:0")
    else:
        open_at(window, qtbot, adam_mazur(tmp_path / "adam.json"), "new_w:2:0:0")
    panel = window.equation_panel
    scroll = panel.parentWidget().parentWidget()
    viewport = scroll.viewport()
    # (In presenter mode a step that needs more room grows the panel: its new height is laid
    # out a turn of the event loop later.)
    qtbot.waitUntil(lambda: viewport.height() >= window.splitter.sizes()[1] - 2, timeout=1000)
    needed = panel.needed_height(viewport.width())
    bar = scroll.verticalScrollBar()
    fits = needed <= viewport.height()
    if case == "3542" or not presenter:  # (Adam's five rules: presenter mode grows the panel
        assert fits, (needed, viewport.height(), panel.fit)  # for them, to 45 % at most)
    if not fits:  # scrolls, to the end of the last sentence
        assert bar.isVisible() and bar.maximum() >= needed - viewport.height() - 1
        assert panel.fit == pytest.approx(0.75)  # shrunk as far as it goes first
    # The sentence, the last line, lies inside the panel and is not elided (once the panel's
    # layout has caught up with its fonts: presenter mode splits the height anew).
    label = panel.findChild(QLabel, "equation_sentence")
    qtbot.waitUntil(lambda: label.heightForWidth(label.width()) <= label.height(), timeout=1000)
    assert label.isVisible() and label.geometry().bottom() <= panel.height()
    assert label.heightForWidth(label.width()) <= label.height()
    # Fonts shrink only a little: never below 75% of the text scale.
    assert panel.fit >= 0.75
