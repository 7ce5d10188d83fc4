"""Text sizes in the Lessons tab and its figures. Each widget gets its font set on itself, at
its own base size times the app's text scale: under the presenter's style sheet (and under any
style sheet of a parent) a widget takes no font from its parent, so a size set on a parent
alone leaves the buttons, tables and labels inside it small.

A widget's base size, in points at text scale 1, is :data:`BASE_POINTS` unless it was given
another with :func:`set_base_points` (a heading, a caption, a small note)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

BASE_POINTS = 9.5  # buttons, labels, tables and lists of the tab
PROPERTY = "lesson_base_points"
SCALE_PROPERTY = "lesson_text_scale"


def set_base_points(widget: QWidget, points: float) -> None:
    """``widget``'s text is ``points`` at text scale 1."""
    widget.setProperty(PROPERTY, float(points))


def base_points(widget: QWidget) -> float:
    points = widget.property(PROPERTY)
    return float(points) if isinstance(points, (int, float)) and points > 0 else BASE_POINTS


def scale_fonts(root: QWidget, scale: float) -> None:
    """Set the font of ``root`` and of every widget inside it at its base size × ``scale``
    (keeping the family, weight and style each has)."""
    root.setProperty(SCALE_PROPERTY, float(scale))
    for widget in (root, *root.findChildren(QWidget)):
        if widget is not root and widget.property(SCALE_PROPERTY) is not None:
            widget.setProperty(SCALE_PROPERTY, None)  # the scale is the root's from now on
        points = round(base_points(widget) * scale, 2)
        font = widget.font()
        if abs(font.pointSizeF() - points) > 0.01:
            font = QFont(font)
            font.setPointSizeF(points)
            widget.setFont(font)


def text_scale(widget: QWidget) -> float:
    """The scale :func:`scale_fonts` last gave ``widget`` or one of its parents (1 before)."""
    while widget is not None:
        scale = widget.property(SCALE_PROPERTY)
        if isinstance(scale, (int, float)) and scale > 0:
            return float(scale)
        widget = widget.parentWidget()
    return 1.0
