"""What importing the gui package sets up before Qt paints anything."""

import os

import gui


def test_qt_paints_without_its_thread_pool():
    """Qt reads QT_NO_GUI_THREADPOOL when it first paints (see gui/__init__.py why it is set)."""
    assert gui.__name__ == "gui"
    assert "QT_NO_GUI_THREADPOOL" in os.environ
