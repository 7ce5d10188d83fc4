"""What the network view draws, measured on screen: every number known at the cursor (or, for a
network too dense for that, every u and every number the current operation uses) is drawn with a
line height of at least 13 px (22 px in presenter mode), inside the view, and no two numbers
overlap."""

import json
import re

import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem

from core.notation import fmt

NUMBER = re.compile(r"[−-]?(?:\d+\.?\d*|\.\d+)(?:e[−-]?\d+)?")
UNIT_KINDS = ("u", "z", "delta", "b", "y", "loss")
EDGE_KINDS = ("w", "grad_w", "new_w")


def on_screen(view) -> list[tuple[str, QRectF, float]]:
    """(text, rectangle in viewport pixels, line height in pixels) of each visible number."""
    port = QRectF(view.viewport().rect())
    out = []
    for item in view.scene().items():
        if not isinstance(item, QGraphicsSimpleTextItem) or not item.isVisible():
            continue
        key = item.data(0)
        if isinstance(key, str) and key.startswith("name:"):
            continue  # x1, h2,3: names, not numbers
        if not any(c.isdigit() for c in item.text()):
            continue
        rect = item.deviceTransform(view.viewportTransform()).mapRect(item.boundingRect())
        if not rect.intersects(port):
            continue
        line = QFontMetricsF(item.font()).height() * rect.height() / item.boundingRect().height()
        out.append((item.text(), rect, line))
    return out


def in_scene(view) -> set[str]:
    """The numbers drawn anywhere on the canvas (in view or scrolled away)."""
    return {tok for item in view.scene().items()
            if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible()
            for tok in NUMBER.findall(item.text())}


def legible_tokens(view, bound: float) -> set[str]:
    """The numbers drawn at least ``bound`` px high, fully inside the view."""
    port = QRectF(view.viewport().rect()).adjusted(-1, -1, 1, 1)
    return {tok for text, rect, line in on_screen(view) if line >= bound and port.contains(rect)
            for tok in NUMBER.findall(text)}


def overlapping(view) -> list[tuple[str, str]]:
    labels = on_screen(view)
    pairs = []
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            inter = labels[a][1].intersected(labels[b][1])
            # Rows of text whose boxes share their last pixel row (a descent) do not count.
            if inter.width() > 1.5 and inter.height() > 1.5:
                pairs.append((labels[a][0], labels[b][0]))
    return pairs


def check_position(window, bound: float, every_weight, units=UNIT_KINDS) -> None:
    """``every_weight``: True for w, ∂L/∂w and new w, or the kinds wanted (e.g. ("w",))."""
    view = window.network_view
    stepper = window.controller.stepper
    known = stepper.known()
    op = stepper.current
    wanted = {k for k in known if k.split(":")[0] in units}
    if every_weight:
        kinds = EDGE_KINDS if every_weight is True else every_weight
        wanted |= {k for k in known if k.split(":")[0] in kinds}
    if op is not None:
        wanted |= {k for k in (op.key, *op.reads) if k in known}
    tokens = legible_tokens(view, bound)
    missing = sorted(k for k in wanted if fmt(known[k]) not in tokens)
    assert not missing, f"at {op and op.key}: not legible: {missing[:8]}"
    assert not overlapping(view), f"at {op and op.key}"


def presenter_at(window, size=(1280, 800)) -> None:
    """Presenter mode at ``size`` (offscreen there is no screen to fill: keep the size)."""
    window.presenter_action.trigger()
    window.showNormal()
    window.resize(*size)
    for _ in range(3):  # the deferred layouts (the toolbar's fit): the geometry a user gets
        QApplication.processEvents()


def network_file(tmp_path, sizes):
    layers = [{"units": n, "activation": "tanh"} for n in sizes[1:-1]]
    layers.append({"units": sizes[-1], "activation": "sigmoid"})
    data = {"format": "backprop-network", "version": 1, "name": "x", "inputs": sizes[0],
            "init": {"scheme": "xavier", "seed": 3}, "layers": layers, "loss": "half_squared",
            "train_biases": True, "optimizer": {"name": "sgd", "learning_rate": 0.5},
            "sample": {"x": [0.3 * (i + 1) for i in range(sizes[0])], "y": [0.5] * sizes[-1]}}
    path = tmp_path / ("net-" + "-".join(map(str, sizes)) + ".json")
    path.write_text(json.dumps(data))
    return str(path)


def walk(window, bound, every_weight, stride=1, units=UNIT_KINDS):
    """Check every ``stride``-th position of one sample, the start and the end."""
    stepper = window.controller.stepper
    steps = len(stepper.trace)
    for n in range(steps + 1):
        if n % stride == 0 or n == steps:
            check_position(window, bound, every_weight, units)
        window.step_controls.actions["step"].trigger()


@pytest.mark.parametrize("presenter, bound", [(False, 13.0), (True, 22.0)])
def test_mazur_shows_every_number_legibly(make_window, presenter, bound):
    window = make_window("mazur", size=(1280, 800))
    if presenter:
        presenter_at(window)
    window.network_view.fit()
    walk(window, bound, every_weight=True)


