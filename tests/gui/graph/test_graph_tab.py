"""The computation-graph tab: typing an expression draws it, stepping shows values then
derivatives, and the mode toggle changes the counts shown."""

import pytest
from PySide6.QtCore import QRectF, Qt

from core.expressions import PRESETS, ExpressionError, parse
from gui.graph.controller import GraphController
from gui.graph.tab import GraphTab, parse_values
from gui.graph.view import PLACEHOLDER, draw_columns, layout_rows
from gui.theme import NORMAL, PRESENTER


@pytest.fixture
def tab(qtbot):
    widget = GraphTab(NORMAL)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def enter(qtbot, edit, text):
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def show_shared_input(tab, qtbot):
    enter(qtbot, tab.expression_edit, "(a+b)*(b+1)")
    enter(qtbot, tab.values_edit, "a = 2, b = 1")


def node_of(tab, name):
    return tab.controller.graph.variable(name).id


def test_typing_an_expression_draws_its_graph(tab, qtbot):
    enter(qtbot, tab.expression_edit, "x*y + sin(x)")
    graph = parse("x*y + sin(x)")
    assert tab.controller.text == "x*y + sin(x)"
    assert tab.view.node_count() == len(graph.nodes) == 5
    assert len(tab.view.edges) == len(graph.edges)
    assert tab.error_label.text() == ""
    # x feeds × and sin: one node with two edges leaving it.
    x = node_of(tab, "x")
    assert sum(e.startswith(f"{x}->") for e in tab.view.edges) == 2
    assert [tab.preset_combo.currentIndex(), tab.values_edit.text()] == [-1, "x = 1, y = 1"]


def test_a_bad_expression_shows_the_error_and_keeps_the_graph(tab, qtbot):
    show_shared_input(tab, qtbot)
    graph = tab.controller.graph
    enter(qtbot, tab.expression_edit, "(a+b")
    assert "syntax error" in tab.error_label.text()
    assert tab.error_label.isVisible()
    assert tab.controller.graph is graph and tab.view.node_count() == 6
    enter(qtbot, tab.expression_edit, "a ^ b")
    assert "write x**2 for a power" in tab.error_label.text()
    enter(qtbot, tab.expression_edit, "a*b")
    assert tab.error_label.text() == "" and tab.view.node_count() == 3


def test_bad_values_show_a_message_and_change_nothing(tab, qtbot):
    show_shared_input(tab, qtbot)
    enter(qtbot, tab.values_edit, "a = two")
    assert "not a number" in tab.error_label.text()
    enter(qtbot, tab.values_edit, "q = 1")
    assert "unknown variable 'q'" in tab.error_label.text()
    assert tab.controller.values == {"a": 2, "b": 1}
    tab.values_edit.setText("b = −3")  # a true minus sign is fine (keyClicks takes Latin-1)
    qtbot.keyClick(tab.values_edit, Qt.Key.Key_Return)
    assert tab.error_label.text() == "" and tab.controller.values == {"a": 2, "b": -3}
    with pytest.raises(ValueError):
        parse_values("a 2")


def test_stepping_shows_values_then_gradients(tab, qtbot):
    show_shared_input(tab, qtbot)
    c, view = tab.controller, tab.view
    a, b, out = node_of(tab, "a"), node_of(tab, "b"), c.graph.output
    assert view.text(f"value:{out}").endswith(PLACEHOLDER)
    assert view.text(f"value:{a}") == "a = 2"  # inputs are given from the start
    c.to_phase_end()
    assert view.text(f"value:{out}") == "f = 6"  # the output is called f, not by its id
    assert view.text(f"derivative:{a}") == f"∂f/∂a = {PLACEHOLDER}"
    assert view.text(f"derivative:{b}") == f"∂f/∂b = {PLACEHOLDER}"
    assert tab.progress_label.text() == "forward · 6 of 6"
    assert not any(view.text(k) for k in view.labels if k.startswith("local:"))
    qtbot.mouseClick(tab.step_buttons["step"], Qt.MouseButton.LeftButton)  # the seed
    assert view.text(f"derivative:{out}") == "∂f/∂f = 1"
    assert tab.progress_label.text() == "backward · 1 of 5"
    c.to_end()
    assert view.text(f"derivative:{a}") == "∂f/∂a = 2"
    assert view.text(f"derivative:{b}") == "∂f/∂b = 5"
    assert view.text(f"local:{b}->n4:0") == "1"  # used by b's chain-rule step
    assert view.labels[f"local:{b}->n4:0"].toolTip() == "∂(b + 1)/∂b = 1"
    # An operation's card is titled by its sub-expression; its lines say value and grad.
    assert view.labels["label:n4"].text() == "b + 1"
    assert view.text("value:n4") == "value = 2" and view.text("derivative:n4") == "grad = 3"
    # b's step is the chain-rule sum of its two paths, shown in the equation area.
    c.back()
    assert tab.equation_labels["substituted"].text() == "∂f/∂b = 2·1 + 3·1 = 5"
    assert "Chain rule at b" in tab.equation_labels["sentence"].text()
    assert c.current.reads == ("n2", "n4", "n1->n2:1", "n1->n4:0")
    assert view.labels["derivative:n2"].brush().color() == NORMAL.reads
    assert view.edges["n1->n4:0"].pen().color() == NORMAL.reads
    assert view.cursor_box.isVisible() and view.halo.isVisible()


