"""An exception escaping a slot shows a dialog and the app keeps running."""

import sys

import pytest
from PySide6.QtCore import QTimer

import gui.app


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_is_shown_and_the_app_survives(qtbot, monkeypatch, capsys):
    shown = []
    monkeypatch.setattr(gui.app, "show_unexpected_error", lambda k, v: shown.append((k, v)))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    gui.app.install_exception_hook()

    def broken_slot():
        raise RuntimeError("boom in a slot")

    ran_after = []
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(broken_slot)
    timer.start(0)
    QTimer.singleShot(20, lambda: ran_after.append(True))
    qtbot.waitUntil(lambda: bool(shown and ran_after), timeout=2000)
    assert shown[0][0] is RuntimeError and "boom" in str(shown[0][1])
    assert "boom in a slot" in capsys.readouterr().err
