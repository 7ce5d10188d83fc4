"""The Lessons tab and the Lesson dock follow the text scale and presenter mode (under the
presenter's style sheet no widget takes its parent's font, so each is checked on itself), and at
1280x800 nothing the student needs is cut off: measured on the widgets as laid out."""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from gui.lessons.plots.base import legend_extent


def open_at(make_window, lesson_id: str, presenter: bool = False, size=(1280, 800)):
    win = make_window("mazur", size=size)
    assert win.open_lesson(lesson_id)
    if presenter:
        win.presenter_action.setChecked(True)
        win.showNormal()  # offscreen there is no screen to fill: keep the size asked for
        win.resize(*size)
    QApplication.processEvents()
    return win


def header_widgets(tab):
    return [tab.watch_button, tab.run_combo, tab.train_button, tab.list_button]


def pixel_sizes(widgets):
    return [QFontMetricsF(w.font()).height() for w in widgets]


def test_header_buttons_and_run_combo_grow_with_the_text_scale(make_window):
    win = open_at(make_window, "herd-effect")
    tab = win.lesson_tab
    widgets = header_widgets(tab)
    assert all(w.isVisible() for w in widgets)
    before = pixel_sizes(widgets)
    win.scale_text(1.25)
    QApplication.processEvents()
    larger = pixel_sizes(widgets)
    assert all(b2 > b1 for b1, b2 in zip(before, larger))
    win.scale_text(1 / 1.25)
    win.presenter_action.setChecked(True)
    QApplication.processEvents()
    presenter = pixel_sizes(widgets)
    assert all(p > 1.4 * b for b, p in zip(before, presenter))
    # the combo's list, the figures' titles, numbers lines and check boxes too
    assert QFontMetricsF(tab.run_combo.view().font()).height() > 1.4 * before[1]
    loss = tab.figure("loss")
    for widget in (loss.heading, loss.info, loss.log_box):
        assert widget.font().pointSizeF() >= 1.5 * 9.0
    win.presenter_action.setChecked(False)
    QApplication.processEvents()
    assert pixel_sizes(widgets) == pytest.approx(before)


@pytest.mark.parametrize("presenter", [False, True])
def test_the_run_combo_shows_its_whole_label_at_1280x800(make_window, presenter):
    win = open_at(make_window, "herd-effect", presenter)
    combo = win.lesson_tab.run_combo
    assert combo.isVisible() and combo.count() == 3
    for index in range(combo.count()):
        combo.setCurrentIndex(index)
        label = combo.currentText()
        assert combo.text_width() <= combo.text_room(), label
        assert combo.shown_text() == label
        assert label in combo.toolTip()
    # the header's buttons stay inside the tab
    tab = win.lesson_tab
    for widget in header_widgets(tab):
        rect = QRect(widget.mapTo(tab, QPoint(0, 0)), widget.size())
        assert tab.rect().contains(rect), widget


def test_a_narrow_run_combo_cuts_its_label_in_the_middle(make_window):
    win = open_at(make_window, "herd-effect")
    combo = win.lesson_tab.run_combo
    combo.setCurrentIndex(1)
    label = combo.currentText()
    combo.setFixedWidth(combo.minimumSizeHint().width())
    shown = combo.shown_text()
    assert shown != label and "…" in shown
    start, end = shown.split("…")
    assert label.startswith(start) and label.endswith(end) and start and end
    assert label in combo.toolTip()


def test_the_herd_matrices_numbers_grow_in_presenter_mode(make_window):
    win = open_at(make_window, "herd-effect")
    matrices = win.lesson_tab.figure("similarity")
    tables = [t for t in matrices.tables if t.isVisible()]
    assert len(tables) == 3
    normal = [(t.table.font().pointSizeF(), t.table.rowHeight(0), t.table.columnWidth(0))
              for t in tables]  # fmt: skip
    win.presenter_action.setChecked(True)
    QApplication.processEvents()
    for (points, row, column), t in zip(normal, tables):
        assert t.table.font().pointSizeF() > 1.5 * points
        assert t.table.rowHeight(0) > 1.3 * row and t.table.columnWidth(0) > 1.3 * column
        assert t.table.horizontalHeader().font().pointSizeF() > 1.5 * points
        # every number fits its cell
        metrics = QFontMetricsF(t.table.font())
        widest = max(metrics.horizontalAdvance(s) for row in t.texts() for s in row)
        assert widest < t.table.columnWidth(1)
        assert metrics.height() <= t.table.rowHeight(0)
    # the note under the tables too
    assert matrices.info.font().pointSizeF() > 1.5 * 9.0
    win.presenter_action.setChecked(False)


