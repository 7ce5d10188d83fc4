"""The start-up check of the xcb plugin's libraries, with a faked dynamic linker."""

import pytest

from gui import app as gui_app
from gui import platform_check as pc


def fake(missing):
    asked = []

    def resolve(names):
        names = list(names)
        asked.append(names)
        return [n for n in names if n in missing]

    resolve.asked = asked
    return resolve


def test_every_missing_library_is_named_with_one_apt_line():
    resolve = fake({"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                    "libgthread-2.0.so.0", "libglib-2.0.so.0"})
    message = pc.check_xcb({}, "linux", resolve)
    assert "\n" not in message
    assert message.endswith("install them with: sudo apt-get install libglib2.0-0 "
                            "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1")
    for name in ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"):
        assert name in message
    assert set(resolve.asked[0]) == set(pc.XCB_LIBRARIES)


def test_nothing_missing_or_no_xcb_says_nothing():
    assert pc.check_xcb({}, "linux", fake(set())) == ""
    everything = fake(set(pc.XCB_LIBRARIES))
    assert pc.check_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux", everything) == ""
    assert pc.check_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux", everything) == ""
    assert pc.check_xcb({}, "darwin", everything) == ""
    assert pc.check_xcb({}, "win32", everything) == ""
    assert everything.asked == []
    assert pc.check_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux", everything)


def test_the_package_list_covers_the_plugins_libraries():
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0",
            "libxcb-render-util0", "libxcb-xkb1", "libxkbcommon-x11-0", "libxcb-randr0",
            "libxcb-shape0"} <= set(pc.PACKAGES)


def test_ldd_output_is_read(monkeypatch, tmp_path):
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")

    class Done:
        stdout = ("\tlibxcb-cursor.so.0 => not found\n"
                  "\tlibxcb.so.1 => /lib/libxcb.so.1 (0x1)\n"
                  "\tlibxcb-icccm.so.4 => not found\n")

    monkeypatch.setattr(pc.shutil, "which", lambda name: "/usr/bin/ldd")
    monkeypatch.setattr(pc.subprocess, "run", lambda *a, **k: Done())
    assert pc.ldd_missing(pc.XCB_LIBRARIES, str(plugin)) == ["libxcb-cursor.so.0",
                                                             "libxcb-icccm.so.4"]


def test_the_window_does_not_start_without_them(monkeypatch, capsys):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(pc, "ldd_missing", fake({"libxcb-cursor.so.0"}))
    monkeypatch.setattr(pc.check_xcb, "__defaults__",
                        (pc.os.environ, "linux", fake({"libxcb-cursor.so.0"})))
    assert gui_app.run([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the window needs system libraries that are missing "
                          "(libxcb-cursor.so.0)")
    assert err.strip().endswith("sudo apt-get install libxcb-cursor0")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("forced", ["offscreen", "minimal"])
def test_other_platforms_skip_the_check(forced):
    assert not pc.uses_xcb({"QT_QPA_PLATFORM": forced}, "linux")


def test_the_readme_lists_the_whole_set():
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2].joinpath("README.md").read_text(encoding="utf-8")
    block = readme[readme.index("sudo apt-get install libgl1"):]
    block = block[: block.index("```")].replace("\\\n", " ")
    assert block.split()[3:] == pc.PACKAGES
