"""What the Training tab shows while a run goes on and changes: one epoch everywhere, new runs
for new data or architecture, marks for optimizer changes, undo of runs, multi-class data,
exports, and a quiet exit. The assertions are on what the plots hold, never on timing."""

import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject

import gui.app
from core.network import Network
from gui.training.settings import CSV, MAX_LEARNING_RATE, build_for, outputs_for
from gui.training.worker import grid_points

WAIT = 5000


@pytest.fixture
def window(make_window):
    win = make_window("circle", size=(1280, 800))
    win.tabs.setCurrentWidget(win.training_tab)
    return win


def choose_data(dock, name: str) -> None:
    index = dock.data_combo.findData(name)
    dock.data_combo.setCurrentIndex(index)
    dock.data_combo.activated.emit(index)


def shown_epochs(window) -> dict[str, int]:
    """The epoch every view shows: each plot's, the loss header's, the loss curve's last point
    and the dock's line."""
    tab, dock = window.training_tab, window.training_dock
    epochs = {type(p).__name__: p.shown_epoch for p in tab.plots}
    epochs["loss header"] = int(tab.loss_plot.info.text().split(" ")[1])
    epochs["loss curve"] = int(tab.loss_plot.train_curve.xData[-1])
    epochs["dock"] = int(dock.progress.text().split(" ")[1])
    return epochs


def network_from(snapshot, like: Network) -> Network:
    net = like.copy()
    for (W, b), layer in zip(snapshot.weights, net.layers):
        layer.W[...] = W
        layer.b[...] = b
    return net


def boundary_matches(window, snapshot) -> bool:
    """The boundary plot's grid is the output of the snapshot's weights on the grid."""
    grid = window.training_tab.boundary_plot.grid
    net = network_from(snapshot, window.training.trainer.network)
    expected = net.predict(grid_points(grid.xs, grid.ys))[:, 0].reshape(grid.values.shape)
    return np.allclose(grid.values, expected)


def test_every_view_shows_the_frames_epoch_while_training(qtbot, window):
    training = window.training
    seen = []

    def check(snapshot):  # connected after the views: they have drawn this frame
        epochs = shown_epochs(window)
        seen.append((snapshot.epoch, set(epochs.values()), boundary_matches(window, snapshot)))

    training.frame_ready.connect(check)
    window.training_dock.train_action.trigger()
    qtbot.waitUntil(lambda: len(seen) >= 6 and seen[-1][0] > 20, timeout=WAIT)
    window.training_dock.train_action.trigger()  # pause: the final frame, shown at once
    training.frame_ready.disconnect(check)
    for epoch, epochs, boundary in seen:
        assert epochs == {epoch} and boundary
    assert set(shown_epochs(window).values()) == {training.trainer.epoch}
    assert all(plot.view.updatesEnabled() for plot in window.training_tab.plots)  # all painted
    loss = window.training_tab.loss_plot.train_curve
    assert np.array_equal(loss.xData, np.arange(training.trainer.epoch + 1))  # no row missing


class PaintCounter(QObject):
    """Counts the paints of each widget in ``widgets``."""

    def __init__(self, widgets) -> None:
        super().__init__()
        self.widgets = list(widgets)
        self.counts = [0] * len(self.widgets)
        for widget in self.widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.Paint and watched in self.widgets:
            self.counts[self.widgets.index(watched)] += 1
        return False


def test_a_frame_that_moves_the_axes_paints_each_plot_once(qtbot, window):
    """The new view ranges reach the curves while the frame is drawn: in the paint they would
    ask for a second paint of the plot."""
    training, tab = window.training, window.training_tab
    training.train_sync(3)
    qtbot.wait(50)
    ranges = [plot.range.target for plot in (tab.loss_plot, tab.saturation_plot,
                                             tab.gradient_plot)]  # fmt: skip
    paints = PaintCounter(plot.view.viewport() for plot in tab.plots)
    training.train_sync(400)
    qtbot.wait(50)
    assert ranges != [plot.range.target for plot in (tab.loss_plot, tab.saturation_plot,
                                                     tab.gradient_plot)]  # fmt: skip
    assert paints.counts == [1, 1, 1, 1]


