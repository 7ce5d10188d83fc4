"""Lesson 3's computation graph (17 nodes) as a person sees it: every number known at the cursor
drawn inside the view at a legible line height, no two labels overlapping, the drawing using
the view, and every node named by what it computes (never by an id such as n13).

Each label's rectangle is mapped to viewport pixels, as the legibility tool does."""

import re

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF

from core.expressions import parse, trace
from core.notation import fmt
from gui.graph.layout import layout_rows, wrap_bands

NODE_ID = re.compile(r"\bn\d+\b")


def open_lesson_3(make_window, qtbot, size, presenter=False):
    window = make_window("mazur", size=size)
    assert window.open_lesson("3")
    qtbot.waitUntil(lambda: window.lesson_panel.width() <= 0.33 * window.width())
    if presenter:
        window.presenter_action.trigger()
        window.showNormal()  # offscreen there is no screen to fill: keep the size
        window.resize(*size)
    assert window.tabs.currentWidget() is window.graph_tab
    qtbot.wait(20)  # the docks settle, the view grows and lays the graph out again
    c = window.graph_tab.controller
    assert len(c.graph.nodes) == 18  # 17 nodes that carry a derivative, and the constant 2
    return window, window.graph_tab.view, c


def on_screen(view) -> dict[str, tuple[str, QRectF, float]]:
    """key → (text, rectangle in viewport pixels, line height in pixels) of every shown label."""
    out = {}
    for key, item in view.labels.items():
        if not item.isVisible() or not item.text():
            continue
        rect = item.deviceTransform(view.viewportTransform()).mapRect(item.boundingRect())
        line = QFontMetricsF(item.font()).height() * rect.height() / item.boundingRect().height()
        out[key] = (item.text(), rect, line)
    return out


def number_keys(view, known) -> dict[str, str]:
    """The label that must show each number known at the cursor (a constant shows its own)."""
    graph = view.controller.graph
    keys = {}
    for key in known:
        kind, _, rest = key.partition(":")
        if kind == "value" and graph.node(rest).op == "const":
            keys[key] = f"label:{rest}"
        elif key in view.labels:
            keys[key] = key
    return keys


def overlaps(shown) -> list[tuple[str, str]]:
    items = list(shown.values())
    pairs = []
    for a in range(len(items)):
        for b in range(a + 1, len(items)):
            inter = items[a][1].intersected(items[b][1])
            if inter.width() > 1.5 and inter.height() > 1.5:  # a shared edge row does not count
                pairs.append((items[a][0], items[b][0]))
    return pairs


def check_everything_legible(view, c, bound):
    port = QRectF(view.viewport().rect()).adjusted(-1, -1, 1, 1)
    shown = on_screen(view)
    known = c.known()
    for key, label in number_keys(view, known).items():
        assert label in shown, key
        text, rect, line = shown[label]
        assert fmt(known[key]) in text, (key, text)
        assert port.contains(rect), (text, rect, port)
        assert line >= bound, (text, line)
    for text, _, line in shown.values():
        assert line >= bound, (text, line)  # names too
    assert not overlaps(shown)


def drawing_share(view) -> float:
    drawn = view.mapFromScene(view.scene().itemsBoundingRect()).boundingRect()
    port = view.viewport().rect()
    inter = drawn.intersected(port)
    return inter.width() * inter.height() / (port.width() * port.height())


def test_lesson_3_is_legible_at_every_step_at_1280_by_800(make_window, qtbot):
    window, view, c = open_lesson_3(make_window, qtbot, (1280, 800))
    assert view.horizontalScrollBar().maximum() == 0 and view.verticalScrollBar().maximum() == 0
    while True:
        check_everything_legible(view, c, 13.0)
        if c.at_end:
            break
        c.step()
    assert len(c.known()) >= 35  # every value, derivative and local derivative was checked
    assert drawing_share(view) > 0.6
    assert view.bands >= 2  # too wide for one row of columns: wrapped


@pytest.mark.parametrize("size", [(1920, 1080)])
def test_lesson_3_in_presenter_mode_on_a_large_screen_shows_everything(make_window, qtbot, size):
    window, view, c = open_lesson_3(make_window, qtbot, size, presenter=True)
    c.to_end()
    check_everything_legible(view, c, 22.0)
    assert drawing_share(view) > 0.6


