"""The window: PySide6 views over what core/ computes, one folder per tab.

pyqtgraph is told to bind to PySide6 whatever else is installed; the environment variable is set
here, before any module of this package imports pyqtgraph, and without importing Qt itself (so
that ``--list-lessons`` stays free of Qt).
"""

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
