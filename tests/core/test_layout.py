"""The code's shape: every package is installed, and no module grows past one sitting's read."""

from __future__ import annotations

from pathlib import Path

import tomllib
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 560  # about 550: one sitting's read


def _code_folders() -> set[str]:
    folders = set()
    for top in ("core", "gui", "resources"):
        for path in (ROOT / top).rglob("*.py"):
            folders.add(".".join(path.parent.relative_to(ROOT).parts))
    return folders


def test_every_folder_with_code_is_a_package_that_setuptools_installs():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(find_packages(str(ROOT), include=include))
    folders = _code_folders()
    assert folders - found == set(), "folders with code that a pip install would leave out"
    assert {"core.lessons", "core.expressions", "core.cli", "gui.stepper", "gui.graph",
            "gui.training", "gui.training.plots", "gui.lessons", "gui.lessons.plots"} <= found


def test_no_module_is_longer_than_a_sitting():
    long = {
        str(path.relative_to(ROOT)): n
        for top in ("core", "gui")
        for path in (ROOT / top).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_feature_folders_drop_the_feature_prefix():
    prefixed = [
        str(path.relative_to(ROOT))
        for folder in ("stepper", "graph", "training", "lessons")
        for path in (ROOT / "gui" / folder).rglob("*.py")
        if path.stem.startswith(folder.rstrip("s") + "_")
    ]
    assert prefixed == []