@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize("lesson_id",
                         ["herd-effect", "optimizers", "local-minima", "why-backpropagation"])
def test_the_panel_keeps_its_controls_and_buttons_in_view(make_window, presenter, lesson_id):
    win = open_at(make_window, lesson_id, presenter)
    panel = win.lesson_panel
    if presenter and win.tabs.currentWidget() is win.graph_tab:
        assert not panel.isVisible()  # put away for the graph's sake; F9 brings it back
        win.lesson_panel_action.trigger()
        QApplication.processEvents()
    assert panel.isVisible()
    visible = panel.rect()
    widgets = [panel.previous_button, panel.reset_button, panel.next_button, panel.done_box,
               panel.show_button, panel.list_button, *panel.control_boxes.values()]  # fmt: skip
    assert panel.control_boxes  # these lessons have controls
    for widget in widgets:
        assert widget.isVisible(), widget
        rect = QRect(widget.mapTo(panel, QPoint(0, 0)), widget.size())
        assert visible.contains(rect), (widget, rect, visible)
        assert rect.height() >= widget.minimumSizeHint().height()  # not squeezed
    # each choice shows its whole text
    for box in panel.control_boxes.values():
        metrics = QFontMetricsF(box.font())
        assert metrics.horizontalAdvance(box.currentText()) < box.width()
    if presenter:
        win.presenter_action.setChecked(False)


def test_presenter_mode_gives_the_figures_two_thirds_and_gives_the_dock_back(make_window):
    win = open_at(make_window, "herd-effect")
    panel, tab = win.lesson_panel, win.lesson_tab
    before = panel.width()
    win.presenter_action.setChecked(True)
    win.showNormal()
    win.resize(1280, 800)
    QApplication.processEvents()
    assert panel.width() < 0.37 * win.width() < before
    assert tab.width() > 0.6 * win.width()
    win.presenter_action.setChecked(False)
    QApplication.processEvents()
    assert abs(panel.width() - before) <= 2


def test_a_legend_that_would_cover_the_plot_moves_into_the_key(make_window):
    win = open_at(make_window, "herd-effect")
    loss = win.lesson_tab.figure("loss")
    labels = [label.text for _, label in loss.legend.items]
    assert len(labels) == 3
    assert not loss.legend_shown_as_key()  # at 1280x800 it leaves the curves room
    win.presenter_action.setChecked(True)
    win.showNormal()
    win.resize(1280, 800)
    QApplication.processEvents()
    # presenter text: the legend would cover over a quarter of the plot, so the key takes it
    box = loss.legend.parentItem()
    width, height = legend_extent(loss.legend)
    assert width * height > 0.25 * box.width() * box.height()
    assert loss.legend_shown_as_key()
    key = loss.key.text().replace("&nbsp;", " ")
    assert all(label in key for label in labels)
    win.presenter_action.setChecked(False)
    QApplication.processEvents()
    assert not loss.legend_shown_as_key() and loss.legend.isVisible()
    assert loss.legend.width() <= legend_extent(loss.legend)[0] + 10  # not at presenter size


@pytest.mark.parametrize("presenter", [False, True])
def test_the_start_page_shows_every_title_whole_at_the_text_scale(make_window, presenter):
    win = open_at(make_window, "herd-effect", presenter)
    tab = win.lesson_tab
    tab.show_list()
    win.tabs.setCurrentWidget(tab)
    QApplication.processEvents()
    tree = tab.start_page.tree
    assert tree.font().pointSizeF() == pytest.approx(9.5 * (1.6 if presenter else 1.0))
    assert tab.start_page.continue_button.font().pointSizeF() == tree.font().pointSizeF()
    for row in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(row)
        metrics = QFontMetricsF(item.font(1))  # the open lesson's row is bold
        assert metrics.horizontalAdvance(item.text(1)) < tree.columnWidth(1), item.text(1)
        assert item.toolTip(2) == item.text(2)  # a cut section reads whole in its tooltip
    right = tree.header().sectionPosition(3) + tree.columnWidth(3)
    assert right <= tree.viewport().width()  # no column pushed out of view


def test_a_colour_key_is_drawn_whole_above_its_plot(make_window):
    """In presenter mode lesson 5's legends become colour keys: each has the height its wrapped
    text needs (the plot below cannot squeeze it to nothing)."""
    win = open_at(make_window, "optimizers", presenter=True)
    shown = 0
    for role in ("surface", "loss"):
        figure = win.lesson_tab.figure(role)
        if figure.legend_shown_as_key():
            shown += 1
            key = figure.key
            assert key.height() > 0
            assert key.height() >= key.heightForWidth(key.width()) - 1
    assert shown  # at this size at least one legend is a key
    win.presenter_action.setChecked(False)