@pytest.mark.parametrize("example", ["circle", "softmax3"])
@pytest.mark.parametrize("presenter, bound", [(False, 13.0), (True, 22.0)])
def test_the_examples_with_weight_tables_show_every_number_legibly(make_window, example,
                                                                   presenter, bound):
    """2-4-1 and 2-4-3 have no free place on some edge, so their weights are in tables: every
    number of the sample is still shown, in presenter mode at 1280x800 too (the tables' rows are
    then the units of the smaller layer, so that three lines a cell fit)."""
    window = make_window(example, size=(1280, 800))
    if presenter:
        presenter_at(window)
    window.network_view.fit()
    assert window.network_view.tables is not None
    assert window.network_view.tables.kinds == ("w", "grad_w", "new_w")
    walk(window, bound, every_weight=True, stride=3)


def test_3_5_4_2_shows_every_number_legibly(make_window, tmp_path):
    """Normal mode at 1280x800: every u, z, δ, b, y, w, ∂L/∂w, new w and the loss, at every
    other position of the sample (the weights in tables below the drawing)."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    window.network_view.fit()
    assert window.network_view.tables is not None
    walk(window, 13.0, every_weight=True, stride=2)


def test_3_5_4_2_after_a_trained_sample_still_shows_every_number(
        make_window, tmp_path):
    """Sample 2, once the biases are no longer 0: a bias is as long as a z, and no gap between
    two layers has room for both side by side, so z and δ stack left of each unit and its bias
    goes under it, in the tables' size. Every u, z, δ, b, y, w, ∂L/∂w and new w stays legible
    (before, the tables fell back to w alone and the drawing to its focus mode: 5 % of the
    numbers)."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    steps = len(window.controller.stepper.trace)
    for _ in range(steps + 1):  # through sample 1, into sample 2
        window.step_controls.actions["step"].trigger()
    assert any(v != 0 for k, v in window.controller.stepper.known().items() if k[0] == "b")
    view = window.network_view
    view.fit()
    assert view.tables is not None and view.layout.stacked
    assert view.tables.kinds == ("w", "grad_w", "new_w")
    x, y = view.layout.centres[(1, 0)]
    spots = {k: view.labels[f"{k}:1:0"][0].sceneBoundingRect() for k in ("z", "delta", "b")}
    oval = view.nodes[(1, 0)].sceneBoundingRect()
    assert spots["z"].right() < oval.left() and spots["delta"].right() < oval.left()
    assert spots["z"].bottom() <= spots["delta"].top() + 1  # left of the unit, top to bottom
    assert abs(spots["b"].center().x() - x) < 1 and spots["b"].top() >= oval.bottom() - 3
    assert spots["b"].bottom() < view.nodes[(1, 1)].sceneBoundingRect().top()  # under it
    walk(window, 13.0, every_weight=True, stride=5)


def test_the_values_dock_gives_the_weight_tables_the_width_it_can_spare(make_window, tmp_path,
                                                                       qtbot):
    """3-4-4-3 at 1280x800: the tables are about 20 px too wide for three lines a cell beside a
    500 px Values dock whose own columns need less (they fit only with their columns closer
    together). The dock gives the view that width (its columns stay whole), and every number of
    the sample shows, the columns as far apart as they go."""
    window = make_window("mazur", size=(1280, 800))
    dock, view = window.values_dock, window.network_view
    before = dock.width()
    wanted = []
    view.wants_room.connect(wanted.append)
    assert window.open_path(network_file(tmp_path, [3, 4, 4, 3]))
    qtbot.waitUntil(lambda: view.tables is not None and view.tables.kinds == EDGE_KINDS
                    and not view.tables.close)
    assert any(0 < extra < before for extra in wanted)
    assert dock.width() < before and dock.spare_width() >= 0
    assert dock._shortfall() <= 0  # every column of the dock whole
    view.fit()
    walk(window, 13.0, every_weight=True, stride=4)


def test_a_values_dock_width_the_user_set_is_kept(make_window, tmp_path, qtbot):
    """Widened by hand (a drag of the dock's edge), the dock keeps that width: the tables make
    do with fewer lines rather than undo the user's choice."""
    window = make_window("mazur", size=(1280, 800))
    dock = window.values_dock
    window.resizeDocks([dock], [dock.width() + 40], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(dock.width() - dock.app_width - 40) <= 2)
    user = dock.width()
    assert not dock.can_give_room()
    assert window.open_path(network_file(tmp_path, [3, 4, 4, 3]))
    qtbot.wait(50)
    assert dock.width() == user
    assert window.network_view.room_wanted == 0  # nobody asked: nobody could give it