def test_step_back_restores_what_was_shown(tab, qtbot):
    show_shared_input(tab, qtbot)
    c, view = tab.controller, tab.view
    texts = [{k: item.text() for k, item in view.labels.items()}]
    for _ in range(len(c.trace)):
        c.step()
        texts.append({k: item.text() for k, item in view.labels.items()})
    c.step()  # nothing after the end
    assert c.at_end and texts[-1] == {k: item.text() for k, item in view.labels.items()}
    for expected in reversed(texts[:-1]):
        c.back()
        assert {k: item.text() for k, item in view.labels.items()} == expected
    assert c.cursor == 0 and not view.halo.isVisible()
    assert tab.progress_label.text().startswith("start")


def test_known_has_nothing_later_than_the_cursor():
    c = GraphController()
    c.load_preset("Shared input (a+b)(b+1)")
    for cursor in range(len(c.trace) + 1):
        c.cursor = cursor
        known = c.known()
        done = {op.node for op in c.trace[:cursor]}
        derived = {op.node for op in c.trace[:cursor] if op.derivative is not None}
        for key in known:
            kind, _, node = key.partition(":")
            if kind == "value" and c.graph.node(node).op not in ("var", "const"):
                assert node in done
            if kind == "derivative":
                assert node in derived
    c.next_sample()  # a graph has no samples: start again
    assert c.cursor == 0


def test_the_mode_toggle_changes_the_counts_shown(tab, qtbot):
    show_shared_input(tab, qtbot)
    reverse_text = tab.counts_label.text()
    assert "1 backward pass gives all 2 derivatives" in reverse_text
    table = tab.counts_table
    assert [table.item(0, 0).text(), table.item(0, 2).text()] == ["2", "10"]
    assert [table.item(1, 1).text(), table.item(1, 2).text()] == ["1", "5"]
    assert table.item(1, 0).font().bold() and not table.item(0, 0).font().bold()
    assert not tab.wrt_combo.isEnabled() and tab.wrt_combo.isHidden()
    tab.mode_combo.setCurrentIndex(tab.mode_combo.findData("forward"))
    assert tab.controller.mode == "forward"
    assert tab.counts_label.text() != reverse_text
    assert "2 passes" in tab.counts_label.text()
    assert table.item(0, 0).font().bold() and not table.item(1, 0).font().bold()
    assert tab.wrt_combo.isEnabled() and not tab.wrt_combo.isHidden()
    enter(qtbot, tab.expression_edit, "(x+y)*z")
    assert "3 passes" in tab.counts_label.text() and table.item(0, 0).text() == "3"


def test_forward_mode_shows_tangents(tab, qtbot):
    show_shared_input(tab, qtbot)
    tab.mode_combo.setCurrentIndex(tab.mode_combo.findData("forward"))
    tab.wrt_combo.setCurrentIndex(tab.wrt_combo.findText("b"))
    c, view = tab.controller, tab.view
    assert (c.mode, c.wrt, c.cursor) == ("forward", "b", 0)
    a, b, out = node_of(tab, "a"), node_of(tab, "b"), c.graph.output
    assert view.text(f"derivative:{b}") == f"db/db = {PLACEHOLDER}"
    c.step()
    c.step()
    assert view.text(f"derivative:{a}") == "da/db = 0"
    assert view.text(f"derivative:{b}") == "db/db = 1"
    assert view.text(f"value:{out}").endswith(PLACEHOLDER)
    c.to_end()
    assert view.text(f"value:{out}") == "f = 6"
    assert view.text(f"derivative:{out}") == "df/db = 5"
    assert view.text("derivative:n4") == "d/db = 1"  # b + 1, titled on its card
    assert "df/db = 5" in tab.equation_labels["sentence"].text()
    assert tab.progress_label.text() == "forward mode, d/db · 6 of 6"
    tab.wrt_combo.setCurrentIndex(tab.wrt_combo.findText("a"))
    c.to_end()
    assert view.text(f"derivative:{out}") == "df/da = 2"