def test_a_new_data_set_while_training_starts_a_fresh_run(qtbot, window):
    training, dock = window.training, window.training_dock
    dock.train_action.trigger()
    qtbot.waitUntil(lambda: training.epoch > 30, timeout=WAIT)
    old_run = training.run
    choose_data(dock, "xor")  # applied at once: the views show the new run's epoch 0
    assert training.run != old_run and training.running
    assert set(shown_epochs(window).values()) == {0}
    fresh = build_for(training.settings, 2, outputs_for(training.data, training.settings), "xor")
    shown = training.shown
    for (W, b), layer in zip(shown.weights, fresh.layers):  # fresh weights from the seed
        assert np.array_equal(W, layer.W) and np.array_equal(b, layer.b)
    assert boundary_matches(window, shown)
    xs = window.training_tab.boundary_plot.train_points.data["x"]
    assert np.array_equal(np.sort(xs), np.sort(training.train.X[:, 0]))  # the xor points
    qtbot.waitUntil(lambda: training.epoch > 5, timeout=WAIT)
    dock.train_action.trigger()
    assert list(training.store.arrays()["epoch"]) == list(range(training.trainer.epoch + 1))
    assert set(shown_epochs(window).values()) == {training.trainer.epoch}


def test_an_optimizer_change_continues_the_run_and_is_marked(window):
    training = window.training
    training.train_sync(5)
    weights = training.trainer.network.layers[0].W.copy()
    assert training.set_learning_rate_text("0.03")
    assert training.trainer.epoch == 5  # the same run, the same weights
    assert np.array_equal(training.trainer.network.layers[0].W, weights)
    marks = window.training_tab.loss_plot.marks
    assert [(m.value(), m.label.format) for m in marks] == [(5, "Learning rate 0.03")]
    training.train_sync(2)
    window.undo_action.trigger()
    assert training.settings.learning_rate == 0.1 and training.trainer.epoch == 7
    assert [m.value() for m in window.training_tab.loss_plot.marks] == [5, 7]
    assert "undo" in window.training_tab.loss_plot.marks[1].label.format


def test_undo_of_a_data_change_brings_the_old_run_back(window):
    training = window.training
    training.train_sync(7)
    weights = [la.W.copy() for la in training.trainer.network.layers]
    choose_data(window.training_dock, "gauss")
    training.train_sync(3)
    assert training.trainer.epoch == 3
    window.undo_action.trigger()
    assert training.settings.data.name == "circle" and training.trainer.epoch == 7
    assert set(shown_epochs(window).values()) == {7}
    assert list(window.training_tab.loss_plot.train_curve.xData) == list(range(8))
    for before, layer in zip(weights, window.controller.network.layers):
        assert np.array_equal(before, layer.W)
    window.training_dock.reset_action.trigger()  # Reset is a new run too, undone the same way
    assert set(shown_epochs(window).values()) == {0}
    loss = window.training_tab.loss_plot.train_curve
    assert len(loss.xData) == 1 and loss.opts["symbol"] is not None  # epoch 0 drawn as a dot
    tab = window.training_tab
    for curve in (tab.gradient_plot.curves[0], tab.saturation_plot.fractions[0]):
        assert len(curve.xData) == 1 and curve.opts["symbol"] is not None
    window.undo_action.trigger()
    assert training.trainer.epoch == 7 and set(shown_epochs(window).values()) == {7}


def test_the_divergence_banner_follows_the_learning_rate(qtbot, window):
    training = window.training
    choose_data(window.training_dock, "plane")
    assert training.set_learning_rate_text("10")
    training.train_sync(50)
    banner = window.training_tab.banner
    assert training.trainer.status == "diverged" and "(now 10)" in banner.text()
    assert training.set_learning_rate_text("0.01")
    assert "now 0.01 (it was 10)" in banner.text() and "Reset" in banner.text()
    assert not training.set_learning_rate_text("1e-6")  # below the README's 1e-5 … 10
    assert training.set_learning_rate_text("1e-5") and MAX_LEARNING_RATE == 10


