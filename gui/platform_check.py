"""Before the window starts on Linux: are the system libraries of Qt's xcb platform plugin there?

Without them Qt stops with "Could not load the Qt platform plugin "xcb"" and names only the first
library it missed (xcb-cursor0), although a bare Debian or Ubuntu lacks several. This check asks
the dynamic linker about every library the plugin needs (``ldd`` on the plugin, or loading each
by name when ``ldd`` is missing) and prints one line with the exact ``apt-get install`` command
for everything that is missing. No Qt is imported here.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable

# The libraries libqxcb.so and libQt6XcbQpa.so.6 of PySide6 6.8–6.11 need beyond Qt's own and
# the C/C++ runtime (their NEEDED entries, `objdump -p`), with the Debian/Ubuntu package of each.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libGL.so.1": "libgl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}
PACKAGES = sorted(set(XCB_LIBRARIES.values()))  # what the README lists

Resolver = Callable[[Iterable[str]], list[str]]


def xcb_plugin() -> str:
    """The path of PySide6's xcb platform plugin ("" if it is not there)."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return ""
    if spec is None or not spec.submodule_search_locations:
        return ""
    base = list(spec.submodule_search_locations)[0]
    path = os.path.join(base, "Qt", "plugins", "platforms", "libqxcb.so")
    return path if os.path.exists(path) else ""


def ldd_missing(names: Iterable[str], plugin: str | None = None) -> list[str]:
    """The libraries of ``names`` that the dynamic linker cannot find for the plugin, by
    ``ldd`` (which lists every library, also those needed indirectly, as "=> not found");
    falls back to :func:`load_missing` without ``ldd`` or the plugin."""
    names = list(names)
    plugin = xcb_plugin() if plugin is None else plugin
    ldd = shutil.which("ldd")
    if not plugin or not ldd:
        return load_missing(names)
    try:
        out = subprocess.run([ldd, plugin], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return load_missing(names)
    missing = {line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line}
    return [name for name in names if name in missing]


def load_missing(names: Iterable[str]) -> list[str]:
    """The libraries of ``names`` that cannot be loaded by name."""
    missing = []
    for name in names:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def apt_command(missing: Iterable[str]) -> str:
    """``sudo apt-get install …`` for the packages of the missing libraries."""
    packages = sorted({XCB_LIBRARIES.get(name, name) for name in missing})
    return "sudo apt-get install " + " ".join(packages)


def uses_xcb(environ: dict[str, str] | os._Environ = os.environ, platform: str = sys.platform
             ) -> bool:  # fmt: skip
    """Whether Qt will start its window through xcb: on Linux, unless QT_QPA_PLATFORM names
    another plugin (offscreen, wayland, …) or the session is Wayland and no plugin is forced."""
    if not platform.startswith("linux"):
        return False
    forced = environ.get("QT_QPA_PLATFORM", "")
    if forced:
        return forced.split(":")[0].split(";")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def check_xcb(
    environ: dict[str, str] | os._Environ = os.environ,
    platform: str = sys.platform,
    resolve: Resolver = ldd_missing,
) -> str:
    """"" when the window can start; otherwise one line saying which libraries are missing and
    the apt-get command that installs them."""
    if not uses_xcb(environ, platform):
        return ""
    missing = resolve(XCB_LIBRARIES)
    if not missing:
        return ""
    return (f"the window needs system libraries that are missing ({', '.join(missing)}); on "
            f"Debian or Ubuntu install them with: {apt_command(missing)}")  # fmt: skip
