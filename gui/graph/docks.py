"""Docks that do not apply to the Computation graph tab step aside while it shows.

The Values and Training docks are about the stepped network (and the Lesson dock is, unless a
lesson is open); on the graph tab they would only
take width from the graph. They are hidden when the tab is chosen and come back, each as it
was, when another tab is; a dock the user opens meanwhile stays open. Presenter mode hides and
restores every dock itself, so nothing is done while it is on.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QTabWidget


class DocksAside:
    """Hides ``docks`` while ``page`` is the current tab of ``tabs``; restores them after."""

    def __init__(self, window, tabs: QTabWidget, page, docks: list[QDockWidget],
                 applies=lambda dock: False) -> None:
        self.window, self.tabs, self.page, self.docks = window, tabs, page, docks
        self.applies = applies  # a dock for which this says True stays
        self.hidden: list[QDockWidget] = []
        tabs.currentChanged.connect(self._on_tab_changed)

    def _on_tab_changed(self, index: int) -> None:
        if getattr(self.window, "presenter", False):
            return
        if self.tabs.widget(index) is self.page:
            self.hidden = [d for d in self.docks if d.isVisible() and not self.applies(d)]
            for dock in self.hidden:
                dock.hide()
        elif self.hidden:
            hidden, self.hidden = self.hidden, []
            for dock in hidden:
                dock.show()
            # Shown again, the first of a tabified group goes to the front.
            hidden[0].raise_()