@pytest.mark.parametrize("index", range(len(PRESETS)))
def test_each_preset_loads(tab, index):
    preset = PRESETS[index]
    tab.preset_combo.setCurrentIndex(index)
    c = tab.controller
    assert (c.text, c.values) == (preset.expression, preset.values)
    assert tab.expression_edit.text() == preset.expression
    assert tab.view.node_count() == len(parse(preset.expression).nodes)
    c.to_end()
    for name in c.graph.variables:
        assert PLACEHOLDER not in tab.view.text(f"derivative:{node_of(tab, name)}")


def test_preset_texts_do_not_overlap_mid_backward_pass(tab):
    for index in range(len(PRESETS)):
        tab.preset_combo.setCurrentIndex(index)
        c = tab.controller
        c.to_phase_end()
        for _ in range(3):
            c.step()
        c.to_end()  # every label filled: the widest texts
        rects: list[tuple[str, QRectF]] = [
            (key, item.sceneBoundingRect()) for key, item in tab.view.labels.items() if item.text()
        ]
        rects += [(f"card:{k}", card.sceneBoundingRect()) for k, card in tab.view.cards.items()]
        for i, (key, rect) in enumerate(rects):
            for other, other_rect in rects[i + 1 :]:
                same_card = key.split(":", 1)[1] == other.split(":", 1)[1]
                if same_card or (
                    key.startswith("card:")
                    and other.startswith(("label:", "value:", "derivative:"))
                ):
                    continue
                assert not rect.intersects(other_rect), (PRESETS[index].name, key, other)


def test_layout_is_stable_and_spreads_columns():
    graph = parse("(a+b)*(b+1)")
    rows = layout_rows(graph)
    assert rows == layout_rows(parse("(a+b)*(b+1)"))
    by_column: dict[int, list[float]] = {}
    drawn = draw_columns(graph)
    for n in graph.nodes:
        by_column.setdefault(drawn[n.id], []).append(rows[n.id])
    for ys in by_column.values():
        ys.sort()
        assert all(b - a >= 1 - 1e-9 for a, b in zip(ys, ys[1:]))


def test_controller_keeps_the_graph_on_errors():
    c = GraphController()
    c.set_expression("a*b")
    with pytest.raises(ExpressionError):
        c.set_expression("a*")
    with pytest.raises(ValueError):
        c.set_mode("forward", "z")
    with pytest.raises(ValueError):
        c.set_values({"a": float("inf")})
    assert c.text == "a*b" and c.values == {"a": 1.0, "b": 1.0} and c.mode == "reverse"


def test_font_scale_and_theme(tab):
    width = tab.view.cards[tab.controller.graph.output].boundingRect().width()
    tab.set_font_scale(1.6)
    tab.set_theme(PRESENTER)
    assert tab.view.cards[tab.controller.graph.output].boundingRect().width() > width * 1.4
    assert tab.equation_labels["formula"].font().pointSizeF() == pytest.approx(13 * 1.6)
    assert tab.view.backgroundBrush().color() == PRESENTER.background


def test_the_values_dock_steps_aside_on_the_graph_tab_and_comes_back(window, qtbot):
    assert window.values_dock.isVisible()
    before = window.network_view.viewport().width()
    window.tabs.setCurrentWidget(window.graph_tab)
    assert not window.values_dock.isVisible() and not window.training_dock.isVisible()
    assert not window.lesson_panel.isVisible()  # no lesson is open
    qtbot.wait(10)
    assert window.graph_tab.view.viewport().width() > before + 200
    window.tabs.setCurrentWidget(window.stepper_tab)
    assert window.values_dock.isVisible()


FIFTEEN = "sigmoid(w1*x1 + w2*x2 + b1) * v1 + tanh(w3*x1 + b2)"
FIFTEEN_AT = {"w1": 0.5, "x1": 1.0, "w2": -0.3, "x2": 2.0, "b1": 0.1, "v1": 0.7, "w3": 0.2,
              "b2": -0.1}


