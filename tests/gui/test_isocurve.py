"""The decision boundary's contour, found by NumPy (gui.plot_style.contour_lines), is the line
pyqtgraph's own isocurve draws: the same segments, joined into as many lines."""

import numpy as np
import pyqtgraph as pg
import pytest

from gui.plot_style import Isocurve


def segments(path) -> set:
    """The path's segments of non-zero length, each as a set of its two end points."""
    found, previous = set(), None
    for k in range(path.elementCount()):
        element = path.elementAt(k)
        point = (round(element.x, 9), round(element.y, 9))
        if element.isLineTo() and point != previous:
            found.add(frozenset((previous, point)))
        previous = point
    return found


def lines(path) -> int:
    return sum(path.elementAt(k).isMoveTo() for k in range(path.elementCount()))


def paths(data: np.ndarray, level: float):
    ours, theirs = Isocurve(level=level), pg.IsocurveItem(level=level)
    for item in (ours, theirs):
        item.setData(data)
        item.generatePath()
    return ours.path, theirs.path


def fields():
    rng = np.random.default_rng(7)
    for _ in range(40):  # noise: many small lines, saddles (two lines through one cell)
        yield rng.random(tuple(rng.integers(2, 25, size=2)))
    y, x = np.mgrid[-1.2:1.2:60j, -1.5:1.5:50j]
    yield 1 / (1 + np.exp(6 * (x**2 + y**2 - 0.6)))  # a closed curve
    yield 1 / (1 + np.exp(-4 * (x - 0.3 * y)))  # a line from border to border


@pytest.mark.parametrize("data", list(fields()))
def test_the_contour_is_pyqtgraphs(data):
    ours, theirs = paths(data, 0.5)
    assert segments(ours) == segments(theirs)
    assert lines(ours) == lines(theirs)


def test_values_on_the_level_give_the_same_drawn_segments():
    y, x = np.mgrid[-1:1:21j, -1:1:21j]
    data = np.where(x**2 + y**2 <= 0.5, 1.0, 0.0)
    data[10, :] = 0.5  # a whole row exactly on the level
    ours, theirs = paths(data, 0.5)
    assert segments(ours) == segments(theirs) != set()


def test_the_boundary_plot_draws_its_grid_contour(qtbot, make_window):
    window = make_window("circle", size=(1280, 800))
    window.tabs.setCurrentWidget(window.training_tab)
    window.training.train_sync(30)
    contour = window.training_tab.boundary_plot.contour
    assert isinstance(contour, Isocurve)
    qtbot.waitUntil(lambda: contour.path is not None)  # made when it is drawn
    theirs = pg.IsocurveItem(level=0.5)
    theirs.setData(contour.data)
    theirs.generatePath()
    assert segments(contour.path) == segments(theirs.path) != set()