def test_lesson_3_in_presenter_mode_at_1280_by_800_follows_the_cursor(make_window, qtbot):
    """At 22 px the 17 cards need more than the view's 1250 × 310 px: the graph is shown at the
    legible size and the view keeps what the current step writes and reads in sight."""
    window, view, c = open_lesson_3(make_window, qtbot, (1280, 800), presenter=True)
    port = QRectF(view.viewport().rect()).adjusted(-1, -1, 1, 1)
    while not c.at_end:
        c.step()
        op = c.current
        shown = on_screen(view)
        kind = "derivative" if op.phase == "backward" else "value"
        label = f"label:{op.node}" if c.graph.node(op.node).op == "const" else f"{kind}:{op.node}"
        text, rect, line = shown[label]
        number = op.derivative if op.phase == "backward" else op.value
        assert fmt(number) in text and port.contains(rect) and line >= 22.0, (text, rect)
        for text, _, line in shown.values():
            assert line >= 22.0, (text, line)
        assert not overlaps(shown)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_lesson_3_fits_at_22_px_in_presenter_mode_with_the_lesson_panel_put_away(
        make_window, qtbot, mode):
    """At 1280 × 800 in presenter mode with the panel put away (F9) the whole graph is legible
    at 22 px at every step: compact cards (title = value / grad), tight bands."""
    window, view, c = open_lesson_3(make_window, qtbot, (1280, 800), presenter=True)
    assert not window.lesson_panel.isVisible()  # presenter mode put it away
    qtbot.waitUntil(lambda: view.viewport().width() >= window.width() - 40)
    c.set_mode(mode, "w1")
    qtbot.wait(20)
    while True:
        check_everything_legible(view, c, 22.0)
        if c.at_end:
            break
        c.step()
    assert len(c.known()) >= (35 if mode == "reverse" else 18)
    assert drawing_share(view) > 0.8
    w1 = c.graph.variable("w1").id
    product = next(n.id for n in c.graph.nodes if view._names[n.id] == "w1*x1")
    if mode == "reverse":  # compact: an operation's title and value share the first line
        assert view.text(f"value:{product}") == "= 0.5"
        assert view.text(f"derivative:{product}") == "grad = −0.2952"
        title, value = view.labels[f"label:{product}"], view.labels[f"value:{product}"]
        assert abs(title.sceneBoundingRect().center().y()
                   - value.sceneBoundingRect().center().y()) < 3
        assert view.text(f"derivative:{w1}") == "∂L/∂w1 = −0.2952"


def test_no_node_is_called_by_its_id(make_window, qtbot):
    """Cards, edge tips, the equation panel, the step text, the counts: names, not n13."""
    window, view, c = open_lesson_3(make_window, qtbot, (1280, 800))
    tab = window.graph_tab
    table = tab.counts_table

    def texts():
        yield from (item.text() for item in view.labels.values())
        yield from (item.toolTip() for item in view.labels.values())
        yield from (card.toolTip() for card in view.cards.values())
        yield from (label.text() for label in tab.equation_labels.values())
        yield tab.counts_label.text()
        yield from (table.item(r, k).text() for r in range(2) for k in range(3))

    for mode, wrt in (("reverse", None), ("forward", "w1")):
        c.set_mode(mode, wrt)
        while True:
            for text in texts():
                assert not NODE_ID.search(text), text
            if c.at_end:
                break
            c.step()
    titles = {item.text() for key, item in view.labels.items() if key.startswith("label:")}
    assert {"w1*x1", "w1*x1 + w2*x2", "σ(…)", "y − σ(…)"} <= titles
    # A variable's card needs no title: its first line names it.
    assert view.text(f"value:{c.graph.variable('w1').id}") == "w1 = 0.5"


def test_formulas_name_nodes_by_their_sub_expressions():
    graph = parse("(y - sigmoid(w1*x1 + b))**2")
    ops = trace(graph, {"y": 1, "w1": 0.5, "x1": 1, "b": 0.1})
    texts = [t for op in ops for t in (op.formula, op.substituted, op.text)]
    assert not any(NODE_ID.search(t) for t in texts)
    at_sum = next(op for op in ops if op.phase == "forward" and op.value == pytest.approx(0.6))
    assert at_sum.text == "w1*x1 + b = (w1*x1) + b = 0.5 + 0.1 = 0.6."
    seed = next(op for op in ops if op.phase == "backward")
    assert seed.formula == "∂f/∂f = 1"  # the output is called f
    product = next(n.id for n in graph.nodes if n.op == "mul")
    at_product = next(op for op in ops if op.phase == "backward" and op.node == product)
    assert at_product.formula.startswith("∂f/∂(w_{1}*x_{1}) = ∂f/∂(w_{1}*x_{1} + b)")