def test_a_fifteen_node_graph_is_legible_at_1280_by_800(make_window, qtbot):
    from core.notation import fmt
    from tests.gui.stepper.test_network_legibility import legible_tokens, overlapping

    window = make_window("mazur", size=(1280, 800))
    window.tabs.setCurrentWidget(window.graph_tab)
    c = window.graph_tab.controller
    c.set_expression(FIFTEEN, FIFTEEN_AT)
    assert len(c.graph.nodes) >= 15
    view = window.graph_tab.view
    qtbot.wait(10)  # the docks step aside, the view grows and lays the graph out again
    while True:
        known = c.known()
        tokens = legible_tokens(view, 13.0)
        wanted = [k for k in known if k.startswith(("value:", "derivative:"))]
        missing = [k for k in wanted if fmt(known[k]) not in tokens]
        assert not missing, missing
        assert not overlapping(view)
        if c.at_end:
            break
        c.step()
    # The drawing uses the view.
    drawn = view.mapFromScene(view.scene().itemsBoundingRect()).boundingRect()
    port = view.viewport().rect()
    inter = drawn.intersected(port)
    assert inter.width() * inter.height() > 0.6 * port.width() * port.height()
    # Cards are named by what they compute.
    titles = {item.text() for key, item in view.labels.items() if key.startswith("label:")}
    assert {"w1*x1", "w3*x1 + b2"} <= titles


def test_larger_text_makes_the_graph_labels_larger_on_screen(make_window, qtbot):
    from PySide6.QtGui import QAction

    from tests.gui.stepper.test_network_legibility import on_screen

    window = make_window("mazur", size=(1280, 800))
    window.tabs.setCurrentWidget(window.graph_tab)
    window.graph_tab.controller.set_expression("(a+b)*(b+1)", {"a": 2.0, "b": 1.0})
    view = window.graph_tab.view
    qtbot.wait(10)
    before = max(line for _, _, line in on_screen(view))
    larger = next(a for a in window.findChildren(QAction) if a.text() == "&Larger text")
    larger.trigger()
    qtbot.wait(10)
    assert max(line for _, _, line in on_screen(view)) > 1.1 * before


def test_in_presenter_mode_the_current_node_stays_legible(make_window, qtbot):
    """Too large for the view at 22 px, the graph is shown at that size and the view follows
    the cursor: the node being computed is always in view and legible."""
    from core.notation import fmt
    from tests.gui.stepper.test_network_legibility import legible_tokens, overlapping

    window = make_window("mazur", size=(1280, 800))
    window.tabs.setCurrentWidget(window.graph_tab)
    window.presenter_action.trigger()
    window.showNormal()
    window.resize(1280, 800)
    c = window.graph_tab.controller
    c.set_expression(FIFTEEN, FIFTEEN_AT)
    view = window.graph_tab.view
    qtbot.wait(10)
    while not c.at_end:
        c.step()
        op = c.current
        tokens = legible_tokens(view, 22.0)
        number = op.derivative if op.phase == "backward" else op.value
        assert fmt(number) in tokens, op.node
        assert not overlapping(view)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_lesson_3s_expression_and_values_fit_their_fields_beside_the_lesson_dock(make_window,
                                                                                qtbot, mode):
    """At 1280x800 with the Lesson dock open both fields cut their text short (about 310 px)
    while the Preset and Mode boxes and the forward-mode-only "differentiate by" kept theirs;
    in forward mode the Mode box, as wide as "Forward", leaves w.r.t. its room."""
    from PySide6.QtWidgets import QApplication

    window = make_window("mazur", size=(1280, 800))
    assert window.open_lesson("why-backpropagation")
    QApplication.processEvents()
    tab = window.graph_tab
    assert window.tabs.currentWidget() is tab and window.lesson_panel.isVisible()
    tab.mode_combo.setCurrentIndex(tab.mode_combo.findData(mode))  # forward: w.r.t. shows too
    assert tab.wrt_combo.isVisible() == (mode == "forward")

    def whole(field) -> bool:
        room = field.width() - 12  # its frame and text margins
        return field.fontMetrics().horizontalAdvance(field.text()) <= room

    # (The Lesson dock is narrowed a moment after the tab shows.)
    qtbot.waitUntil(lambda: whole(tab.expression_edit) and whole(tab.values_edit), timeout=2000)


def test_the_start_has_no_blank_lines_between_its_heading_and_hint(make_window, qtbot):
    """Lesson 1 at the start showed "Start", about 60 px of empty formula lines, then its hint;
    once stepping, the formula lines are back."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_lesson("composite-functions")
    tab = window.graph_tab
    labels = tab.equation_labels
    qtbot.waitUntil(lambda: labels["sentence"].isVisible())

    def gap() -> int:
        return labels["sentence"].geometry().top() - labels["heading"].geometry().bottom()

    assert gap() <= 20
    window.step_controls.actions["step"].trigger()
    qtbot.waitUntil(lambda: labels["formula"].height() > 10)
    assert gap() > labels["formula"].height()