def test_three_class_spiral_with_softmax(window):
    training, dock = window.training, window.training_dock
    choose_data(dock, "spiral3")
    assert training.settings.output == "softmax_ce"
    outputs = [dock.output.itemData(i) for i in range(dock.output.count())]
    assert "softmax_ce" in outputs and "sigmoid_bce" not in outputs
    assert window.controller.network.sizes == [2, 4, 3]
    training.train_sync(3)
    trainer = training.trainer
    predicted = trainer.network.predict(trainer.X).argmax(axis=1)
    accuracy = np.mean(predicted == trainer.Y.argmax(axis=1))
    assert trainer.history.train_accuracy[-1] == pytest.approx(accuracy)  # argmax accuracy
    assert f"accuracy {accuracy:.0%}" in window.training_tab.loss_plot.info.text()
    plot = window.training_tab.boundary_plot
    assert plot.grid.values.shape == (60, 60, 3) and plot.image.image.shape == (60, 60, 3)
    winner = plot.grid.values.argmax(axis=2)
    from gui.training.plots.boundary import CLASS_COLOURS

    for i, j in ((0, 0), (30, 30), (59, 10)):
        pixel = plot.image.image[j, i].astype(float)  # ImageItem is indexed [x, y]
        colours = np.array(CLASS_COLOURS[:3], dtype=float)
        white = np.array([250.0, 250.0, 250.0])
        # The pixel lies on the line from white to its class's colour, nearest that class.
        closest = np.argmin([np.linalg.norm(np.cross(pixel - white, c - white)) for c in colours])
        assert closest == winner[i, j]
    brushes = {b.color().getRgb()[:3] for b in plot.train_points.data["brush"]}
    assert brushes == set(CLASS_COLOURS[:3])  # each point in its class's colour


def test_a_csv_of_class_labels_trains_as_classes(window, tmp_path):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(90, 2))
    labels = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    path = tmp_path / "three.csv"
    path.write_text("a,b,label\n" + "".join(f"{a},{b},{c}\n" for (a, b), c in zip(X, labels)))
    window.training_dock.ask_csv_path = lambda: str(path)
    choose_data(window.training_dock, CSV)
    training = window.training
    assert training.settings.data.name == CSV and training.settings.output == "softmax_ce"
    assert window.controller.network.sizes == [2, 4, 3]
    banner = window.training_tab.banner  # the switch of output layer is said, not silent
    assert banner.isVisible() and "class labels 0 to 2" in banner.text()
    assert "softmax · cross-entropy" in banner.text()
    assert np.array_equal(training.train.Y.sum(axis=1), np.ones(len(training.train.Y)))
    training.train_sync(2)
    assert training.trainer.classification and training.trainer.status == "ok"
    points = tmp_path / "points.csv"
    window.training_tab.boundary_plot.export_points(str(points))
    rows = points.read_text().splitlines()
    assert rows[0] == "x1,x2,class,set" and len(rows) == 91
    assert {r.split(",")[2] for r in rows[1:]} == {"0", "1", "2"}


def test_softmax3_example_trains_in_the_window(window):
    assert window.open_example("softmax3")
    training = window.training
    assert training.trainer is not None and training.settings.data.name == "blobs3"
    assert training.settings.output == "softmax_ce"
    window.training_dock.epoch_action.trigger()
    assert training.trainer.epoch == 1 and not window.training_tab.banner.isVisible()


def test_svg_scatter_points_keep_their_colours_and_large_ones_are_thinned(window, tmp_path):
    window.training.train_sync(2)
    plot = window.training_tab.boundary_plot
    path = tmp_path / "boundary.svg"
    plot.export(str(path))
    fills = [el.get("fill") for el in ET.parse(path).iter() if el.get("fill")]
    orange, blue = "#d66027", "#2166ac"
    train = window.training.train
    ones = int(train.labels().sum())
    # One filled symbol per point, in its class's colour (plus a few for the rest of the plot).
    assert ones <= fills.count(blue) < ones + 5
    assert len(train) - ones <= fills.count(orange) < len(train) - ones + 5
    rng = np.random.default_rng(0)
    big = rng.normal(size=(100_000, 2))
    plot.train_points.setData(big[:, 0], big[:, 1], brush="#009e73")
    plot.export(str(path))
    assert path.stat().st_size < 2_000_000
    assert len(plot.train_points.data) == 100_000  # the plot itself keeps every point
    png = tmp_path / "boundary.png"
    plot.export(str(png))
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert image.width() >= 2 * plot.view.width() and image.height() >= 2 * plot.view.height()


