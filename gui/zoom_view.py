"""A graphics view that fits its scene to the window, zooms with Ctrl+wheel and pans by drag."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView


class ZoomView(QGraphicsView):
    """The shared behaviour of the network and computation-graph views.

    The scene has no index (items are few and move rarely, and indexing costs more than it
    saves). ``max_fit_scale`` limits how far ``fit`` enlarges a small scene.
    """

    max_fit_scale: float | None = None

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.auto_fit = True
        self._bars_timer = QTimer(self)
        self._bars_timer.setSingleShot(True)
        self._bars_timer.setInterval(0)
        self._bars_timer.timeout.connect(self._update_scroll_bars)

    def fit(self) -> None:
        """Show the whole scene, as large as the view allows (up to ``max_fit_scale``)."""
        rect = self.scene().sceneRect()
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
            limit = self.max_fit_scale
            if limit is not None and self.transform().m11() > limit:
                self.resetTransform()
                self.scale(limit, limit)
                self.centerOn(rect.center())
        self.auto_fit = True
        self.show_scroll_bars_if_needed()
        self.zoom_changed()

    def show_scroll_bars_if_needed(self) -> None:
        """Scroll bars only while the scene is larger than the view (Qt can leave one showing,
        with nothing to scroll, after the scene has been fitted): checked once the view has
        settled, since a bar that comes or goes resizes the view and may fit it again."""
        self._bars_timer.start()

    def _update_scroll_bars(self) -> None:
        shown = self.mapFromScene(self.scene().sceneRect()).boundingRect()
        port = self.viewport().rect()
        off, needed = Qt.ScrollBarPolicy.ScrollBarAlwaysOff, Qt.ScrollBarPolicy.ScrollBarAsNeeded
        wanted = (off if shown.width() <= port.width() + 1 else needed,
                  off if shown.height() <= port.height() + 1 else needed)
        now = (self.horizontalScrollBarPolicy(), self.verticalScrollBarPolicy())
        if wanted == now:
            return
        # A view whose fitted size depends on its bars could turn them on and off for ever:
        # after a few changes within a second the bars stay as Qt shows them when needed.
        now_s = time.monotonic()
        self._bar_changes = [t for t in getattr(self, "_bar_changes", []) if now_s - t < 1.0]
        self._bar_changes.append(now_s)
        if len(self._bar_changes) > 4:
            wanted = (needed, needed)
            if wanted == now:
                return
        self.setHorizontalScrollBarPolicy(wanted[0])
        self.setVerticalScrollBarPolicy(wanted[1])

    def zoom(self, factor: float, about_mouse: bool = False) -> None:
        """Scale by ``factor`` about the mouse (``about_mouse``: the wheel's zoom) or about the
        middle of the view (the keys' and the menu's: the mouse may rest anywhere); the view
        stops following the window size."""
        self.auto_fit = False
        anchor, before = QGraphicsView.ViewportAnchor, self.transformationAnchor()
        self.setTransformationAnchor(anchor.AnchorUnderMouse if about_mouse
                                     else anchor.AnchorViewCenter)
        self.scale(factor, factor)
        self.setTransformationAnchor(before)
        self.show_scroll_bars_if_needed()
        self.zoom_changed()

    def zoom_changed(self) -> None:
        """Called after every change of scale; subclasses adapt their detail to it."""

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.auto_fit:
            self.fit()
        self.show_scroll_bars_if_needed()

    def wheelEvent(self, event) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 ** (event.angleDelta().y() / 120), about_mouse=True)
            event.accept()
        else:
            super().wheelEvent(event)