def test_rows_keep_cards_of_different_heights_apart():
    graph = parse("a*b + c*d")
    tall = {n.id for n in graph.nodes if n.op not in ("var", "const")}
    rows = layout_rows(graph, lambda n: 1.6 if n.id in tall else 1.0)
    products = sorted(rows[n.id] for n in graph.nodes if n.op == "mul")
    assert products[1] - products[0] >= 1.6 - 1e-9
    variables = sorted(rows[n.id] for n in graph.nodes if n.op == "var")
    assert all(b - a >= 1 - 1e-9 for a, b in zip(variables, variables[1:]))


def test_wrapping_chooses_bands_that_fit_the_view():
    columns = {f"n{k}": k for k in range(8)}  # a chain of 8 columns, one row high
    rows = dict.fromkeys(columns, 0.0)
    widths = dict.fromkeys(range(8), 150.0)
    widths[0] = 250.0  # the inputs' column is wider
    size = (50.0, 60.0, 50.0, 13.0)  # gap, row pitch, card height, text size
    wide = wrap_bands(columns, rows, widths, size, (1700, 400))
    assert wide["per"] == 8 and len(wide["tops"]) == 1
    xs = wide["xs"][0]
    assert xs[1] - xs[0] == pytest.approx(250 / 2 + wide["gap"] + 150 / 2)
    assert wide["gap"] >= 50.0  # room to spare spreads the columns
    narrow = wrap_bands(columns, rows, widths, size, (700, 600), floor=0.86)
    assert narrow["per"] < 8 and len(narrow["tops"]) >= 2
    # Bands are stacked: each starts below the one before, its lane in between.
    ys, lanes = narrow["ys"], narrow["lanes"]
    assert all(y0 < lane < y1 for y0, lane, y1 in zip(ys, lanes, ys[1:]))


MICROGRAD_Z = "(2*x + 2 + x)"
MICROGRAD_Q = f"(relu{MICROGRAD_Z} + {MICROGRAD_Z}*x)"
# micrograd's sanity check as one expression (13 nodes); its published result at x = −4 is
# y = −20 and dy/dx = 46.
MICROGRAD = f"relu({MICROGRAD_Z}*{MICROGRAD_Z}) + {MICROGRAD_Q} + {MICROGRAD_Q}*x"


@pytest.mark.parametrize("size, presenter", [((1280, 800), False), ((1920, 1080), False),
                                             ((1280, 800), True), ((1920, 1080), True)])
def test_micrograds_expression_is_legible_at_every_step(make_window, qtbot, size, presenter):
    window = make_window("mazur", size=size)
    if presenter:
        window.presenter_action.trigger()
        window.showNormal()
        window.resize(*size)
    window.tabs.setCurrentWidget(window.graph_tab)
    c, view = window.graph_tab.controller, window.graph_tab.view
    c.set_expression(MICROGRAD, {"x": -4.0})
    qtbot.wait(20)
    while True:
        check_everything_legible(view, c, 22.0 if presenter else 13.0)
        if c.at_end:
            break
        c.step()
    known = c.known()
    out, x = c.graph.output, c.graph.variable("x").id
    assert (known[f"value:{out}"], known[f"derivative:{x}"]) == (-20.0, 46.0)
    assert drawing_share(view) > 0.5


def test_the_lesson_dock_makes_room_for_the_graph_and_gets_its_width_back(make_window, qtbot):
    window, view, c = open_lesson_3(make_window, qtbot, (1280, 800))
    dock = window.lesson_panel
    assert dock.isVisible() and not window.values_dock.isVisible()
    assert dock.width() <= 0.33 * window.width()
    assert window.graph_tab.expression_edit.width() >= 250  # not squeezed to a sliver
    narrowed = dock.width()
    window.tabs.setCurrentWidget(window.stepper_tab)
    qtbot.waitUntil(lambda: dock.width() > narrowed + 40)  # the lesson's width is back
    window.tabs.setCurrentWidget(window.graph_tab)
    qtbot.waitUntil(lambda: abs(dock.width() - narrowed) <= 8)  # narrowed again


