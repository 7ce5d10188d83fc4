"""Presenter mode at 1280x800: the bars give their room to the drawing, and come back at the top
edge; there every toolbar action stays on the toolbar (none in its » menu), the secondary ones as
icons with their names in the tooltip, the labels come back when there is room; an open lesson
keeps its panel, so its text and buttons stay within reach."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from gui.stepper.step_controls import SECONDARY


def present(window, qtbot, on: bool = True) -> None:
    """Presenter mode at 1280x800, as the screenshot command does offscreen."""
    window.presenter_action.setChecked(on)
    window.showNormal()  # offscreen there is no screen to fill
    window.resize(1280, 800)

    def resized() -> bool:  # (again, if the old text's minimum width refused it at first)
        if window.width() != 1280:
            window.resize(1280, 800)
        return window.width() == 1280

    # The resize, the toolbar's deferred fit and its new layout (waited for, not timed); in
    # presenter mode the toolbar is hidden until the pointer is at the top edge.
    qtbot.waitUntil(lambda: resized() and not window.step_controls._fit_pending)
    if window.step_controls.toolbar.isVisible():
        qtbot.waitUntil(lambda: all_on_the_toolbar(window), timeout=3000)


def all_on_the_toolbar(window) -> bool:
    toolbar = window.step_controls.toolbar
    overflow = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    if overflow is not None and overflow.isVisible():
        return False
    inside = toolbar.rect()
    for action in toolbar.actions():
        if action.isSeparator():
            continue
        widget = toolbar.widgetForAction(action)
        if widget is None or not widget.isVisible() or not inside.contains(widget.geometry()):
            return False
    return True


def test_presenter_toolbar_shows_every_action_at_1280(make_window, qtbot):
    window = make_window("mazur", size=(1280, 800))
    controls = window.step_controls
    assert all_on_the_toolbar(window) and not controls.compact
    present(window, qtbot)
    window.presenter_bars.reveal(True)  # (the pointer at the top edge)
    qtbot.waitUntil(lambda: all_on_the_toolbar(window), timeout=3000)
    assert controls.compact
    for name in SECONDARY:
        button = controls.toolbar.widgetForAction(controls.actions[name])
        assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
        assert button.toolTip().startswith(controls.actions[name].text())  # named on hover
    step = controls.toolbar.widgetForAction(controls.actions["step"])
    assert step.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    present(window, qtbot, False)
    assert all_on_the_toolbar(window) and not controls.compact  # labels back


def test_larger_text_in_normal_mode_also_keeps_every_action(make_window, qtbot):
    window = make_window("mazur", size=(1280, 800))
    for _ in range(3):
        window.scale_text(1.15)
    qtbot.waitUntil(lambda: all_on_the_toolbar(window), timeout=3000)


def test_an_open_lesson_keeps_its_panel_in_presenter_mode(make_window, qtbot):
    window = make_window("mazur", size=(1280, 800))
    window.open_lesson("backprop-one-sample")
    present(window, qtbot)
    panel = window.lesson_panel
    assert panel.isVisible()
    assert not window.values_dock.isVisible() and not window.training_dock.isVisible()
    button = panel.next_button
    assert button.isVisible()
    corner = button.mapTo(window, button.rect().bottomRight())
    assert window.rect().contains(corner)  # within the window, reachable
    present(window, qtbot, False)
    assert panel.isVisible()


def test_without_a_lesson_presenter_mode_hides_every_dock(make_window, qtbot):
    window = make_window("mazur", size=(1280, 800))
    present(window, qtbot)
    assert not window.lesson_panel.isVisible()


def test_the_lesson_panels_buttons_and_controls_grow_in_presenter_mode(make_window, qtbot):
    window = make_window("mazur", size=(1280, 800))
    window.open_lesson("learning-rate")
    panel = window.lesson_panel
    widgets = [panel.next_button, *panel.control_boxes.values()]
    assert len(widgets) >= 2  # this lesson has a control of its own

    def heights():
        for widget in widgets:
            widget.ensurePolished()
        return [widget.fontMetrics().height() for widget in widgets]

    before = heights()
    present(window, qtbot)
    after = heights()
    assert all(a >= 1.4 * b for a, b in zip(after, before)), (before, after)


def menu_actions(window):
    """Every action of the menu bar's menus and submenus."""
    out, menus = [], [a.menu() for a in window.menuBar().actions() if a.menu()]
    while menus:
        menu = menus.pop()
        for action in menu.actions():
            if action.menu():
                menus.append(action.menu())
            elif not action.isSeparator():
                out.append(action)
    return out


