"""The window: PySide6 views over what core/ computes, one folder per tab.

pyqtgraph is told to bind to PySide6 whatever else is installed; the environment variable is set
here, before any module of this package imports pyqtgraph, and without importing Qt itself (so
that ``--list-lessons`` stays free of Qt).

Qt's raster painter hands every fill of more than about 96 pixel rows (a grid line down a plot,
the decision boundary's image) to a thread pool and waits for it. For plots this small the
hand-off costs more than the fill, and the pool's threads take the cores the training worker
runs on (a Training tab frame took over a third longer with it), so the pool is switched off; Qt
reads the variable when it first paints.
"""

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
