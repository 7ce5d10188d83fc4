"""File ▸ Export in the window: dialogs answered by the test, progress that can cancel, the
status bar naming the file, and Copy formula as LaTeX on the equation panel."""

import json

import nbformat
import pytest
from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QProgressDialog


def answer(window, path, options=None):
    window.exports.ask_path = lambda title, name_filter, suffix: str(path)
    window.exports.ask_options = lambda kind: options


def test_export_menu_is_in_the_file_menu(window):
    titles = [a.text() for a in window.file_menu.actions()]
    assert "E&xport" in titles
    assert titles.index("E&xport") < titles.index("&Quit")
    texts = [a.text() for a in window.exports.menu.actions()]
    assert "&Slides (PDF)…" in texts and "Note&book (Jupyter)…" in texts
    assert "Copy formula as LaTeX" in texts


def test_slides_from_the_menu_leave_the_users_cursor_alone(window, tmp_path):
    for _ in range(4):
        window.step_controls.actions["step"].trigger()
    path = tmp_path / "three.pdf"
    answer(window, path, {"from": 1, "to": 3, "presenter": True})
    window.exports.actions["slides"].trigger()
    assert len(PdfReader(path).pages) == 3
    assert window.statusBar().currentMessage() == f"Wrote {path} (3 pages)"
    assert window.controller.stepper.cursor == 4
    assert window.errors == []


def test_a_cancelled_export_writes_nothing(window, tmp_path, monkeypatch):
    path = tmp_path / "steps.gif"
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    answer(window, path, {})
    window.exports.actions["animate"].trigger()
    assert not path.exists() and list(tmp_path.iterdir()) == []
    assert window.statusBar().currentMessage() == "Export cancelled; nothing was written."


def test_a_bad_range_is_one_clear_error(window, tmp_path):
    answer(window, tmp_path / "x.pdf", {"from": 5, "to": 99})
    window.exports.actions["slides"].trigger()
    assert window.errors == ["--to 99 is outside this sample's steps 0 … 29"]
    assert list(tmp_path.iterdir()) == []


def test_notebook_and_latex_from_the_menu(window, tmp_path):
    answer(window, tmp_path / "mazur.ipynb")
    window.exports.actions["ipynb"].trigger()
    nb = nbformat.read(tmp_path / "mazur.ipynb", as_version=4)
    nbformat.validate(nb)
    assert json.loads((tmp_path / "mazur.ipynb").read_text())["nbformat"] == 4
    answer(window, tmp_path / "mazur.tex")
    window.exports.actions["latex"].trigger()
    assert (tmp_path / "mazur.tex").read_text().startswith(r"\documentclass")
    assert window.statusBar().currentMessage() == f"Wrote {tmp_path / 'mazur.tex'}"


def test_diagram_from_the_menu(window, tmp_path):
    answer(window, tmp_path / "net.svg")
    window.exports.actions["diagram"].trigger()
    assert "0.05" in (tmp_path / "net.svg").read_text()


def test_training_animation_from_the_menu(make_window, tmp_path):
    window = make_window("circle")
    path = tmp_path / "train.gif"
    answer(window, path, {"epochs": 6, "every": 3, "delay": 100})
    window.exports.actions["animate_training"].trigger()
    assert window.errors == []
    with Image.open(path) as gif:
        assert gif.n_frames == 3
    assert window.statusBar().currentMessage() == f"Wrote {path} (3 frames)"


@pytest.mark.parametrize(("steps", "expected"), [
    (18, (r"\frac{\partial L}{\partial w_{j,i}} = \delta _{j} u_{i}",
          r"\frac{\partial L}{\partial w^{(1)}_{1,1}} = 0.008771\cdot 0.05 = 0.0004386")),
])  # fmt: skip
def test_copy_formula_as_latex(window, steps, expected):
    copy = window.exports.copy_latex
    assert not copy.formula.isEnabled()  # nothing computed yet at the start
    for _ in range(steps):
        window.step_controls.actions["step"].trigger()
    op = window.controller.stepper.current
    assert op.quantity == "grad_w" and (op.layer, op.unit, op.input) == (1, 0, 0)
    copy.formula.trigger()
    assert QGuiApplication.clipboard().text() == expected[0]
    copy.substituted.trigger()
    assert QGuiApplication.clipboard().text() == expected[1]
    assert "Copied to the clipboard" in window.statusBar().currentMessage()
    panel = window.equation_panel
    assert panel.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert copy.formula in panel.actions() and copy.substituted in panel.actions()