def test_a_colour_key_wraps_only_between_its_entries(make_window):
    """Lesson 5 in presenter mode: the loss plot's key took four lines broken inside entries
    ("momentum," / "η = 0.021 ■ RMSProp, η =" / "0.05"), each η under the wrong run."""
    from PySide6.QtGui import QTextDocument

    win = open_at(make_window, "optimizers", presenter=True)
    figure = win.lesson_tab.figure("loss")
    assert figure.legend_shown_as_key()
    key = figure.key
    doc = QTextDocument()
    doc.setDefaultFont(key.font())
    doc.setHtml(key.text())
    doc.setTextWidth(key.contentsRect().width())
    doc.documentLayout().documentSize()  # (lays the text out)
    lines = []
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        for k in range(layout.lineCount()):
            line = layout.lineAt(k)
            lines.append(block.text()[line.textStart():line.textStart() + line.textLength()])
        block = block.next()
    assert len(lines) > 1  # wrapped at this width
    for line in lines:
        assert line.lstrip().startswith("■"), lines  # each line begins with an entry
    win.presenter_action.setChecked(False)


@pytest.mark.parametrize("presenter", [False, True])
def test_a_legend_never_hides_where_a_path_starts_or_ends(make_window, presenter):
    """Lesson 5: the legend sat over the minimum where the optimizers' paths end (bottom
    right) or over their start; it goes to a corner free of both, else into the key."""
    import pyqtgraph as pg
    from PySide6.QtCore import QPointF

    win = open_at(make_window, "optimizers", presenter=presenter)
    for role in ("surface", "loss"):
        figure = win.lesson_tab.figure(role)
        legend = figure.legend
        if not legend.isVisible():
            assert figure.legend_shown_as_key()
            continue
        box, covered = legend.parentItem(), legend.sceneBoundingRect()
        ends = 0
        for item in box.addedItems:
            if isinstance(item, (pg.PlotDataItem, pg.ScatterPlotItem)) and item.isVisible():
                x, y = item.getData()
                if x is None or not len(x):
                    continue
                for k in {0, len(x) - 1}:
                    point = box.mapViewToScene(QPointF(float(x[k]), float(y[k])))
                    assert not covered.contains(point), (role, k)
                    ends += 1
        assert ends >= 8  # four runs, each with a start and an end
    win.presenter_action.setChecked(False)


def test_a_control_label_over_its_choice_takes_the_rows_width_on_the_panels_colour(
        make_window):
    """Lesson 5 in presenter mode puts each choice under its label: "Learning rate (momentum:
    a tenth)" wrapped into three lines a third of the row wide, each on a white box (the
    presenter style sheet's background) on the panel's blue."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QFormLayout

    from gui.lessons.panel import TRY_COLOUR

    win = open_at(make_window, "optimizers", presenter=True)
    panel = win.lesson_panel
    form = panel.controls_form
    assert form.rowWrapPolicy() == QFormLayout.RowWrapPolicy.WrapAllRows
    image = panel.controls_box.grab().toImage()
    labels = 0
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        line = label.fontMetrics().height()
        if label.fontMetrics().horizontalAdvance(label.text()) < panel.controls_box.width() - 20:
            assert label.height() < 1.6 * line, label.text()  # one line
        # The label's own background, above its letters: the panel's colour.
        box = label.geometry()
        pixel = QColor(image.pixel(box.center().x(), box.top() + 1))
        assert pixel.name() == QColor(TRY_COLOUR).name(), label.text()
        labels += 1
    assert labels == 2
    win.presenter_action.setChecked(False)


def test_a_legends_measured_extent_is_the_size_it_is_drawn(make_window):
    """The freest corner was chosen for a legend 18 px lower than drawn (its margins left
    out), so that in presenter mode's taller plot it sat on the end of a path."""
    from gui.lessons.plots.base import legend_extent

    win = open_at(make_window, "optimizers")
    shown = [win.lesson_tab.figure(role).legend for role in ("surface", "loss")]
    shown = [legend for legend in shown if legend.isVisible()]
    assert shown
    for legend in shown:
        width, height = legend_extent(legend)
        drawn = legend.boundingRect()
        assert width == pytest.approx(drawn.width(), abs=1)
        assert height == pytest.approx(drawn.height(), abs=1)
