"""The training dashboard's plots, one file each. PySide6 is imported before pyqtgraph so that
pyqtgraph binds to it whatever else is installed."""

import os

import PySide6.QtCore  # noqa: F401

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
