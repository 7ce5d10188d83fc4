"""GUI tests keep their QSettings in a temporary folder, never in the user's own; the main
window and a step controller as most GUI tests start from."""

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from core.netfile import LoadedNetwork
from gui.main_window import MainWindow
from gui.stepper.controller import StepController
from tests.core.helpers import mazur


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    QCoreApplication.setOrganizationName("BackpropStepperTests")
    QCoreApplication.setApplicationName("Backprop Stepper Tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield tmp_path


@pytest.fixture
def make_window(qtbot):
    """Makes a shown main window with an example open: ``make_window("circle", size=(w, h))``.
    Error messages collect in ``win.errors`` instead of a message box, and a question about
    unsaved changes is answered "discard"."""

    def make(example: str = "mazur", size: tuple[int, int] | None = None):
        win = MainWindow()
        qtbot.addWidget(win)
        win.errors = []
        win.show_error = lambda title, message: win.errors.append(message)
        win.ask_discard = lambda: "discard"
        assert win.open_example(example)
        if size is not None:
            win.resize(*size)
        win.show()
        qtbot.waitExposed(win)
        return win

    return make


@pytest.fixture
def window(make_window):
    """The main window with the Mazur example open (see ``make_window``)."""
    return make_window()


@pytest.fixture
def controller():
    """A step controller with the Mazur network loaded, for a widget tested on its own."""
    controller = StepController()
    controller.set_loaded(LoadedNetwork(mazur()))
    return controller