def test_legends_sit_outside_the_plots_and_the_layer_picker_fits(window):
    tab = window.training_tab
    for plot in (tab.loss_plot, tab.gradient_plot):
        legend = plot.legend.sceneBoundingRect()
        assert not legend.intersects(plot.plot.vb.sceneBoundingRect())
    combo = tab.saturation_plot.layer_combo
    text = combo.fontMetrics().horizontalAdvance("layer 8 (leaky_relu)")
    assert combo.minimumSizeHint().width() >= text


def test_long_curves_are_drawn_without_gaps(window):
    training = window.training
    training.train_sync(3000)
    curve = window.training_tab.loss_plot.train_curve
    window.grab()
    shown = curve.curve.xData  # what the curve draws after thinning for the screen
    assert shown[0] == 0 and shown[-1] == 3000
    assert np.diff(shown).max() < 0.02 * 3000


@pytest.mark.qt_no_exception_capture
def test_closing_after_presenter_mode_and_undo_is_silent(qtbot, monkeypatch):
    from gui.main_window import MainWindow

    errors = []
    monkeypatch.setattr(gui.app, "show_unexpected_error", lambda k, v: errors.append(v))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    gui.app.install_exception_hook()
    win = MainWindow()  # not given to qtbot: this test deletes it as the app does at exit
    win.ask_discard = lambda: "discard"
    assert win.open_example("circle")
    win.show()
    qtbot.waitExposed(win)
    win.presenter_action.trigger()
    win.presenter_action.trigger()
    assert win.training.set_learning_rate_text("0.05")
    win.training_dock.epoch_action.trigger()
    win.close()
    training = win.training
    destroyed = []
    training.undo_stack.destroyed.connect(lambda: destroyed.append(True))
    win.deleteLater()
    qtbot.waitUntil(lambda: bool(destroyed), timeout=WAIT)
    assert not shiboken6.isValid(win)
    assert errors == []


def test_the_dock_forgets_its_undo_slot_when_deleted(qtbot, window):
    """The connection dies with the dock: clearing the stack later touches no deleted label."""
    dock, stack = window.training_dock, window.training.undo_stack
    assert window.training.set_learning_rate_text("0.05")
    window.removeDockWidget(dock)
    shiboken6.delete(dock)
    stack.clear()  # emits indexChanged
    assert isinstance(stack, QObject) and stack.count() == 0


def test_a_run_in_the_window_stops_at_the_epoch_cap(qtbot, window, monkeypatch):
    import gui.training.controller as controller_module

    monkeypatch.setattr(controller_module, "MAX_GUI_EPOCHS", 30)
    training = window.training
    window.training_dock.train_action.trigger()
    qtbot.waitUntil(lambda: not training.running, timeout=WAIT)
    assert training.trainer.epoch == 30 and set(shown_epochs(window).values()) == {30}
    banner = window.training_tab.banner
    assert banner.isVisible() and "30 epochs" in banner.text() and "Reset" in banner.text()
    window.training_dock.train_action.trigger()  # refused, with the same reason
    assert not training.running and training.trainer.epoch == 30


def test_a_new_architecture_while_training_starts_from_the_seeds_weights(qtbot, window):
    training, dock = window.training, window.training_dock
    dock.train_action.trigger()
    qtbot.waitUntil(lambda: training.epoch > 10, timeout=WAIT)
    dock.layers.setValue(2)
    assert training.running and set(shown_epochs(window).values()) == {0}
    fresh = build_for(training.settings, 2, 1, "circle")
    for (W, _), layer in zip(training.shown.weights, fresh.layers):
        assert np.array_equal(W, layer.W)
    dock.train_action.trigger()


def test_regression_header_gives_the_output_range(window):
    choose_data(window.training_dock, "plane")
    window.training.train_sync(3)
    plot = window.training_tab.boundary_plot
    low, high = np.nanmin(plot.grid.values), np.nanmax(plot.grid.values)
    assert plot.info.text().startswith(f"output {low:.3g} … {high:.3g}")