# -- the Lesson dock beside the graph, and the lower area -----------------------------------


def test_a_lesson_opened_on_the_graph_tab_narrows_its_dock(make_window, qtbot):
    window = make_window("mazur", size=(1280, 800))
    window.tabs.setCurrentWidget(window.graph_tab)
    qtbot.wait(40)
    assert window.open_lesson("3")  # the tab is already the graph's: no tab change
    dock = window.lesson_panel
    assert dock.isVisible()
    qtbot.waitUntil(lambda: dock.width() <= 0.33 * window.width())
    assert window.graph_tab.view.viewport().width() >= 0.6 * window.width()


def test_in_presenter_mode_the_graph_tab_puts_the_lesson_panel_away_and_f9_brings_it_back(
        make_window, qtbot):
    window = make_window("mazur", size=(1280, 800))
    window.tabs.setCurrentWidget(window.graph_tab)
    qtbot.wait(40)
    window.presenter_action.trigger()
    window.showNormal()
    window.resize(1280, 800)
    assert window.open_lesson("3")
    dock, view = window.lesson_panel, window.graph_tab.view
    action = window.lesson_panel_action
    assert not dock.isVisible() and not action.isChecked()  # the graph gets the whole width
    qtbot.waitUntil(lambda: view.viewport().width() >= window.width() - 40)
    wide = view.viewport().width()
    assert action.shortcut().toString() == "F9" and action in window.view_menu.actions()
    assert action in window.actions()  # works while the menus are out of reach
    action.trigger()  # back, narrowed
    assert dock.isVisible() and action.isChecked()
    qtbot.waitUntil(lambda: dock.width() <= 0.30 * window.width() + 2)
    assert view.viewport().width() < wide - 300
    action.trigger()  # and away again
    assert not dock.isVisible()
    # Put away by presenter mode, the panel is back on the other tabs and after presenter mode.
    window.presenter_action.trigger()  # leave
    window.showNormal()
    window.show_lesson_view()  # the panel beside the graph in normal mode
    assert dock.isVisible() and window.tabs.currentWidget() is window.graph_tab
    window.presenter_action.trigger()  # enter again, on the graph tab
    assert not dock.isVisible()
    window.tabs.setCurrentWidget(window.stepper_tab)
    assert dock.isVisible()
    window.tabs.setCurrentWidget(window.graph_tab)
    assert not dock.isVisible()
    window.presenter_action.trigger()
    assert dock.isVisible()


def lower_area_problems(tab) -> list[str]:
    """The heading's and the formulas' texts shown whole: inside the visible lower area, laid
    out at a width that holds them, and clear of the counts table."""
    area, table = tab.equation_area, tab.counts_table
    port = area.viewport()
    counts = QRectF(table.rect()).translated(table.mapTo(port, table.rect().topLeft()).toPointF())
    problems = []
    if area.horizontalScrollBar().maximum() > 0:
        problems.append("the lower area scrolls sideways")
    for name in ("heading", "formula", "substituted", "result"):
        label = tab.equation_labels[name]
        if not label.text():
            continue
        top_left = label.mapTo(port, label.rect().topLeft()).toPointF()
        rect = QRectF(label.rect()).translated(top_left)
        if rect.left() < -0.5 or rect.right() > port.width() + 0.5:
            problems.append(f"{name} is cut off: {rect} in a viewport {port.width()} wide")
        if label.height() < label.heightForWidth(label.width()):
            problems.append(f"{name} needs more lines than it has")
        if rect.intersects(counts):
            problems.append(f"{name} runs under the counts table")
    return problems


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
@pytest.mark.parametrize("presenter", [False, True])
def test_the_lower_area_never_clips_the_step_text(make_window, qtbot, size, presenter):
    window, view, c = open_lesson_3(make_window, qtbot, size, presenter=presenter)
    tab = window.graph_tab
    qtbot.wait(60)
    for mode, wrt in (("reverse", None), ("forward", "w1")):
        c.set_mode(mode, wrt)
        for _ in range(len(c.trace) + 1):
            try:  # once the labels are laid out for the new text
                qtbot.waitUntil(lambda: not lower_area_problems(tab), timeout=1000)
            except qtbot.TimeoutError:
                raise AssertionError((mode, c.cursor, lower_area_problems(tab))) from None
            c.step()
    if not presenter:
        assert not tab.stacked
    if presenter and size == (1280, 800):  # beside a 30 % dock there is no room side by side
        window.lesson_panel_action.trigger()
        qtbot.waitUntil(lambda: tab.stacked)
        assert not lower_area_problems(tab)