def test_presenter_mode_gives_the_menu_and_status_bars_room_to_the_drawing(make_window, qtbot):
    """The bars go (their height is the network's), every menu action with a shortcut is the
    window's too (a hidden menu bar's shortcuts do not fire), and the bars come back; so do the
    toolbar and the tab bar, which the tabs' keys stand in for."""
    window = make_window("mazur", size=(1280, 800))
    view, toolbar, tab_bar = window.network_view, window.step_controls.toolbar, window.tabs.tabBar()
    before = view.height()
    present(window, qtbot)
    assert not window.menuBar().isVisible() and not window.statusBar().isVisible()
    assert not toolbar.isVisible() and not tab_bar.isVisible()
    assert view.height() > before + window.menuBar().sizeHint().height() + tab_bar.height()
    shortcuts = [a for a in menu_actions(window) if not a.shortcut().isEmpty()]
    assert len(shortcuts) > 20
    assert set(shortcuts) <= set(window.actions())
    next_tab, previous_tab = window.presenter_bars.tab_actions
    assert next_tab in window.actions() and next_tab.shortcut().toString() == "Ctrl+PgDown"
    next_tab.trigger()
    assert window.tabs.currentWidget() is window.training_tab
    previous_tab.trigger()
    previous_tab.trigger()  # (round the end)
    assert window.tabs.currentIndex() == window.tabs.count() - 1
    next_tab.trigger()
    present(window, qtbot, on=False)
    assert window.menuBar().isVisible() and window.statusBar().isVisible()
    assert toolbar.isVisible() and tab_bar.isVisible()


def test_the_toolbar_and_the_tabs_show_while_the_pointer_is_at_the_top_edge(
        make_window, qtbot, monkeypatch):
    """Presenter mode: the pointer at the top edge of the window brings the toolbar and the tab
    bar back (for a mouse), and moving off them puts them away again."""
    from PySide6.QtCore import QPoint

    import gui.presenter_bars as bars

    window = make_window("mazur", size=(1280, 800))
    present(window, qtbot)
    toolbar, tab_bar = window.step_controls.toolbar, window.tabs.tabBar()
    pointer = [window.mapToGlobal(QPoint(600, 300))]
    monkeypatch.setattr(bars.QCursor, "pos", staticmethod(lambda: pointer[0]))
    # (this window active, no menu open, no button down, whatever earlier tests left)
    monkeypatch.setattr(bars.QApplication, "activeWindow", staticmethod(lambda: window))
    monkeypatch.setattr(bars.QApplication, "activePopupWidget", staticmethod(lambda: None))
    monkeypatch.setattr(bars.QApplication, "mouseButtons",
                        staticmethod(lambda: bars.Qt.MouseButton.NoButton))
    window.presenter_bars._follow_pointer()
    assert not toolbar.isVisible()
    panel = window.splitter.sizes()[1]
    pointer[0] = window.mapToGlobal(QPoint(600, 0))
    window.presenter_bars._follow_pointer()
    assert toolbar.isVisible() and tab_bar.isVisible()
    assert window.splitter.sizes()[1] == panel  # the drawing gives the bars their room
    pointer[0] = window.mapToGlobal(QPoint(600, tab_bar.mapTo(window, QPoint(0, 0)).y() + 5))
    window.presenter_bars._follow_pointer()
    assert toolbar.isVisible()  # on the bars: they stay
    pointer[0] = window.mapToGlobal(QPoint(600, 400))
    window.presenter_bars._follow_pointer()
    assert not toolbar.isVisible() and not tab_bar.isVisible()
    assert window.splitter.sizes()[1] == panel
    window.presenter_bars.reveal(True)
    present(window, qtbot, False)  # leaving with the bars shown: they stay, the timer stops
    assert toolbar.isVisible() and not window.presenter_bars._pointer.isActive()


