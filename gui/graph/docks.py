"""Docks that do not apply to the Computation graph tab step aside while it shows.

The Values and Training docks are about the stepped network (and the Lesson dock is, unless a
lesson is open); on the graph tab they would only take width from the graph. They are hidden
when the tab is chosen and come back, each as it was, when another tab is; a dock the user
opens meanwhile stays open. Presenter mode hides and restores every dock itself, so then no
dock is hidden or shown here.

A dock that stays beside the graph (an open lesson's) is narrowed to ``share`` of the window:
when the tab is chosen, when a lesson opens while the tab shows (``refresh``), when presenter
mode starts or ends, and when the dock is shown again (View ▸ Lesson panel, F9).

In presenter mode the audience reads the graph, and at a projector's 1280 × 800 a 17-node graph
at 22 px needs the whole width: the lesson's panel is put away while the graph tab shows and
comes back on the other tabs (``put_away``). Nothing is out of reach: the graph tab has its own
mode and "w.r.t." boxes, the lesson keys (Ctrl+[ and Ctrl+]: previous and next
lesson) still work, and F9 brings the panel back, narrowed to ``presenter_share``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QTabWidget

SHARE = 0.32
PRESENTER_SHARE = 0.30


class DocksAside(QObject):
    """Hides ``docks`` while ``page`` is the current tab of ``tabs``; restores them after."""

    def __init__(self, window, tabs: QTabWidget, page, docks: list[QDockWidget],
                 applies=lambda dock: False, share: float = SHARE,
                 presenter_share: float = PRESENTER_SHARE) -> None:
        super().__init__(window)
        self.window, self.tabs, self.page, self.docks = window, tabs, page, docks
        self.applies = applies  # a dock for which this says True stays
        self.share, self.presenter_share = share, presenter_share
        self.hidden: list[QDockWidget] = []
        self.narrowed: list[tuple[QDockWidget, int]] = []
        self.put_away: list[QDockWidget] = []  # lesson panels hidden for presenter mode
        tabs.currentChanged.connect(self._on_tab_changed)

    def _presenter(self) -> bool:
        return bool(getattr(self.window, "presenter", False))

    def limit(self) -> int:
        """The widest a dock beside the graph may be, in pixels."""
        share = self.presenter_share if self._presenter() else self.share
        return round(share * self.window.width())

    def refresh(self, *_args, delay: int = 30) -> None:
        """Something changed the docks beside the graph (a lesson opened, presenter mode, a
        dock shown): narrow them again if the graph tab shows."""
        if self.tabs.currentWidget() is self.page and self.window.isVisible():
            QTimer.singleShot(delay, self._narrow)

    def presenter_default(self, *_args) -> None:
        """Presenter mode started or a lesson opened: on the graph tab in presenter mode, the
        docks that would stay beside the graph are put away (F9 brings them back); leaving
        presenter mode forgets them (the window restores every dock as it was)."""
        if not self._presenter():
            self.put_away = []
            return
        if self.tabs.currentWidget() is self.page:
            self._put_away()

    def _put_away(self) -> None:
        for dock in self.docks:
            if dock.isVisible() and self.applies(dock) and dock not in self.put_away:
                dock.hide()
                self.put_away.append(dock)

    def user_toggled(self, *_args) -> None:
        """The user showed or hid a dock (F9, View ▸ Lesson panel: the action's ``triggered``,
        which hiding a dock here does not emit): it is theirs again, not brought back by a tab
        change."""
        self.put_away = []

    def _on_tab_changed(self, index: int, delay: int = 30) -> None:
        """``delay``: milliseconds before narrowing, time for a lesson that chose the tab to
        show its dock and for the docks just hidden to give up their room."""
        if not self.window.isVisible():  # chosen before the window shows: decide when it does
            self.window.installEventFilter(self)
            return
        presenter = self._presenter()
        if self.tabs.widget(index) is self.page:
            if not presenter:
                self.hidden = [d for d in self.docks if d.isVisible() and not self.applies(d)]
                for dock in self.hidden:
                    dock.hide()
            else:
                self._put_away()
            for dock in self.docks:  # one that stays goes to the front of its tab group
                if dock.isVisible() and self.applies(dock):
                    dock.raise_()
            QTimer.singleShot(delay, self._narrow)
            return
        if self.narrowed:
            narrowed, self.narrowed = self.narrowed, []
            docks = [d for d, _ in narrowed if d.isVisible() and not d.isFloating()]
            widths = [w for d, w in narrowed if d in docks]
            if docks:
                self.window.resizeDocks(docks, widths, Qt.Orientation.Horizontal)
        if self.put_away and presenter:
            put_away, self.put_away = self.put_away, []
            for dock in put_away:
                if self.applies(dock):  # still an open lesson's
                    dock.show()
                    dock.raise_()
        if self.hidden and not presenter:
            hidden, self.hidden = self.hidden, []
            for dock in hidden:
                dock.show()
            # Shown again, the first of a tabified group goes to the front.
            hidden[0].raise_()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.window and event.type() == QEvent.Type.Show:
            self.window.removeEventFilter(self)
            # Once the docks have their shown widths.
            QTimer.singleShot(0, lambda: self._on_tab_changed(self.tabs.currentIndex(), 0))
        return False

    def _narrow(self) -> None:
        """The docks that stay beside the graph give it width, down to the limit."""
        if self.tabs.currentWidget() is not self.page:
            return
        limit = self.limit()
        sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
        wide = [d for d in self.docks if d.isVisible() and not d.isFloating()
                and d.width() > limit and self.window.dockWidgetArea(d) in sides]
        known = {d for d, _ in self.narrowed}
        self.narrowed += [(d, d.width()) for d in wide if d not in known]
        if wide:
            self.window.resizeDocks(wide, [limit] * len(wide), Qt.Orientation.Horizontal)
