"""Ctrl+= and presenter mode reach every widget: plots, docks, tables, lesson figures, the quiz
bar and the counts table; Esc leaves presenter mode and brings the docks back as they were."""

import pyqtgraph as pg
from PySide6.QtGui import QAction


def larger_text(window) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == "&Larger text")


def tick_points(widget) -> list[float]:
    sizes = []
    for view in widget.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.PlotItem):
                font = item.getAxis("bottom").style["tickFont"]
                sizes.append(font.pointSizeF() if font is not None else 0.0)
    return sizes


def test_larger_text_reaches_plots_docks_tables_and_bars(window, qtbot):
    window.tabs.setCurrentWidget(window.training_tab)
    window.training_tab.build_plots()
    window.open_lesson("learning-rate")
    window.tabs.setCurrentWidget(window.lesson_tab)
    before = {
        "training plots": min(tick_points(window.training_tab)),
        "lesson figures": min(tick_points(window.lesson_tab)),
        "training dock": window.training_dock.widget().font().pointSizeF(),
        "values table": window.values_dock.units_table.font().pointSizeF(),
        "quiz bar": window.quiz.bar.prompt.font().pointSizeF(),
        "counts table": window.graph_tab.counts_table.font().pointSizeF(),
        "lesson heading": window.lesson_tab.heading.font().pointSizeF(),
    }
    larger_text(window).trigger()
    after = {
        "training plots": min(tick_points(window.training_tab)),
        "lesson figures": min(tick_points(window.lesson_tab)),
        "training dock": window.training_dock.widget().font().pointSizeF(),
        "values table": window.values_dock.units_table.font().pointSizeF(),
        "quiz bar": window.quiz.bar.prompt.font().pointSizeF(),
        "counts table": window.graph_tab.counts_table.font().pointSizeF(),
        "lesson heading": window.lesson_tab.heading.font().pointSizeF(),
    }
    for name in before:
        assert after[name] > before[name] * 1.1, name
    # A plot's legend and axis label follow.
    plot = window.training_tab.loss_plot
    items = [i for i in plot.view.scene().items() if isinstance(i, pg.PlotItem)]
    assert any("font-size" in i.getAxis("bottom").labelStyle for i in items)


def test_escape_leaves_presenter_mode_and_restores_the_docks(window):
    window.training_dock.show()
    window.training_dock.raise_()
    visible = {d.objectName(): d.isVisible() for d in (window.values_dock, window.training_dock,
                                                        window.lesson_panel)}
    window.presenter_action.trigger()
    assert window.presenter and window.leave_presenter_action.isEnabled()
    assert not any(d.isVisible() for d in (window.values_dock, window.training_dock))
    window.leave_presenter_action.trigger()
    assert not window.presenter and not window.leave_presenter_action.isEnabled()
    assert {d.objectName(): d.isVisible() for d in (window.values_dock, window.training_dock,
                                                     window.lesson_panel)} == visible


def test_presenter_mode_keeps_disabled_controls_grey(window):
    window.presenter_action.trigger()
    button = window.training_tab.timeline_bar.live_button  # disabled while live
    assert not button.isEnabled()
    grey = button.palette().color(button.palette().ColorGroup.Disabled,
                                  button.palette().ColorRole.ButtonText)  # fmt: skip
    assert grey.name() != "#000000"
    window.presenter_action.trigger()


def test_presenter_mode_enlarges_the_training_headers_and_the_timeline(window):
    window.tabs.setCurrentWidget(window.training_tab)
    window.train_headless(3)
    tab = window.training_tab

    def heights():
        for label in (tab.loss_plot.info, tab.loss_plot.heading, tab.timeline_bar.label):
            label.ensurePolished()  # as before it is painted: its style sheet applied
        return (tab.loss_plot.info.fontMetrics().height(),
                tab.loss_plot.heading.fontMetrics().height(),
                tab.timeline_bar.label.fontMetrics().height())  # fmt: skip

    before = heights()
    window.presenter_action.trigger()
    after = heights()
    assert all(a >= 1.4 * b for a, b in zip(after, before)), (before, after)
    window.presenter_action.trigger()
    assert heights() == before