def test_layer_modes_toolbar_hides_with_the_others_in_presenter_mode(make_window, qtbot):
    """Layer mode's minibatch toolbar showed itself again at every step, alone at the top of
    the presenter's screen."""
    window = make_window("mazur", size=(1280, 800))
    window.layer_controls.action.trigger()
    minibatch = window.layer_controls.toolbar
    assert minibatch.isVisible()
    present(window, qtbot)
    window.step_controls.actions["step"].trigger()
    assert not minibatch.isVisible()
    window.presenter_bars.reveal(True)
    assert minibatch.isVisible()
    window.presenter_bars.reveal(False)
    present(window, qtbot, False)
    assert minibatch.isVisible()


def test_the_tab_keys_step_the_tabs_that_have_the_focus(make_window, qtbot, monkeypatch):
    """Ctrl+Tab and Ctrl+PgDown are the window's (the tab bar is hidden in presenter mode), but
    inside the Values dock they still step the dock's own tabs, as they did."""
    from PySide6.QtWidgets import QTabWidget

    import gui.presenter_bars as bars

    window = make_window("mazur", size=(1280, 800))
    inner = window.values_dock.findChild(QTabWidget)
    assert inner is not None and inner.count() > 1
    next_tab = window.presenter_bars.tab_actions[0]
    monkeypatch.setattr(bars.QApplication, "focusWidget", staticmethod(lambda: inner.tabBar()))
    before, main = inner.currentIndex(), window.tabs.currentIndex()
    next_tab.trigger()
    assert inner.currentIndex() == (before + 1) % inner.count()
    assert window.tabs.currentIndex() == main


def test_quitting_in_presenter_mode_keeps_the_bars_for_the_next_start(make_window, qtbot):
    window = make_window("mazur", size=(1280, 800))
    present(window, qtbot)
    window.close()
    again = make_window("mazur", size=(1280, 800))
    assert again.step_controls.toolbar.isVisible() and again.tabs.tabBar().isVisible()
    assert again.values_dock.isVisible()


def test_the_equation_panel_shows_the_progress_in_presenter_mode(make_window, qtbot):
    """The toolbar's progress line ("forward · 3 of 54 · sample 1") is hidden with the toolbar:
    in presenter mode it ends the equation panel's heading, which wraps short of it."""
    window = make_window("mazur", size=(1280, 800))
    panel = window.equation_panel
    for _ in range(3):
        window.step_controls.actions["step"].trigger()
    assert not panel.progress.isVisible()
    present(window, qtbot)
    text = window.step_controls.progress.text()
    assert panel.progress.isVisible() and panel.progress.text() == text and "3 of" in text
    heading = panel._labels["heading"]
    assert heading.contentsMargins().right() > panel.progress.width()
    assert panel.progress.geometry().right() <= heading.width()
    window.step_controls.actions["step"].trigger()
    assert panel.progress.text() == window.step_controls.progress.text() != text
    present(window, qtbot, False)
    assert not panel.progress.isVisible() and heading.contentsMargins().right() == 0