def test_lesson_3_calls_its_output_l(make_window, qtbot):
    window, view, c = open_lesson_3(make_window, qtbot, (1280, 800))
    tab = window.graph_tab
    w1 = c.graph.variable("w1").id
    assert c.graph.output_name == "L"
    assert view.text(f"derivative:{w1}") == "∂L/∂w1 = —"
    assert view.text(f"value:{c.graph.output}") == "L = —"
    c.to_end()
    assert view.text(f"derivative:{c.graph.output}") == "∂L/∂L = 1"
    assert "∂L/∂w1 = " in tab.equation_labels["sentence"].text()
    c.set_mode("forward", "w1")
    assert tab.counts_label.text().endswith("This pass gives dL/dw1.")
    c.to_end()
    assert "dL/dw1 = " in tab.equation_labels["sentence"].text()
    qtbot.waitUntil(lambda: "Measured" in window.lesson_panel.text.toPlainText())
    measured = window.lesson_panel.text.toPlainText().split("Measured in this lesson")[1]
    assert "∂L/∂w1 = " in measured and "∂f" not in measured
    for label in (*view.labels.values(), *tab.equation_labels.values()):
        assert "∂f" not in label.text() and "df/" not in label.text()


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_every_edge_of_the_wrapped_graph_is_in_view(make_window, qtbot, size):
    """The edges that run from one band into the next go out beside the bands: at normal text
    size the fitted view shows them whole, and the expression field shows its start."""
    window, view, c = open_lesson_3(make_window, qtbot, size)
    port = QRectF(view.viewport().rect()).adjusted(-1, -1, 1, 1)
    for arrow in view.edges.values():
        rect = view.mapFromScene(arrow.sceneBoundingRect()).boundingRect()
        assert port.contains(QRectF(rect)), (rect, port)
    edit = window.graph_tab.expression_edit
    assert edit.text().startswith("L = ") and edit.cursorPosition() == 0