def test_the_width_the_values_dock_gave_is_the_apps_after_a_restart(make_window, tmp_path,
                                                                     qtbot):
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 4, 4, 3]))
    dock = window.values_dock
    qtbot.waitUntil(lambda: dock.app_width is not None and dock.app_width < 500)
    given = dock.app_width
    window.close()
    again = make_window("mazur", size=(1280, 800))
    assert again.values_dock.app_width == given


def test_the_values_dock_keeps_its_width_when_the_tables_do_not_need_it(make_window):
    window = make_window("circle", size=(1280, 800))
    before = window.values_dock.width()
    window.network_view.fit()
    QApplication.processEvents()
    assert window.network_view.room_wanted == 0
    assert window.values_dock.width() == before


def test_the_cells_fill_in_as_the_sample_goes_on_and_the_drawing_stays_put(make_window,
                                                                            tmp_path):
    """A cell has a line for w, ∂L/∂w and new w from the start: ∂L/∂w shows from the gradients
    on, the new w from the updates on (and is gone again after Back); the units never move."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    view, stepper = window.network_view, window.controller.stepper
    view.fit()
    assert view.tables.kinds == ("w", "grad_w", "new_w")
    centres = dict(view.layout.centres)
    cell = view.labels["w:2:1:3"][0].sceneBoundingRect()
    seen = {}
    for _ in range(len(stepper.trace)):
        window.step_controls.actions["step"].trigger()
        filled = tuple(kind for kind in ("grad_w", "new_w")
                       if view.labels[f"{kind}:2:1:3"][0].text())
        seen.setdefault(stepper.current.phase, set()).add(filled)
        assert view.layout.centres == centres
        assert view.labels["w:2:1:3"][0].sceneBoundingRect() == cell
    assert seen["forward"] == seen["backward"] == {()}
    assert seen["gradient"] >= {(), ("grad_w",)} and ("grad_w", "new_w") not in seen["gradient"]
    assert seen["update"] >= {("grad_w", "new_w")}
    known = stepper.known()
    assert view.labels["new_w:2:1:3"][0].text() == fmt(known["new_w:2:1:3"])
    while stepper.current.phase == "update":
        window.step_controls.actions["back"].trigger()
    assert view.labels["new_w:2:1:3"][0].text() == ""
    assert view.labels["grad_w:2:1:3"][0].text() != ""


def test_3_5_4_2_in_presenter_mode_shows_every_number(make_window, tmp_path):
    """Presenter mode at 1280x800 (a projector) shows every number of 3-5-4-2 at 22 px, in
    every sample: the toolbar and the tabs are hidden, the equation panel takes a fifth of the
    height (its result at the end of its line of numbers, the toolbar's progress at the end of
    its heading), z and δ go left of each unit in the tables' size, and a trained bias under its
    unit. Before, the cells had w and ∂L/∂w in the first sample and w alone after it."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    presenter_at(window)
    view = window.network_view
    view.fit()
    assert view.tables.kinds == ("w", "grad_w", "new_w") and view.layout.small
    walk(window, 22.0, every_weight=True, stride=3)
    window.step_controls.actions["step"].trigger()  # into sample 2
    view.fit()
    assert view.tables.kinds == ("w", "grad_w", "new_w") and view.layout.stacked
    walk(window, 22.0, every_weight=True, stride=5)


def test_a_cell_without_the_current_line_is_marked_on_its_weight(make_window, tmp_path):
    """Presenter mode on a 1280x640 screen, cells of w alone: at a gradient or an update the
    cell of the weight in use is boxed like the value just computed (which shows by the
    loss)."""
    window = make_window("mazur", size=(1280, 640))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    presenter_at(window, (1280, 640))
    view, stepper = window.network_view, window.controller.stepper
    view.fit()
    for _ in range(len(stepper.trace) + 1):  # into the second sample
        window.step_controls.actions["step"].trigger()
    view.fit()
    assert stepper.samples_done == 1 and view.tables.kinds == ("w",)
    seen = set()
    while not stepper.at_end:
        window.step_controls.actions["step"].trigger()
        op = stepper.current
        kind, _, rest = ("" if op is None else op.key).partition(":")
        if kind in ("grad_w", "new_w"):
            cell = view.labels["w:" + rest][0].sceneBoundingRect()
            assert view.cursor_box.isVisible()
            assert view.cursor_box.rect().contains(cell.center()), op.key
            seen.add(kind)
    assert seen == {"grad_w", "new_w"}


def cell_lines(view) -> list[float]:
    """On-screen line heights of the weight tables' cells."""
    return [line for text, _, line in on_screen_keyed(view) if text.startswith("w:")]


def on_screen_keyed(view):
    port = QRectF(view.viewport().rect())
    out = []
    for item in view.scene().items():
        key = item.data(0)
        if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible() and isinstance(key, str):
            rect = item.deviceTransform(view.viewportTransform()).mapRect(item.boundingRect())
            if rect.intersects(port):
                scale = rect.height() / item.boundingRect().height()
                out.append((key, rect, QFontMetricsF(item.font()).height() * scale))
    return out


