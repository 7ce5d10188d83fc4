"""Legends follow the text scale and presenter mode: each entry's label and its swatch are
measured on screen (their rectangles mapped to the view's pixels), in the Training tab and in a
lesson figure, entries added after the scale changed included."""

import pyqtgraph as pg
from PySide6.QtGui import QAction

from gui.plot_style import ScaledLegend
from tests.gui.stepper.test_network_legibility import presenter_at


def larger_text(window) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == "&Larger text")


def legend_heights(widget) -> tuple[float, float]:
    """The smallest on-screen height, in view pixels, of a legend label's text and swatch."""
    texts, swatches = [], []
    for view in widget.findChildren(pg.GraphicsView):
        if not view.isVisible():
            continue
        for item in view.scene().items():
            if isinstance(item, pg.LegendItem) and item.isVisible():
                for sample, label in item.items:
                    if not label.isVisible():
                        continue
                    text = label.item  # the QGraphicsTextItem inside the LabelItem
                    rect = view.mapFromScene(text.mapToScene(text.boundingRect())).boundingRect()
                    texts.append(rect.height())
                    rect = view.mapFromScene(sample.mapToScene(sample.boundingRect()))
                    swatches.append(rect.boundingRect().height())
    assert texts, "no legend entry shown"
    return min(texts), min(swatches)


def test_training_legends_grow_with_the_text_scale_and_in_presenter_mode(make_window):
    window = make_window("circle", size=(1280, 800))
    window.tabs.setCurrentWidget(window.training_tab)
    window.train_headless(3)
    tab = window.training_tab
    legends = [tab.loss_plot.legend, tab.gradient_plot.legend]
    assert all(isinstance(legend, ScaledLegend) for legend in legends)
    text, swatch = legend_heights(tab)
    larger_text(window).trigger()
    text2, swatch2 = legend_heights(tab)
    assert text2 > text and swatch2 > swatch * 1.1, (text, text2, swatch, swatch2)
    window.presenter_action.trigger()
    text3, swatch3 = legend_heights(tab)
    assert text3 > text2 * 1.3 and swatch3 > swatch2 * 1.4, (text2, text3, swatch2, swatch3)
    # Entries made again later (the gradient legend is rebuilt for each architecture) keep it.
    tab.gradient_plot._restyle(tab.gradient_plot.layers)
    text4, swatch4 = legend_heights(tab.gradient_plot)
    assert text4 > text * 1.4 and swatch4 > swatch * 1.6, (text4, swatch4)
    window.presenter_action.trigger()
    assert legend_heights(tab) == (text2, swatch2)


def test_lesson_figure_legends_grow_in_presenter_mode(make_window):
    window = make_window("mazur", size=(1280, 800))
    window.open_lesson("learning-rate")
    window.tabs.setCurrentWidget(window.lesson_tab)
    text, swatch = legend_heights(window.lesson_tab)
    window.presenter_action.trigger()
    text2, swatch2 = legend_heights(window.lesson_tab)
    assert text2 > text * 1.3 and swatch2 > swatch * 1.4, (text, text2, swatch, swatch2)


def test_plot_header_controls_grow_in_presenter_mode(make_window):
    window = make_window("circle", size=(1280, 800))
    window.tabs.setCurrentWidget(window.training_tab)
    window.train_headless(2)
    tab = window.training_tab
    boxes = [tab.loss_plot.log_box, tab.boundary_plot.export_button]

    def heights():
        return [box.fontMetrics().height() for box in boxes]

    before = heights()
    window.presenter_action.trigger()
    after = heights()
    assert all(a >= 1.4 * b for a, b in zip(after, before)), (before, after)


def test_lesson_figure_titles_and_numbers_grow_in_presenter_mode(make_window):
    window = make_window("mazur", size=(1280, 800))
    window.open_lesson("learning-rate")
    window.tabs.setCurrentWidget(window.lesson_tab)
    figure = window.lesson_tab.figure("loss")
    labels = [figure.heading, figure.info]

    def heights():
        for label in labels:
            label.ensurePolished()
        return [label.fontMetrics().height() for label in labels]

    before = heights()
    window.presenter_action.trigger()
    after = heights()
    assert all(a >= 1.4 * b for a, b in zip(after, before)), (before, after)