def test_a_panel_the_user_put_away_stays_away_on_the_other_tabs(make_window, qtbot):
    """Presenter mode put the panel away on the graph tab; F9 twice (back, then away again) makes
    it the user's choice: the Stepper tab does not bring it back."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_lesson("3")
    window.presenter_action.trigger()
    window.showNormal()
    window.resize(1280, 800)
    dock, action = window.lesson_panel, window.lesson_panel_action
    assert window.tabs.currentWidget() is window.graph_tab and not dock.isVisible()
    action.trigger()
    action.trigger()
    assert not dock.isVisible()
    window.tabs.setCurrentWidget(window.stepper_tab)
    assert not dock.isVisible()
    action.trigger()  # and F9 still brings it back
    assert dock.isVisible()


def test_a_fitted_view_has_no_scroll_bar_and_a_zoomed_one_can_scroll(make_window, qtbot):
    """Fitted, the whole graph is in view and no scroll bar takes room from it (Qt could leave
    one showing with nothing to scroll); zoomed in, the bars come back."""
    window, view, _ = open_lesson_3(make_window, qtbot, (1280, 800))
    assert not view.horizontalScrollBar().isVisible()
    assert not view.verticalScrollBar().isVisible()
    view.zoom(3.0)
    qtbot.waitUntil(lambda: view.horizontalScrollBar().isVisible())
    assert view.horizontalScrollBar().maximum() > 0
    view.fit()
    qtbot.waitUntil(lambda: not view.horizontalScrollBar().isVisible())


def test_a_screenshot_of_the_graph_tab_has_no_empty_scroll_bar(monkeypatch, tmp_path, qapp):
    """``--screenshot`` of lesson 3 (the graph tab): the window is drawn with the graph fitted
    and no scroll bar left over from the sizes the view went through."""
    import gui.app as gui_app

    shown, original = [], gui_app.screenshot

    def spy(app, window, path, size, presenter):
        grab = window.grab

        def grab_and_look(*args):
            view = window.graph_tab.view
            shown.append((view.horizontalScrollBar().isVisible(),
                          view.verticalScrollBar().isVisible()))
            return grab(*args)

        window.grab = grab_and_look
        return original(app, window, path, size, presenter)

    monkeypatch.setattr(gui_app, "screenshot", spy)
    out = tmp_path / "graph.png"
    assert gui_app.run(["--lesson", "3", "--steps", "10", "--screenshot", str(out)]) == 0
    assert shown == [(False, False)]


def test_a_graph_kept_at_its_legible_scale_can_be_scrolled(make_window, qtbot):
    """Larger text than the view holds: the graph stays at the smallest legible scale, larger
    than the view, and the scroll bars are there to reach the rest."""
    window, view, _ = open_lesson_3(make_window, qtbot, (1280, 800))
    window.scale_text(2.0)
    qtbot.wait(150)  # the view settles
    bar = view.horizontalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0
    shown = view.mapFromScene(view.scene().sceneRect()).boundingRect()
    assert shown.width() > view.viewport().width()


def test_in_presenter_mode_at_1280_by_800_the_forward_pass_text_shows_whole(make_window,
                                                                             qtbot):
    """Lesson 3 in presenter mode at 1280x800, reverse mode: through the forward pass (where
    the lesson opens) the formulas, the sentence and the counts' caption are whole in the lower
    area, no line cut at its bottom edge, while the graph keeps all its numbers (see above).
    The backward pass's longer chain-rule texts, and forward mode's double formulas, scroll."""
    window, view, c = open_lesson_3(make_window, qtbot, (1280, 800), presenter=True)
    tab = window.graph_tab
    assert not tab.error_label.isVisible()  # no empty line kept for a message
    bar = tab.equation_area.verticalScrollBar()
    over = []
    while c.cursor < len(c.trace) and c.trace[c.cursor].phase == "forward":
        qtbot.wait(5)
        over.append((c.cursor, bar.maximum()))
        c.step()
    assert len(over) > 10 and all(extra <= 0 for _, extra in over), over


def test_the_fields_grow_with_the_text_in_presenter_mode(make_window, qtbot):
    """The Expression and Values fields and the Preset and Mode boxes take presenter mode's
    text size too (a style sheet had kept them at the normal size)."""
    window, view, c = open_lesson_3(make_window, qtbot, (1280, 800))
    tab = window.graph_tab
    fields = (tab.expression_edit, tab.values_edit, tab.preset_combo, tab.mode_combo)
    before = [QFontMetricsF(f.font()).height() for f in fields]
    window.presenter_action.trigger()
    after = [QFontMetricsF(f.font()).height() for f in fields]
    assert all(a >= 1.4 * b for a, b in zip(after, before)), (before, after)
    window.presenter_action.trigger()
    assert [QFontMetricsF(f.font()).height() for f in fields] == before


def test_an_edge_into_the_next_band_stays_in_view_in_presenter_mode(make_window, qtbot):
    """Lesson 3 at 1280x800 in presenter mode: the edges from the first band's last column to
    the second band ran out to the view's right border and down out of sight, so they seemed
    to lead nowhere. They turn down close beside the band, inside the view."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_lesson("why-backpropagation")
    window.presenter_action.trigger()
    window.showNormal()
    window.resize(1280, 800)
    qtbot.wait(50)
    view = window.graph_tab.view
    view.fit()
    wrapped = [arrow for arrow in view.edges.values() if arrow.data(1)]
    assert view.compact and view.bands > 1 and wrapped
    port = view.viewport().rect()
    for arrow in wrapped:
        shown = view.mapFromScene(arrow.sceneBoundingRect()).boundingRect()
        assert port.contains(shown), (shown, port)
    assert not view.horizontalScrollBar().isVisible()


def test_the_keys_zoom_about_the_middle_of_the_view_the_wheel_about_the_mouse(make_window,
                                                                             qtbot):
    """View ▸ Zoom in (+) went about wherever the mouse rested over the view; it scales about
    the middle of the view, as the wheel (Ctrl) scales about the point under the mouse."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent

    window, view, _ = open_lesson_3(make_window, qtbot, (1280, 800))
    anchors = []
    scale = view.scale
    view.scale = lambda sx, sy: (anchors.append(view.transformationAnchor()), scale(sx, sy))
    window._zoom_by(1.5)
    at = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(at, QPointF(view.viewport().mapToGlobal(at.toPoint())), QPoint(),
                        QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(wheel)
    anchor = type(view).ViewportAnchor
    assert anchors == [anchor.AnchorViewCenter, anchor.AnchorUnderMouse]
    assert view.transformationAnchor() == anchor.AnchorUnderMouse
