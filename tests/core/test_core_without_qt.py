"""core/ is pure NumPy: every module imports with PySide6, shiboken6 and pyqtgraph unavailable."""

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'):
            raise ImportError(f'{name} is blocked for this test')
        return None

sys.meta_path.insert(0, Block())
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]
assert not loaded, loaded
print('ok', len(sys.argv) - 1)
"""


def test_every_core_module_imports_without_qt():
    modules = ["core." + m.name for m in pkgutil.iter_modules([str(ROOT / "core")])]
    assert "core.network" in modules and "core.trace" in modules
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *modules], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {len(modules)}"
