"""A label in a SteadyLabel box: a new text of the same size re-lays out nothing above the box;
a text that needs another size gets it, also when it came while the box was hidden."""

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gui.steady_label import SteadyLabel

LONG = "epoch 1200 · train 0.01234 · test 0.02345 · accuracy 100% / 99% " * 3


class LayoutRequests(QObject):
    """Counts the layout requests ``widget`` receives."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def window_with(qtbot, label: QLabel, boxed: bool, horizontal: bool = False):
    """A window whose panel holds ``label`` (in a box or not) over a filler."""
    window = QWidget()
    qtbot.addWidget(window)
    panel = QWidget()
    inner = QHBoxLayout(panel) if horizontal else QVBoxLayout(panel)
    inner.addWidget(SteadyLabel(label) if boxed else label)
    inner.addWidget(QWidget(), 1)
    QVBoxLayout(window).addWidget(panel)
    window.resize(260, 300)
    return window


def settle(qtbot) -> None:
    qtbot.wait(20)


@pytest.mark.parametrize("boxed", [False, True])
def test_a_new_text_of_the_same_size_lays_out_nothing_above_the_box(qtbot, boxed):
    label = QLabel("epoch 1 · train 0.5")
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    window = window_with(qtbot, label, boxed)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot)
    requests = LayoutRequests(window)
    for epoch in range(2, 6):
        label.setText(f"epoch {epoch} · train 0.{epoch}")
        settle(qtbot)
    assert label.text() == "epoch 5 · train 0.5"
    if boxed:
        assert requests.count == 0
    else:  # what the box is for: a bare label's new text re-lays out the whole window
        assert requests.count >= 4


def shown_on_one_line(qtbot) -> tuple[QLabel, int, QWidget]:
    """A boxed label of one short line in a shown window, its height, and the window (kept by
    the caller)."""
    label = QLabel("short")
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    window = window_with(qtbot, label, boxed=True)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot)
    return label, label.height(), window


def test_a_wrapped_text_that_needs_more_lines_gets_them(qtbot):
    label, one_line, _window = shown_on_one_line(qtbot)
    label.setWordWrap(True)
    label.setText(LONG)
    settle(qtbot)
    assert label.height() >= label.heightForWidth(label.width()) > 2 * one_line
    label.setText("short again")
    settle(qtbot)
    assert label.height() < 2 * one_line


def test_a_wider_text_widens_a_label_whose_width_counts(qtbot):
    label = QLabel("live · newest 9 · 1 recorded")
    window = window_with(qtbot, label, boxed=True, horizontal=True)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot)
    narrow = label.width()
    label.setText("live · newest 10,000 · 100 recorded")
    settle(qtbot)
    assert label.width() >= label.sizeHint().width() > narrow


def test_a_text_set_while_hidden_gets_its_room_when_shown(qtbot):
    label, one_line, _window = shown_on_one_line(qtbot)
    panel = label.parentWidget().parentWidget()
    panel.hide()
    label.setWordWrap(True)
    label.setText(LONG)
    settle(qtbot)
    panel.show()
    settle(qtbot)
    assert label.height() >= label.heightForWidth(label.width()) > 2 * one_line