def test_representation_plots_made_in_presenter_mode_are_scaled(make_window, qtbot):
    window = make_window("circle", size=(1280, 800))
    window.tabs.setCurrentWidget(window.training_tab)
    window.train_headless(2)
    window.presenter_action.trigger()
    tab = window.training_tab
    tab.representation_box.setChecked(True)  # its plots are made now, after the scale was set
    plots = tab.representation.plots
    assert plots
    tick = plots[0].getAxis("bottom").style["tickFont"]
    assert tick is not None and tick.pointSizeF() >= 1.5 * 9.0
    assert plots[0].titleLabel.opts.get("size") == "17.3pt"  # 9 pt × 1.2 × 1.6
    # Its row shares the height with the plots above (not squeezed under their large text).
    window.showNormal()
    window.resize(1280, 800)
    above = tab.loss_plot.view
    qtbot.waitUntil(lambda: tab.representation.view.height() >= 0.6 * above.height())


def test_in_presenter_mode_the_loss_legend_wraps_and_the_plot_keeps_its_axes(make_window):
    """At presenter size the loss legend's four entries (train/test loss and accuracy) take
    two rows instead of widening the plot: the plot and its accuracy axis stay in the view."""
    window = make_window("circle", size=(1280, 800))
    window.tabs.setCurrentWidget(window.training_tab)
    window.train_headless(3)
    plot = window.training_tab.loss_plot
    names = [label.text for _, label in plot.legend.items]
    assert {"test loss", "test accuracy"} <= set(names) and len(set(names)) == len(names)
    window.presenter_action.trigger()
    window.showNormal()
    window.resize(1280, 800)
    pg.QtWidgets.QApplication.processEvents()
    assert plot.legend.columnCount == 2
    view = plot.view
    scene_width = view.ci.boundingRect().width()
    assert scene_width <= view.width() + 1  # nothing drawn beyond the view's right edge
    window.presenter_action.trigger()
    pg.QtWidgets.QApplication.processEvents()
    assert_in_view(plot)
    window.resize(1920, 1080)
    pg.QtWidgets.QApplication.processEvents()
    assert plot.legend.columnCount == plot.legend.base_columns  # one row where it fits
    assert_in_view(plot)


def assert_in_view(plot) -> None:
    """The plot's layout, its accuracy axis (ticks and title) included, is inside its view."""
    view = plot.view
    assert view.ci.boundingRect().width() <= view.width() + 1
    axis = plot.plot.getAxis("right")
    rect = view.mapFromScene(axis.sceneBoundingRect()).boundingRect()
    assert axis.isVisible() and rect.right() <= view.width() + 1


def test_at_1280_by_800_the_loss_legend_wraps_and_the_accuracy_axis_is_in_view(make_window):
    """Normal text at the default window size: the four-entry legend would make the plot wider
    than its view (its accuracy ticks and title cut off): it takes two rows of two instead."""
    window = make_window("circle", size=(1280, 800))
    window.tabs.setCurrentWidget(window.training_tab)
    window.train_headless(3)
    pg.QtWidgets.QApplication.processEvents()
    plot = window.training_tab.loss_plot
    assert plot.legend.columnCount == 2
    assert_in_view(plot)


def test_a_legend_above_its_plot_takes_only_its_rows_height(make_window):
    """The loss and gradient legends sit in a row of their own above their plots, without a
    box: their 9 px margins took 18 px from a presenter-mode loss plot whose curves had 105."""
    window = make_window("circle", size=(1280, 800))
    window.tabs.setCurrentWidget(window.training_tab)
    window.train_headless(3)
    presenter_at(window)
    tab = window.training_tab
    for legend in (tab.loss_plot.legend, tab.gradient_plot.legend):
        rows = legend.layout.rowCount()
        tallest = max(label.boundingRect().height() for _, label in legend.items)
        spacing = legend.layout.verticalSpacing()
        assert legend.boundingRect().height() <= rows * tallest + (rows - 1) * spacing + 2
