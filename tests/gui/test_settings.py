"""Whatever is in the settings file, the window starts, with the default for each bad value and
one warning per bad key."""

import os

import pytest
from PySide6.QtCore import QSettings

from gui import settings as gui_settings
from gui.main_window import MainWindow


def _write_ini(text: str) -> None:
    """Replace the (test) settings file with ``text``."""
    path = QSettings().fileName()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("[General]\n" + text)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(gui_settings, "_WARNED", set())


@pytest.mark.parametrize("bad", ["abc", "nan", "1e308", "1, 2", "inf", "-3", "@Invalid()", ""])
def test_a_bad_font_scale_falls_back_to_1_with_one_warning(qtbot, capfd, bad):
    _write_ini(f"font_scale={bad}\n")
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.font_scale == 1.0
    err = capfd.readouterr().err
    if bad in ("", "@Invalid()"):  # Qt reads these as "no value": nothing to warn about
        return
    assert err.count("warning: settings: font_scale:") == 1
    assert len([line for line in err.splitlines() if "font_scale" in line]) == 1
    window2 = MainWindow()  # a second read does not warn again
    qtbot.addWidget(window2)
    assert "font_scale" not in capfd.readouterr().err


def test_a_good_font_scale_is_used(qtbot):
    _write_ini("font_scale=1.5\n")
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.font_scale == 1.5


@pytest.mark.parametrize(
    "text",
    [
        "geometry=abc\nwindow_state=1, 2\n",
        "geometry=@ByteArray(garbage)\nwindow_state=@ByteArray(\\0\\x1\\xff)\n",
        "recent_files=42\nlast_file=1, 2\n",
        "lessons\\visited=3\nlessons\\completed=a, 4\nlessons\\last=1, 2\n",
        "last_file=/no/such/file.json\n",
    ],
)
def test_bad_values_of_every_other_key_never_stop_the_window(qtbot, capfd, text):
    _write_ini(text)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.files.recent_files() == [] or all(
        isinstance(p, str) for p in window.files.recent_files()
    )
    assert isinstance(window.files.last_dir(), str)
    assert isinstance(window.lessons.last_opened(), str)
    err = capfd.readouterr().err
    assert "Traceback" not in err
    for line in err.splitlines():
        assert line.startswith("warning: settings: ")


def test_a_bad_last_file_opens_mazur(qtbot, capfd, tmp_path):
    from gui import app as gui_app

    bad = tmp_path / "bad\nname.json"
    bad.write_text("{", encoding="utf-8")
    _write_ini(f"last_file={bad.as_posix()}\n".replace("\n", "\\n", 1) + "\n")
    window = MainWindow()
    qtbot.addWidget(window)
    # The file name holds a newline: the warning stays one line.
    QSettings().setValue("last_file", str(bad))
    assert gui_app._last_file(window) == ""
    err = capfd.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "bad\\nname.json" in err


def test_the_readers_on_their_own(qapp, capfd):
    s = QSettings()
    s.setValue("x", "2.5")
    assert gui_settings.read_float(s, "x", 1.0, 0.5, 4.0) == 2.5
    s.setValue("x", "9")
    assert gui_settings.read_float(s, "x", 1.0, 0.5, 4.0) == 1.0
    s.setValue("t", ["a", 3, "b"])
    assert gui_settings.read_string_list(s, "t") == ["a", "b"]
    s.setValue("u", 42)
    assert gui_settings.read_string(s, "u", "d") == "d"
    assert "Traceback" not in capfd.readouterr().err
