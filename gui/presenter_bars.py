"""Presenter mode without the menu, tool, tab and status bars: the room goes to the drawing.

The lecturer works from the keyboard, so every menu action stays reachable by its shortcut (the
actions are the window's too: a hidden menu bar's shortcuts do not fire otherwise), the tabs
change with Ctrl+PgDown / Ctrl+PgUp, the toolbar and the tabs come back while the pointer is at
the top edge of the window, and a status message shows for its time in a small note at the
bottom left of the central area.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMenu, QTabWidget, QWidget

HINT = ("Presenter mode · F11 or Esc: leave · Ctrl+PgDown / Ctrl+PgUp: next / previous tab · "
        "the toolbar and the tabs show while the pointer is at the top edge")
REVEAL_EDGE = 3  # pixels from the top of the window that show the bars


def step_tab(tabs: QTabWidget, step: int) -> None:
    """The next (``step`` 1) or previous (-1) tab of the tab widget that has the focus (a
    dock's own tabs), else of ``tabs``."""
    widget = QApplication.focusWidget()
    while widget is not None and not isinstance(widget, QTabWidget):
        widget = widget.parentWidget()
    tabs = widget or tabs
    tabs.setCurrentIndex((tabs.currentIndex() + step) % max(tabs.count(), 1))


class PresenterBars(QObject):
    """Hides ``window``'s bars in presenter mode (see :meth:`set_presenter`): the menu and
    status bars, and ``top_bars`` (the toolbar, the tab bar of ``tabs``) but while the pointer
    is at the top edge; ``stand_ins`` (the graph tab's own step buttons and progress line) show
    instead. ``changed`` tells the bars that show by themselves (layer mode's) to look again at
    :attr:`hiding`."""

    changed = Signal()

    def __init__(self, window: QMainWindow, font_of, tabs: QTabWidget,
                 top_bars: list[QWidget], menu: QMenu, stand_ins: list[QWidget] = ()) -> None:
        super().__init__(window)
        self.window, self.font_of = window, font_of  # font_of(): the note's font (scaled)
        self.on = False
        self.note = QLabel(window)
        self.note.setObjectName("presenter_note")
        self.note.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.note.hide()
        window.statusBar().messageChanged.connect(self._show_message)
        self.top_bars = [*top_bars, tabs.tabBar()]
        self.stand_ins = list(stand_ins)  # shown in presenter mode only (a tab's own step bar)
        self._shown_before: dict[QWidget, bool] = {}
        self.revealed = False  # the top bars shown for the pointer at the top edge
        self._pointer = QTimer(self)  # (a look at the pointer now and then, in presenter mode)
        self._pointer.setInterval(150)
        self._pointer.timeout.connect(self._follow_pointer)
        self.tab_actions = []
        for text, keys, step in (("&Next tab", ("Ctrl+PgDown", "Ctrl+Tab"), 1),
                                 ("&Previous tab", ("Ctrl+PgUp", "Ctrl+Shift+Tab"), -1)):
            action = QAction(text, window)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(lambda _=False, step=step: step_tab(tabs, step))
            menu.addAction(action)
            window.addAction(action)
            self.tab_actions.append(action)

    def keep_shortcuts(self) -> None:
        """Make every action of the menus (and their submenus) the window's as well."""
        menus = [a.menu() for a in self.window.menuBar().actions() if a.menu() is not None]
        while menus:
            menu = menus.pop()
            for action in menu.actions():
                if isinstance(action.menu(), QMenu):
                    menus.append(action.menu())
                elif not action.isSeparator() and action not in self.window.actions():
                    self.window.addAction(action)

    @property
    def hiding(self) -> bool:
        """Whether the top bars are put away now (presenter mode, the pointer off the top)."""
        return self.on and not self.revealed

    def set_presenter(self, on: bool) -> None:
        if on and not self.on:
            self._shown_before = {bar: not bar.isHidden() for bar in self.top_bars}
        self.on = on
        if on:
            self.keep_shortcuts()  # menus built since start-up (recent files, lessons) too
            self.window.installEventFilter(self)  # (to keep the note in place on a resize)
            self._pointer.start()
        else:
            self.window.removeEventFilter(self)
            self._pointer.stop()
        self.window.menuBar().setVisible(not on)
        self.window.statusBar().setVisible(not on)
        self.revealed = False
        for bar in self.top_bars:
            bar.setVisible(not on and self._shown_before.get(bar, True))
        for widget in self.stand_ins:
            widget.setVisible(on)
        self.window.layout().activate()  # the room is the view's now, not at the next event
        self.changed.emit()
        if not on and self.window.statusBar().currentMessage() == HINT:
            self.window.statusBar().clearMessage()
        self._show_message(self.window.statusBar().currentMessage())
        if on and self.window.isActiveWindow():  # (a user's F11, not a screenshot's)
            self.window.statusBar().showMessage(HINT, 8000)

    def reveal(self, on: bool) -> None:
        """Show the toolbar and the tabs (presenter mode: the pointer at the top edge), or hide
        them again."""
        if not self.on or on == self.revealed:
            return
        self.revealed = on
        for bar in self.top_bars:  # (the equation panel keeps its height: see PresenterSplit)
            bar.setVisible(on and self._shown_before.get(bar, True))
        self.changed.emit()

    def _follow_pointer(self) -> None:
        active = QApplication.activeWindow()
        if (self.window.isMinimized() or active not in (None, self.window)
                or QApplication.activePopupWidget() is not None
                or QApplication.mouseButtons() != Qt.MouseButton.NoButton):
            return  # (another window's, a menu open or a drag: the bars stay as they are)
        pos = self.window.mapFromGlobal(QCursor.pos())
        inside = self.window.rect().contains(pos)
        if not self.revealed:
            self.reveal(inside and pos.y() < REVEAL_EDGE)
            return
        # The bars along the top (a toolbar moved to a side does not count).
        tops = [QRect(bar.mapTo(self.window, QPoint(0, 0)), bar.size())
                for bar in self.top_bars if bar.isVisible()]
        bottom = max((r.bottom() for r in tops if r.width() > r.height()), default=0)
        if not inside or pos.y() > bottom + 24:  # (off the bars, with a little slack)
            self.reveal(False)

    def _show_message(self, text: str) -> None:
        if not self.on or not text:
            self.note.hide()
            return
        self.note.setText(text)
        self.note.setFont(self.font_of())
        self.note.setStyleSheet("QLabel#presenter_note { background: palette(window);"
                                " border: 1px solid palette(mid); padding: 4px 8px; }")
        self._place()
        self.note.show()
        self.note.raise_()

    def _place(self) -> None:
        """At the bottom left of the central area (not over a dock), wrapped to half its
        width."""
        area = self.window.centralWidget().geometry()
        most = max(area.width() // 2, 200)
        self.note.setWordWrap(False)
        self.note.setMinimumSize(0, 0)
        self.note.setMaximumSize(16777215, 16777215)
        width = self.note.sizeHint().width()  # on one line
        if width > most:
            self.note.setWordWrap(True)
            width = most
        self.note.setFixedWidth(width)
        self.note.setFixedHeight(self.note.heightForWidth(width))
        self.note.move(area.left() + 8, area.bottom() - self.note.height() - 8)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Type.Resize and self.note.isVisible():
            self._place()
        return False


PANEL_SHARE = 0.2  # of the Stepper tab's height, for the equation panel in presenter mode
MOST = 0.45  # the most it grows to for a step whose text needs more


class PresenterSplit(QObject):
    """In presenter mode the equation panel under the network takes ``PANEL_SHARE`` of the
    height (its text shrinks to fit, to no less than 0.75 of the presenter size, when a step
    needs more: every step of 3-5-4-2 fits at 1280x800), the drawing the rest: left to the
    splitter's history the panel got about a third, and 3-5-4-2's tables at 1280x800 then had
    room for w alone in their cells, now for w, ∂L/∂w and the new w. Leaving presenter mode
    gives back the split the user had; a drag of the handle holds until the window is
    resized."""

    def __init__(self, splitter) -> None:
        super().__init__(splitter)
        self.splitter, self.on, self.before = splitter, False, None
        self.panel = 0  # its height in presenter mode
        self._window = None  # the window's size it was shared out for
        splitter.installEventFilter(self)
        splitter.splitterMoved.connect(lambda *_: setattr(self, "panel", splitter.sizes()[1]))

    def keep(self) -> None:
        """Keep the split as it is now, to give back on leaving presenter mode."""
        if not self.on:
            self.before = self.splitter.sizes()

    def set_presenter(self, on: bool) -> None:
        if on and not self.on and self.before is None:
            self.keep()
        self.on = on
        if on:
            self._split()
        elif self.before is not None:
            self.splitter.setSizes(self.before)
            self.before = None

    def _split(self) -> None:
        total = sum(self.splitter.sizes())
        self._window = self.splitter.window().size()
        if total > 0:  # (narrower than 1280 pixels, the panel's lines wrap: more of the height)
            share = min(0.4, PANEL_SHARE * max(1.0, 1280 / max(self.splitter.width(), 1)))
            self.panel = round(share * total)
            self.splitter.setSizes([total - self.panel, self.panel])

    def grow(self, needed: int) -> None:
        """A step whose text does not fit even at the smallest fit (an optimizer's five rules
        and their numbers): the panel grows to show it, up to ``MOST`` of the height, and keeps
        that height until the window is resized."""
        total = sum(self.splitter.sizes())
        panel = min(needed + 2, round(MOST * total))
        if self.on and total > 0 and panel > self.splitter.sizes()[1]:
            self.panel = panel
            self.splitter.setSizes([total - panel, panel])

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt)
        if self.on and watched is self.splitter and event.type() == QEvent.Type.Resize:
            # The window resized: the share anew; the bars come or go: the panel keeps its
            # height (and a drag of the handle holds), the drawing gives or takes the room.
            window = self.splitter.window().size()
            # (the new height, less the handle: the sizes are still the old ones here)
            total = event.size().height() - self.splitter.handleWidth()
            if window == self._window and 0 < self.panel < total:
                self.splitter.setSizes([total - self.panel, self.panel])
            else:
                self._split()
        return False