def test_larger_text_makes_the_weight_tables_larger_on_screen(make_window, tmp_path):
    window = make_window("mazur", size=(1920, 1080))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    view = window.network_view
    view.fit()
    assert view.tables is not None
    before = cell_lines(view)
    larger = next(a for a in window.findChildren(type(window.presenter_action))
                  if a.text() == "&Larger text")
    larger.trigger()
    assert view.tables is not None
    after = cell_lines(view)
    assert len(after) == len(before) == 15 + 20 + 8
    assert min(after) > 1.05 * max(before)
    assert not overlapping(view)


def test_a_table_cell_edits_and_shows_its_weight(make_window, tmp_path, qtbot):
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    view = window.network_view
    view.fit()
    window.controller.stepper.cursor = len(window.controller.stepper.trace)
    window.controller.state_changed.emit()
    item = view.labels["grad_w:2:1:3"][0]
    point = view.mapFromScene(item.sceneBoundingRect().center())
    assert view._item_key(point) == "w:2:1:3"
    # Clicking the cell (or hovering over it) highlights its edge, and only that one.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.hover_item.lines == [view.edges_item.lines[view.edge_index["2:1:3"]]]
    asked = []
    view.ask_value = lambda key, current: asked.append(key) or "0.25"
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert asked == ["w:2:1:3"]
    assert window.controller.network.layers[1].W[1, 3] == 0.25
    assert view.labels["w:2:1:3"][0].text() == "0.25"


@pytest.mark.parametrize("sizes, window_size", [([4, 16, 16, 16, 3], (1920, 1080)),
                                                ([2, 8, 8, 1], (1280, 800))])
def test_a_dense_network_shows_every_u_and_the_focus(make_window, tmp_path, sizes, window_size):
    window = make_window("mazur", size=window_size)
    assert window.open_path(network_file(tmp_path, sizes))
    window.network_view.fit()
    stepper = window.controller.stepper
    for cursor in [*range(0, len(stepper.trace), 1 + len(stepper.trace) // 17), len(stepper.trace)]:
        stepper.cursor = cursor  # jump there: stepping all 1,500 operations takes long
        window.controller.state_changed.emit()
        check_position(window, 13.0, False, ("u", "loss"))


def test_the_drawing_uses_the_view(make_window):
    window = make_window("mazur", size=(1280, 800))
    view = window.network_view
    view.fit()
    drawn = view.mapFromScene(view.scene().itemsBoundingRect()).boundingRect()
    port = view.viewport().rect()
    inter = drawn.intersected(port)
    assert inter.width() * inter.height() > 0.6 * port.width() * port.height()


def test_larger_text_makes_the_network_labels_larger_on_screen(make_window):
    window = make_window("mazur", size=(1280, 800))
    view = window.network_view
    for _ in range(4):
        window.step_controls.actions["step"].trigger()
    view.fit()
    before = max(line for _, _, line in on_screen(view))
    larger = next(a for a in window.findChildren(type(window.presenter_action))
                  if a.text() == "&Larger text")
    larger.trigger()
    after = max(line for _, _, line in on_screen(view))
    assert after > 1.1 * before
    assert not overlapping(view)


def test_zoomed_in_the_view_follows_the_cursor(make_window, tmp_path):
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [2, 8, 8, 1]))
    view = window.network_view
    view.fit()
    view.zoom(3.0)
    port = QRectF(view.viewport().rect())
    for _ in range(30):
        window.step_controls.actions["step"].trigger()
        box = view.cursor_box
        if box.isVisible():
            rect = view.mapFromScene(box.sceneBoundingRect()).boundingRect()
            assert port.contains(QRectF(rect))


def test_zooming_in_reveals_the_numbers_a_dense_network_hides(make_window, tmp_path):
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [2, 8, 8, 1]))
    view = window.network_view
    view.fit()
    stepper = window.controller.stepper
    stepper.cursor = len(stepper.trace)  # every gradient and new weight known
    window.controller.state_changed.emit()
    known = stepper.known()
    grads = {fmt(v) for k, v in known.items() if k.startswith("grad_w:")}
    before = grads & in_scene(view)
    assert before < grads  # fitted, some are hidden
    view.zoom(2.5)
    assert view.spread > 1
    labels = on_screen(view)
    assert all(line >= 13.0 for _, _, line in labels)  # the text keeps its size
    assert len(grads & in_scene(view)) > 3 * len(before)  # they came out on the larger canvas
    assert not overlapping(view)
    view.fit()
    assert view.spread == 1.0


@pytest.mark.parametrize("sizes, window_size, presenter", [
    ([3, 3, 3, 3, 3], (1280, 800), False),  # tables of w alone, the focus label crowded out
    ([3, 3, 3, 3, 3], (1280, 800), True),
    ([3, 3, 3, 3, 3], (1000, 700), False),  # units too close for their z and δ side by side
    ([5, 5, 5], (1000, 700), False),
    ([3, 6, 6, 2], (1000, 700), False),
    ([1, 6, 1], (1280, 800), True)])