def test_the_boundary_export_dialog_offers_the_data_points(window, tmp_path):
    window.training.train_sync(1)
    plot = window.training_tab.boundary_plot
    (choice, method), = plot.extra_exports
    path = tmp_path / "points.csv"
    plot.ask_export_path = lambda: (str(path), choice)
    plot.export_dialog()
    rows = path.read_text().splitlines()
    assert rows[0] == "x1,x2,class,set" and len(rows) == 1 + len(window.training.data)
    plot.ask_export_path = lambda: (str(tmp_path / "grid.csv"), "CSV data (*.csv)")
    plot.export_dialog()
    assert (tmp_path / "grid.csv").read_text().startswith("x1,x2,output")


def test_a_network_that_does_not_fit_leaves_no_old_run_on_screen(window):
    window.training.train_sync(4)
    assert window.open_example("mazur")  # 2 outputs, the circle has 1 target: no run
    tab = window.training_tab
    assert window.training.trainer is None and tab.banner.isVisible()
    xs = tab.loss_plot.train_curve.getData()[0]
    assert (xs is None or len(xs) == 0) and tab.boundary_plot.grid is None
    assert tab.boundary_plot.image.image is None and len(tab.boundary_plot.train_points.data)
    assert all(plot.shown_epoch is None for plot in tab.plots)
    assert window.training_dock.progress.text().startswith("no run")
    window.training_dock.reset_action.trigger()  # a fitting network: a run again, at epoch 0
    assert set(shown_epochs(window).values()) == {0}


def test_a_thinned_history_is_labelled_on_the_loss_plot(window):
    import dataclasses

    from gui.training.history import HistoryStore

    training = window.training
    store = training.store = HistoryStore(2)
    n = 20_000
    epochs = np.arange(n, dtype=float)
    rows = {name: np.full(n, 0.5) for name in ("train_loss", "test_loss", "train_accuracy",
                                                  "test_accuracy")}  # fmt: skip
    rows.update(epoch=epochs, grad_norm=np.ones((n, 2)), saturation=np.full((n, 1), 0.2))
    store.ingest(0, rows)
    snapshot = dataclasses.replace(training.shown, epoch=n - 1, arrays=store.arrays())
    plot = window.training_tab.loss_plot
    plot.on_snapshot(snapshot)
    label = plot.plot.getAxis("bottom").labelText
    assert f"before {store.thinned_before:,}: 1 in {store.stride} shown" in label
    assert store.stride > 1 and plot.train_curve.xData[-1] == n - 1


def test_softmax_over_two_classes(window):
    dock, training = window.training_dock, window.training
    index = dock.output.findData("softmax_ce")
    assert index >= 0  # offered for 0/1 targets too
    dock.output.setCurrentIndex(index)
    dock.output.activated.emit(index)
    assert window.controller.network.sizes == [2, 4, 2]
    assert training.train.Y.shape[1] == 2 and training.trainer is not None
    training.train_sync(2)
    assert window.training_tab.boundary_plot.image.image.shape == (60, 60, 3)


def test_circle_spiral3_circle_returns_to_the_two_class_output(window):
    training, dock = window.training, window.training_dock
    choose_data(dock, "circle")
    assert training.settings.output == "sigmoid_bce"
    training.start()  # while training, as a user would switch
    choose_data(dock, "spiral3")
    assert training.settings.output == "softmax_ce"
    assert window.controller.network.sizes[-1] == 3
    choose_data(dock, "circle")
    assert training.settings.output == "sigmoid_bce"
    assert window.controller.network.sizes[-1] == 1
    assert dock.output.currentData() == "sigmoid_bce"
    banner = window.training_tab.banner  # and it is said, not done silently
    assert "sigmoid · cross-entropy" in banner.text() and "two classes" in banner.text()
    training.pause()
    # A softmax chosen by the user for two classes is what comes back.
    dock.output.setCurrentIndex(dock.output.findData("softmax_ce"))
    dock.output.activated.emit(dock.output.currentIndex())
    choose_data(dock, "spiral3")
    choose_data(dock, "circle")
    assert training.settings.output == "softmax_ce" and window.controller.network.sizes[-1] == 2