def test_a_status_message_in_presenter_mode_shows_in_a_note(make_window, qtbot):
    window = make_window("mazur", size=(1280, 800))
    present(window, qtbot)
    note = window.presenter_bars.note
    assert not note.isVisible()
    window.statusBar().showMessage("The lesson is back at its start.", 4000)
    assert note.isVisible() and note.text() == "The lesson is back at its start."
    inside = window.rect()
    assert inside.contains(note.geometry())
    assert note.font().pointSizeF() == window.step_controls.toolbar.font().pointSizeF()
    central = window.centralWidget().geometry()
    assert central.contains(note.geometry())
    assert note.height() < 2.5 * note.fontMetrics().height()  # one line
    window.statusBar().showMessage("A long message. " * 12)  # wrapped, not over a dock
    assert central.contains(note.geometry()) and note.width() <= central.width() // 2
    assert note.height() >= 2 * note.fontMetrics().height()
    window.statusBar().clearMessage()
    assert not note.isVisible()
    window.statusBar().showMessage("Saved.")
    present(window, qtbot, on=False)
    assert not note.isVisible()  # the status bar shows it again
    assert window.statusBar().currentMessage() == "Saved."


def small_texts(window) -> list[tuple[str, str, float]]:
    """Visible labels, buttons and fields with text whose line is under 20 px on screen."""
    from PySide6.QtGui import QFontMetricsF
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QWidget

    small = []
    for w in window.findChildren(QWidget):
        kinds = (QLabel, QAbstractButton, QComboBox, QLineEdit)
        if not isinstance(w, kinds) or not w.isVisible() or w.width() < 2:
            continue
        text = w.currentText() if isinstance(w, QComboBox) else w.text()
        line = QFontMetricsF(w.font()).height()
        if text.strip() and line < 20:
            small.append((type(w).__name__, text[:30], round(line, 1)))
    return small


def test_every_caption_and_button_grows_in_presenter_mode(make_window, qtbot):
    # The toolbar's buttons and the graph tab's field names kept the normal font under
    # presenter mode's style sheet, about 15 px against the toolbar's 25 px progress line.
    window = make_window("circle", size=(1280, 800))
    present(window, qtbot)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        assert small_texts(window) == [], window.tabs.tabText(index)
    window.tabs.setCurrentIndex(0)
    present(window, qtbot, False)
    step = window.step_controls.toolbar.widgetForAction(window.step_controls.actions["step"])
    assert step.font().pointSizeF() == window.step_controls.toolbar.font().pointSizeF()
    assert small_texts(window)  # back to the normal size


def test_leaving_presenter_mode_gives_back_the_tabs_normal_minimum_width(make_window, qtbot):
    # A tab not shown kept the minimum width of presenter mode's text (the Training tab
    # 1071 px against 750), so that the window could no longer be as narrow as before.
    window = make_window("circle", size=(1280, 800))
    window.tabs.setCurrentWidget(window.training_tab)
    qtbot.wait(1)
    before = window.training_tab.minimumSizeHint().width()
    present(window, qtbot)
    grown = window.training_tab.minimumSizeHint().width()
    window.tabs.setCurrentIndex(0)
    present(window, qtbot, False)
    assert grown > before + 100  # presenter mode's text is larger
    assert window.training_tab.minimumSizeHint().width() <= before + 40


def test_presenter_mode_fits_a_small_screen(make_window, qtbot):
    """At 900x600 presenter mode made the window 674 px tall: the hidden graph tab kept room
    for its step's text at presenter size, uncapped, and that counted in the window's
    minimum."""
    window = make_window("circle", size=(900, 600))
    window.presenter_action.setChecked(True)
    window.showNormal()
    window.resize(900, 600)
    qtbot.wait(50)
    assert window.minimumSizeHint().height() <= 600
    assert window.height() == 600
    window.tabs.setCurrentWidget(window.graph_tab)  # shown, it keeps its room within the tab
    qtbot.wait(50)
    assert window.height() == 600
    assert window.graph_tab.view.height() > window.graph_tab._lower.height()