def test_no_two_numbers_overlap_in_other_shapes(make_window, tmp_path, sizes, window_size,
                                               presenter):
    window = make_window("mazur", size=window_size)
    assert window.open_path(network_file(tmp_path, sizes))
    if presenter:
        presenter_at(window, window_size)
    view = window.network_view
    view.fit()
    stepper = window.controller.stepper
    n = len(stepper.trace)
    for cursor in [*range(0, n, max(1, n // 25)), n]:
        stepper.cursor = cursor
        window.controller.state_changed.emit()
        assert not overlapping(view), f"{sizes} at {cursor}"
        op = stepper.current
        if op is not None:  # the current operation's numbers are on screen
            check_position(window, 22.0 if presenter else 13.0, False, ("u", "loss"))


@pytest.mark.parametrize("presenter", [False, True])
def test_no_weight_label_sits_on_a_crossing_of_two_edges(make_window, presenter):
    """A label centred where two edges cross could name either: each weight's label leaves
    the crossings of its gap clear (Mazur's edges cross once in each gap)."""
    from gui.stepper.network_layout import edge_crossings

    window = make_window("mazur", size=(1280, 800))
    if presenter:
        presenter_at(window)
    view = window.network_view
    view.fit()
    for _ in range(28):
        window.step_controls.actions["step"].trigger()
    crossings = edge_crossings(view.layout, window.controller.network.sizes)
    assert len(crossings) == 2
    labels = [item for key, (item, _) in view.labels.items()
              if key.startswith("edge:") and item.isVisible() and item.text()]
    assert len(labels) == 8
    for item in labels:
        core = item.sceneBoundingRect()
        core = core.adjusted(core.width() / 4, core.height() / 4, -core.width() / 4,
                             -core.height() / 4)
        for x, y in crossings:
            assert not core.contains(x, y), (item.text(), (x, y))


@pytest.mark.parametrize("presenter", [False, True])
def test_a_dense_networks_units_are_ovals_round_their_u_where_there_is_room(make_window, tmp_path,
                                                                             presenter):
    """4-16-16-16-3 at 1920x1080 shows u alone on each unit: the unit is drawn round it (an
    oval as wide as the number), not as a dot under it."""
    window = make_window("mazur", size=(1920, 1080))
    assert window.open_path(network_file(tmp_path, [4, 16, 16, 16, 3]))
    if presenter:
        presenter_at(window, (1920, 1080))
    view = window.network_view
    view.fit()
    assert not view.layout.full
    stepper = window.controller.stepper
    stepper.cursor = len(stepper.trace)
    window.controller.state_changed.emit()
    for (l, j), node in view.nodes.items():
        text = view.labels[f"u:{l}:{j}"][0].sceneBoundingRect()
        assert node.sceneBoundingRect().contains(text.center())
        assert node.sceneBoundingRect().width() >= text.width()
    assert not overlapping(view)


@pytest.mark.parametrize("sizes, presenter, stride", [([2, 8, 8, 1], False, 1),
                                                     ([4, 16, 16, 16, 3], True, 5)])
def test_a_weight_in_use_is_shown_by_its_edge_or_named_on_the_line_of_the_loss(
        make_window, tmp_path, sizes, presenter, stride):
    """At 1280x800 (2-8-8-1: cells of w alone; 4-16-16-16-3 in presenter mode: no tables) the
    ∂L/∂w of the weight in use goes on its edge or, where the drawing is crowded round the edge,
    on the line of the loss (the tables' caption line) with the edge's name, never somewhere
    far from both."""
    from gui.stepper.network_focus import edge_name, far_from

    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, sizes))
    if presenter:
        presenter_at(window)
    view, stepper = window.network_view, window.controller.stepper
    view.fit()
    named = 0
    for cursor in range(0, len(stepper.trace) + 1, stride):
        stepper.cursor = cursor
        window.controller.state_changed.emit()
        if stepper.current is None or not stepper.current.key.startswith("grad_w:"):
            continue
        # (Read each time: a step whose text needs more room grows the equation panel in
        # presenter mode, and the drawing is laid out anew above it.)
        caption = view.labels["loss"][0].sceneBoundingRect()
        shown = [item for item in view.focus_items if item.isVisible()]
        assert len(shown) == 1
        item, key = shown[0], shown[0].data(0)[len("edge:"):]
        rect = item.sceneBoundingRect()
        line = view.edges_item.lines[view.edge_index[key]]
        ends = (line.x1(), line.y1(), line.x2(), line.y2())
        if far_from(ends, (rect.center().x(), rect.center().y()), 2.5 * rect.height()):
            assert item.text().startswith(edge_name(view, key) + ": ")
            assert abs(rect.center().y() - caption.center().y()) < 1
            named += 1
        assert fmt(stepper.known()[f"grad_w:{key}"]) in item.text()
    assert named > 0  # the case this is about does occur
    assert not overlapping(view)


def view_action(window, text):
    return next(a for a in window.findChildren(type(window.presenter_action))
                if a.text() == text)


def test_zooming_in_from_the_keyboard_brings_out_the_numbers_presenter_mode_has_no_room_for(
        make_window, tmp_path):
    """3-5-4-2 in presenter mode on a 1280x680 screen: the cells lack the new w. View ▸ Zoom in
    (+) spreads the network over a larger canvas at the same text size, so that the cells get
    ∂L/∂w and the new w, every number of the sample is drawn at 22 px, and the view keeps the
    current operation in sight; Fit (Ctrl+0) brings the whole network back."""
    window = make_window("mazur", size=(1280, 680))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    presenter_at(window, (1280, 680))
    view, stepper = window.network_view, window.controller.stepper
    view.fit()
    for _ in range(len(stepper.trace) - 5):  # into the updates
        window.step_controls.actions["step"].trigger()
    fitted = view.tables.kinds
    assert "new_w" not in fitted
    while view.tables.kinds != ("w", "grad_w", "new_w"):
        spread = view.spread
        view_action(window, "Zoom &in").trigger()
        assert view.spread > spread
    drawn = {tok for item in view.scene().items()
             if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible()
             and QFontMetricsF(item.font()).height() * view.transform().m11() >= 22.0
             for tok in NUMBER.findall(item.text())}
    known = stepper.known()
    assert all(fmt(known[k]) in drawn for k in known
               if k.split(":")[0] in UNIT_KINDS + EDGE_KINDS)
    cell = view.labels[stepper.current.key][0] if stepper.current.key in view.labels else None
    port = QRectF(view.viewport().rect())
    target = cell if cell is not None else view.cursor_box
    assert port.intersects(view.mapFromScene(target.sceneBoundingRect()).boundingRect())
    window.step_controls.actions["step"].trigger()  # the view follows the cursor
    assert port.intersects(view.mapFromScene(view.cursor_box.sceneBoundingRect()).boundingRect())
    view_action(window, "&Fit to window").trigger()
    assert view.spread == 1.0 and view.tables.kinds == fitted
    view_action(window, "Zoom &out").trigger()
    assert view.transform().m11() < 1.0  # past the fitted view: smaller, as a picture


@pytest.mark.parametrize("presenter, size", [(True, (1280, 800)), (False, (1920, 1080))])
def test_a_dense_columns_focus_labels_are_nearest_their_own_unit(make_window, tmp_path,
                                                                 presenter, size):
    """4-16-16-16-3: at a gradient ∂L/∂w = δ_j u_i, the δ is shown beside its unit, nearer to
    it than to any other unit of its column (not half a line off, between two of them)."""
    from gui.stepper.network_focus import unit_of

    window = make_window("mazur", size=size)
    assert window.open_path(network_file(tmp_path, [4, 16, 16, 16, 3]))
    if presenter:
        presenter_at(window, size)
    view, stepper = window.network_view, window.controller.stepper
    view.fit()
    assert not view.layout.full
    checked = 0
    for cursor in range(0, len(stepper.trace), 7):
        stepper.cursor = cursor
        window.controller.state_changed.emit()
        if stepper.current is None or not stepper.current.key.startswith("grad_w:"):
            continue
        for key in view._focus:
            unit = unit_of(view, key)
            if unit is None or key not in view.labels or not view.labels[key][0].isVisible():
                continue
            y = view.labels[key][0].sceneBoundingRect().center().y()
            column = [k for k in view.centres if k[0] == unit[0]]
            nearest = min(column, key=lambda k: abs(view.centres[k].y() - y))
            assert nearest == unit, f"{key} at {cursor}"
            checked += 1
    assert checked > 10


def test_zoom_keys_leave_the_network_alone_on_a_tab_without_it(make_window):
    """On the Training tab + and − have no drawing to zoom: the Stepper's network, hidden,
    stays fitted to its window."""
    window = make_window("circle", size=(1280, 800))
    view = window.network_view
    window.tabs.setCurrentWidget(window.training_tab)
    view_action(window, "Zoom &out").trigger()
    view_action(window, "Zoom &in").trigger()
    assert view.auto_fit and view.spread == 1.0 and view.transform().m11() == 1.0
    window.tabs.setCurrentWidget(window.graph_tab)
    graph = window.graph_tab.view
    before = graph.transform().m11()
    view_action(window, "Zoom &in").trigger()
    assert graph.transform().m11() > before and not graph.auto_fit
    assert view.auto_fit


def test_table_orientations_come_fewest_rows_first():
    """3-5-4-2: W1 as 3 × 5 and W2 as 4 × 5 (rows for their smaller layer) and W3 as 4 × 2
    (rows for its larger one) give tables four rows high; all low would not be lower."""
    from gui.stepper.weight_tables import orientations, shape

    sizes = [3, 5, 4, 2]
    order = orientations(sizes)
    assert len(order) == 8
    rows = [max(shape(sizes, l + 1, low)[1] for l, low in enumerate(o)) for o in order]
    assert rows == sorted(rows) and rows[0] == 4 and rows[-1] == 5
    assert order[0] == (True, True, False)  # of the four-row ones, the fewest columns


def test_the_gradient_of_a_bias_is_boxed_on_its_delta(make_window):
    """∂L/∂b is δ: at its step the δ label (which shows the value) is boxed, not the bias."""
    window = make_window("softmax3", size=(1280, 800))
    view, stepper = window.network_view, window.controller.stepper
    view.fit()
    while stepper.current is None or stepper.current.quantity != "grad_b":
        window.step_controls.actions["step"].trigger()
    rest = stepper.current.key.split(":", 1)[1]
    delta = view.labels[f"delta:{rest}"][0].sceneBoundingRect()
    bias = view.labels[f"b:{rest}"][0].sceneBoundingRect()
    assert view.cursor_box.isVisible()
    assert view.cursor_box.rect().contains(delta.center())
    assert not view.cursor_box.rect().contains(bias.center())


def test_a_table_whose_rows_are_the_sources_is_named_transposed(make_window, tmp_path):
    """The formulas write w_{j,i} with j the target: a table with a row for each source unit is
    that matrix turned over, and its name says so (W1ᵀ); its name stays clear of the columns'."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    view = window.network_view
    view.fit()
    plans = view.tables.plans
    assert {p.rows_are_targets for p in plans} == {True, False}  # both kinds in this layout
    for p in plans:
        name = view.labels[f"name:W{p.layer}"][0]
        assert name.text() == (f"W{p.layer}" if p.rows_are_targets else f"W{p.layer}ᵀ")
        first = view.labels[f"name:col:{p.layer}:0"][0]
        assert name.sceneBoundingRect().right() < first.sceneBoundingRect().left()


@pytest.mark.parametrize("example, presenter", [("softmax3", False), ("softmax3", True),
                                                ("circle", True), ("mazur", False)])
def test_each_units_u_stays_inside_its_oval(make_window, example, presenter):
    """softmax3 in its second sample: "−0.05786" and its plate poked out of the oval's sides
    (an ellipse is narrower above and below its middle line than the layout allowed for)."""
    window = make_window(example, size=(1280, 800))
    if presenter:
        presenter_at(window)
    view, stepper = window.network_view, window.controller.stepper
    while stepper.samples_done < 1 or stepper.cursor < len(stepper.trace) // 2:
        window.step_controls.actions["step"].trigger()
    view.fit()
    checked = 0
    for (l, j), node in view.nodes.items():
        plate = view.plates[f"u:{l}:{j}"]
        if not plate.isVisible():
            continue
        oval = node.sceneBoundingRect().adjusted(1, 1, -1, -1)  # (inside its pen)
        centre, a, b = oval.center(), oval.width() / 2, oval.height() / 2
        for corner in (plate.rect().topLeft(), plate.rect().topRight(),
                       plate.rect().bottomLeft(), plate.rect().bottomRight()):
            d = ((corner.x() - centre.x()) / a) ** 2 + ((corner.y() - centre.y()) / b) ** 2
            assert d <= 1.0, (l, j, view.labels[f"u:{l}:{j}"][0].text())
        checked += 1
    assert checked == sum(window.controller.network.sizes)


def test_a_new_bias_is_shown_by_its_unit_or_named(make_window, tmp_path):
    """3-3-3-3-3 in presenter mode: with no free place round h1,1, its new bias went to a free
    place far off, under x2 (an input has no bias), or over another bias label. Now it is by
    its unit, or named on the line of the loss."""
    from gui.stepper.network_focus import unit_label

    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 3, 3, 3, 3]))
    presenter_at(window)
    view, stepper = window.network_view, window.controller.stepper
    view.fit()
    net, seen = window.controller.network, 0
    for cursor, op in enumerate(stepper.trace, start=1):
        if op.quantity != "b":
            continue
        stepper.cursor = cursor
        window.controller.state_changed.emit()
        item = next(i for i in view.focus_items if i.isVisible() and "b →" in i.text())
        name = unit_label(net, op.layer, op.unit)
        c, r = view.centres[(op.layer, op.unit)], item.sceneBoundingRect()
        near = (abs(r.center().x() - c.x()) < view.layout.half_width + r.width()
                and abs(r.center().y() - c.y()) < view._radius + 2.5 * r.height())
        assert near or item.text().startswith(f"{name}: "), (name, item.text())
        assert not overlapping(view), name
        seen += 1
    assert seen == 12


@pytest.mark.parametrize("example", ["circle", "softmax3"])
def test_units_keep_their_names_beside_their_z_and_delta(make_window, example):
    """In presenter mode on a 1280x700 screen z and δ go left of each unit, where its name was:
    the names were dropped, while the tables and the Values dock call the units x1, h3, o1.
    Each name is now beside its unit (an input's on its left, the others' on their right),
    clear of every number."""
    from gui.stepper.network_focus import unit_label

    window = make_window(example, size=(1280, 700))
    presenter_at(window, (1280, 700))
    view = window.network_view
    view.fit()
    for _ in range(20):
        window.step_controls.actions["step"].trigger()
    assert view.layout.side and view.layout.names
    net = window.controller.network
    numbers = [item.sceneBoundingRect() for key, (item, _) in view.labels.items()
               if not key.startswith("name:") and item.isVisible() and item.text()]
    for (l, j), centre in view.centres.items():
        name = view.labels[f"name:{l}:{j}"][0]
        r = name.sceneBoundingRect()
        assert name.isVisible() and name.text() == unit_label(net, l, j)
        assert abs(r.center().y() - centre.y()) < view._radius
        beside = r.right() < centre.x() if l == 0 else r.left() > centre.x()
        assert beside and abs(r.center().x() - centre.x()) < 3 * view.layout.half_width
        assert not any(r.intersects(other) for other in numbers), name.text()


def test_the_current_edges_reach_their_unit_over_the_plates_of_z_and_delta(make_window):
    """softmax3 in presenter mode on a 1280x700 screen has z and δ left of each unit, where its
    edges arrive: the edges the step reads were hidden under those labels' plates for their
    last 120 px, and seemed to end short of the unit. They are drawn over the plates, under the
    text."""
    window = make_window("softmax3", size=(1280, 700))
    presenter_at(window, (1280, 700))
    view, stepper = window.network_view, window.controller.stepper
    view.fit()
    while stepper.current is None or stepper.current.quantity != "z" or stepper.current.layer < 2:
        window.step_controls.actions["step"].trigger()
    assert view.layout.side
    key = f"z:{stepper.current.layer}:{stepper.current.unit}"
    plate, text = view.plates[key], view.labels[key][0]
    assert plate.zValue() < view.highlight_item.zValue() < text.zValue()


def test_more_height_never_gives_the_cells_fewer_lines(make_window, tmp_path):
    """3-5-4-2's second sample at presenter size: a taller view made the units' ovals taller
    and so narrower, until a trained bias no longer fitted under its unit and the cells fell
    from two lines to one for 60 px more height. The oval stays flatter (and wider) there."""
    from gui.stepper.network_layout import layout_network
    from gui.stepper.weight_tables import table_layout

    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 5, 4, 2]))
    presenter_at(window)
    stepper, view = window.controller.stepper, window.network_view
    for _ in range(len(stepper.trace) + 60):  # well into sample 2: the biases trained
        window.step_controls.actions["step"].trigger()
    width = view.viewport().width()
    lines = []
    for height in range(480, 700, 8):
        planned = table_layout(view, width, height, layout_network)
        lines.append(0 if planned is None else len(planned[2].kinds))
    assert lines == sorted(lines) and lines[0] < 3 == lines[-1], lines


def test_3_4_4_3_late_in_training_keeps_every_number_in_presenter_mode(make_window, tmp_path):
    """The end of 3-4-4-3's third sample at 1280x800: its gradients had grown a digit longer,
    and the tables were 20 px too wide for any cell of more than w. Short of width, their
    columns come closer (the rules between them still part them)."""
    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [3, 4, 4, 3]))
    presenter_at(window)
    stepper, view = window.controller.stepper, window.network_view
    while stepper.samples_done < 2 or not stepper.at_end:
        window.step_controls.actions["step"].trigger()
    view.fit()
    assert view.tables.kinds == EDGE_KINDS and view.tables.close
    check_position(window, 22.0, every_weight=True)
    for p in view.tables.plans:  # two numbers side by side stay apart
        assert min(p.col_widths) > 3 * view.tables.line


def test_a_zoom_from_the_keys_keeps_the_cursor_in_view_wherever_the_mouse_rests(
        make_window, tmp_path, monkeypatch):
    """With the menu, tool and tab bars hidden the view starts at the window's top edge, where
    the mouse of the offscreen tests rests: the keys' zoom went about the mouse and lost the
    current operation. The wheel's zoom goes about the mouse; the keys' follow the cursor."""
    import gui.stepper.network_edit as edit

    window = make_window("mazur", size=(1280, 800))
    assert window.open_path(network_file(tmp_path, [2, 8, 8, 1]))
    view = window.network_view
    view.fit()
    corner = view.viewport().mapToGlobal(view.viewport().rect().topLeft()) + QPoint(5, 5)
    monkeypatch.setattr(edit.QCursor, "pos", staticmethod(lambda: corner))
    stepper, last = window.controller.stepper, len(window.controller.network.sizes) - 1
    while stepper.current is None or stepper.current.layer != last:  # the output, at the right
        window.step_controls.actions["step"].trigger()
    for _ in range(3):
        view_action(window, "Zoom &in").trigger()
    assert view.spread > 1
    port = QRectF(view.viewport().rect())
    box = view.mapFromScene(view.cursor_box.sceneBoundingRect()).boundingRect()
    assert view.cursor_box.isVisible() and port.intersects(QRectF(box))