def test_the_training_banner_grows_in_presenter_mode(make_window, qtbot):
    """A refused training (mazur's two outputs against a data set of one) says why in a banner
    over the plots: it kept 12 px text in presenter mode."""
    window = make_window("circle", size=(1280, 800))
    present(window, qtbot)
    window.tabs.setCurrentWidget(window.training_tab)
    banner = window.training_tab.banner
    window.training_tab.show_banner("error", "The network has 2 outputs; the data 1 target.")
    qtbot.wait(1)
    banner.ensurePolished()
    assert banner.isVisible() and banner.fontMetrics().height() >= 20


def test_presenter_mode_gives_the_equation_panel_a_fifth_and_its_result_ends_the_numbers(
        make_window, qtbot):
    """The panel under the network had about a third of the height in presenter mode, and a
    line of its own for the result; 3-5-4-2's tables then had room for w alone in their cells.
    Now it has a fifth, the result in bold ends the line of numbers, and leaving presenter
    mode gives back the split and the result's own line."""
    from gui.presenter_bars import PANEL_SHARE

    window = make_window("mazur", size=(1280, 800))
    panel, splitter = window.equation_panel, window.splitter
    for _ in range(3):
        window.step_controls.actions["step"].trigger()
    before = splitter.sizes()
    assert panel.result_html and "<b>" not in panel.substituted_html
    present(window, qtbot)
    qtbot.wait(10)
    view, rest = splitter.sizes()
    assert rest == pytest.approx(PANEL_SHARE * (view + rest), abs=2) and PANEL_SHARE < 0.21
    value = panel.result_text
    assert panel.result_html == "" and panel.substituted_html.count(f"<b>{value}</b>") == 1
    present(window, qtbot, False)
    qtbot.wait(10)
    assert splitter.sizes() == before
    assert panel.result_html and "<b>" not in panel.substituted_html


def test_an_optimizers_rules_get_the_room_they_need_in_presenter_mode(make_window, qtbot,
                                                                      tmp_path):
    """Adam's update at 1280x800: five rules with their numbers, the result and the sentence
    did not fit the panel's share of the height even in the smallest fit, and scrolled out of
    sight. The panel grows for them (the drawing above is laid out anew)."""
    from gui.presenter_bars import PANEL_SHARE
    from tests.gui.stepper.test_equation_fit import adam_mazur

    window = make_window("mazur", size=(1280, 800))
    assert window.files.open_path(adam_mazur(tmp_path / "adam.json"), remember=False)
    present(window, qtbot)
    stepper = window.controller.stepper
    while stepper.current is None or stepper.current.key != "new_w:2:0:0":
        window.step_controls.actions["step"].trigger()
    panel = window.equation_panel
    viewport = panel.parentWidget()
    qtbot.waitUntil(lambda: panel.needed_height(viewport.width()) <= viewport.height(),
                    timeout=1000)
    assert window.splitter.sizes()[1] > PANEL_SHARE * sum(window.splitter.sizes()) + 10
    assert panel.fit >= 0.75


def test_the_graph_tab_shows_its_own_step_bar_in_presenter_mode(make_window, qtbot):
    """The window's toolbar, which steps the graph tab and shows its progress, is hidden in
    presenter mode: the tab's own step buttons and progress line stand in for it, in the
    presenter size, and go again on leaving."""
    window = make_window("mazur", size=(1280, 800))
    window.open_lesson("why-backpropagation")
    tab = window.graph_tab
    window.tabs.setCurrentWidget(tab)
    assert not tab.step_bar.isVisible()
    present(window, qtbot)
    window.step_controls.actions["step"].trigger()
    assert tab.step_bar.isVisible() and "of" in tab.progress_label.text()
    assert tab.progress_label.fontMetrics().height() >= 20
    tab.step_buttons["step"].click()
    assert tab.progress_label.text() == window.step_controls.progress.text()
    present(window, qtbot, False)
    assert not tab.step_bar.isVisible()
